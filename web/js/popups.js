// Popups: a change and its sources; who held a clicked point, since when
// and on whose word; a place found by the search. Everything from the API
// is escaped, and a source is a link only when its URL is http or https.

import * as api from './api.js';
import { esc, instant, sourceLink, words } from './format.js';
import { BASIS_WORDS, basisOf, statusOf } from './looks.js';

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

// How an answer is known: its basis (missing from an older service's
// answers: then the area, when an area decided the point, else the
// place), in words, with the place or area that decided it.
function knownBy(a, timeline) {
  const basis = a.basis === undefined || a.basis === null ? (a.area && !a.place ? 'area' : 'place') : basisOf(a.basis);
  let words = BASIS_WORDS[basis];
  if (basis === 'place' && a.place) {
    const d = a.place.distance_km != null && isFinite(Number(a.place.distance_km)) ? `, ${esc(Number(a.place.distance_km).toFixed(1))} km away` : '';
    words = `within the reach of the report on ${esc(a.place.name)}${d}`;
  } else if (basis === 'area' && a.area) {
    words = `inside the area of ${esc(a.area.name)}`;
  } else if (basis === 'none') {
    const gone = a.previous ? timeline.faction(a.previous) : null;
    words = gone?.ended
      ? `no single force: ${esc(gone.name)}, who held it, ceased to exist on ${when(gone.ended)}, and no report since says who holds it`
      : esc(words);
  } else {
    words = esc(words);
  }
  return { basis, words };
}

// snapped is the distance to the nearest ground when the point lay just
// outside the country and was answered as that ground, else null.
function snapped(a) {
  const km = a.snapped_km;
  return typeof km === 'number' && isFinite(km) ? km : null;
}

// controllerPopup is the HTML of an /api/controller answer.
export function controllerPopup(a, timeline) {
  const name = (id) => timeline.faction(id)?.name || id;
  const hist = (a.history || []).map((h) =>
    `<tr><td>${when(h.from)}</td><td>${esc(name(h.controller))}</td><td>${esc(h.status)}` +
    `${h.basis && h.basis !== 'place' ? `, ${esc(h.basis)}` : ''}</td></tr>`).join('');
  const src = (a.sources || []).map((s) => sourceItem(s, false)).join('');
  const status = statusOf(a.status), known = knownBy(a, timeline), snap = snapped(a);
  const away = snap === null ? '' : ` <span class="snapped">(nearest ground, ${esc(snap < 10 ? snap.toFixed(1) : Math.round(snap))} km away)</span>`;
  return `<div class="popup" data-controller="${esc(a.controller)}" data-basis="${esc(known.basis)}" data-status="${esc(status)}"` +
    `${snap === null ? '' : ` data-snapped-km="${esc(snap)}"`}><h3>${esc(a.faction)}</h3>` +
    `<div class="meta">on ${when(a.at)}${away}</div>` +
    `<p>Held since ${when(a.since)}${a.until ? ` until ${when(a.until)}` : ''}` +
    `${a.previous ? `; before that ${esc(name(a.previous))}` : ''}.</p>` +
    `<p class="known basis-${esc(known.basis)}">Known: ${known.words} · ` +
    `<span class="status-${esc(status)}">${status === 'claimed' ? 'claimed, not confirmed' : 'confirmed'}</span></p>` +
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
    // Never taller than the map, so that autoPan can show it whole.
    const maxHeight = Math.max(160, map.getSize().y - 70);
    const popup = L.popup({ maxWidth: 360, maxHeight }).setLatLng(e.latlng).setContent('<div class="popup">…</div>').openOn(map);
    try {
      popup.setContent(controllerPopup(await api.controller(lng, lat, instantModel.t), timeline));
    } catch (err) {
      popup.setContent(`<div class="popup">${esc(err.message)}</div>`);
    }
  });
}
