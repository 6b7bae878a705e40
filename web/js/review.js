// frontline's review page (/review): a reviewer pastes or opens a news
// report, the service reads it for the places it names and the control
// claims it makes, and the reviewer accepts (corrected where needed) or
// rejects each claim. An accepted claim is a change on the map at once.
// Writes need the reviewer's token: it is typed once and kept in this
// tab's sessionStorage only (never localStorage, never the address).

import * as api from './api.js';
import { $, iso, webURL, words } from './format.js';
import { createMap, showBasemap } from './map.js';
import * as rapi from './review-api.js';
import { createClaims, fromUTCInput, h, syriaTime, utcInput } from './review-claims.js';
import { countryName, createText } from './review-text.js';

const TOKEN_KEY = 'frontline.review.token';

// The token, for this tab only.
const tokens = {
  get() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
  },
  set(v) {
    try { sessionStorage.setItem(TOKEN_KEY, v); } catch { /* storage off: kept for no one */ }
  },
  clear() {
    try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing kept */ }
  },
};

function showToken(message, { invalid = false } = {}) {
  const has = tokens.get() !== '';
  $('token-forget').hidden = !has;
  $('token').placeholder = has ? 'kept for this tab' : '';
  $('token').setAttribute('aria-invalid', String(invalid));
  $('token-form').classList.toggle('has-token', has);
  $('token-status').textContent = message ?? (has ? 'Token kept for this tab only.' : 'Type the token to store articles and decide claims.');
}

// askToken asks for the token again; err is the refusal (a 401), if any.
function askToken(err) {
  tokens.clear();
  const detail = err ? err.message.replace(/[\s.]*$/, '.') : '';
  showToken(err ? `Refused: ${detail} Type the token again.` : 'Type the reviewer token first.', { invalid: !!err });
  $('token').focus();
}

// token is the token kept, or '' after asking for it.
function token() {
  const t = tokens.get();
  if (!t) askToken(null);
  return t;
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const v = $('token').value.trim();
  if (!v) { askToken(null); return; }
  tokens.set(v);
  $('token').value = '';
  showToken();
});
$('token-forget').addEventListener('click', () => {
  tokens.clear();
  showToken('Token forgotten.');
  $('token').focus();
});

// Go's strings.TrimSpace, which the service applies to the text before
// reading it: the offsets it answers with count from the trimmed text.
const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const goTrim = (s) => s.replace(new RegExp(`^${SPACE}+|${SPACE}+$`, 'g'), '');

const { map, renderer } = createMap('claims-map');
const text = createText({ el: $('article-text'), places: $('places'), summary: $('places-sum') });
const claims = createClaims({
  list: $('claims'), count: $('claims-count'), empty: $('claims-empty'), map, text, token,
  onAuth: askToken,
  onDecided: () => loadPending(),
});

function status(el, message, kind = '') {
  el.textContent = message;
  el.className = kind;
}

// showArticle shows an article as the API gives it, with its text.
function showArticle(a) {
  $('reading').hidden = false;
  $('article-h').textContent = `Article ${a.id}`;
  const meta = $('article-meta');
  meta.textContent = '';
  const href = webURL(a.url);
  const bits = [a.outlet || (href ? new URL(href).hostname : 'no outlet given'),
    `published ${words(Date.parse(a.published))}`, `read ${words(Date.parse(a.ingested))}`];
  meta.append(bits.join(' \u00b7 '));
  if (href) meta.append(' \u00b7 ', h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, 'the report'));
  const f = a.focus || {};
  const country = f.country_name || countryName(f.country);
  $('focus').textContent = country ? `About: ${country}${f.region_name ? `, mainly ${f.region_name} governorate` : ''}` : 'About: no country stands out.';
  text.show(a.text, a.mentions, a.claims);
  claims.render(a.claims || []);
  history.replaceState(null, '', `#article=${a.id}`);
  document.body.dataset.article = String(a.id);
  showPending();
}

// The article form.
function defaultPublished() {
  $('published').value = utcInput(Math.floor(Date.now() / 60e3) * 60e3);
  publishedWords();
}

// The publication time in words beside the field, whose own format is
// the browser's (12-hour in some).
function publishedWords() {
  const ms = fromUTCInput($('published').value);
  $('published-note').textContent = isFinite(ms) ? `${words(ms)} (${syriaTime(ms)} in Syria, UTC+3)` : 'UTC (Syria is UTC+3).';
}
$('published').addEventListener('input', publishedWords);
$('published').addEventListener('change', publishedWords);

$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  if (!file) return;
  const out = $('article-status');
  if (file.size > rapi.MAX_ARTICLE_BYTES) {
    status(out, `${file.name} is ${Math.round(file.size / 1024)} KB; at most ${rapi.MAX_ARTICLE_BYTES >> 10} KB are read.`, 'error');
    return;
  }
  try {
    $('text').value = await file.text();
    status(out, `Opened ${file.name}: ${Array.from($('text').value).length} characters.`);
  } catch (err) {
    status(out, `${file.name} could not be read: ${err.message}`, 'error');
  }
});

