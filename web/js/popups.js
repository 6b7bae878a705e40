// Popups: a change and its sources; who held a clicked point, since when
// and on whose word; a place found by the search. Everything from the API
// is escaped, and a source is a link only when its URL is http or https.

import * as api from './api.js';
import { esc, instant, sourceLink, words } from './format.js';

const when = (s, withTime = true) => {
  const ms = instant(s);
  return isFinite(ms) ? words(ms, withTime) : '';
};

function sourceItem(s, full) {
  let html = sourceLink(s);
  if (full) {
    const published = s.published && !s.published.startsWith('0001') ? when(s.published, false) : '';
    if (published) html += ` <span class="meta">(${published})</span>`;
    if (s.quote) html += `<blockquote>${esc(s.quote)}</blockquote>`;
  }
  return `<li>${html}</li>`;
}

// changePopup is the HTML of a change from /api/timeline.
export function changePopup(c, timeline) {
  const f = timeline.faction(c.faction);
  const src = (c.sources || []).map((s) => sourceItem(s, true)).join('');
  return `<div class="popup"><h3>${esc(c.name)}</h3>` +
    `<div class="meta">${when(c.at)}${c.precision === 'day' ? ' (day known, hour estimated)' : ''} · ` +
    `<span class="status-${esc(c.status)}">${esc(c.status)}</span></div>` +
    `<p>${esc(c.summary)}</p><p>Control after: <b>${esc(f?.name || c.faction)}</b></p>` +
    `<b>Sources</b><ul>${src}</ul></div>`;
}

// controllerPopup is the HTML of an /api/controller answer.
export function controllerPopup(a, timeline) {
  const name = (id) => timeline.faction(id)?.name || id;
  const hist = (a.history || []).map((h) =>
    `<tr><td>${when(h.from)}</td><td>${esc(name(h.controller))}</td><td>${esc(h.status)}</td></tr>`).join('');
  const src = (a.sources || []).map((s) => sourceItem(s, false)).join('');
  const by = a.place ? `${esc(a.place.name)} (${esc(a.place.distance_km)} km away)` : a.area ? esc(a.area.name) : '';
  return `<div class="popup" data-controller="${esc(a.controller)}"><h3>${esc(a.faction)}</h3>` +
    `<div class="meta">on ${when(a.at)}</div>` +
    `<p>Held since ${when(a.since)}${a.until ? ` until ${when(a.until)}` : ''}` +
    `${a.previous ? `; before that ${esc(name(a.previous))}` : ''}.</p>` +
    `<p class="meta">Decided by ${by} · <span class="status-${esc(a.status)}">${esc(a.status)}</span></p>` +
    `<p>${esc(a.change?.summary)}</p><b>Sources</b><ul>${src}</ul><b>History here</b><table>${hist}</table></div>`;
}

// placePopup is the HTML of a place found by /api/geocode.
export function placePopup(p) {
  return `<div class="popup"><h3>${esc(p.name)}</h3><div class="meta">${esc(p.kind)}` +
    `${p.admin1 ? ', ' + esc(p.admin1) : ''}, ${esc(p.country)}</div></div>`;
}

// A click anywhere on the map asks who held the point at the instant.
export function enableControllerPopups(map, timeline, instantModel) {
  map.on('click', async (e) => {
    const { lat, lng } = e.latlng;
    const popup = L.popup({ maxWidth: 360 }).setLatLng(e.latlng).setContent('<div class="popup">…</div>').openOn(map);
    try {
      popup.setContent(controllerPopup(await api.controller(lng, lat, instantModel.t), timeline));
    } catch (err) {
      popup.setContent(`<div class="popup">${esc(err.message)}</div>`);
    }
  });
}
