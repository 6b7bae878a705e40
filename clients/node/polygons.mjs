// Validity of MVT polygons in integer tile coordinates (MVT 2.1 §4.3.4.4,
// with OGC Simple Features validity for how rings of a feature may meet).
// @turf/kinks finds crossings inside a ring, but it skips collinear
// segments, so a ring running back over itself along a clip line passes
// it; the exact integer tests here catch that, and check the rings
// against each other.

/** Twice the surveyor's-formula area of a closed ring; MVT exterior rings are positive. */
export function doubleArea(ring) {
    let sum = 0;
    for (let i = 0; i + 1 < ring.length; i++) {
        sum += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
    }
    return sum;
}

function orient(a, b, c) {
    return Math.sign((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
}

// onSegment: c, collinear with a-b, lies within a-b's box.
function onSegment(a, b, c) {
    return Math.min(a.x, b.x) <= c.x && c.x <= Math.max(a.x, b.x) &&
        Math.min(a.y, b.y) <= c.y && c.y <= Math.max(a.y, b.y);
}

/**
 * contact says how segments p1-p2 and q1-q2 meet: 'none', 'cross' (interiors
 * cross at one point), 'touch' (one shared point, an end of at least one)
 * or 'overlap' (collinear, sharing a stretch of positive length).
 */
export function contact(p1, p2, q1, q2) {
    const d1 = orient(q1, q2, p1), d2 = orient(q1, q2, p2);
    const d3 = orient(p1, p2, q1), d4 = orient(p1, p2, q2);
    if (d1 === 0 && d2 === 0) {
        // Collinear: compare the stretches along the longer axis.
        const ax = Math.abs(p2.x - p1.x) + Math.abs(q2.x - q1.x) >= Math.abs(p2.y - p1.y) + Math.abs(q2.y - q1.y) ? 'x' : 'y';
        const lo = Math.max(Math.min(p1[ax], p2[ax]), Math.min(q1[ax], q2[ax]));
        const hi = Math.min(Math.max(p1[ax], p2[ax]), Math.max(q1[ax], q2[ax]));
        if (lo < hi) return 'overlap';
        return lo === hi ? 'touch' : 'none';
    }
    if (d1 * d2 < 0 && d3 * d4 < 0) return 'cross';
    if ((d1 === 0 && onSegment(q1, q2, p1)) || (d2 === 0 && onSegment(q1, q2, p2)) ||
        (d3 === 0 && onSegment(p1, p2, q1)) || (d4 === 0 && onSegment(p1, p2, q2))) return 'touch';
    return 'none';
}

function segments(ring, r) {
    const out = [];
    for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i], b = ring[i + 1];
        out.push({ r, i, a, b, minX: Math.min(a.x, b.x), maxX: Math.max(a.x, b.x), minY: Math.min(a.y, b.y), maxY: Math.max(a.y, b.y) });
    }
    return out;
}

// side tells where point (2x, 2y given doubled, so segment midpoints stay
// integers) lies against a closed ring: 1 inside, -1 outside, 0 on it.
function side(ring, px2, py2) {
    let inside = false;
    for (let i = 0; i + 1 < ring.length; i++) {
        const ax = 2 * ring[i].x, ay = 2 * ring[i].y, bx = 2 * ring[i + 1].x, by = 2 * ring[i + 1].y;
        const cross = (bx - ax) * (py2 - ay) - (by - ay) * (px2 - ax);
        if (cross === 0 && Math.min(ax, bx) <= px2 && px2 <= Math.max(ax, bx) && Math.min(ay, by) <= py2 && py2 <= Math.max(ay, by)) return 0;
        if ((ay > py2) !== (by > py2)) {
            // The edge spans the horizontal line through the point: does it pass to the right?
            if ((cross > 0) === (by > ay)) inside = !inside;
        }
    }
    return inside ? 1 : -1;
}

// sides counts b's vertices and segment midpoints strictly inside and
// strictly outside ring a.
function sides(a, b) {
    let inside = 0, outside = 0;
    for (let i = 0; i + 1 < b.length; i++) {
        for (const [x2, y2] of [[2 * b[i].x, 2 * b[i].y], [b[i].x + b[i + 1].x, b[i].y + b[i + 1].y]]) {
            const s = side(a, x2, y2);
            if (s > 0) inside++;
            else if (s < 0) outside++;
        }
    }
    return { inside, outside };
}

function bbox(ring) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const p of ring) {
        minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
        minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
    }
    return { minX, minY, maxX, maxY };
}

function boxesMeet(a, b) {
    return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
}

