// Live updates. The page listens to /api/events/stream (Server-Sent
// Events): the service names the data snapshot in force when the stream
// opens and whenever a new one comes into force. When the version it
// names differs from the one shown, the keyframes, changes and areas are
// loaded again and the timeline replaced; the instant and the view stay.
// While the stream is down the page falls back to asking /api/timeline
// every so often (revalidated with the ETag the browser holds, so an
// unchanged snapshot costs a 304).

import * as api from './api.js';
import { report } from './format.js';

// How long the page waits before opening the stream again once the
// browser has given up on it (it retries by itself after a dropped
// connection, not after an error answer).
const REOPEN_MS = 30_000;

export function createLoader(timeline) {
  let queue = Promise.resolve(), lastCheck = 0, timer = null, pollMs = 0;
  const stream = { source: null, state: 'none', events: 0, lastVersion: '', opened: 0, reopen: null };

  // load fetches the timeline and, when its version is new (or on the
  // first load), the areas of that version; it resolves to {changed,
  // version}. The first load asks for both at once, and asks for the
  // areas again should they be of another snapshot than the timeline.
  async function load() {
    lastCheck = Date.now();
    const first = !timeline.loaded;
    const [tl, early] = await Promise.all([api.timeline(), first ? api.stats('') : null]);
    const version = typeof tl.version === 'string' ? tl.version : '';
    if (!first && version === timeline.version) return { changed: false, version };
    let stats = early;
    if (!stats || (version && stats.version !== version)) stats = await api.stats(version);
    timeline.replace(tl, stats);
    return { changed: true, version };
  }

  // refresh checks now, or once the check under way is done: each call
  // asks the service afresh, and checks never overlap.
  function refresh() {
    const check = queue.catch(() => {}).then(load);
    queue = check;
    return check;
  }

  // The fallback poll runs only while the stream is not open.
  const streamOpen = () => stream.state === 'open';

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (!pollMs || streamOpen()) return;
    timer = setTimeout(async () => {
      timer = null;
      if (!document.hidden && !streamOpen()) await refresh().catch(report);
      schedule();
    }, pollMs);
  }

  function setState(state) {
    stream.state = state;
    schedule();
  }

  // listen opens the event stream. A timeline event naming a version
  // other than the one shown loads the new snapshot.
  function listen() {
    if (typeof EventSource !== 'function') return;
    clearTimeout(stream.reopen);
    const es = new EventSource('/api/events/stream');
    stream.source = es;
    setState('connecting');
    es.addEventListener('open', () => {
      if (stream.source !== es) return;
      stream.opened++;
      setState('open');
    });
    es.addEventListener('timeline', (e) => {
      if (stream.source !== es) return;
      stream.events++;
      let version = e.lastEventId;
      try {
        const data = JSON.parse(e.data);
        if (typeof data.version === 'string') version = data.version;
      } catch {
        // The id names the version too.
      }
      stream.lastVersion = version;
      if (version && version !== timeline.version) refresh().catch(report);
    });
    es.addEventListener('error', () => {
      if (stream.source !== es) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (an error answer, or the wrong type): poll
        // meanwhile, and open it again later.
        setState('closed');
        stream.source = null;
        stream.reopen = setTimeout(listen, REOPEN_MS);
      } else {
        setState('connecting'); // the browser reconnects by itself
      }
    });
  }

  // watch keeps the page on the snapshot in force: through the event
  // stream, or while it is down by checking every ms milliseconds while
  // the page is visible, and at once when it comes back into view after
  // longer than that.
  function watch(ms) {
    pollMs = ms;
    listen();
    schedule();
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && !streamOpen() && Date.now() - lastCheck > ms) refresh().catch(report);
    });
    window.addEventListener('pagehide', () => {
      stream.source?.close();
      stream.source = null;
      clearTimeout(stream.reopen);
      setState('closed');
    });
    window.addEventListener('pageshow', (e) => {
      if (!e.persisted) return;
      listen();
      refresh().catch(report);
    });
  }

  return {
    refresh,
    watch,
    // What the stream is doing: state ('none', 'connecting', 'open' or
    // 'closed'), the timeline events heard, the version the last one
    // named, how often it opened, and whether the fallback poll runs.
    get stream() {
      return { state: stream.state, events: stream.events, lastVersion: stream.lastVersion, opened: stream.opened, polling: timer !== null };
    },
  };
}
