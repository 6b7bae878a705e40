// The changes: a marker on the map and an entry in the list for each.
// They follow the instant: past changes small, those of the keyframe in
// force large, future ones hidden from the map and greyed in the list.

import { color, esc, instant as parse, words } from './format.js';
import { changePopup } from './popups.js';

function markerStyle(c, when, timeline) {
  const fill = color(timeline.faction(c.faction)?.color, '#666');
  const s = { pane: 'markerPane', bubblingMouseEvents: false, radius: 6, weight: 2, color: '#222', fillColor: fill, fillOpacity: 0.95, opacity: 1 };
  if (c.status === 'claimed') Object.assign(s, { dashArray: '3 3', fillOpacity: 0.35, color: fill });
  if (c.status === 'denied') Object.assign(s, { dashArray: '1 3', fillColor: '#fff', fillOpacity: 0.6, color: '#777' });
  if (when === 'current') Object.assign(s, { radius: 9, weight: 3 });
  if (when === 'past') Object.assign(s, { radius: 4, weight: 1, opacity: 0.6, fillOpacity: s.fillOpacity * 0.6 });
  return s;
}

// createEvents fills the list ol and the count element; select(c) is
// called when a change is picked in the list, before the map flies there.
export function createEvents({ map, timeline, instant, list: ol, count, select }) {
  const layer = L.layerGroup().addTo(map);
  let rows = []; // {c, at, li, marker}
  let lastK = null;

  function build() {
    layer.clearLayers();
    ol.textContent = '';
    lastK = null;
    rows = timeline.changes.map((c) => {
      const row = { c, at: parse(c.at), li: document.createElement('li'), marker: null };
      if (Array.isArray(c.point)) {
        row.marker = L.circleMarker([c.point[1], c.point[0]], markerStyle(c, 'future', timeline))
          .bindPopup(() => changePopup(c, timeline), { maxWidth: 340 });
      }
      const li = row.li;
      li.tabIndex = 0;
      li.id = 'ev-' + c.id;
      li.className = c.status;
      li.dataset.at = c.at;
      li.innerHTML = `<span class="t">${words(row.at)} · ${esc(c.status)}</span>` +
        `<span class="sw" style="background:${color(timeline.faction(c.faction)?.color)}"></span>${esc(c.name)}: ${esc(c.summary)}`;
      const go = () => jump(row);
      li.addEventListener('click', go);
      li.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
      ol.append(li);
      return row;
    });
    count.textContent = `(${rows.length})`;
  }

  function jump(row) {
    select(row.c);
    const m = row.marker;
    if (m) {
      map.flyTo(m.getLatLng(), Math.max(map.getZoom(), 8), { duration: 0.6 });
      m.openPopup();
    }
  }

  function update() {
    const kfs = timeline.keyframes, k = instant.k, t = instant.t;
    const kAt = kfs[k] ? kfs[k].at : -Infinity;
    const nextAt = kfs[k + 1] ? kfs[k + 1].at : Infinity;
    let current = null;
    for (const { c, at, li, marker } of rows) {
      const when = at > t ? 'future' : (at >= kAt && at < nextAt ? 'current' : 'past');
      li.classList.toggle('future', when === 'future');
      li.classList.toggle('current', when === 'current');
      li.setAttribute('aria-current', when === 'current' ? 'true' : 'false');
      if (when !== 'future') current = li;
      if (!marker) continue;
      if (when === 'future') { layer.removeLayer(marker); continue; }
      marker.setStyle(markerStyle(c, when, timeline));
      if (!layer.hasLayer(marker)) layer.addLayer(marker);
      if (when === 'current') marker.bringToFront();
    }
    // Keep the latest change in view when the keyframe changes.
    if (current && lastK !== k) ol.scrollTop = Math.max(0, current.offsetTop - ol.offsetTop - ol.clientHeight / 2);
    lastK = k;
  }

  timeline.addEventListener('change', build);
  instant.addEventListener('change', update);
}
