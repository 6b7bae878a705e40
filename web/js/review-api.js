// The review page's requests: the news routes of the API. Writes carry
// the reviewer's bearer token; reads need none. Errors come back as
// APIError (api.js), with the problem+json answer's detail as the message.

import { APIError, getJSON } from './api.js';

// MAX_ARTICLE_BYTES is the most of an article's UTF-8 text the service reads.
export const MAX_ARTICLE_BYTES = 1 << 20;

async function send(method, url, body, token) {
  const headers = { Accept: 'application/json, application/problem+json', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, body: JSON.stringify(body ?? {}), cache: 'no-store', credentials: 'omit' });
  if (!res.ok) {
    const type = res.headers.get('content-type') || '';
    const problem = /[/+]json\b/.test(type) ? await res.json().catch(() => null) : null;
    throw new APIError(url, res.status, res.statusText, problem);
  }
  return res.json();
}

// postArticle stores an article {text, url, outlet, published} and
// answers it with its id, focus, mentions and proposed claims.
export const postArticle = (article, token) => send('POST', '/api/articles', article, token);

// article is a stored article with its text, mentions and claims.
export const article = (id) => getJSON(`/api/articles/${encodeURIComponent(id)}`, { cache: 'no-cache' });

// claims is a page of claims: {claims, next}. query holds status,
// article, limit and after; next, when given, is the following page's URL.
export function claims(query, next) {
  if (next) {
    const u = new URL(next, location.href);
    if (u.origin === location.origin && u.pathname === '/api/claims') return getJSON(u.pathname + u.search, { cache: 'no-cache' });
  }
  return getJSON('/api/claims?' + new URLSearchParams(query), { cache: 'no-cache' });
}

// accept takes a pending claim into the timeline, corrected by fix
// ({faction, place_id, at, precision, status}, each optional); it answers
// {claim, version}.
export const accept = (id, fix, token) => send('POST', `/api/claims/${encodeURIComponent(id)}/accept`, fix, token);

// reject records that a pending claim was not taken; it answers {claim}.
export const reject = (id, reason, token) =>
  send('POST', `/api/claims/${encodeURIComponent(id)}/reject`, reason ? { reason } : {}, token);

// places finds places by name: a GeoJSON FeatureCollection, best first.
export const places = (q, limit = 6) => getJSON(`/api/geocode?limit=${limit}&q=${encodeURIComponent(q)}`);

// factions are the timeline's factions: {id, name, color}.
export const factions = () => getJSON('/api/timeline').then((tl) => tl.factions || []);
