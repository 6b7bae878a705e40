// The control layer: the polygons of the keyframe in force, from the OGC
// API, and the legend with the area each faction holds then. Keyframes
// are cached by snapshot version and instant, so a new snapshot never
// shows an old polygon; the old one stays on the map until the new one is
// drawn, so the map never flashes empty.

import * as api from './api.js';
import { color, esc, iso, report } from './format.js';

// Keyframes fetched ahead of the one shown, for play and the arrow keys.
const PREFETCH = [1, 2, -1];

export function createControlLayer({ map, renderer, timeline, instant, legend }) {
  const cache = new Map(); // key(version, at) -> {version, at, data: Promise of a FeatureCollection}
  const key = (version, at) => `${version} ${iso(at)}`;

  function keyframeData(version, at) {
    const id = key(version, at);
    let entry = cache.get(id);
    if (!entry) {
      entry = { version, at, data: null };
      entry.data = api.controlItems(at, version).catch((err) => {
        if (cache.get(id) === entry) cache.delete(id);
        throw err;
      });
      cache.set(id, entry);
    }
    return entry.data;
  }

  // A new snapshot: what was cached of any other is of no more use.
  timeline.addEventListener('change', () => {
    for (const [id, entry] of cache) if (entry.version !== timeline.version) cache.delete(id);
  });

  const shown = { k: -1, key: '', areas: {}, switchTimes: [], lastSwitchMs: null };
  let layer = null, seq = 0, wanted = '', drawn = Promise.resolve(false);

  // show draws keyframe k of the current snapshot. It resolves (never
  // rejects) once the draw is done, or superseded by a later one.
  function show(k) {
    const kf = timeline.keyframes[k];
    if (!kf) return drawn;
    const version = timeline.version, id = key(version, kf.at);
    if (id === wanted) return drawn;
    wanted = id;
    const mine = ++seq, t0 = performance.now();
    drawn = keyframeData(version, kf.at).then((fc) => {
      if (mine !== seq) return false; // a later keyframe was asked for meanwhile
      const next = L.geoJSON(fc, {
        pane: 'control', renderer, interactive: false,
        style: (f) => {
          const c = color(timeline.faction(f.properties.controller)?.color);
          return { color: c, weight: 1, opacity: 0.9, fillColor: c, fillOpacity: 0.5 };
        },
      }).addTo(map);
      if (layer) map.removeLayer(layer);
      layer = next;
      shown.k = k;
      shown.key = id;
      shown.areas = Object.fromEntries(fc.features.map((f) => [f.properties.controller, f.properties.area_km2]));
      shown.lastSwitchMs = performance.now() - t0;
      shown.switchTimes.push(shown.lastSwitchMs);
      drawLegend(shown.areas);
      document.body.dataset.keyframe = String(k);
      for (const d of PREFETCH) {
        const n = timeline.keyframes[k + d];
        if (n) keyframeData(version, n.at).catch(() => {});
      }
      return true;
    }, (err) => {
      if (mine === seq) wanted = ''; // let the next ask try again
      report(err);
      return false;
    });
    return drawn;
  }

  function drawLegend(km) {
    legend.textContent = '';
    for (const f of timeline.factions) {
      const li = document.createElement('li');
      li.innerHTML = `<span class="sw" style="background:${color(f.color)}"></span><span>${esc(f.name)}</span>` +
        `<span class="km">${km[f.id] ? Math.round(km[f.id]).toLocaleString('en') + ' km²' : '–'}</span>`;
      li.dataset.faction = f.id;
      legend.append(li);
    }
  }

  instant.addEventListener('change', (e) => { show(e.detail.k); });

  return {
    // drawn resolves once the keyframe last asked for is on the map.
    drawn: () => drawn,
    get shownKeyframe() { return shown.k; },
    get shownAreas() { return shown.areas; },
    get switchTimes() { return shown.switchTimes; },
    get cacheSize() { return cache.size; },
    get cacheKeys() { return [...cache.keys()]; },
  };
}