$('article-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = $('article-status'), button = $('read');
  const body = goTrim($('text').value);
  if (!body) {
    status(out, 'Paste the article\u2019s text, or open a .txt file.', 'error');
    $('text').focus();
    return;
  }
  if (new TextEncoder().encode(body).length > rapi.MAX_ARTICLE_BYTES) {
    status(out, `The text is longer than the ${rapi.MAX_ARTICLE_BYTES >> 10} KB the service reads.`, 'error');
    return;
  }
  const published = fromUTCInput($('published').value);
  if (!isFinite(published)) {
    status(out, 'Give the time the article was published (UTC).', 'error');
    $('published').focus();
    return;
  }
  const tok = token();
  if (!tok) {
    status(out, 'Type the reviewer token first (at the top of the page).', 'error');
    return;
  }
  button.disabled = true;
  $('article-form').setAttribute('aria-busy', 'true');
  status(out, 'Reading\u2026');
  try {
    const a = await rapi.postArticle({ text: body, url: $('url').value.trim(), outlet: $('outlet').value.trim(), published: iso(published) }, tok);
    showArticle({ ...a, text: body });
    const n = (a.claims || []).length;
    status(out, `Article ${a.id} stored: ${(a.mentions || []).length} place names read, ${n} claim${n === 1 ? '' : 's'} proposed for review.`, 'ok');
    loadPending();
    $('article-h').focus({ preventScroll: true });
    $('reading').scrollIntoView({ block: 'start', behavior: 'smooth' });
  } catch (err) {
    status(out, `Not stored: ${err.message}`, 'error');
    if (err.status === 401) askToken(err);
  } finally {
    button.disabled = false;
    $('article-form').removeAttribute('aria-busy');
  }
});

// openArticle shows a stored article, from the pending list or the address.
async function openArticle(id) {
  const out = $('article-status');
  status(out, `Opening article ${id}\u2026`);
  try {
    const a = await rapi.article(id);
    showArticle(a);
    status(out, `Article ${a.id} opened.`, 'ok');
    $('article-h').focus({ preventScroll: true });
    $('reading').scrollIntoView({ block: 'start', behavior: 'smooth' });
  } catch (err) {
    status(out, err.message, 'error');
  }
}

// The pending claims, by article, so a reviewer can come back to them.
const PENDING_PAGE = 200;
let pendingNext = '', pendingSeq = 0, pendingClaims = [];

async function loadPending(more = false) {
  const seq = ++pendingSeq, out = $('pending-status');
  status(out, 'Loading\u2026');
  try {
    const page = await rapi.claims({ status: 'pending', limit: PENDING_PAGE }, more ? pendingNext : '');
    if (seq !== pendingSeq) return;
    pendingClaims = more ? pendingClaims.concat(page.claims || []) : page.claims || [];
    pendingNext = page.next || '';
    showPending();
    status(out, '');
  } catch (err) {
    if (seq === pendingSeq) status(out, err.message, 'error');
  }
}

function showPending() {
  const byArticle = new Map();
  for (const c of pendingClaims) {
    if (!byArticle.has(c.article)) byArticle.set(c.article, []);
    byArticle.get(c.article).push(c);
  }
  const ul = $('pending');
  ul.textContent = '';
  for (const [id, cs] of [...byArticle].sort((a, b) => b[0] - a[0])) {
    const names = [...new Set(cs.map((c) => c.name))];
    const btn = h('button', { type: 'button', class: 'link', dataset: { article: String(id) } }, `Article ${id}`);
    btn.addEventListener('click', () => openArticle(id));
    const current = String(id) === document.body.dataset.article;
    ul.append(h('li', { class: current ? 'current' : '', 'aria-current': current ? 'true' : null }, btn, ` \u00b7 ${cs.length} pending: `, h('span', { class: 'names' }, names.slice(0, 6).join(', ') + (names.length > 6 ? '\u2026' : ''))));
  }
  if (!byArticle.size) ul.append(h('li', { class: 'meta' }, 'No claims wait for review.'));
  $('pending-count').textContent = pendingClaims.length ? `(${pendingClaims.length}${pendingNext ? '+' : ''})` : '';
  $('pending-more').hidden = !pendingNext;
}

$('pending-refresh').addEventListener('click', () => loadPending());
$('pending-more').addEventListener('click', () => loadPending(true));

window.addEventListener('hashchange', () => {
  const m = /^#article=(\d+)$/.exec(location.hash);
  if (m && m[1] !== document.body.dataset.article) openArticle(Number(m[1]));
});

async function start() {
  showToken();
  defaultPublished();
  const [factions] = await Promise.all([
    rapi.factions(),
    api.basemap().then((fc) => showBasemap(map, renderer, fc)),
  ]);
  claims.setFactions(factions);
  const m = /^#article=(\d+)$/.exec(location.hash);
  await Promise.all([m ? openArticle(Number(m[1])) : null, loadPending()]);
  document.body.dataset.ready = '1';
}
start().catch((err) => { console.error('frontline: the review page could not start:', err); });
