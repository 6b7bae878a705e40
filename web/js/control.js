// The control layer: the polygons of the keyframe in force, from the OGC
// API, and the legend with the area each faction holds then. A faction's
// ground comes as several features, one per status and basis, each drawn
// with its look (see looks.js); the legend sums them per faction and per
// look. Keyframes are cached by snapshot version and instant, so a new
// snapshot never shows an old polygon; the old one stays on the map until
// the new one is drawn, so the map never flashes empty.

import * as api from './api.js';
import { color, esc, instant as instantOf, iso, report, words } from './format.js';
import { KEY, KEY_FACTION, NONE, basisOf, keyOf, lookOf, patternCount, statusOf, styleOf, swatch } from './looks.js';

// Keyframes fetched ahead of the one shown, for play and the arrow keys;
// on the page's first draw only its neighbours, to keep the first load
// light (a keyframe is a hundred kilobytes or more on the wire).
const PREFETCH = [1, 2, -1];
const FIRST_PREFETCH = [1, -1];
// Keyframes whose Leaflet layers are kept built (the one shown and those
// prefetched): switching to one of them adds it to the map, no more.
const BUILT = 4;

// idle runs fn when the page has nothing else to do (or soon anyway).
const idle = (fn) => (window.requestIdleCallback ? requestIdleCallback(fn, { timeout: 500 }) : setTimeout(fn, 50));

