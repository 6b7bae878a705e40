// The API client: every request the page makes goes through here, to this
// service only. Errors come back as APIError, with the problem+json
// answer's detail as the message when the service sent one.

import { iso } from './format.js';

export class APIError extends Error {
  constructor(url, status, statusText, problem) {
    super(problem?.detail || problem?.title || `${status} ${statusText}`.trim());
    this.name = 'APIError';
    this.url = url;
    this.status = status;
    this.problem = problem; // the parsed problem+json body, or null
  }
}

// getJSON fetches url and decodes its JSON. init goes to fetch as is
// (cache: 'no-cache' revalidates with the ETag the browser holds).
export async function getJSON(url, init) {
  const res = await fetch(url, init);
  if (!res.ok) {
    const type = res.headers.get('content-type') || '';
    const problem = /[/+]json\b/.test(type) ? await res.json().catch(() => null) : null;
    throw new APIError(url, res.status, res.statusText, problem);
  }
  return res.json();
}

// The timeline: keyframes, changes, factions and, once the service has
// it, the version of the data snapshot. Always revalidated.
export const timeline = () => getJSON('/api/timeline', { cache: 'no-cache' });

// Areas held per keyframe, of snapshot version when one is named (the
// service may then answer as immutable), else of whatever is current,
// revalidated.
export const stats = (version) => (version
  ? getJSON(`/api/stats?v=${encodeURIComponent(version)}`)
  : getJSON('/api/stats', { cache: 'no-cache' }));

export const basemap = () => getJSON('/api/basemap');

export const geocode = (q) => getJSON('/api/geocode?limit=1&q=' + encodeURIComponent(q));

// Who held the point (lon, lat) at instant ms.
export const controller = (lon, lat, ms) =>
  getJSON(`/api/controller?lon=${lon.toFixed(5)}&lat=${lat.toFixed(5)}&at=${iso(ms)}`);

// The URL of the control polygons in force at keyframe instant ms of
// snapshot version. Such a URL names fixed content, so the service may
// answer it as immutable. A service that has no versions yet sends none,
// and the URL then goes without v (such a service refuses it). A
// keyframe is one feature per faction, status and basis: a few dozen,
// well under one page.
export function controlItemsURL(ms, version) {
  return `/ogc/collections/control/items?datetime=${iso(ms)}&limit=${CONTROL_PAGE}` +
    (version ? `&v=${encodeURIComponent(version)}` : '');
}

const CONTROL_PAGE = 1000;
const MAX_PAGES = 20;

// controlItems is the FeatureCollection of every control polygon of the
// keyframe: should the service page it all the same, the next pages (on
// this service only) are fetched and joined.
export async function controlItems(ms, version) {
  const fc = await getJSON(controlItemsURL(ms, version));
  let page = fc;
  for (let i = 1; i < MAX_PAGES; i++) {
    const next = (page.links || []).find((l) => l && l.rel === 'next' && typeof l.href === 'string');
    if (!next || !(page.features || []).length) break;
    const u = new URL(next.href, location.href);
    if (u.origin !== location.origin) break;
    page = await getJSON(u.pathname + u.search);
    fc.features = (fc.features || []).concat(page.features || []);
  }
  return fc;
}
