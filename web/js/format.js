// Formatting shared by the page's modules: dates in words (always UTC),
// HTML escaping, and the checks that keep what the API sends from turning
// into markup, styles or links the page did not mean.

export const MINUTE = 60e3;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

export const pad2 = (n) => String(n).padStart(2, '0');

// words(ms) is "5 Dec 2024, 10:00 UTC"; words(ms, false) is "5 Dec 2024".
export function words(ms, withTime = true) {
  const d = new Date(ms);
  const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return withTime ? `${day}, ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())} UTC` : day;
}

// dayMonth(ms) is "26 Nov", with the year when asked: "26 Nov 2024".
export function dayMonth(ms, withYear = false) {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${withYear ? ' ' + d.getUTCFullYear() : ''}`;
}

// dayRange(a, b) is "26 Nov – 12 Dec 2024", or "30 Dec 2024 – 2 Jan 2025"
// across a year; long: "26 November to 12 December 2024".
export function dayRange(a, b, long = false) {
  const da = new Date(a), db = new Date(b);
  const m = long ? MONTHS_LONG : MONTHS, sep = long ? ' to ' : ' – ';
  const sameYear = da.getUTCFullYear() === db.getUTCFullYear();
  const left = `${da.getUTCDate()} ${m[da.getUTCMonth()]}${sameYear ? '' : ' ' + da.getUTCFullYear()}`;
  return `${left}${sep}${db.getUTCDate()} ${m[db.getUTCMonth()]} ${db.getUTCFullYear()}`;
}

// iso(ms) is the instant in RFC 3339, without milliseconds when whole.
export const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

// esc makes any value safe as HTML text or as a quoted attribute value.
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

// color passes a CSS hex colour through and turns anything else grey, so
// a colour from the API can go into a style attribute.
export const color = (c, fallback = '#888') => (typeof c === 'string' && /^#[0-9a-f]{3,8}$/i.test(c) ? c : fallback);

// webURL returns the absolute http: or https: URL s names, normalised, or
// null for anything else (javascript:, data:, relative, unparsable).
export function webURL(s) {
  if (typeof s !== 'string' || s === '') return null;
  let u;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
}

// sourceLink is a source's outlet as a link to its report when the URL is
// a web address, as plain text otherwise. Both come escaped.
export function sourceLink(s) {
  const href = webURL(s?.url);
  const outlet = s?.outlet || (href ? new URL(href).hostname : '');
  return href ? `<a href="${esc(href)}" target="_blank" rel="noopener">${esc(outlet)}</a>` : esc(outlet);
}

// instant parses an RFC 3339 time from the API; NaN when missing or bad.
export const instant = (s) => (typeof s === 'string' ? Date.parse(s) : NaN);

// report notes a failure the page can live with.
export function report(err) {
  console.warn('frontline:', err?.message || err);
}

export const $ = (id) => document.getElementById(id);
