// The article as read: its text with every place it names marked (those
// inside an organisation's name marked apart), the sentences claims were
// read from, and the list of places named. Offsets from the API count
// Unicode code points, so the text is cut as Array.from(text), never by
// UTF-16 index. Everything is put in as text nodes: nothing from the
// article or the API becomes markup.

const regions = typeof Intl !== 'undefined' && Intl.DisplayNames ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

// countryName is the English name of an ISO 3166-1 alpha-2 code.
export function countryName(code) {
  if (typeof code !== 'string' || !/^[A-Z]{2}$/.test(code)) return code || '';
  try {
    return regions?.of(code) || code;
  } catch {
    return code;
  }
}

const KIND_WORDS = { air_base: 'air base', border_crossing: 'border crossing' };
export const kindWords = (k) => KIND_WORDS[k] || String(k || 'place').replace(/_/g, ' ');

// mentionTitle is what a mark's tooltip says of the place it resolved to.
export function mentionTitle(m) {
  const where = [kindWords(m.kind), countryName(m.country)].filter(Boolean).join(' in ');
  let s = `${m.name || m.text} (${where}) · ${m.place_id}`;
  if (m.in_org) s += ' · inside an organisation\u2019s name: it places the organisation, not an event';
  return s;
}

// goodSpan is true for a span [start, end) within n code points.
const goodSpan = (s, e, n) => Number.isInteger(s) && Number.isInteger(e) && s >= 0 && s < e && e <= n;

// createText shows an article's text in the element el and the places it
// names in the element places, summed up in the element summary.
export function createText({ el, places, summary }) {
  let marks = new Map(); // place id -> [mark]
  let quotes = new Map(); // claim id -> [element]
  let picked = null;

  // show puts the text in, with its mentions and the claims' quotes.
  function show(text, mentions, claims) {
    const cps = Array.from(text || '');
    const n = cps.length;
    const ms = (mentions || []).filter((m) => goodSpan(m.start, m.end, n)).sort((a, b) => a.start - b.start || b.end - a.end);
    const qs = (claims || []).filter((c) => goodSpan(c.start, c.end, n));
    const cuts = new Set([0, n]);
    for (const m of ms) { cuts.add(m.start); cuts.add(m.end); }
    for (const c of qs) { cuts.add(c.start); cuts.add(c.end); }
    const at = [...cuts].sort((a, b) => a - b);
    marks = new Map();
    quotes = new Map();
    picked = null;
    const frag = document.createDocumentFragment();
    let mi = 0;
    for (let i = 0; i + 1 < at.length; i++) {
      const a = at[i], b = at[i + 1], piece = cps.slice(a, b).join('');
      while (mi < ms.length && ms[mi].end <= a) mi++;
      const m = mi < ms.length && ms[mi].start <= a && b <= ms[mi].end ? ms[mi] : null;
      const inQuotes = qs.filter((c) => c.start <= a && b <= c.end);
      if (!m && !inQuotes.length) {
        frag.append(piece);
        continue;
      }
      const node = document.createElement(m ? 'mark' : 'span');
      node.textContent = piece;
      if (m) {
        node.className = m.in_org ? 'mention in-org' : 'mention';
        node.title = mentionTitle(m);
        node.dataset.place = m.place_id;
        if (!marks.has(m.place_id)) marks.set(m.place_id, []);
        marks.get(m.place_id).push(node);
      }
      if (inQuotes.length) {
        node.classList.add('quote');
        node.dataset.claims = inQuotes.map((c) => c.id).join(' ');
        for (const c of inQuotes) {
          if (!quotes.has(c.id)) quotes.set(c.id, []);
          quotes.get(c.id).push(node);
        }
      }
      frag.append(node);
    }
    el.textContent = '';
    el.append(frag);
    el.scrollTop = 0;
    listPlaces(ms);
  }

  // listPlaces shows each place named once, with how often it is named;
  // picking one marks its mentions and brings the first into view.
  function listPlaces(ms) {
    const byPlace = new Map();
    for (const m of ms) {
      const p = byPlace.get(m.place_id) || { m, n: 0, inOrg: 0 };
      p.n++;
      if (m.in_org) p.inOrg++;
      byPlace.set(m.place_id, p);
    }
    places.textContent = '';
    const sorted = [...byPlace].sort((a, b) => b[1].n - a[1].n);
    if (!byPlace.size) {
      summary.textContent = 'No places found in the text.';
      return;
    }
    const first = sorted.slice(0, 4).map(([, p]) => p.m.name || p.m.text).join(', ');
    summary.textContent = `Places named (${byPlace.size}): ${first}${byPlace.size > 4 ? '\u2026' : ''}`;
    const ul = document.createElement('ul');
    for (const [id, { m, n, inOrg }] of sorted) {
      const li = document.createElement('li');
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = inOrg === n ? 'chip in-org' : 'chip';
      btn.dataset.place = id;
      btn.title = mentionTitle({ ...m, in_org: inOrg === n });
      btn.setAttribute('aria-pressed', 'false');
      btn.append(m.name || m.text);
      const c = document.createElement('small');
      c.textContent = n > 1 ? ` ×${n}` : '';
      btn.append(c);
      btn.setAttribute('aria-label', `${m.name || m.text}, ${countryName(m.country)}, named ${n} time${n > 1 ? 's' : ''}: mark in the text`);
      btn.addEventListener('click', () => pickPlace(picked === id ? null : id));
      li.append(btn);
      ul.append(li);
    }
    places.append(ul);
  }

  function pickPlace(id) {
    for (const n of el.querySelectorAll('mark.picked')) n.classList.remove('picked');
    for (const b of places.querySelectorAll('button.chip')) b.setAttribute('aria-pressed', String(b.dataset.place === id));
    picked = id;
    const ms = id ? marks.get(id) || [] : [];
    for (const n of ms) n.classList.add('picked');
    if (ms[0]) ms[0].scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  // mark gives claim id's sentence (none with null) the class cls alone.
  function mark(cls, id) {
    for (const n of el.querySelectorAll(`.quote.${cls}`)) n.classList.remove(cls);
    for (const n of quotes.get(id) || []) n.classList.add(cls);
  }
  // hover marks the sentence of the claim under the pointer; highlight
  // that of the claim selected; reveal also brings it into view.
  const hover = (id) => mark('hover', id);
  const highlight = (id) => mark('hl', id);
  function reveal(id) {
    highlight(id);
    const first = (quotes.get(id) || [])[0];
    if (first) first.scrollIntoView({ block: 'center', behavior: 'smooth' });
    return !!first;
  }

  return { show, hover, highlight, reveal, pickPlace, get marked() { return marks.size; } };
}
