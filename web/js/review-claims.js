// The proposed claims of the article shown: a card for each, in the list
// and as a marker on the small map. A card says what the sentence claims
// (place, action, actor, attribution, time and how precisely it is
// known) and lets the reviewer correct the faction, the place, the time
// and the status before accepting it, or reject it with a reason. The
// decision's result and the claim's new state replace the controls.
// Everything from the API goes in as text nodes or checked attributes.

import * as rapi from './review-api.js';
import { color, instant, iso, words } from './format.js';
import { countryName, kindWords } from './review-text.js';

const STATUSES = [
  ['claimed', 'claimed: one side says so'],
  ['confirmed', 'confirmed: independent sources, or the other side admits it'],
  ['denied', 'denied: a claim the other side denied'],
];
const PRECISIONS = [['hour', 'to the hour'], ['day', 'to the day']];

// h makes an element: attrs are set as properties (class, dataset and
// aria-* / data-* as attributes), children are nodes or strings (text).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('aria-') || k.startsWith('data-') || k === 'for' || k === 'role') el.setAttribute(k, v === true ? 'true' : String(v));
    else el[k] = v;
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

// A time given at all: the zero time ("0001-01-01T00:00:00Z") is none.
const known = (ms) => isFinite(ms) && ms > Date.UTC(1900, 0, 1);

// utcInput is ms as a datetime-local value read as UTC; fromUTCInput the reverse.
export const utcInput = (ms) => (known(ms) ? iso(ms).slice(0, 16) : '');
export function fromUTCInput(v) {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v || '')) return NaN;
  return Date.parse(v.length === 16 ? `${v}:00Z` : `${v}Z`);
}

const minute = (ms) => Math.floor(ms / 60e3) * 60e3;

// syriaTime is the local time in Syria (UTC+3) at ms, "15:00".
export const syriaTime = (ms) => new Date(ms + 3 * 3600e3).toISOString().slice(11, 16);

// timeWords says when a claim puts its change, and how precisely.
export function timeWords(at, precision) {
  const ms = instant(at);
  if (!known(ms)) return 'no time given: the article\u2019s publication time will be used';
  return precision === 'day' ? `${words(ms, false)}, day only (hour taken as ${words(ms).split(', ')[1]})` : `${words(ms)}, to the hour`;
}

