// The test hook. Only a page opened with ?test=1 has it: window.frontlineTest,
// read-only getters that return plain copies of what the page shows (and
// of its event stream), and refresh(), which checks /api/timeline now.
// Nothing a test reads here can change the page.

export function attachTestHook({ map, timeline, instant, control, timebar, loader }) {
  const hook = {};
  let refreshes = 0;
  timeline.addEventListener('change', (e) => { if (!e.detail.first) refreshes++; });
  const getters = {
    t: () => instant.t, // the instant shown, ms
    k: () => instant.k, // index of the keyframe in force
    keyframes: () => timeline.keyframes.map((k) => k.at), // keyframe instants, ms
    start: () => timeline.start,
    end: () => timeline.end,
    version: () => timeline.version,
    changes: () => timeline.changes.length,
    shownKeyframe: () => control.shownKeyframe, // index of the keyframe drawn
    shownAreas: () => ({ ...control.shownAreas }), // km² per faction drawn, summed over status and basis
    shownBasisAreas: () => ({ ...control.shownBasisAreas }), // km² per basis drawn
    // per feature drawn, in draw order: {controller, status, basis, fill
    // ("solid", "hatch", "pale", "pale-hatch" or "grey-hatch"), hatch,
    // pale, grey, fillOpacity, opacity, colour, areaKm2}
    shownFeatures: () => control.shownFeatures,
    patterns: () => control.patternCount, // hatch patterns ever made
    cachedLayers: () => control.cacheSize,
    cachedLayerKeys: () => control.cacheKeys, // "version instant" of each
    switchTimes: () => control.switchTimes.slice(), // ms per keyframe drawn
    paintTimes: () => control.paintTimes.slice(), // ms per canvas repaint after a switch
    playing: () => timebar.playing,
    // the event stream: {state ('none', 'connecting', 'open', 'closed'),
    // events (timeline events heard), lastVersion (the version the last
    // one named), opened (times it opened), polling (the fallback poll is
    // scheduled)}
    stream: () => loader.stream,
    refreshes: () => refreshes, // snapshots loaded after the first
    view: () => {
      const c = map.getCenter();
      return { zoom: map.getZoom(), lat: c.lat, lon: c.lng };
    },
  };
  for (const [name, get] of Object.entries(getters)) Object.defineProperty(hook, name, { get, enumerable: true });
  // pagePoint is where the map shows (lat, lon), in page coordinates.
  hook.pagePoint = (lat, lon) => {
    const p = map.latLngToContainerPoint([lat, lon]), r = map.getContainer().getBoundingClientRect();
    return { x: p.x + r.left, y: p.y + r.top };
  };
  // refresh checks /api/timeline now and resolves to {changed, version}
  // once a new snapshot, if any, is loaded and the instant redrawn.
  hook.refresh = async () => {
    const r = await loader.refresh();
    await control.drawn();
    return { ...r };
  };
  Object.freeze(hook);
  Object.defineProperty(window, 'frontlineTest', { value: hook, enumerable: false, writable: false, configurable: false });
}
