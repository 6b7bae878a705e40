package tiles

import (
	"math/bits"
	"slices"
)

// Clipping of polygons in integer world units, for vector tiles. Every
// tile of a zoom cuts the same projected rings, so neighbours agree on
// each vertex.
//
// The clipper keeps the parts of a polygon's rings inside the box, each a
// chain from where its ring enters the box to where it leaves, and joins
// every exit to the next entry by walking the box's edge in the rings'
// direction (Weiler-Atherton on an axis-aligned box). Cutting one edge at
// a time (Sutherland-Hodgman) would instead run a concave polygon twice
// along the box's edge where it leaves and comes back, which no
// validator accepts. Rings stay valid: a hole that crosses the box becomes
// a notch in the exterior, a polygon that covers the box gives the box.
//
// With integer coordinates the box's edge meets rings at vertices, runs
// along their edges, and takes crossings rounded to the grid. Chains
// start and end where a ring reaches the edge from inside the open box,
// so an edge of a ring along the box's edge is walked, not kept; points
// of the edge are ordered exactly (rationals), ties by the direction in
// which the chains leave them; and where rounding or the polygon itself
// (a hole touching its exterior) makes rings share a point or an edge,
// they are rebuilt into rings that only touch (untangle).

// boxShrinks are how far, in world units, the clip box is pulled in, in
// turn, for a faction with a crowded edge (a vertex within half a unit)
// that the box cuts: rounding the crossing to the grid moves the cut edge
// by up to half a unit, which there can make it touch or cross another,
// and another box gives other crossings. The first box whose clipped
// shape is valid is used; should none be, the faction is left out of the
// tile. Away from crowded edges, clipping keeps polygons valid.
var boxShrinks = [...]int64{0, 1, 2, 3, 5, 8, 13, 21}

// clip appends to shape the faction's polygons that meet the clipper's
// box, clipped to it, in tile units.
func (fp *preparedFaction) clip(shape [][][][2]int32, c *ringClipper) [][][][2]int32 {
	if !c.cutsAny(fp.crowded) {
		return fp.clipTo(shape, c)
	}
	box := c.box
	defer c.setBox(box, c.origin)
	n := len(shape)
	for _, d := range boxShrinks {
		c.setBox([4]int64{box[0] + d, box[1] + d, box[2] - d, box[3] - d}, c.origin)
		shape = fp.clipTo(shape[:n], c)
		if c.valid(shape[n:]) {
			return shape
		}
	}
	return shape[:n]
}

func (fp *preparedFaction) clipTo(shape [][][][2]int32, c *ringClipper) [][][][2]int32 {
	box := c.box
	for j := range fp.polys {
		pp := &fp.polys[j]
		if pp.box[0] > box[2] || pp.box[2] < box[0] || pp.box[1] > box[3] || pp.box[3] < box[1] {
			continue
		}
		shape = c.clip(shape, pp)
	}
	return shape
}

// cutsAny reports whether the box may cut one of the segments: one that
// meets the box without lying inside it, off its edge.
func (c *ringClipper) cutsAny(segs [][2][2]int64) bool {
	box := c.box
	for _, s := range segs {
		a, b := s[0], s[1]
		if min(a[0], b[0]) > box[2] || max(a[0], b[0]) < box[0] || min(a[1], b[1]) > box[3] || max(a[1], b[1]) < box[1] {
			continue
		}
		if !c.strictlyIn(a) || !c.strictlyIn(b) {
			return true
		}
	}
	return false
}

// valid checks clipped polygons in tile units.
func (c *ringClipper) valid(shape [][][][2]int32) bool {
	polys := make([]preparedPolygon, len(shape))
	for i, poly := range shape {
		for _, r := range poly {
			wr := make([][2]int64, len(r))
			for k, q := range r {
				wr[k] = [2]int64{int64(q[0]), int64(q[1])}
			}
			b := ringBox(wr)
			if len(polys[i].rings) == 0 {
				polys[i].box = b
			}
			polys[i].rings = append(polys[i].rings, wr)
			polys[i].boxes = append(polys[i].boxes, b)
		}
	}
	_, bad := c.check.check(polys)
	return !bad
}

// boundaryPoint is where a chain meets the box's edge.
type boundaryPoint struct {
	num, den uint64   // exact position along the edge from the box's first corner: num/den
	pos      int64    // that position rounded to the grid
	dir      [2]int64 // direction into the box along the chain
}

// before orders points along the box's edge; at the same point, the one
// a walker along the edge, just inside, would cross first.
func (p *boundaryPoint) before(q *boundaryPoint) bool {
	h1, l1 := bits.Mul64(p.num, q.den)
	h2, l2 := bits.Mul64(q.num, p.den)
	if h1 != h2 {
		return h1 < h2
	}
	if l1 != l2 {
		return l1 < l2
	}
	return crossProduct(p.dir, q.dir) < 0
}