export function createControlLayer({ map, renderer, timeline, instant, legend, key: keyEl }) {
  // key(version, at) -> {version, at, data: Promise of a FeatureCollection,
  // built: Promise of {layer, features} or null}
  const cache = new Map();
  const key = (version, at) => `${version} ${iso(at)}`;
  const builtLRU = new Set(); // entries with a built layer, least recently used first

  function entryOf(version, at) {
    const id = key(version, at);
    let entry = cache.get(id);
    if (!entry) {
      entry = { version, at, data: null, built: null };
      entry.data = api.controlItems(at, version).catch((err) => {
        if (cache.get(id) === entry) cache.delete(id);
        throw err;
      });
      cache.set(id, entry);
    }
    return entry;
  }
  const keyframeData = (version, at) => entryOf(version, at).data;

  // A new snapshot: what was cached of any other is of no more use.
  timeline.addEventListener('change', () => {
    for (const [id, entry] of cache) {
      if (entry.version !== timeline.version) { cache.delete(id); builtLRU.delete(entry); }
    }
  });

  const shown = { k: -1, key: '', areas: {}, basisAreas: {}, features: [], switchTimes: [], paintTimes: [], lastSwitchMs: null };
  let layer = null, seq = 0, wanted = '', drawn = Promise.resolve(false), shownEntry = null;

  // What is drawn of a feature: its controller, status and basis (as the
  // service sent them, or their defaults), its look and its style.
  function describe(f) {
    const p = f.properties || {};
    const controller = String(p.controller ?? ''), status = statusOf(p.status), basis = basisOf(p.basis);
    const look = lookOf(controller, status, basis);
    const style = styleOf(timeline.faction(controller), look);
    return { controller, status, basis, look, style, areaKm2: Number(p.area_km2) || 0 };
  }
  // Faint ground first, so the outlines of ground known by a report lie on
  // top where the two meet.
  const order = (d) => (d.look.grey ? 0 : d.look.pale ? 1 : 2);

  // build makes the Leaflet layer of a keyframe's features, not yet on
  // the map, and what is drawn of each.
  function build(fc) {
    const items = (fc.features || []).map((f) => ({ f, d: describe(f) }))
      .sort((a, b) => order(a.d) - order(b.d));
    const styles = new Map(items.map(({ f, d }) => [f, d.style]));
    const layer = L.geoJSON({ type: 'FeatureCollection', features: items.map((i) => i.f) }, {
      pane: 'control', renderer, interactive: false,
      style: (f) => {
        const { color: c, weight, opacity, fillColor, fillOpacity } = styles.get(f);
        return { color: c, weight, opacity, fillColor, fillOpacity };
      },
    });
    return { layer, features: items.map(({ d }) => d) };
  }

  // built is the entry's layer, built once and kept while among the BUILT
  // most recently used (the one on the map is never let go).
  function built(entry) {
    if (!entry.built) entry.built = entry.data.then(build);
    builtLRU.delete(entry);
    builtLRU.add(entry);
    for (const old of builtLRU) {
      if (builtLRU.size <= BUILT) break;
      if (old === entry || old === shownEntry) continue;
      old.built = null;
      builtLRU.delete(old);
    }
    return entry.built;
  }

  // prefetch fetches keyframe at and builds its layer when the page is idle.
  function prefetch(version, at) {
    const entry = entryOf(version, at);
    entry.data.then(() => idle(() => {
      if (cache.get(key(version, at)) === entry && !entry.built) built(entry).catch(() => {});
    }), () => {});
  }

  // show draws keyframe k of the current snapshot. It resolves (never
  // rejects) once the draw is done, or superseded by a later one.
  function show(k) {
    const kf = timeline.keyframes[k];
    if (!kf) return drawn;
    const version = timeline.version, id = key(version, kf.at);
    if (id === wanted) return drawn;
    wanted = id;
    const mine = ++seq, t0 = performance.now(), entry = entryOf(version, kf.at);
    drawn = built(entry).then(({ layer: next, features }) => {
      if (mine !== seq) return false; // a later keyframe was asked for meanwhile
      // The canvas paints on the next frame: one frame callback just
      // before Leaflet's and one just after time its redraw.
      let paintStart = NaN;
      requestAnimationFrame(() => { paintStart = performance.now(); });
      next.addTo(map);
      if (layer && layer !== next) map.removeLayer(layer);
      requestAnimationFrame(() => { if (isFinite(paintStart)) shown.paintTimes.push(performance.now() - paintStart); });
      const first = shown.k < 0;
      layer = next;
      shownEntry = entry;
      shown.k = k;
      shown.key = id;
      shown.features = features;
      shown.areas = {};
      shown.basisAreas = {};
      for (const d of features) {
        shown.areas[d.controller] = (shown.areas[d.controller] || 0) + d.areaKm2;
        shown.basisAreas[d.basis] = (shown.basisAreas[d.basis] || 0) + d.areaKm2;
      }
      shown.lastSwitchMs = performance.now() - t0;
      shown.switchTimes.push(shown.lastSwitchMs);
      drawLegend(features);
      document.body.dataset.keyframe = String(k);
      for (const d of first ? FIRST_PREFETCH : PREFETCH) {
        const n = timeline.keyframes[k + d];
        if (n) prefetch(version, n.at);
      }
      return true;
    }, (err) => {
      if (mine === seq) wanted = ''; // let the next ask try again
      report(err);
      return false;
    });
    return drawn;
  }

  const km = (v) => (v >= 0.5 ? Math.round(v).toLocaleString('en') + ' km²' : '–');
  // The legend's rows, built once per snapshot (its factions may differ)
  // and their areas updated per keyframe: faction id -> {li, km}, and the
  // key's: fill -> its km² cell.
  const factionRows = new Map(), keyRows = new Map();
  let rowsBuilt = false;

  function buildRows() {
    rowsBuilt = true;
    legend.textContent = '';
    factionRows.clear();
    for (const f of timeline.factions) {
      const li = document.createElement('li');
      li.innerHTML = `<span class="sw" style="background:${color(f.color)}"></span><span>${esc(f.name)}</span><span class="km"></span>`;
      if (f.id === NONE) {
        const sw = swatch(document.createElement('canvas'), f, lookOf(NONE, 'confirmed', 'none'), 16, 13);
        sw.className = 'sw';
        li.firstChild.replaceWith(sw);
      }
      li.dataset.faction = f.id;
      factionRows.set(f.id, { li, km: li.lastChild });
      legend.append(li);
    }
    if (!keyEl) return;
    keyEl.textContent = '';
    keyRows.clear();
    for (const k of KEY) {
      const li = document.createElement('li');
      li.dataset.fill = k.fill;
      li.append(swatch(document.createElement('canvas'), k.look.grey ? timeline.faction(NONE) : KEY_FACTION, k.look));
      const text = document.createElement('span'), cell = document.createElement('span');
      text.textContent = k.text;
      cell.className = 'km';
      li.append(text, cell);
      keyRows.set(k.fill, cell);
      keyEl.append(li);
    }
  }

  // drawLegend shows the area per faction (summed over status and basis,
  // "–" for none; the parts in the row's tooltip) and per look.
  function drawLegend(features) {
    if (!rowsBuilt) buildRows();
    const byFaction = {}, byKey = {};
    for (const d of features) {
      const parts = byFaction[d.controller] ??= {};
      const part = `${d.status}, ${d.basis}`;
      parts[part] = (parts[part] || 0) + d.areaKm2;
      byKey[keyOf(d.look)] = (byKey[keyOf(d.look)] || 0) + d.areaKm2;
    }
    for (const [id, row] of factionRows) {
      const parts = Object.entries(byFaction[id] || {}).filter(([, v]) => v >= 0.5);
      const total = parts.reduce((s, [, v]) => s + v, 0);
      row.km.textContent = km(total);
      row.li.classList.toggle('empty', !(total >= 0.5));
      const ended = instantOf(timeline.faction(id)?.ended);
      row.li.title = parts.length ? parts.map(([p, v]) => `${p}: ${km(v)}`).join('\n')
        : isFinite(ended) && instant.t >= ended ? `Ceased to exist on ${words(ended)}` : '';
    }
    for (const [fill, cell] of keyRows) cell.textContent = km(byKey[fill] || 0);
  }

  // A new snapshot: the rows are built again at its first draw.
  timeline.addEventListener('change', () => { rowsBuilt = false; });

  instant.addEventListener('change', (e) => { show(e.detail.k); });

  return {
    // drawn resolves once the keyframe last asked for is on the map.
    drawn: () => drawn,
    get shownKeyframe() { return shown.k; },
    get shownAreas() { return shown.areas; },
    get shownBasisAreas() { return shown.basisAreas; },
    // what is drawn of each feature of the keyframe shown, in draw order
    get shownFeatures() {
      return shown.features.map((d) => ({
        controller: d.controller, status: d.status, basis: d.basis, fill: d.look.fill,
        hatch: d.look.hatch, pale: d.look.pale, grey: d.look.grey,
        fillOpacity: d.style.fillOpacity, opacity: d.style.opacity, colour: d.style.colour, areaKm2: d.areaKm2,
      }));
    },
    get switchTimes() { return shown.switchTimes; },
    get paintTimes() { return shown.paintTimes; },
    get patternCount() { return patternCount(); },
    get cacheSize() { return cache.size; },
    get cacheKeys() { return [...cache.keys()]; },
  };
}
