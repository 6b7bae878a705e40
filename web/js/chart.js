// The chart of ground held: each faction's share of the area, stacked, as
// steps from keyframe to keyframe, with a line at the instant shown; ground
// no single force held is on top, grey and hatched as on the map. The
// time axis comes from the data: the timeline's start and end, a mark at
// every keyframe, and dates at a step that suits the span.

import { DAY, HOUR, color, dayMonth, esc, instant as parse, pad2 } from './format.js';
import { NONE } from './looks.js';

const W = 340, H = 130, PAD = 2;
const MAX_LABELS = 5;
// Candidate steps between labelled ticks, in hours: from an hour to a year.
const STEPS = [1, 2, 3, 6, 12, 24, 48, 72, 120, 168, 336, 720, 1440, 2160, 4368, 8760];

// ticks is the instants to label between start and end, {step, at}: at
// most MAX_LABELS, on whole hours (steps under a day) or UTC midnights.
export function ticks(start, end) {
  const span = end - start;
  if (!(span > 0)) return { step: 0, at: [] };
  const step = (STEPS.find((h) => span / (h * HOUR) <= MAX_LABELS) ?? STEPS.at(-1)) * HOUR;
  const first = Math.ceil(start / Math.min(step, DAY)) * Math.min(step, DAY);
  const out = [];
  for (let t = first; t <= end; t += step) out.push(t);
  return { step, at: out };
}

function tickLabel(t, step, i, all) {
  const d = new Date(t);
  if (step < DAY && (d.getUTCHours() || d.getUTCMinutes())) return `${pad2(d.getUTCHours())}:00`;
  const year = d.getUTCFullYear();
  const newYear = i > 0 && new Date(all[i - 1]).getUTCFullYear() !== year;
  const spansYears = new Date(all[0]).getUTCFullYear() !== new Date(all.at(-1)).getUTCFullYear();
  return dayMonth(t, spansYears && (i === 0 || newYear));
}

export function createChart({ el, timeline, instant }) {
  let x = null;

  function draw() {
    const { start, end } = timeline;
    const rows = (timeline.stats?.keyframes || []).map((k) => ({ at: parse(k.at), a: k.area_km2 || {} }))
      .filter((r) => isFinite(r.at)).sort((p, q) => p.at - q.at);
    if (!(end > start)) { el.textContent = ''; x = null; return; }
    x = (ms) => PAD + (Math.max(start, Math.min(end, ms)) - start) / (end - start) * (W - 2 * PAD);
    const total = (r) => Object.values(r.a).reduce((s, v) => s + v, 0) || 1;
    let svg = `<svg viewBox="0 0 ${W} ${H + 16}" xmlns="http://www.w3.org/2000/svg">` +
      `<defs><pattern id="chart-none" width="4" height="4" patternUnits="userSpaceOnUse">` +
      `<rect width="4" height="4" fill="${color(timeline.faction(NONE)?.color, '#bbb')}" fill-opacity="0.6"/>` +
      `<path d="M-1,-1 l6,6 M-1,3 l2,2 M3,-1 l2,2" stroke="#6e6e6e" stroke-width="0.8"/></pattern></defs>`;
    // Stacked shares, as steps: control holds until the next keyframe.
    // The factions in the timeline's order, bottom up; none on top.
    const base = rows.map(() => 0);
    const factions = [...timeline.factions.filter((f) => f.id !== NONE), ...timeline.factions.filter((f) => f.id === NONE)];
    for (const f of factions) {
      const top = [], bottom = [];
      rows.forEach((r, i) => {
        const x0 = x(r.at), x1 = x(i + 1 < rows.length ? rows[i + 1].at : end);
        const y0 = H - base[i] * H, share = (r.a[f.id] || 0) / total(r), y1 = H - (base[i] + share) * H;
        top.push(`${x0.toFixed(1)},${y1.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}`);
        bottom.unshift(`${x1.toFixed(1)},${y0.toFixed(1)} ${x0.toFixed(1)},${y0.toFixed(1)}`);
        base[i] += share;
      });
      if (!top.length || !rows.some((r) => r.a[f.id] > 0)) continue;
      const fill = f.id === NONE ? 'fill="url(#chart-none)"' : `fill="${color(f.color)}" fill-opacity="0.8"`;
      svg += `<polygon data-faction="${esc(f.id)}" points="${top.join(' ')} ${bottom.join(' ')}" ${fill} stroke="#fff" stroke-width="0.35" stroke-opacity="0.8"><title>${esc(f.name)}</title></polygon>`;
    }
    // A short mark under the axis at every keyframe.
    const marks = timeline.keyframes.filter((k) => k.at >= start && k.at <= end)
      .map((k) => `M${x(k.at).toFixed(1)} ${H}v2`).join('');
    if (marks) svg += `<path class="kf" d="${marks}" stroke="#999" stroke-width="0.6"/>`;
    // Dates, at a step that suits the span; labels near an edge keep inside.
    const tk = ticks(start, end);
    tk.at.forEach((t, i, all) => {
      const label = tickLabel(t, tk.step, i, all), xv = x(t), half = label.length * 2.6;
      const anchor = xv - half < 0 ? 'start' : xv + half > W ? 'end' : 'middle';
      svg += `<path d="M${xv.toFixed(1)} ${H}v4" stroke="#444" stroke-width="0.8"/>` +
        `<text x="${xv.toFixed(1)}" y="${H + 13}" font-size="9" fill="#444" text-anchor="${anchor}" data-at="${new Date(t).toISOString()}">${esc(label)}</text>`;
    });
    svg += `<line id="chart-now" class="now" x1="0" x2="0" y1="0" y2="${H}"/></svg>`;
    el.innerHTML = svg;
    if (instant.ready) move();
  }

  function move() {
    const line = el.querySelector('#chart-now');
    if (!line || !x) return;
    const xv = x(instant.t).toFixed(1);
    line.setAttribute('x1', xv);
    line.setAttribute('x2', xv);
  }

  timeline.addEventListener('change', draw);
  instant.addEventListener('change', move);
}