// chain is a run of a ring through the open box: its vertices between
// entry and exit are pts[start:end] of the clipper.
type chain struct {
	start, end  int
	entry, exit boundaryPoint
	next        int // the chain whose entry follows the exit along the box's edge
	used        bool
}

type chainEnd struct {
	chain int
	entry bool
}

// ringClipper clips polygons to a box, reusing its scratch space.
type ringClipper struct {
	box       [4]int64
	perimeter int64
	origin    [2]int64

	pts    [][2]int64
	chains []chain
	ends   []chainEnd
	inner  []int // holes wholly inside the open box
	loop   [][2]int64
	loops  [][][2]int64 // clipped exteriors, in world units
	// holes of the clipped exteriors: wholly inside the box, or split off
	// an exterior
	holes [][][2]int64
	check validator
}

// setBox makes box (min x, min y, max x, max y) the clip box and o the
// origin of tile units.
func (c *ringClipper) setBox(box [4]int64, o [2]int64) {
	c.box, c.origin = box, o
	c.perimeter = 2 * (box[2] - box[0] + box[3] - box[1])
}

// clip appends to shape the parts of polygon pp inside the box, in tile
// units; holes go with the part that holds them.
func (c *ringClipper) clip(shape [][][][2]int32, pp *preparedPolygon) [][][][2]int32 {
	box := c.box
	if pp.box[0] >= box[0] && pp.box[1] >= box[1] && pp.box[2] <= box[2] && pp.box[3] <= box[3] {
		// Wholly inside: nothing to cut.
		poly := make([][][2]int32, 0, len(pp.rings))
		for _, r := range pp.rings {
			poly = append(poly, c.toTile(r))
		}
		return append(shape, poly)
	}
	c.pts, c.chains, c.inner = c.pts[:0], c.chains[:0], c.inner[:0]
	around := [2]bool{} // exterior, some hole: surround the box without entering it
	for i, r := range pp.rings {
		rb := pp.boxes[i]
		if rb[0] > box[2] || rb[2] < box[0] || rb[1] > box[3] || rb[3] < box[1] {
			continue // off the box: a hole off it cuts nothing from it
		}
		if i > 0 && rb[0] > box[0] && rb[1] > box[1] && rb[2] < box[2] && rb[3] < box[3] {
			c.inner = append(c.inner, i)
			continue
		}
		if !c.chainsOf(r) && c.surrounds(r) {
			around[min(i, 1)] = true
		}
	}
	c.loops, c.holes = c.loops[:0], c.holes[:0]
	mayPinch := pp.touching
	if len(c.chains) == 0 {
		if !around[0] || around[1] {
			return shape // the box is outside the polygon, or in a hole
		}
		c.loops = append(c.loops, [][2]int64{{box[0], box[1]}, {box[2], box[1]}, {box[2], box[3]}, {box[0], box[3]}, {box[0], box[1]}})
	} else {
		mayPinch = c.link() || mayPinch
		c.walk()
	}
	for _, i := range c.inner {
		c.holes = append(c.holes, pp.rings[i])
	}
	if mayPinch {
		c.loops, c.holes = untangle(append(c.loops, c.holes...))
	}
	return c.assemble(shape)
}

// chainsOf adds the chains of ring r through the open box; false when r
// does not enter it.
func (c *ringClipper) chainsOf(r [][2]int64) bool {
	n := len(r) - 1
	start := -1
	for i := range n {
		if !c.strictlyIn(r[i]) {
			start = i
			break
		}
	}
	if start < 0 {
		return false // the caller sends rings that reach the box's edge or beyond
	}
	found := false
	cur := -1
	i := start
	codeB := c.outcode(r[i])
	for range n {
		a, codeA := r[i], codeB
		if i++; i == n {
			i = 0
		}
		b := r[i]
		codeB = c.outcode(b)
		// Most edges lie beyond one of the box's lines, or inside it.
		if codeA&codeB != 0 {
			continue
		}
		if codeA|codeB == 0 {
			c.pts = append(c.pts, b)
			continue
		}
		p, ok := c.piece(a, b)
		if !ok {
			continue
		}
		found = true
		if p.hasEntry {
			c.chains = append(c.chains, chain{start: len(c.pts), entry: p.entry})
			cur = len(c.chains) - 1
		} else if cur < 0 {
			continue // cannot happen: a chain goes on only from inside
		}
		if p.hasExit {
			c.chains[cur].end = len(c.pts)
			c.chains[cur].exit = p.exit
			cur = -1
			continue
		}
		c.pts = append(c.pts, b)
	}
	return found
}

