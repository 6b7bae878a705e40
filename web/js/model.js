// The page's model: the timeline (one snapshot of the data, replaced when
// the service has a new one) and instants on it. An Instant is the time
// shown and the keyframe in force then; it tells its subscribers of every
// change. The page has one Instant now; a second one (for a comparison)
// would be another Instant on the same Timeline.

import { HOUR, MINUTE, instant } from './format.js';

// Timeline holds the current snapshot. It dispatches 'change' (detail:
// {version, previous, first}) when a snapshot replaces the one before;
// then every Instant on it recomputes its keyframe and tells its own
// subscribers, so views rebuild first and redraw the instant after.
export class Timeline extends EventTarget {
  constructor() {
    super();
    this.loaded = false;
    this.version = ''; // "" when the service names no version
    this.start = 0; // first instant shown, ms
    this.end = 0; // last instant shown, ms: an hour before the timeline's end
    this.factions = [];
    this.keyframes = []; // {id, at (ms)}, in time order
    this.changes = []; // every change listed, in time order
    this.stats = null; // /api/stats
    this.byID = new Map();
    this.instants = new Set();
  }

  faction(id) {
    return this.byID.get(id);
  }

  // replace takes a new snapshot: the /api/timeline and /api/stats answers.
  replace(tl, stats) {
    const previous = this.version, first = !this.loaded;
    this.version = typeof tl.version === 'string' ? tl.version : '';
    this.factions = tl.factions || [];
    this.byID = new Map(this.factions.map((f) => [f.id, f]));
    this.keyframes = (tl.keyframes || []).map((k) => ({ id: k.id, at: instant(k.at) })).sort((a, b) => a.at - b.at);
    this.start = instant(tl.start);
    this.end = instant(tl.end) - HOUR;
    if (!isFinite(this.start)) this.start = this.keyframes[0]?.at ?? 0;
    if (!isFinite(this.end)) this.end = this.keyframes.at(-1)?.at ?? this.start;
    this.changes = (tl.keyframes || []).flatMap((k) => k.changes || [])
      .sort((a, b) => instant(a.at) - instant(b.at) || (a.id < b.id ? -1 : 1));
    this.stats = stats;
    this.loaded = true;
    this.dispatchEvent(new CustomEvent('change', { detail: { version: this.version, previous, first } }));
    for (const i of this.instants) i.reconcile();
  }

  // keyframeAt is the index of the keyframe in force at t, -1 before the first.
  keyframeAt(t) {
    let lo = 0, hi = this.keyframes.length - 1, k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.keyframes[mid].at <= t) { k = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return k;
  }

  // clamp rounds t to the minute and keeps it on the timeline.
  clamp(t) {
    return Math.max(this.start, Math.min(this.end, Math.round(t / MINUTE) * MINUTE));
  }
}

// Instant is a time on a timeline and the keyframe in force then. It
// dispatches 'change' with detail {t, k, keyframe, previous: {t, k, at,
// version}, keyframeChanged, source} whenever t, the keyframe or the
// snapshot changes; source says who moved it ('start', 'hash', 'slider',
// 'play', 'step', 'events', 'data').
export class Instant extends EventTarget {
  constructor(timeline) {
    super();
    this.timeline = timeline;
    this.t = NaN;
    this.k = -1;
    this.at = NaN; // instant of the keyframe in force
    this.version = null; // of the snapshot t and k were set on
    timeline.instants.add(this);
  }

  // ready is true once the instant has been set.
  get ready() {
    return isFinite(this.t);
  }

  // keyframe is the keyframe in force, {id, at}.
  get keyframe() {
    return this.timeline.keyframes[this.k];
  }

  set(t, { source = 'user', force = false } = {}) {
    const tl = this.timeline;
    if (!tl.loaded || !isFinite(t)) return;
    t = tl.clamp(t);
    const k = Math.max(0, tl.keyframeAt(t));
    const previous = { t: this.t, k: this.k, at: this.at, version: this.version };
    const kf = tl.keyframes[k];
    this.t = t;
    this.k = k;
    this.at = kf ? kf.at : NaN;
    this.version = tl.version;
    const keyframeChanged = k !== previous.k || !Object.is(this.at, previous.at) || tl.version !== previous.version;
    if (!force && !keyframeChanged && t === previous.t) return;
    this.dispatchEvent(new CustomEvent('change', { detail: { t, k, keyframe: kf, previous, keyframeChanged, source } }));
  }

  // reconcile keeps the instant on a new snapshot and recomputes the
  // keyframe in force; Timeline calls it.
  reconcile() {
    if (this.ready) this.set(this.t, { source: 'data', force: true });
  }

  // step moves to the next keyframe (dir > 0) or back to the start of
  // the current one, or the one before when already there.
  step(dir, opts = { source: 'step' }) {
    const kfs = this.timeline.keyframes;
    if (!kfs.length) return;
    const k = this.timeline.keyframeAt(this.t);
    let n = dir > 0 ? k + 1 : (kfs[k] && kfs[k].at < this.t ? k : k - 1);
    n = Math.max(0, Math.min(kfs.length - 1, n));
    this.set(kfs[n].at, opts);
  }
}
