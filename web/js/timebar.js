// The time bar: the slider (its range from the timeline), the date in
// words, a tick at every keyframe, play and pause, previous and next
// change, speed and loop, and the keyboard: space plays or pauses, the
// arrow keys step from change to change.

import { $, HOUR, dayRange, iso, words } from './format.js';

// Play moves the clock three hours per tick; speed scales the ticks.
const PLAY_STEP = 3 * HOUR;
const TICK_MS = 250;

export function createTimebar({ timeline, instant }) {
  const slider = $('slider'), whenEl = $('when'), playBtn = $('play');
  const speed = $('speed'), loop = $('loop');
  let playing = false, timer = null;

  function build() {
    const { start, end } = timeline;
    slider.min = String(start);
    slider.max = String(end);
    slider.step = String(HOUR);
    slider.setAttribute('aria-label', `Date and time, ${dayRange(start, end, true)}`);
    const dl = $('keyframe-ticks'), ticks = $('ticks');
    dl.textContent = '';
    ticks.textContent = '';
    for (const kf of timeline.keyframes) {
      const o = document.createElement('option');
      o.value = String(kf.at);
      dl.append(o);
      const i = document.createElement('i');
      i.style.left = ((kf.at - start) / (end - start) * 100).toFixed(2) + '%';
      ticks.append(i);
    }
  }

  function show(e) {
    const t = e.detail.t;
    slider.value = String(t);
    whenEl.textContent = words(t);
    whenEl.dateTime = iso(t);
  }

  function interval() {
    return TICK_MS / (Number(speed.value) || 1);
  }

  function play() {
    if (playing || !instant.ready) return;
    if (instant.t >= timeline.end) instant.set(timeline.start, { source: 'play' });
    playing = true;
    playBtn.textContent = '❙❙';
    playBtn.setAttribute('aria-label', 'Pause');
    playBtn.setAttribute('aria-pressed', 'true');
    const tick = () => {
      let t = instant.t + PLAY_STEP;
      if (t > timeline.end) {
        if (loop.checked) t = timeline.start;
        else { instant.set(timeline.end, { source: 'play' }); pause(); return; }
      }
      instant.set(t, { source: 'play' });
      timer = setTimeout(tick, interval());
    };
    timer = setTimeout(tick, interval());
  }

  function pause() {
    playing = false;
    clearTimeout(timer);
    playBtn.textContent = '▶';
    playBtn.setAttribute('aria-label', 'Play');
    playBtn.setAttribute('aria-pressed', 'false');
  }

  const toggle = () => (playing ? pause() : play());

  slider.addEventListener('input', () => { pause(); instant.set(Number(slider.value), { source: 'slider' }); });
  playBtn.addEventListener('click', toggle);
  $('prev').addEventListener('click', () => { pause(); instant.step(-1); });
  $('next').addEventListener('click', () => { pause(); instant.step(1); });
  document.addEventListener('keydown', (e) => {
    if (!instant.ready) return;
    const tag = (e.target.tagName || '').toLowerCase();
    if (tag === 'input' && e.target.type !== 'range' || tag === 'textarea' || tag === 'select') return;
    if (e.key === ' ' || e.code === 'Space') { e.preventDefault(); toggle(); }
    else if (e.key === 'ArrowRight') { e.preventDefault(); pause(); instant.step(1); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); pause(); instant.step(-1); }
  });

  timeline.addEventListener('change', build);
  instant.addEventListener('change', show);

  return { play, pause, get playing() { return playing; } };
}
