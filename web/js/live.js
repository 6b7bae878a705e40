// Live updates: the page loads the timeline and the areas held, then asks
// for /api/timeline again every so often (revalidated with the ETag the
// browser holds, so an unchanged snapshot costs a 304). When the version
// it names differs from the one shown, the keyframes, changes and areas
// are loaded again and the timeline replaced; the instant stays.

import * as api from './api.js';
import { report } from './format.js';

export function createLoader(timeline) {
  let queue = Promise.resolve(), lastCheck = 0, timer = null;

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

  // watch checks every ms milliseconds while the page is visible, and at
  // once when it comes back into view after longer than that.
  function watch(ms) {
    const tick = async () => {
      if (!document.hidden) await refresh().catch(report);
      timer = setTimeout(tick, ms);
    };
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && Date.now() - lastCheck > ms) refresh().catch(report);
    });
  }

  return { refresh, watch };
}