// outcode has a bit for each of the box's lines that p is on or beyond
// (left, right, top, bottom): 0 inside the box, off its edge.
func (c *ringClipper) outcode(p [2]int64) uint8 {
	var code uint8
	if p[0] <= c.box[0] {
		code |= 1
	}
	if p[0] >= c.box[2] {
		code |= 2
	}
	if p[1] <= c.box[1] {
		code |= 4
	}
	if p[1] >= c.box[3] {
		code |= 8
	}
	return code
}

// strictlyIn reports whether p is inside the box and off its edge.
func (c *ringClipper) strictlyIn(p [2]int64) bool {
	return p[0] > c.box[0] && p[0] < c.box[2] && p[1] > c.box[1] && p[1] < c.box[3]
}

// piece is the part of a segment inside the open box: where it enters
// the box's edge and leaves it, when it does.
type piece struct {
	entry, exit       boundaryPoint
	hasEntry, hasExit bool // false where the segment's end is inside
}

// piece finds the part of segment ab inside the open box, ok false when
// there is none.
func (c *ringClipper) piece(a, b [2]int64) (p piece, ok bool) {
	box := c.box
	inA, inB := c.strictlyIn(a), c.strictlyIn(b)
	if inA && inB {
		return p, true
	}
	if a[0] <= box[0] && b[0] <= box[0] || a[0] >= box[2] && b[0] >= box[2] ||
		a[1] <= box[1] && b[1] <= box[1] || a[1] >= box[3] && b[1] >= box[3] {
		return p, false // beyond or along one of the edge's lines
	}
	// Liang-Barsky in exact fractions t = n/d of the way from a to b.
	d := [2]int64{b[0] - a[0], b[1] - a[1]}
	t0n, t0d, t1n, t1d := int64(0), int64(1), int64(1), int64(1)
	for axis := range 2 {
		if d[axis] == 0 {
			continue // strictly between the two lines, as checked above
		}
		lo, hi := box[axis]-a[axis], box[axis+2]-a[axis]
		den := d[axis]
		if den < 0 {
			lo, hi, den = -hi, -lo, -den
		}
		// Inside for lo/den < t < hi/den.
		if lo*t0d > t0n*den {
			t0n, t0d = lo, den
		}
		if hi*t1d < t1n*den {
			t1n, t1d = hi, den
		}
	}
	if t0n*t1d >= t1n*t0d {
		return p, false
	}
	if t0n > 0 || !inA {
		p.entry, p.hasEntry = c.edgePoint(a, d, t0n, t0d), true
		p.entry.dir = d
	}
	if t1n < t1d || !inB {
		p.exit, p.hasExit = c.edgePoint(a, d, t1n, t1d), true
		p.exit.dir = [2]int64{-d[0], -d[1]}
	}
	return p, true
}

// edgePoint is a + t·d, t = tn/td, a point of the box's edge, as its
// position along the edge.
func (c *ringClipper) edgePoint(a, d [2]int64, tn, td int64) boundaryPoint {
	box := c.box
	w, h := box[2]-box[0], box[3]-box[1]
	// Coordinates from the box's first corner, times td.
	x := (a[0]-box[0])*td + d[0]*tn
	y := (a[1]-box[1])*td + d[1]*tn
	var num int64
	switch {
	case y == 0:
		num = x
	case x == w*td:
		num = w*td + y
	case y == h*td:
		num = (2*w+h)*td - x
	default:
		num = (2*w+2*h)*td - y
	}
	pos := (2*num + td) / (2 * td) // rounded, half up
	return boundaryPoint{num: uint64(num), den: uint64(td), pos: pos}
}

// edgeAt is the point of the box's edge at rounded position pos.
func (c *ringClipper) edgeAt(pos int64) [2]int64 {
	box := c.box
	w, h := box[2]-box[0], box[3]-box[1]
	switch {
	case pos <= w:
		return [2]int64{box[0] + pos, box[1]}
	case pos <= w+h:
		return [2]int64{box[2], box[1] + pos - w}
	case pos <= 2*w+h:
		return [2]int64{box[2] - (pos - w - h), box[3]}
	case pos < c.perimeter:
		return [2]int64{box[0], box[3] - (pos - 2*w - h)}
	}
	return [2]int64{box[0], box[1]}
}

