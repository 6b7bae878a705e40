// How ground looks on the map, the legend and the chart: the look says how
// the ground's controller is known, so it is carried by texture and
// opacity, never by hue alone.
//
//   solid       confirmed, within the reach of the deciding place's report
//               (or inside a reported area)
//   hatch       claimed, not confirmed: lines in the faction's colour over
//               a lighter fill of it
//   pale        kept: no newer report reaches it; a faint fill (hatched
//               and faint, "pale-hatch", when the earlier word was a claim)
//   grey-hatch  no single force: the controller it kept ceased to exist,
//               or the ground is contested or empty; thin grey lines
//               the other way
//
// The hatches are canvas patterns, made once per look and colour and then
// shared by every feature and every keyframe (Leaflet's canvas renderer
// puts fillColor into ctx.fillStyle, so a CanvasPattern fills a polygon).

import { color } from './format.js';

export const BASES = ['place', 'area', 'kept', 'none'];
export const NONE = 'none'; // the faction id of ground no single force held

// What the server sends may lack status and basis (an older service): such
// ground is confirmed and known by its place.
export const statusOf = (s) => (s === 'claimed' ? 'claimed' : 'confirmed');
export const basisOf = (b) => (BASES.includes(b) ? b : 'place');

const BASEMAP = '#f4f1e8'; // Syria's fill on the basemap, under the ground
const NONE_LINE = '#6e6e6e'; // the grey hatch's lines
const NONE_FILL = '#bbbbbb'; // and its ground, when the timeline has no colour for none

// Per look: the fill's opacity (Leaflet's fillOpacity, the canvas's
// globalAlpha) and the outline's.
const STYLE = {
  solid: { fillOpacity: 0.55, opacity: 0.9, weight: 1 },
  hatch: { fillOpacity: 0.9, opacity: 0.9, weight: 1 },
  pale: { fillOpacity: 0.2, opacity: 0.35, weight: 0.8 },
  'pale-hatch': { fillOpacity: 0.38, opacity: 0.35, weight: 0.8 },
  'grey-hatch': { fillOpacity: 0.75, opacity: 0.5, weight: 0.8 },
};

// lookOf is the look of ground held by controller, decided by a change of
// status, known by basis: {fill, hatch, pale, grey}.
export function lookOf(controller, status, basis) {
  const grey = controller === NONE || basis === 'none';
  const hatch = grey || status === 'claimed';
  const pale = !grey && basis === 'kept';
  const fill = grey ? 'grey-hatch' : pale ? (hatch ? 'pale-hatch' : 'pale') : hatch ? 'hatch' : 'solid';
  return { fill, hatch, pale, grey };
}

// The hatch tiles: a line every size px, "/" for a claim, "\" (thinner)
// for no single force, so the two differ in direction and weight as well
// as in colour.
const TILE = { hatch: { size: 8, width: 2.2, dir: 1 }, grey: { size: 9, width: 1.3, dir: -1 } };

// Patterns are drawn at the canvas's own resolution: Leaflet doubles it on
// a retina screen and scales its context by 2, so the tile is drawn twice
// as large and the pattern scaled back.
const ratio = () => (globalThis.L?.Browser?.retina ? 2 : 1);

let scratch = null;
const patterns = new Map(); // "kind colour ratio" -> CanvasPattern
let made = 0;

function rgba(hex, alpha) {
  let h = hex.slice(1);
  if (h.length === 3 || h.length === 4) h = [...h].map((c) => c + c).join('');
  const n = parseInt(h.slice(0, 6), 16);
  return `rgba(${n >> 16 & 255},${n >> 8 & 255},${n & 255},${alpha})`;
}