/**
 * polygonProblems checks the rings of one MVT polygon feature, as
 * @mapbox/vector-tile's loadGeometry returns them (closed: last point =
 * first), and returns what is wrong, in words; [] when valid.
 * It also returns the rings grouped into polygons (exterior first).
 */
export function polygonProblems(rings) {
    const problems = [];
    const polygons = [];
    rings.forEach((ring, r) => {
        // MoveTo, LineTo with a count above 1 and ClosePath: 3 distinct points at least.
        if (ring.length < 4) {
            problems.push(`ring ${r} has ${ring.length - 1} points, under 3`);
            return;
        }
        for (let i = 1; i < ring.length - 1; i++) {
            if (ring[i].x === ring[i - 1].x && ring[i].y === ring[i - 1].y) {
                problems.push(`ring ${r}: LineTo of length 0 at (${ring[i].x},${ring[i].y})`);
            }
        }
        const last = ring[ring.length - 2], first = ring[0];
        if (last.x === first.x && last.y === first.y) {
            problems.push(`ring ${r}: the point before ClosePath repeats the first (${first.x},${first.y})`);
        }
        const area = doubleArea(ring);
        if (area === 0) problems.push(`ring ${r} has area 0`);
        if (area > 0) polygons.push({ exterior: r, holes: [] });
        else if (polygons.length === 0) problems.push(`ring ${r}, first of the feature, has negative area: not an exterior ring`);
        else polygons[polygons.length - 1].holes.push(r);
    });
    if (problems.length) return { problems, polygons };

    // Every pair of segments of the feature, swept by x.
    const segs = rings.flatMap(segments).sort((s, t) => s.minX - t.minX);
    const n = rings.map(ring => ring.length - 1);
    for (let i = 0; i < segs.length; i++) {
        const s = segs[i];
        for (let j = i + 1; j < segs.length && segs[j].minX <= s.maxX; j++) {
            const t = segs[j];
            if (t.maxY < s.minY || t.minY > s.maxY) continue;
            const c = contact(s.a, s.b, t.a, t.b);
            if (c === 'none') continue;
            const where = `(${s.a.x},${s.a.y})-(${s.b.x},${s.b.y}) and (${t.a.x},${t.a.y})-(${t.b.x},${t.b.y})`;
            if (s.r !== t.r) {
                // Rings may touch at a point (OGC), never cross or share an edge.
                if (c !== 'touch') problems.push(`rings ${s.r} and ${t.r}: segments ${c}: ${where}`);
                continue;
            }
            const gap = Math.abs(s.i - t.i);
            const adjacent = gap === 1 || gap === n[s.r] - 1;
            if (adjacent ? c === 'overlap' : true) {
                problems.push(`ring ${s.r} runs into itself (${c}${adjacent ? ', backtracking' : ''}): ${where}`);
            }
        }
    }
    if (problems.length) return { problems, polygons };

    // No crossings: now rings are nested or apart. A ring with points on
    // both sides of another crosses it at a shared vertex.
    const boxes = rings.map(bbox);
    const holeOf = new Map();
    polygons.forEach((p, k) => p.holes.forEach(h => holeOf.set(h, k)));
    for (let a = 0; a < rings.length; a++) {
        for (let b = 0; b < rings.length; b++) {
            if (a === b || !boxesMeet(boxes[a], boxes[b])) continue;
            const { inside, outside } = sides(rings[a], rings[b]);
            if (inside && outside) {
                problems.push(`ring ${b} passes through ring ${a} at a shared vertex`);
                continue;
            }
            const aHole = holeOf.has(a), bHole = holeOf.has(b);
            if (bHole && !aHole && holeOf.get(b) === polygons.findIndex(p => p.exterior === a) && !inside) {
                problems.push(`hole ${b} is not inside its exterior ring ${a}`);
            }
            if (aHole && bHole && holeOf.get(a) === holeOf.get(b) && inside) {
                problems.push(`holes ${a} and ${b} of one polygon overlap`);
            }
            if (!aHole && !bHole && inside) {
                // An exterior inside another polygon must sit in one of its holes.
                const outer = polygons.find(p => p.exterior === a);
                const inAHole = outer.holes.some(h => boxesMeet(boxes[h], boxes[b]) && sides(rings[h], rings[b]).outside === 0 && sides(rings[h], rings[b]).inside > 0);
                if (!inAHole) problems.push(`polygons of rings ${a} and ${b} overlap`);
            }
        }
    }
    // A hole with no box overlap with its exterior is outside it.
    for (const p of polygons) {
        for (const h of p.holes) {
            if (!boxesMeet(boxes[p.exterior], boxes[h])) problems.push(`hole ${h} is not inside its exterior ring ${p.exterior}`);
        }
    }
    return { problems, polygons };
}
