// frontline's map page: the control of Syria at any instant of the
// timeline, animated, with the sources of every change. Everything it
// loads comes from this service; nothing is fetched from elsewhere.
// This module wires the others together and starts the page.

import * as api from './api.js';
import { createChart } from './chart.js';
import { createControlLayer } from './control.js';
import { createEvents } from './events.js';
import { $, dayRange } from './format.js';
import { createLoader } from './live.js';
import { createMap, showBasemap } from './map.js';
import { Instant, Timeline } from './model.js';
import { createPermalinks } from './permalink.js';
import { enableControllerPopups } from './popups.js';
import { enableSearch } from './search.js';
import { createTimebar } from './timebar.js';

// How often the page asks whether the data has a new snapshot while the
// event stream that tells it so is down.
const REFRESH_MS = 15_000;

const params = new URLSearchParams(location.search);
if (params.get('embed') === '1') document.body.classList.add('embed');

const timeline = new Timeline();
const instant = new Instant(timeline);
const { map, renderer } = createMap('map');

const control = createControlLayer({ map, renderer, timeline, instant, legend: $('legend'), key: $('looks') });
const timebar = createTimebar({ timeline, instant });
createEvents({
  map, timeline, instant, list: $('events'), count: $('events-count'),
  select: (c) => { timebar.pause(); instant.set(Date.parse(c.at), { source: 'events' }); },
});
createChart({ el: $('chart'), timeline, instant });
const permalinks = createPermalinks({ map, timeline, instant });
enableControllerPopups(map, timeline, instant);
enableSearch({ map, permalinks });
const loader = createLoader(timeline);

// The span the timeline covers, in the header and the title.
timeline.addEventListener('change', () => {
  const range = dayRange(timeline.start, timeline.end);
  $('range').textContent = `, ${range}`;
  document.title = `frontline: who controlled what in Syria, ${range}`;
});

async function start() {
  // Only a page opened with ?test=1 loads the test hook, before it is ready.
  const hook = params.get('test') === '1' ? import('./testhook.js') : null;
  await Promise.all([loader.refresh(), api.basemap().then((fc) => showBasemap(map, renderer, fc))]);
  if (hook) (await hook).attachTestHook({ map, timeline, instant, control, timebar, loader });
  const t = permalinks.read();
  instant.set(t ?? timeline.start, { source: t !== null ? 'hash' : 'start' });
  document.body.dataset.ready = '1';
  // A test may ask for a quicker fallback poll (?test=1&poll=ms).
  const poll = hook ? Number(params.get('poll')) : NaN;
  loader.watch(poll >= 200 ? poll : REFRESH_MS);
}
start().catch((err) => { console.error('frontline: the page could not start:', err); });