function makePattern(kind, c) {
  const m = ratio(), t = kind === 'grey' ? TILE.grey : TILE.hatch, s = t.size * m;
  const tile = document.createElement('canvas');
  tile.width = tile.height = s;
  const ctx = tile.getContext('2d');
  // The lighter fill of the same colour, then the lines.
  ctx.fillStyle = kind === 'grey' ? rgba(c, 0.55) : rgba(c, 0.35);
  ctx.fillRect(0, 0, s, s);
  ctx.strokeStyle = kind === 'grey' ? NONE_LINE : c;
  ctx.lineWidth = t.width * m;
  ctx.lineCap = 'square';
  ctx.beginPath();
  // Three lines make the diagonal seamless across tiles.
  for (const o of [-s, 0, s]) {
    if (t.dir > 0) { ctx.moveTo(o, s); ctx.lineTo(o + s, 0); } else { ctx.moveTo(o, 0); ctx.lineTo(o + s, s); }
  }
  ctx.stroke();
  scratch ??= document.createElement('canvas').getContext('2d');
  const p = scratch.createPattern(tile, 'repeat');
  if (m !== 1 && p.setTransform) p.setTransform(new DOMMatrix().scale(1 / m));
  made++;
  return p;
}

function pattern(kind, c) {
  const id = `${kind} ${c} ${ratio()}`;
  let p = patterns.get(id);
  if (!p) patterns.set(id, p = makePattern(kind, c));
  return p;
}

// styleOf is the Leaflet path style of ground held by faction (from the
// timeline, or undefined) with look, and the colour it is drawn in.
export function styleOf(faction, look) {
  const c = look.grey ? color(faction?.color, NONE_FILL) : color(faction?.color);
  const s = STYLE[look.fill];
  const fillColor = look.grey ? pattern('grey', c) : look.hatch ? pattern('hatch', c) : c;
  return { color: look.grey ? NONE_LINE : c, weight: s.weight, opacity: s.opacity, fillColor, fillOpacity: s.fillOpacity, colour: c };
}

// patternCount is how many patterns were ever made (they are made once).
export const patternCount = () => made;

// swatch paints a legend sample of look, in faction's colour, into canvas
// (CSS size w × h), on the basemap's ground as the map shows it.
export function swatch(canvas, faction, look, w = 22, h = 14) {
  const m = ratio();
  canvas.width = w * m;
  canvas.height = h * m;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(m, m);
  ctx.fillStyle = BASEMAP;
  ctx.fillRect(0, 0, w, h);
  const s = styleOf(faction, look);
  ctx.globalAlpha = s.fillOpacity;
  ctx.fillStyle = s.fillColor;
  ctx.fillRect(0, 0, w, h);
  ctx.globalAlpha = s.opacity;
  ctx.strokeStyle = s.color;
  ctx.lineWidth = s.weight;
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
  return canvas;
}

// The key: the looks a reader meets, in words. Its samples are in an
// indigo no faction has, so they read as "any faction".
export const KEY_FACTION = { color: '#3d4f9f' };
export const KEY = [
  { fill: 'solid', look: lookOf('', 'confirmed', 'place'), text: 'Solid: a confirmed report, within its place’s reach' },
  { fill: 'hatch', look: lookOf('', 'claimed', 'place'), text: 'Hatched: claimed, not confirmed' },
  { fill: 'pale', look: lookOf('', 'confirmed', 'kept'), text: 'Pale: kept, no newer report reaches it' },
  { fill: 'grey-hatch', look: lookOf(NONE, 'confirmed', 'none'), text: 'Grey hatch: no single force' },
];

// keyOf is the entry of KEY a look is counted under: a pale hatch is kept
// ground.
export const keyOf = (look) => (look.fill === 'pale-hatch' ? 'pale' : look.fill);

// The basis in words, for the popup.
export const BASIS_WORDS = {
  place: 'within the reach of the report on the place that decided it',
  area: 'inside the area a report named',
  kept: 'kept: no newer report reaches this point, so it keeps the controller an earlier state gave it',
  none: 'no single force: the force that held it ceased to exist, and no report since says who holds it',
};
