// The search box: finds a place with /api/geocode, flies there, shows it
// in a popup and names it in the permalink.

import * as api from './api.js';
import { $ } from './format.js';
import { placePopup } from './popups.js';

export function enableSearch({ map, permalinks }) {
  $('search').addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    if (!q) return;
    const out = $('search-status');
    out.textContent = '…';
    try {
      const fc = await api.geocode(q);
      if (!fc.features.length) { out.textContent = 'not found'; return; }
      const f = fc.features[0], [lon, lat] = f.geometry.coordinates;
      out.textContent = f.properties.name;
      map.flyTo([lat, lon], Math.max(map.getZoom(), 10), { duration: 0.8 });
      L.popup().setLatLng([lat, lon]).setContent(placePopup(f.properties)).openOn(map);
      permalinks.setPlace(f.properties.id);
    } catch (err) {
      out.textContent = err.message;
    }
  });
}
