// Permalinks: the address's hash holds the instant, the view and the place
// found (#t=...&z=...&lat=...&lon=...&place=...); it follows the page, and
// the page follows it. "Copy embed code" gives an iframe that opens the
// map alone (?embed=1) at the same instant and view.

import { $, esc, iso, words } from './format.js';

export function createPermalinks({ map, timeline, instant }) {
  let place = '';

  function params() {
    const c = map.getCenter();
    const h = new URLSearchParams();
    h.set('t', iso(instant.t));
    h.set('z', String(map.getZoom()));
    h.set('lat', c.lat.toFixed(2));
    h.set('lon', c.lng.toFixed(2));
    if (place) h.set('place', place);
    return h.toString().replace(/%3A/g, ':');
  }

  function write() {
    if (!timeline.keyframes.length || !instant.ready) return;
    history.replaceState(null, '', '#' + params());
  }

  // read applies the hash's view and place, and returns its instant (ms),
  // or null when it has none.
  function read() {
    const h = new URLSearchParams(location.hash.slice(1));
    const z = Number(h.get('z')), lat = Number(h.get('lat')), lon = Number(h.get('lon'));
    if (h.get('lat') && h.get('lon') && isFinite(lat) && isFinite(lon)) {
      map.setView([lat, lon], isFinite(z) && z ? z : map.getZoom(), { animate: false });
    }
    if (h.get('place')) place = h.get('place');
    const t = Date.parse(h.get('t') || '');
    return isFinite(t) ? t : null;
  }

  window.addEventListener('hashchange', () => {
    const t = read();
    if (t !== null) instant.set(t, { source: 'hash' });
  });
  map.on('moveend', write);
  instant.addEventListener('change', (e) => { if (e.detail.source !== 'hash') write(); });

  $('copy-embed').addEventListener('click', async () => {
    const button = $('copy-embed');
    const url = `${location.origin}/?embed=1#${params()}`;
    const code = `<iframe src="${esc(url)}" width="800" height="600" style="border:0" title="frontline: control of Syria on ${words(instant.t, false)}" loading="lazy"></iframe>`;
    const ta = $('embed-code');
    ta.hidden = false;
    ta.value = code;
    ta.select();
    try {
      await navigator.clipboard.writeText(code);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy';
    }
  });

  return {
    read,
    write,
    // setPlace names the place found (a gazetteer id) in the permalink.
    setPlace(id) {
      place = id;
      write();
    },
  };
}