// surrounds reports whether ring r, which does not enter the open box,
// holds it.
func (c *ringClipper) surrounds(r [][2]int64) bool {
	centre := [2]int64{(c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2}
	return pointInRing(centre, r) > 0
}

// link orders the chains' ends along the box's edge and gives each chain
// the one whose entry follows its exit. It reports whether two ends, or
// an end and a corner, round to one point, where a ring may pinch.
func (c *ringClipper) link() (mayPinch bool) {
	c.ends = c.ends[:0]
	for i := range c.chains {
		c.ends = append(c.ends, chainEnd{i, true}, chainEnd{i, false})
	}
	point := func(e chainEnd) *boundaryPoint {
		if e.entry {
			return &c.chains[e.chain].entry
		}
		return &c.chains[e.chain].exit
	}
	slices.SortFunc(c.ends, func(e, f chainEnd) int {
		p, q := point(e), point(f)
		switch {
		case p.before(q):
			return -1
		case q.before(p):
			return 1
		}
		return 0
	})
	w, h := c.box[2]-c.box[0], c.box[3]-c.box[1]
	n := len(c.ends)
	for i, e := range c.ends {
		p := point(e)
		if next := point(c.ends[(i+1)%n]); next.pos%c.perimeter == p.pos%c.perimeter {
			mayPinch = true
		}
		switch p.pos {
		case 0, w, w + h, 2*w + h, c.perimeter:
			mayPinch = true
		}
		if e.entry {
			continue
		}
		// In a valid polygon the next end is an entry; the search only
		// keeps a broken one from looping.
		for k := 1; k <= n; k++ {
			if f := c.ends[(i+k)%n]; f.entry {
				c.chains[e.chain].next = f.chain
				break
			}
		}
	}
	return mayPinch
}

// walk joins the chains into closed rings: each chain, then the box's
// edge from its exit to the next entry.
func (c *ringClipper) walk() {
	w, h := c.box[2]-c.box[0], c.box[3]-c.box[1]
	corners := [4]int64{0, w, w + h, 2*w + h}
	for first := range c.chains {
		if c.chains[first].used {
			continue
		}
		c.loop = c.loop[:0]
		for i := first; !c.chains[i].used; i = c.chains[i].next {
			ch := &c.chains[i]
			ch.used = true
			c.loop = append(c.loop, c.edgeAt(ch.entry.pos))
			c.loop = append(c.loop, c.pts[ch.start:ch.end]...)
			from, to := ch.exit.pos, c.chains[ch.next].entry.pos
			c.loop = append(c.loop, c.edgeAt(from))
			// The corners passed on the way, once round the box when the
			// next entry is not ahead of the exit.
			if !ch.exit.before(&c.chains[ch.next].entry) {
				for _, k := range corners {
					if k > from {
						c.loop = append(c.loop, c.edgeAt(k))
					}
				}
				c.loop = append(c.loop, c.edgeAt(0))
				from = 0
			}
			for _, k := range corners {
				if k > from && k < to {
					c.loop = append(c.loop, c.edgeAt(k))
				}
			}
		}
		c.loops = append(c.loops, closeRing(slices.Clone(c.loop)))
	}
}

// closeRing drops repeated consecutive points and closes r.
func closeRing(r [][2]int64) [][2]int64 {
	out := r[:0]
	for _, p := range r {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	for len(out) > 1 && out[len(out)-1] == out[0] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil
	}
	return append(out, out[0])
}

// assemble appends the clipped exteriors to shape in tile units, each
// with the holes inside it.
func (c *ringClipper) assemble(shape [][][][2]int32) [][][][2]int32 {
	first := len(shape)
	for _, r := range c.loops {
		if len(r) < 4 || ringArea(r) <= 0 {
			continue
		}
		shape = append(shape, [][][2]int32{c.toTile(r)})
	}
	parts := shape[first:]
	if len(parts) == 0 {
		return shape
	}
	for _, hole := range c.holes {
		if len(hole) < 4 {
			continue
		}
		k := 0
		if len(parts) > 1 {
			k = -1
			for i := range parts {
				if ringSide32(hole, parts[i][0], c.origin) > 0 {
					k = i
					break
				}
			}
			if k < 0 {
				continue
			}
		}
		parts[k] = append(parts[k], c.toTile(hole))
	}
	return shape
}

// ringSide32 is ringSide for a world ring r against a ring s in tile
// units at origin o.
func ringSide32(r [][2]int64, s [][2]int32, o [2]int64) int {
	for _, p := range r[:len(r)-1] {
		if side := pointInRing([2]int64{p[0] - o[0], p[1] - o[1]}, s); side != 0 {
			return side
		}
	}
	return 0
}

// toTile is closed ring r in the units of the tile at the clipper's
// origin.
func (c *ringClipper) toTile(r [][2]int64) [][2]int32 {
	out := make([][2]int32, len(r))
	for i, p := range r {
		out[i] = [2]int32{int32(p[0] - c.origin[0]), int32(p[1] - c.origin[1])}
	}
	return out
}

// ringArea is twice the signed area of a closed ring, positive when the
// ring turns clockwise with y down, as on screen.
func ringArea[T int32 | int64](r [][2]T) int64 {
	var s int64
	for i := 0; i+1 < len(r); i++ {
		s += int64(r[i][0])*int64(r[i+1][1]) - int64(r[i+1][0])*int64(r[i][1])
	}
	return s
}
