// The Leaflet map (Leaflet is the classic global script L, loaded before
// the modules) and its offline basemap: countries, governorates, rivers,
// lakes, roads and place labels, all from /api/basemap.

import { esc } from './format.js';

// createMap makes the map in the element with id el, with its panes:
// basemap below the control polygons, lines above them, labels on top.
export function createMap(el) {
  const map = L.map(el, { zoomControl: true, attributionControl: true, preferCanvas: true, minZoom: 5, maxZoom: 13 })
    .setView([35.0, 38.5], 7);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Places: <a href="https://www.geonames.org">GeoNames</a> (CC BY 4.0) · Boundaries, rivers: Natural Earth · Control: frontline');
  map.createPane('basemap').style.zIndex = 200;
  map.createPane('control').style.zIndex = 350;
  map.createPane('lines').style.zIndex = 380;
  map.createPane('labels').style.zIndex = 450;
  map.getPane('labels').style.pointerEvents = 'none';
  const renderer = L.canvas({ padding: 0.3 });
  return { map, renderer };
}

function basemapStyle(f) {
  const p = f.properties;
  switch (p.layer) {
    case 'country': return { pane: 'basemap', color: '#9a968c', weight: 1, fillColor: p.id === 'SY' ? '#f4f1e8' : '#e9e5da', fillOpacity: 1 };
    case 'governorate': return { pane: 'lines', color: '#6b6b6b', weight: 0.8, dashArray: '3 3', fill: false };
    case 'lake': return { pane: 'lines', color: '#6b9ec2', weight: 0.8, fillColor: '#b9d3e6', fillOpacity: 1 };
    case 'river': return { pane: 'lines', color: '#4f8fc0', weight: 1.4, fill: false };
    case 'road': return { pane: 'lines', color: '#5a4632', weight: 2, dashArray: '6 3', fill: false };
    default: return {};
  }
}

// Labels by zoom: big cities always, cities from 7, towns from 9.
const LABEL_MIN_ZOOM = [0, 7, 9];

// showBasemap draws the basemap feature collection fc.
export function showBasemap(map, renderer, fc) {
  const shapes = { type: 'FeatureCollection', features: fc.features.filter((f) => f.properties.layer !== 'place') };
  L.geoJSON(shapes, { style: basemapStyle, renderer, interactive: false }).addTo(map);
  const labels = LABEL_MIN_ZOOM.map(() => L.layerGroup()); // by rank
  for (const f of fc.features) {
    if (f.properties.layer !== 'place') continue;
    const [lon, lat] = f.geometry.coordinates;
    const rank = Math.min(2, f.properties.rank | 0);
    L.marker([lat, lon], {
      pane: 'labels', interactive: false, keyboard: false,
      icon: L.divIcon({ className: `place-label rank${rank}`, html: esc(f.properties.name), iconSize: null, iconAnchor: [-3, 8] }),
    }).addTo(labels[rank]);
  }
  const showLabels = () => {
    const z = map.getZoom();
    LABEL_MIN_ZOOM.forEach((minZ, rank) => {
      const on = z >= minZ;
      if (on && !map.hasLayer(labels[rank])) labels[rank].addTo(map);
      if (!on && map.hasLayer(labels[rank])) map.removeLayer(labels[rank]);
    });
  };
  map.on('zoomend', showLabels);
  showLabels();
}