// createClaims shows claims in the list ol and on the Leaflet map; text is
// the article view (its quotes are marked from here); token() is the
// reviewer's token, or '' after asking for it; onAuth(err) is told of a
// refused token; onDecided(claim) of every decision.
export function createClaims({ list, count, empty, map, text, token, onAuth, onDecided }) {
  let factions = [], byID = new Map();
  let cards = new Map(); // claim id -> card
  let selected = null;
  const layer = L.layerGroup().addTo(map);

  const faction = (id) => byID.get(id);
  const factionName = (id) => faction(id)?.name || id || 'no faction read';

  function markerStyle(c, isSelected) {
    const s = { pane: 'markerPane', radius: 7, weight: 2, color: '#222', fillColor: color(faction(c.faction)?.color, '#666'), fillOpacity: 0.9, opacity: 1, dashArray: null };
    if (c.status === 'denied') Object.assign(s, { dashArray: '2 3', fillColor: '#fff', fillOpacity: 0.75, color: '#666' });
    if (c.review === 'accepted') Object.assign(s, { weight: 4, color: '#000' });
    if (c.review === 'rejected') Object.assign(s, { opacity: 0.4, fillOpacity: 0.2 });
    if (isSelected) Object.assign(s, { radius: 11, weight: s.weight + 1 });
    return s;
  }

  function setFactions(fs) {
    factions = fs;
    byID = new Map(fs.map((f) => [f.id, f]));
  }

  // render replaces the cards with those of claims.
  function render(claims) {
    layer.clearLayers();
    list.textContent = '';
    cards = new Map();
    selected = null;
    for (const c of claims) {
      const card = makeCard(c);
      cards.set(c.id, card);
      list.append(card.li);
    }
    count.textContent = claims.length ? `(${claims.length})` : '';
    map.getContainer().dataset.markers = String(layer.getLayers().length);
    empty.hidden = claims.length > 0;
    if (!claims.length) empty.textContent = 'No control claims were read from this article.';
    fit();
  }

  function fit() {
    const pts = [...cards.values()].map((c) => c.marker?.getLatLng()).filter(Boolean);
    if (pts.length === 1) map.setView(pts[0], 8, { animate: false });
    else if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.3), { maxZoom: 8, animate: false });
  }

  function select(card, { pan = false, reveal = false } = {}) {
    if (selected && selected !== card) {
      selected.li.classList.remove('selected');
      selected.marker?.setStyle(markerStyle(selected.c, false));
    }
    selected = card;
    if (!card) { text.highlight(null); return; }
    card.li.classList.add('selected');
    if (card.marker) {
      card.marker.setStyle(markerStyle(card.c, true));
      card.marker.bringToFront();
      if (pan) map.panTo(card.marker.getLatLng(), { animate: true });
    }
    if (reveal) text.reveal(card.c.id);
    else text.highlight(card.c.id);
  }

  function makeCard(c) {
    const id = c.id, pre = `claim-${id}`;
    const fac = faction(c.faction);
    const sw = h('span', { class: 'sw', 'aria-hidden': 'true' });
    sw.style.background = color(fac?.color, '#666');
    const statusBadge = h('span', { class: `badge status-${c.status === 'denied' ? 'denied' : 'claimed'}` }, c.status || 'claimed');
    const reviewBadge = h('span', { class: 'badge review' });
    const showBtn = h('button', { type: 'button', class: 'show-quote', 'aria-describedby': `${pre}-q` }, 'Show in the text');
    const head = h('div', { class: 'head' }, sw, h('h3', {}, c.name || c.place_id), statusBadge, reviewBadge, showBtn);

    const facts = h('dl', { class: 'facts' },
      h('dt', {}, 'Action'), h('dd', {}, c.action || '\u2014'),
      h('dt', {}, 'Actor'), h('dd', {}, c.actor ? `${c.actor} \u2192 ` : '', h('b', {}, factionName(c.faction))),
      h('dt', {}, 'Said by'), h('dd', {}, c.attribution || 'the article itself'),
      h('dt', {}, 'Time'), h('dd', { class: 'time' }, timeWords(c.at, c.precision)),
      h('dt', {}, 'Place'), h('dd', {}, `${c.name || ''} \u00b7 ${c.place_id}`));
    const quote = h('blockquote', { class: 'quote-text' }, c.quote ? `\u201c${c.quote}\u201d` : '(no sentence given)');
    quote.id = `${pre}-q`;

    // The corrections.
    const facSel = h('select', { id: `${pre}-faction` });
    if (!fac) facSel.append(h('option', { value: '' }, c.faction ? `${c.faction} (unknown)` : '\u2014 choose \u2014'));
    for (const f of factions) facSel.append(h('option', { value: f.id, selected: f.id === c.faction }, f.name));
    const placeQ = h('input', { id: `${pre}-place-q`, type: 'search', value: c.name || '', autocomplete: 'off', 'aria-describedby': `${pre}-place-note` });
    const findBtn = h('button', { type: 'button', class: 'find' }, 'Find');
    const placeSel = h('select', { id: `${pre}-place`, 'aria-label': 'Place to record' },
      h('option', { value: c.place_id, dataset: { lon: c.lon, lat: c.lat, name: c.name } }, `${c.name} \u00b7 ${c.place_id} (as read)`));
    const placeNote = h('small', { id: `${pre}-place-note`, class: 'note' }, 'Find a place by name, then pick it from the list.');
    const timeIn = h('input', { id: `${pre}-at`, type: 'datetime-local', step: 60, value: utcInput(instant(c.at)), 'aria-describedby': `${pre}-at-note` });
    const timeNote = h('small', { id: `${pre}-at-note`, class: 'note' });
    const precSel = h('select', { id: `${pre}-precision` }, PRECISIONS.map(([v, t]) => h('option', { value: v, selected: v === (c.precision || 'day') }, t)));
    const statusSel = h('select', { id: `${pre}-status` }, STATUSES.map(([v, t]) => h('option', { value: v, selected: v === c.status }, t)));
    const summary = h('p', { class: 'will', id: `${pre}-will`, 'aria-live': 'polite' });
    const fix = h('details', { class: 'fix-box' },
      h('summary', {}, 'Correct the faction, place, time or status'),
      h('fieldset', { class: 'fix' },
        h('legend', { class: 'sr-only' }, 'Corrections to the claim before accepting it'),
        h('label', { for: facSel.id }, 'Faction'), facSel,
        h('label', { for: placeQ.id }, 'Place'),
        h('div', { class: 'place-row' }, h('span', { class: 'find-row' }, placeQ, findBtn), placeSel, placeNote),
        h('label', { for: timeIn.id }, 'Time, UTC'),
        h('div', { class: 'time-row' }, timeIn, h('label', { for: precSel.id, class: 'sr-only' }, 'Precision'), precSel, timeNote),
        h('label', { for: statusSel.id }, 'Status'), statusSel));

    const acceptBtn = h('button', { type: 'button', class: 'accept primary', 'aria-describedby': summary.id }, 'Accept');
    const reason = h('input', { id: `${pre}-reason`, type: 'text', maxLength: 2000, placeholder: 'why not (optional)' });
    const rejectBtn = h('button', { type: 'button', class: 'reject' }, 'Reject');
    const decide = h('div', { class: 'decide' }, acceptBtn,
      h('span', { class: 'reject-row' }, h('label', { for: reason.id }, 'Reason'), reason, rejectBtn));
    const result = h('output', { class: 'result', id: `${pre}-result`, role: 'status', 'aria-live': 'polite', tabIndex: -1 });

    const li = h('li', { class: 'claim', id: pre, dataset: { id: String(id), placeId: c.place_id }, 'aria-labelledby': `${pre}-h` },
      head, quote, facts, summary, fix, decide, result);
    head.querySelector('h3').id = `${pre}-h`;

    const card = { c, li, marker: null, controls: [facSel, placeQ, findBtn, placeSel, timeIn, precSel, statusSel, acceptBtn, reason, rejectBtn],
      fix, decide, result, reviewBadge, statusBadge, sw, summary, facSel, placeSel, timeIn, timeNote, precSel, statusSel, reason, acceptBtn, rejectBtn };

    if (isFinite(c.lat) && isFinite(c.lon) && (c.lat || c.lon)) {
      card.marker = L.circleMarker([c.lat, c.lon], markerStyle(c, false))
        .bindTooltip(() => `${c.name}: ${factionName(card.c.faction)}, ${card.c.status}${card.c.review !== 'pending' ? ', ' + card.c.review : ''}`)
        .on('click', () => { select(card, { reveal: true }); li.scrollIntoView({ block: 'nearest', behavior: 'smooth' }); })
        .addTo(layer);
    }

    const will = () => describeFix(card);
    for (const el of [facSel, placeSel, precSel, statusSel]) el.addEventListener('change', will);
    // A time typed in is known to the hour (the precision can be set back).
    const typedTime = () => {
      const at = fromUTCInput(timeIn.value), was = instant(c.at);
      if (isFinite(at) && minute(at) !== minute(was) && precSel.value === 'day') precSel.value = 'hour';
      will();
    };
    timeIn.addEventListener('input', typedTime);
    timeIn.addEventListener('change', typedTime);
    placeSel.addEventListener('change', () => {
      const o = placeSel.selectedOptions[0];
      const lat = Number(o?.dataset.lat), lon = Number(o?.dataset.lon);
      if (card.marker && isFinite(lat) && isFinite(lon)) {
        card.marker.setLatLng([lat, lon]);
        map.panTo([lat, lon]);
      }
    });
    const find = () => findPlaces(card, placeQ.value.trim());
    findBtn.addEventListener('click', find);
    placeQ.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); find(); } });
    showBtn.addEventListener('click', () => select(card, { reveal: true, pan: true }));
    acceptBtn.addEventListener('click', () => decideOn(card, 'accept'));
    rejectBtn.addEventListener('click', () => decideOn(card, 'reject'));
    li.addEventListener('mouseenter', () => text.hover(c.id));
    li.addEventListener('mouseleave', () => text.hover(null));
    li.addEventListener('focusin', () => { if (selected !== card) select(card); });
    li.addEventListener('click', (e) => { if (!e.target.closest('button, input, select, a, label')) select(card, { pan: true }); });

    showState(card);
    describeFix(card);
    return card;
  }

  // correction is what the reviewer changed: only the fields that differ
  // from the claim's own go to the service.
  function correction(card) {
    const c = card.c, fix = {};
    if (card.facSel.value && card.facSel.value !== c.faction) fix.faction = card.facSel.value;
    if (card.placeSel.value && card.placeSel.value !== c.place_id) fix.place_id = card.placeSel.value;
    const at = fromUTCInput(card.timeIn.value), was = instant(c.at);
    if (isFinite(at) && (!known(was) || minute(at) !== minute(was))) fix.at = iso(at);
    if (card.precSel.value && card.precSel.value !== (c.precision || 'day')) fix.precision = card.precSel.value;
    if (card.statusSel.value && card.statusSel.value !== c.status) fix.status = card.statusSel.value;
    return fix;
  }

  function describeFix(card) {
    const typed = fromUTCInput(card.timeIn.value);
    card.timeNote.textContent = isFinite(typed) ? `${words(typed)} (${syriaTime(typed)} in Syria, UTC+3)` : 'UTC; Syria is UTC+3. Empty: the publication time.';
    if (card.c.review !== 'pending') { card.summary.textContent = ''; card.summary.hidden = true; return; }
    card.summary.hidden = false;
    const fix = correction(card), c = card.c;
    const o = card.placeSel.selectedOptions[0];
    const place = o?.dataset.name || c.name;
    const at = fix.at ? instant(fix.at) : instant(c.at);
    const when = known(at) ? words(at, (fix.precision || c.precision) !== 'day') : 'the publication time';
    const changed = Object.keys(fix).length ? ` (corrected: ${Object.keys(fix).map((k) => k.replace('_id', '')).join(', ')})` : '';
    const who = factionName(fix.faction || c.faction), status = fix.status || c.status;
    card.summary.textContent = status === 'denied'
      ? `Accepting records a denial: that ${who} held ${place} from ${when}${changed}.`
      : `Accepting records: ${who} held ${place} from ${when}, ${status === 'confirmed' ? 'confirmed' : 'as a claim'}${changed}.`;
  }

  async function findPlaces(card, q) {
    if (!q) { card.result.textContent = 'Type a place name to find.'; return; }
    card.result.textContent = 'Finding\u2026';
    try {
      const fc = await rapi.places(q);
      const sel = card.placeSel, keep = sel.options[0];
      sel.textContent = '';
      sel.append(keep);
      for (const f of fc.features || []) {
        const p = f.properties || {}, [lon, lat] = f.geometry?.coordinates || [];
        if (!p.id || p.id === keep.value) continue;
        const where = [kindWords(p.kind), [p.admin1, countryName(p.country)].filter(Boolean).join(', ')].filter(Boolean).join(', ');
        sel.append(h('option', { value: p.id, dataset: { lon, lat, name: p.name } }, `${p.name} \u00b7 ${where} \u00b7 ${p.id}`));
      }
      const n = sel.options.length - 1;
      card.result.textContent = n ? `${n} place${n > 1 ? 's' : ''} found for \u201c${q}\u201d: pick one in the list.` : `No other place found for \u201c${q}\u201d.`;
      if (n) { sel.selectedIndex = 1; sel.dispatchEvent(new Event('change')); sel.focus(); }
    } catch (err) {
      card.result.textContent = err.message;
    }
  }

  async function decideOn(card, what) {
    const tok = token();
    if (!tok) { card.result.textContent = 'Type the reviewer token first (at the top of the page).'; return; }
    const c = card.c;
    for (const el of card.controls) el.disabled = true;
    card.li.setAttribute('aria-busy', 'true');
    card.result.className = 'result';
    card.result.textContent = what === 'accept' ? 'Accepting\u2026' : 'Rejecting\u2026';
    try {
      let answer;
      if (what === 'accept') {
        const fix = correction(card);
        answer = await rapi.accept(c.id, fix, tok);
        answer.claim = { ...answer.claim, lon: fix.place_id ? Number(card.placeSel.selectedOptions[0]?.dataset.lon) : answer.claim.lon,
          lat: fix.place_id ? Number(card.placeSel.selectedOptions[0]?.dataset.lat) : answer.claim.lat };
      } else {
        answer = await rapi.reject(c.id, card.reason.value.trim(), tok);
      }
      update(card, answer.claim, answer.version);
      onDecided?.(answer.claim, answer.version);
    } catch (err) {
      card.result.className = 'result error';
      card.result.textContent = err.message;
      if (err.status === 401) onAuth?.(err);
      if (err.status === 409) await reload(card);
      else if (card.c.review === 'pending') for (const el of card.controls) el.disabled = false;
    } finally {
      card.li.removeAttribute('aria-busy');
      card.result.focus();
    }
  }

  // reload takes the claim's state from the service again (after a 409:
  // someone decided it in the meantime).
  async function reload(card) {
    try {
      const page = await rapi.claims({ article: card.c.article, limit: 1000 });
      const fresh = (page.claims || []).find((x) => x.id === card.c.id);
      if (fresh) update(card, fresh, '', { quiet: true });
    } catch (err) {
      card.result.textContent += ` (${err.message})`;
    }
  }

  // update shows a claim's new state and, unless quiet, what the
  // decision did.
  function update(card, claim, version, { quiet = false } = {}) {
    card.c = { ...card.c, ...claim };
    showState(card);
    if (quiet) return;
    const c = card.c, decidedAt = instant(c.decided_at);
    const when = known(decidedAt) ? ` ${words(decidedAt)}` : '';
    card.result.className = 'result ok';
    card.result.textContent = '';
    card.result.dataset.version = version || '';
    if (c.review === 'accepted') {
      card.result.append(`Accepted${when}: change ${c.change || ''} ` +
        (version ? `is in data version ${version}, now live on the map. ` : 'is stored; the map shows it once its snapshot is built. '));
      const at = instant(c.at);
      const href = `/#t=${iso(known(at) ? at : Date.now())}&z=9&lat=${Number(c.lat).toFixed(2)}&lon=${Number(c.lon).toFixed(2)}`;
      card.result.append(h('a', { href, class: 'map-link' }, 'Show on the map'));
    } else if (c.review === 'rejected') {
      card.result.append(`Rejected${when}: ${c.reason || 'no reason given'}.`);
    }
  }

  function showState(card) {
    const c = card.c;
    card.li.dataset.review = c.review || 'pending';
    card.li.dataset.status = c.status || 'claimed';
    card.li.classList.toggle('denied', c.status === 'denied');
    card.reviewBadge.className = `badge review review-${c.review || 'pending'}`;
    card.reviewBadge.textContent = c.review || 'pending';
    card.statusBadge.textContent = c.status || 'claimed';
    card.statusBadge.className = `badge status-${c.status || 'claimed'}`;
    card.sw.style.background = color(faction(c.faction)?.color, '#666');
    const decided = c.review && c.review !== 'pending';
    card.fix.hidden = decided;
    card.decide.hidden = decided;
    if (decided) card.fix.open = false;
    for (const el of card.controls) el.disabled = decided;
    if (card.marker) card.marker.setStyle(markerStyle(c, selected === card));
    const facts = card.li.querySelector('.facts');
    card.statusBadge.title = c.status === 'denied' ? 'the sentence reports a denial of this claim' : '';
    if (decided && facts) {
      facts.children[3].textContent = '';
      facts.children[3].append(c.actor ? `${c.actor} \u2192 ` : '', h('b', {}, factionName(c.faction)));
      facts.children[7].textContent = timeWords(c.at, c.precision);
      facts.children[9].textContent = `${c.name || ''} \u00b7 ${c.place_id}`;
    }
    describeFix(card);
  }

  return {
    setFactions,
    render,
    get size() { return cards.size; },
  };
}
