// frontline's map page: the control of Syria at any instant from 26 Nov to
// 12 Dec 2024, animated, with the sources of every change. Everything it
// loads comes from this service; nothing is fetched from elsewhere.
'use strict';

(function () {
  const HOUR = 3600e3;
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const embed = params.get('embed') === '1';
  if (embed) document.body.classList.add('embed');

  // What the page knows; window.frontline exposes it to tests and the curious.
  const state = {
    start: 0, end: 0, t: 0, k: -1,
    keyframes: [], factions: [], factionByID: {}, changes: [],
    stats: null, playing: false, timer: null,
    layers: new Map(), // keyframe index -> Promise of its GeoJSON
    shownKeyframe: -1, lastSwitchMs: null, switchTimes: [],
    place: '',
  };
  window.frontline = state;

  // Dates in words, always UTC: "5 Dec 2024, 10:00 UTC".
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n) => String(n).padStart(2, '0');
  function words(ms, withTime = true) {
    const d = new Date(ms);
    const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
    return withTime ? `${day}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC` : day;
  }
  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  async function getJSON(url) {
    const res = await fetch(url);
    const body = await res.json();
    if (!res.ok) throw new Error(body.detail || res.statusText);
    return body;
  }

  // --- map and basemap -------------------------------------------------

  const map = L.map('map', { zoomControl: true, attributionControl: true, preferCanvas: true, minZoom: 5, maxZoom: 13 })
    .setView([35.0, 38.5], 7);
  map.attributionControl.setPrefix(false);
  state.map = map;
  map.attributionControl.addAttribution('Places: <a href="https://www.geonames.org">GeoNames</a> (CC BY 4.0) · Boundaries, rivers: Natural Earth · Control: frontline');
  map.createPane('basemap').style.zIndex = 200;
  map.createPane('control').style.zIndex = 350;
  map.createPane('lines').style.zIndex = 380;
  map.createPane('labels').style.zIndex = 450;
  map.getPane('labels').style.pointerEvents = 'none';
  const canvas = L.canvas({ padding: 0.3 });
  const labelLayers = [L.layerGroup(), L.layerGroup(), L.layerGroup()]; // by rank

  async function loadBasemap() {
    const fc = await getJSON('/api/basemap');
    const style = (f) => {
      const p = f.properties;
      switch (p.layer) {
        case 'country': return { pane: 'basemap', color: '#9a968c', weight: 1, fillColor: p.id === 'SY' ? '#f4f1e8' : '#e9e5da', fillOpacity: 1 };
        case 'governorate': return { pane: 'lines', color: '#6b6b6b', weight: 0.8, dashArray: '3 3', fill: false };
        case 'lake': return { pane: 'lines', color: '#6b9ec2', weight: 0.8, fillColor: '#b9d3e6', fillOpacity: 1 };
        case 'river': return { pane: 'lines', color: '#4f8fc0', weight: 1.4, fill: false };
        case 'road': return { pane: 'lines', color: '#5a4632', weight: 2, dashArray: '6 3', fill: false };
        default: return {};
      }
    };
    const shapes = { type: 'FeatureCollection', features: fc.features.filter((f) => f.properties.layer !== 'place') };
    L.geoJSON(shapes, { style, renderer: canvas, interactive: false }).addTo(map);
    for (const f of fc.features) {
      if (f.properties.layer !== 'place') continue;
      const [lon, lat] = f.geometry.coordinates;
      const rank = Math.min(2, f.properties.rank | 0);
      L.marker([lat, lon], {
        pane: 'labels', interactive: false, keyboard: false,
        icon: L.divIcon({ className: `place-label rank${rank}`, html: esc(f.properties.name), iconSize: null, iconAnchor: [-3, 8] }),
      }).addTo(labelLayers[rank]);
    }
    showLabels();
  }
  // Labels by zoom: big cities always, cities from 7, towns from 9.
  function showLabels() {
    const z = map.getZoom();
    [0, 7, 9].forEach((minZ, rank) => {
      const on = z >= minZ;
      if (on && !map.hasLayer(labelLayers[rank])) labelLayers[rank].addTo(map);
      if (!on && map.hasLayer(labelLayers[rank])) map.removeLayer(labelLayers[rank]);
    });
  }
  map.on('zoomend', showLabels);

  // --- control polygons ------------------------------------------------

  function keyframeData(k) {
    if (!state.layers.has(k)) {
      const at = iso(state.keyframes[k].at);
      state.layers.set(k, getJSON(`/ogc/collections/control/items?datetime=${at}&limit=100`).catch((e) => {
        state.layers.delete(k);
        throw e;
      }));
    }
    return state.layers.get(k);
  }

  let controlLayer = null;
  let drawSeq = 0;
  // Draws keyframe k; the old polygons stay until the new ones are on the
  // map, so the map never flashes empty.
  async function showKeyframe(k) {
    const seq = ++drawSeq;
    const t0 = performance.now();
    const fc = await keyframeData(k);
    if (seq !== drawSeq) return; // a later instant was asked for meanwhile
    const layer = L.geoJSON(fc, {
      pane: 'control', renderer: canvas, interactive: false,
      style: (f) => {
        const c = state.factionByID[f.properties.controller]?.color || '#888';
        return { color: c, weight: 1, opacity: 0.9, fillColor: c, fillOpacity: 0.5 };
      },
    }).addTo(map);
    if (controlLayer) map.removeLayer(controlLayer);
    controlLayer = layer;
    state.shownKeyframe = k;
    state.shownAreas = Object.fromEntries(fc.features.map((f) => [f.properties.controller, f.properties.area_km2]));
    state.lastSwitchMs = performance.now() - t0;
    state.switchTimes.push(state.lastSwitchMs);
    updateLegend(fc);
    document.body.dataset.keyframe = String(k);
    // Prefetch what play or the next key press will want.
    for (const n of [k + 1, k + 2, k - 1]) if (n >= 0 && n < state.keyframes.length) keyframeData(n).catch(() => {});
  }

  function updateLegend(fc) {
    const km = {};
    for (const f of fc.features) km[f.properties.controller] = f.properties.area_km2;
    const ul = $('legend');
    ul.textContent = '';
    for (const f of state.factions) {
      const li = document.createElement('li');
      li.innerHTML = `<span class="sw" style="background:${f.color}"></span><span>${esc(f.name)}</span>` +
        `<span class="km">${km[f.id] ? Math.round(km[f.id]).toLocaleString('en') + ' km²' : '–'}</span>`;
      li.dataset.faction = f.id;
      ul.append(li);
    }
  }

  // --- events ----------------------------------------------------------

  const eventLayer = L.layerGroup().addTo(map);
  const markers = new Map(); // change id -> marker

  function eventStyle(c, when) {
    const color = state.factionByID[c.faction]?.color || '#666';
    const base = { pane: 'markerPane', bubblingMouseEvents: false, radius: 6, weight: 2, color: '#222', fillColor: color, fillOpacity: 0.95, opacity: 1 };
    if (c.status === 'claimed') Object.assign(base, { dashArray: '3 3', fillOpacity: 0.35, color });
    if (c.status === 'denied') Object.assign(base, { dashArray: '1 3', fillColor: '#fff', fillOpacity: 0.6, color: '#777' });
    if (when === 'current') Object.assign(base, { radius: 9, weight: 3 });
    if (when === 'past') Object.assign(base, { radius: 4, weight: 1, opacity: 0.6, fillOpacity: base.fillOpacity * 0.6 });
    return base;
  }

  function popupFor(c) {
    const f = state.factionByID[c.faction];
    const src = (c.sources || []).map((s) => `<li>${s.url ? `<a href="${esc(s.url)}" target="_blank" rel="noopener">${esc(s.outlet)}</a>` : esc(s.outlet)}` +
      `${s.published && !s.published.startsWith('0001') ? ` <span class="meta">(${words(Date.parse(s.published), false)})</span>` : ''}` +
      `${s.quote ? `<blockquote>${esc(s.quote)}</blockquote>` : ''}</li>`).join('');
    return `<div class="popup"><h3>${esc(c.name)}</h3>` +
      `<div class="meta">${words(Date.parse(c.at))}${c.precision === 'day' ? ' (day known, hour estimated)' : ''} · ` +
      `<span class="status-${esc(c.status)}">${esc(c.status)}</span></div>` +
      `<p>${esc(c.summary)}</p><p>Control after: <b>${esc(f?.name || c.faction)}</b></p>` +
      `<b>Sources</b><ul>${src}</ul></div>`;
  }

  function buildEvents() {
    const ol = $('events');
    for (const c of state.changes) {
      if (c.point) {
        const m = L.circleMarker([c.point[1], c.point[0]], eventStyle(c, 'future')).bindPopup(() => popupFor(c), { maxWidth: 340 });
        markers.set(c.id, m);
      }
      const li = document.createElement('li');
      li.tabIndex = 0;
      li.id = 'ev-' + c.id;
      li.className = c.status;
      li.dataset.at = c.at;
      li.innerHTML = `<span class="t">${words(Date.parse(c.at))} · ${esc(c.status)}</span>` +
        `<span class="sw" style="background:${state.factionByID[c.faction]?.color}"></span>${esc(c.name)}: ${esc(c.summary)}`;
      const go = () => jumpToChange(c);
      li.addEventListener('click', go);
      li.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
      ol.append(li);
    }
    $('events-count').textContent = `(${state.changes.length})`;
  }

  function jumpToChange(c) {
    pause();
    setInstant(Date.parse(c.at));
    const m = markers.get(c.id);
    if (m) {
      map.flyTo(m.getLatLng(), Math.max(map.getZoom(), 8), { duration: 0.6 });
      m.openPopup();
    }
  }

  // Markers and list follow the instant: past changes small, the ones of
  // the current keyframe large, future ones hidden.
  let lastEventsK = null;
  function updateEvents() {
    const kAt = state.k >= 0 ? state.keyframes[state.k].at : -Infinity;
    const nextAt = state.k + 1 < state.keyframes.length ? state.keyframes[state.k + 1].at : Infinity;
    let current = null;
    for (const c of state.changes) {
      const at = Date.parse(c.at);
      const when = at > state.t ? 'future' : (at >= kAt && at < nextAt ? 'current' : 'past');
      const li = $('ev-' + c.id);
      li.classList.toggle('future', when === 'future');
      li.classList.toggle('current', when === 'current');
      li.setAttribute('aria-current', when === 'current' ? 'true' : 'false');
      if (when !== 'future') current = li;
      const m = markers.get(c.id);
      if (!m) continue;
      if (when === 'future') { eventLayer.removeLayer(m); continue; }
      m.setStyle(eventStyle(c, when));
      if (!eventLayer.hasLayer(m)) eventLayer.addLayer(m);
      if (when === 'current') m.bringToFront();
    }
    if (current && lastEventsK !== state.k) {
      const ol = $('events');
      ol.scrollTop = Math.max(0, current.offsetTop - ol.offsetTop - ol.clientHeight / 2);
    }
    lastEventsK = state.k;
  }

  // --- chart of ground held --------------------------------------------

  function drawChart() {
    const W = 340, H = 130, pad = 2;
    const x = (ms) => pad + (ms - state.start) / (state.end - state.start) * (W - 2 * pad);
    const rows = state.stats.keyframes.map((k) => ({ at: Date.parse(k.at), a: k.area_km2 }));
    const total = (r) => Object.values(r.a).reduce((s, v) => s + v, 0) || 1;
    let svg = `<svg viewBox="0 0 ${W} ${H + 16}" xmlns="http://www.w3.org/2000/svg">`;
    // Stacked shares, as steps: control holds until the next keyframe.
    const base = rows.map(() => 0);
    for (const f of state.factions) {
      const top = [], bottom = [];
      rows.forEach((r, i) => {
        const x0 = x(r.at), x1 = x(i + 1 < rows.length ? rows[i + 1].at : state.end);
        const y0 = H - base[i] * H, share = (r.a[f.id] || 0) / total(r), y1 = H - (base[i] + share) * H;
        top.push(`${x0.toFixed(1)},${y1.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}`);
        bottom.unshift(`${x1.toFixed(1)},${y0.toFixed(1)} ${x0.toFixed(1)},${y0.toFixed(1)}`);
        base[i] += share;
      });
      svg += `<polygon points="${top.join(' ')} ${bottom.join(' ')}" fill="${f.color}" fill-opacity="0.8"><title>${esc(f.name)}</title></polygon>`;
    }
    for (const d of [26, 1, 6, 11]) {
      const ms = Date.UTC(2024, d > 20 ? 10 : 11, d);
      svg += `<text x="${x(ms)}" y="${H + 12}" font-size="9" fill="#444">${d} ${d > 20 ? 'Nov' : 'Dec'}</text>`;
    }
    svg += `<line id="chart-now" class="now" x1="0" x2="0" y1="0" y2="${H}"/></svg>`;
    $('chart').innerHTML = svg;
    state.chartX = x;
  }
  function updateChart() {
    const line = document.getElementById('chart-now');
    if (!line) return;
    const xv = state.chartX(state.t).toFixed(1);
    line.setAttribute('x1', xv);
    line.setAttribute('x2', xv);
  }

  // --- time ------------------------------------------------------------

  function keyframeAt(t) {
    let lo = 0, hi = state.keyframes.length - 1, k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (state.keyframes[mid].at <= t) { k = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return k;
  }

  function setInstant(t, opts = {}) {
    t = Math.max(state.start, Math.min(state.end, Math.round(t / 60e3) * 60e3));
    state.t = t;
    $('slider').value = String(t);
    $('when').textContent = words(t);
    $('when').dateTime = iso(t);
    const k = Math.max(0, keyframeAt(t));
    const changed = k !== state.k;
    state.k = k;
    if (changed || state.shownKeyframe < 0) showKeyframe(k).catch(report);
    updateEvents();
    updateChart();
    if (!opts.keepHash) writeHash();
  }

  function step(dir) {
    const k = keyframeAt(state.t);
    let n = dir > 0 ? k + 1 : (state.keyframes[k] && state.keyframes[k].at < state.t ? k : k - 1);
    n = Math.max(0, Math.min(state.keyframes.length - 1, n));
    setInstant(state.keyframes[n].at);
  }

  // Play moves the clock three hours per tick; speed scales the ticks.
  function play() {
    if (state.playing) return;
    if (state.t >= state.end) setInstant(state.start);
    state.playing = true;
    $('play').textContent = '❙❙';
    $('play').setAttribute('aria-label', 'Pause');
    $('play').setAttribute('aria-pressed', 'true');
    const tick = () => {
      let t = state.t + 3 * HOUR;
      if (t > state.end) {
        if ($('loop').checked) t = state.start; else { setInstant(state.end); pause(); return; }
      }
      setInstant(t);
      state.timer = setTimeout(tick, 250 / Number($('speed').value));
    };
    state.timer = setTimeout(tick, 250 / Number($('speed').value));
  }
  function pause() {
    state.playing = false;
    clearTimeout(state.timer);
    $('play').textContent = '▶';
    $('play').setAttribute('aria-label', 'Play');
    $('play').setAttribute('aria-pressed', 'false');
  }

  function buildSlider() {
    const s = $('slider');
    s.min = String(state.start);
    s.max = String(state.end);
    s.step = String(HOUR);
    s.addEventListener('input', () => { pause(); setInstant(Number(s.value)); });
    const dl = $('keyframe-ticks'), ticks = $('ticks');
    for (const kf of state.keyframes) {
      const o = document.createElement('option');
      o.value = String(kf.at);
      dl.append(o);
      const i = document.createElement('i');
      i.style.left = ((kf.at - state.start) / (state.end - state.start) * 100).toFixed(2) + '%';
      ticks.append(i);
    }
    $('play').addEventListener('click', () => (state.playing ? pause() : play()));
    $('prev').addEventListener('click', () => { pause(); step(-1); });
    $('next').addEventListener('click', () => { pause(); step(1); });
    document.addEventListener('keydown', (e) => {
      const tag = (e.target.tagName || '').toLowerCase();
      if (tag === 'input' && e.target.type !== 'range' || tag === 'textarea' || tag === 'select') return;
      if (e.key === ' ' || e.code === 'Space') { e.preventDefault(); state.playing ? pause() : play(); }
      else if (e.key === 'ArrowRight') { e.preventDefault(); pause(); step(1); }
      else if (e.key === 'ArrowLeft') { e.preventDefault(); pause(); step(-1); }
    });
  }

  // --- permalinks and embedding -----------------------------------------

  function hashParams() {
    const c = map.getCenter();
    const h = new URLSearchParams();
    h.set('t', iso(state.t));
    h.set('z', String(map.getZoom()));
    h.set('lat', c.lat.toFixed(2));
    h.set('lon', c.lng.toFixed(2));
    if (state.place) h.set('place', state.place);
    return h;
  }
  let writingHash = false;
  function writeHash() {
    if (!state.keyframes.length) return;
    writingHash = true;
    history.replaceState(null, '', '#' + hashParams().toString().replace(/%3A/g, ':'));
    writingHash = false;
  }
  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    const z = Number(h.get('z')), lat = Number(h.get('lat')), lon = Number(h.get('lon'));
    if (h.get('lat') && h.get('lon') && isFinite(lat) && isFinite(lon)) map.setView([lat, lon], isFinite(z) && z ? z : map.getZoom(), { animate: false });
    if (h.get('place')) state.place = h.get('place');
    const t = Date.parse(h.get('t') || '');
    return isFinite(t) ? t : null;
  }
  window.addEventListener('hashchange', () => {
    if (writingHash) return;
    const t = readHash();
    if (t !== null) setInstant(t, { keepHash: true });
  });
  map.on('moveend', writeHash);

  $('copy-embed').addEventListener('click', async () => {
    const url = `${location.origin}/?embed=1#${hashParams().toString().replace(/%3A/g, ':')}`;
    const code = `<iframe src="${esc(url)}" width="800" height="600" style="border:0" title="frontline: control of Syria on ${words(state.t, false)}" loading="lazy"></iframe>`;
    const ta = $('embed-code');
    ta.hidden = false;
    ta.value = code;
    ta.select();
    try { await navigator.clipboard.writeText(code); $('copy-embed').textContent = 'Copied'; } catch { $('copy-embed').textContent = 'Select and copy'; }
  });

  // --- click anywhere: who held it? -------------------------------------

  function controllerPopup(a) {
    const name = (id) => state.factionByID[id]?.name || id;
    const hist = a.history.map((h) => `<tr><td>${words(Date.parse(h.from))}</td><td>${esc(name(h.controller))}</td><td>${esc(h.status)}</td></tr>`).join('');
    const src = a.sources.map((s) => `<li>${s.url ? `<a href="${esc(s.url)}" target="_blank" rel="noopener">${esc(s.outlet)}</a>` : esc(s.outlet)}</li>`).join('');
    const by = a.place ? `${esc(a.place.name)} (${a.place.distance_km} km away)` : a.area ? esc(a.area.name) : '';
    return `<div class="popup" data-controller="${esc(a.controller)}"><h3>${esc(a.faction)}</h3>` +
      `<div class="meta">on ${words(Date.parse(a.at))}</div>` +
      `<p>Held since ${words(Date.parse(a.since))}${a.until ? ` until ${words(Date.parse(a.until))}` : ''}` +
      `${a.previous ? `; before that ${esc(name(a.previous))}` : ''}.</p>` +
      `<p class="meta">Decided by ${by} · <span class="status-${esc(a.status)}">${esc(a.status)}</span></p>` +
      `<p>${esc(a.change.summary)}</p><b>Sources</b><ul>${src}</ul><b>History here</b><table>${hist}</table></div>`;
  }
  map.on('click', async (e) => {
    const { lat, lng } = e.latlng;
    const popup = L.popup({ maxWidth: 360 }).setLatLng(e.latlng).setContent('<div class="popup">…</div>').openOn(map);
    try {
      const res = await fetch(`/api/controller?lon=${lng.toFixed(5)}&lat=${lat.toFixed(5)}&at=${iso(state.t)}`);
      const body = await res.json();
      popup.setContent(res.ok ? controllerPopup(body) : `<div class="popup">${esc(body.detail)}</div>`);
    } catch (err) { popup.setContent(`<div class="popup">${esc(err.message)}</div>`); }
  });

  // --- search ------------------------------------------------------------

  $('search').addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    if (!q) return;
    const out = $('search-status');
    out.textContent = '…';
    try {
      const fc = await getJSON('/api/geocode?limit=1&q=' + encodeURIComponent(q));
      if (!fc.features.length) { out.textContent = 'not found'; return; }
      const f = fc.features[0], [lon, lat] = f.geometry.coordinates;
      out.textContent = f.properties.name;
      state.place = f.properties.id;
      map.flyTo([lat, lon], Math.max(map.getZoom(), 10), { duration: 0.8 });
      L.popup().setLatLng([lat, lon]).setContent(`<div class="popup"><h3>${esc(f.properties.name)}</h3><div class="meta">${esc(f.properties.kind)}${f.properties.admin1 ? ', ' + esc(f.properties.admin1) : ''}, ${esc(f.properties.country)}</div></div>`).openOn(map);
      writeHash();
    } catch (err) { out.textContent = err.message; }
  });

  function report(err) {
    console.warn('frontline:', err.message || err);
  }

  // --- start ---------------------------------------------------------------

  async function start() {
    const [tl, stats] = await Promise.all([getJSON('/api/timeline'), getJSON('/api/stats'), loadBasemap()]);
    state.factions = tl.factions;
    for (const f of tl.factions) state.factionByID[f.id] = f;
    state.keyframes = tl.keyframes.map((k) => ({ id: k.id, at: Date.parse(k.at) }));
    state.start = Date.parse(tl.start);
    state.end = Date.parse(tl.end) - HOUR;
    state.changes = tl.keyframes.flatMap((k) => k.changes).sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : 1));
    state.stats = stats;
    buildSlider();
    buildEvents();
    drawChart();
    const t = readHash();
    setInstant(t ?? state.start, { keepHash: t !== null });
    document.body.dataset.ready = '1';
  }
  start().catch((err) => { console.error('frontline: the page could not start:', err); });
})();
