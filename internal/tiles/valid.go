package tiles

import (
	"cmp"
	"math"
	"slices"
)

// Checking a faction's simplified, rounded polygons for OGC validity
// before any tile is cut from them, once per keyframe and zoom: the
// rectangle clipper keeps a valid polygon valid (checking where rounding
// could undo that, see boxShrinks), but cannot mend one.
// Simplification can pull an edge across another or a hole out of its
// shell, and rounding to world units can make a ring touch itself.

// ringRef names a ring: its polygon and its index there, 0 the exterior.
type ringRef struct{ poly, ring int }

// fault is a way polygons fail validity, with the rings involved (a and
// b the same ring when one ring fails alone) and where.
type fault struct {
	what string
	a, b ringRef
	at   [2]int64
}

// checkSeg is an edge, from vertex i of its ring to vertex i+1, with its
// box.
type checkSeg struct {
	minX, maxX, minY, maxY int64
	ring                   ringRef
	i                      int
}

// touch is where two rings meet at a single point.
type touch struct {
	at   [2]int64
	a, b ringRef
	ia   int // edge of a at the point
	ib   int
}

// validator holds the scratch space of checks.
type validator struct {
	segs    []checkSeg
	edges   edgeGrid
	touches []touch
	indexes map[ringRef]*ringIndex
	// crowded, after a check that passed: the edges that some vertex lies
	// within half a unit of, without touching them (see nearEdge).
	crowded [][2][2]int64
}

// check returns the first fault of polys and true, or false when they
// are valid:
// every ring simple (no edge crosses, overlaps or touches another edge
// of its ring but where consecutive edges share their vertex), rings of a
// polygon touching only at points that neither cross nor cut its
// interior in two, holes inside their exterior and outside one another,
// and polygons whose interiors are disjoint. Rings must be closed, with
// area.
func (v *validator) check(polys []preparedPolygon) (fault, bool) {
	n := 0
	for pi := range polys {
		for _, r := range polys[pi].rings {
			n += len(r) - 1
		}
	}
	v.segs = slices.Grow(v.segs[:0], n)
	v.touches = v.touches[:0]
	v.crowded = v.crowded[:0]
	minX, minY, maxX, maxY := int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MinInt64), int64(math.MinInt64)
	for pi := range polys {
		for ri, r := range polys[pi].rings {
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				v.segs = append(v.segs, checkSeg{min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1]), ringRef{pi, ri}, i})
				minX, minY, maxX, maxY = min(minX, a[0]), min(minY, a[1]), max(maxX, a[0]), max(maxY, a[1])
			}
		}
	}
	if len(v.segs) == 0 {
		return fault{}, false
	}
	// Compare the edges that share a cell of a grid over them, each pair
	// once: in the cell that holds the corner of their boxes' overlap.
	g := v.grid(minX, minY, maxX, maxY)
	for c := range g.cells() {
		list := g.members[g.start[c]:g.start[c+1]]
		for k, si := range list {
			s := &v.segs[si]
			for _, ti := range list[k+1:] {
				t := &v.segs[ti]
				if t.minX > s.maxX || t.maxX < s.minX || t.minY > s.maxY || t.maxY < s.minY ||
					g.cell(max(s.minX, t.minX), max(s.minY, t.minY)) != c {
					continue
				}
				if f, bad := v.meet(polys, s, t); bad {
					return f, true
				}
			}
		}
	}
	if f, bad := v.checkTouches(polys); bad {
		return f, true
	}
	return v.checkNesting(polys)
}

// edgeGrid files edges by the cells of a grid their boxes meet, the
// members of cell c being members[start[c]:start[c+1]].
type edgeGrid struct {
	x0, y0, size int64
	nx, ny       int64
	start        []int32
	members      []int32
	fill         []int32
}

func (g *edgeGrid) cells() int { return int(g.nx * g.ny) }

func (g *edgeGrid) cell(x, y int64) int { return int((y-g.y0)/g.size*g.nx + (x-g.x0)/g.size) }

// grid files v's edges in a grid over their box of about one cell per
// edge, cells square.
func (v *validator) grid(minX, minY, maxX, maxY int64) *edgeGrid {
	g := &v.edges
	w, h := maxX-minX+1, maxY-minY+1
	side := int64(math.Sqrt(float64(w) * float64(h) / float64(len(v.segs))))
	g.x0, g.y0, g.size = minX, minY, max(1, side)
	g.nx, g.ny = w/g.size+1, h/g.size+1
	n := g.nx * g.ny
	g.start = slices.Grow(g.start[:0], int(n)+1)[:n+1]
	clear(g.start)
	cellRange := func(s *checkSeg) (x0, x1, y0, y1 int64) {
		return (s.minX - g.x0) / g.size, (s.maxX - g.x0) / g.size, (s.minY - g.y0) / g.size, (s.maxY - g.y0) / g.size
	}
	for i := range v.segs {
		x0, x1, y0, y1 := cellRange(&v.segs[i])
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				g.start[y*g.nx+x+1]++
			}
		}
	}
	for c := 1; c <= int(n); c++ {
		g.start[c] += g.start[c-1]
	}
	g.members = slices.Grow(g.members[:0], int(g.start[n]))[:g.start[n]]
	g.fill = append(g.fill[:0], g.start[:n]...)
	for i := range v.segs {
		x0, x1, y0, y1 := cellRange(&v.segs[i])
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*g.nx + x
				g.members[g.fill[c]] = int32(i)
				g.fill[c]++
			}
		}
	}
	return g
}

// meet looks at two edges whose boxes meet.
func (v *validator) meet(polys []preparedPolygon, s, t *checkSeg) (fault, bool) {
	rs, rt := polys[s.ring.poly].rings[s.ring.ring], polys[t.ring.poly].rings[t.ring.ring]
	a, b, c, d := rs[s.i], rs[s.i+1], rt[t.i], rt[t.i+1]
	if nearEdge(c, a, b) || nearEdge(d, a, b) {
		v.crowded = append(v.crowded, [2][2]int64{a, b})
	}
	if nearEdge(a, c, d) || nearEdge(b, c, d) {
		v.crowded = append(v.crowded, [2][2]int64{c, d})
	}
	if s.ring == t.ring {
		// Consecutive edges share their vertex, and only it unless the
		// ring turns straight back.
		n := len(rs) - 1
		if (s.i+1)%n == t.i || (t.i+1)%n == s.i {
			u, w := [2]int64{b[0] - a[0], b[1] - a[1]}, [2]int64{d[0] - c[0], d[1] - c[1]}
			if crossProduct(u, w) == 0 && u[0]*w[0]+u[1]*w[1] < 0 {
				return fault{"edges overlap", s.ring, t.ring, c}, true
			}
			return fault{}, false
		}
	}
	kind, p := segmentContact(a, b, c, d)
	switch kind {
	case contactNone:
		return fault{}, false
	case contactCross:
		return fault{"edges cross", s.ring, t.ring, p}, true
	case contactOverlap:
		return fault{"edges overlap", s.ring, t.ring, p}, true
	}
	if s.ring == t.ring {
		return fault{"ring touches itself", s.ring, t.ring, p}, true
	}
	v.touches = append(v.touches, touch{p, s.ring, t.ring, s.i, t.i})
	return fault{}, false
}

type contact int

const (
	contactNone contact = iota
	contactPoint
	contactCross
	contactOverlap
)

// segmentContact says how segments ab and cd meet: not at all, at one
// point p (an endpoint of one of them), through each other, or along a
// stretch starting at p.
func segmentContact(a, b, c, d [2]int64) (contact, [2]int64) {
	o1, o2 := turn(c, d, a), turn(c, d, b)
	o3, o4 := turn(a, b, c), turn(a, b, d)
	if o1 == 0 && o2 == 0 {
		axis := 0
		if max(a[0], b[0])-min(a[0], b[0]) < max(a[1], b[1])-min(a[1], b[1]) {
			axis = 1
		}
		lo := max(min(a[axis], b[axis]), min(c[axis], d[axis]))
		hi := min(max(a[axis], b[axis]), max(c[axis], d[axis]))
		switch {
		case lo > hi:
			return contactNone, [2]int64{}
		case lo < hi:
			for _, q := range [4][2]int64{a, b, c, d} {
				if q[axis] == lo {
					return contactOverlap, q
				}
			}
		}
		if a[axis] == lo {
			return contactPoint, a
		}
		return contactPoint, b
	}
	if o1*o2 < 0 && o3*o4 < 0 {
		return contactCross, a
	}
	switch {
	case o1 == 0 && onSegment(a, c, d):
		return contactPoint, a
	case o2 == 0 && onSegment(b, c, d):
		return contactPoint, b
	case o3 == 0 && onSegment(c, a, b):
		return contactPoint, c
	case o4 == 0 && onSegment(d, a, b):
		return contactPoint, d
	}
	return contactNone, [2]int64{}
}

// nearEdge reports whether p, not an end of segment ab, lies within half
// a unit of it (a little more, to be safe from rounding) but not on it:
// there, rounding a crossing of ab with a tile's clip box could move the
// clipped edge onto or past p. A grid point outside ab's box is a unit or
// more from ab.
func nearEdge(p, a, b [2]int64) bool {
	if p == a || p == b || p[0] < min(a[0], b[0]) || p[0] > max(a[0], b[0]) || p[1] < min(a[1], b[1]) || p[1] > max(a[1], b[1]) {
		return false
	}
	dx, dy := float64(b[0]-a[0]), float64(b[1]-a[1])
	cr := dx*float64(p[1]-a[1]) - dy*float64(p[0]-a[0])
	if cr == 0 {
		return false // on it: a touch, which the check judges
	}
	// p is in ab's box, so its foot is on the segment or near an end,
	// where the distance to the line understates the distance: fine here.
	return cr*cr < 0.2501*(dx*dx+dy*dy)
}

// turn is the sign of the turn from a to b to c: 1 to the left (positive
// ringArea), -1 to the right, 0 straight on.
func turn(a, b, c [2]int64) int64 {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// onSegment reports whether p, known to be on the line of ab, lies
// between a and b.
func onSegment(p, a, b [2]int64) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// checkTouches checks the points where two rings meet: neither passes
// through the other there, and the rings of a polygon that touch enclose
// no part of its interior (a cycle of rings and touch points would).
func (v *validator) checkTouches(polys []preparedPolygon) (fault, bool) {
	if len(v.touches) == 0 {
		return fault{}, false
	}
	type meeting struct {
		at   [2]int64
		a, b ringRef
	}
	seen := map[meeting]bool{}
	type node struct {
		ring ringRef
		at   [2]int64
		isPt bool
	}
	parent := map[node]node{}
	var find func(n node) node
	find = func(n node) node {
		p, ok := parent[n]
		if !ok || p == n {
			parent[n] = n
			return n
		}
		r := find(p)
		parent[n] = r
		return r
	}
	for _, t := range v.touches {
		a, b := t.a, t.b
		if cmp.Or(cmp.Compare(a.poly, b.poly), cmp.Compare(a.ring, b.ring)) > 0 {
			a, b = b, a
		}
		m := meeting{t.at, a, b}
		if seen[m] {
			continue
		}
		seen[m] = true
		ra, rb := polys[t.a.poly].rings[t.a.ring], polys[t.b.poly].rings[t.b.ring]
		u, w := directionsAt(ra, t.ia, t.at)
		d1, d2 := directionsAt(rb, t.ib, t.at)
		in1, ok1 := strictlyBetween(u, w, d1)
		in2, ok2 := strictlyBetween(u, w, d2)
		if !ok1 || !ok2 {
			return fault{"edges overlap", t.a, t.b, t.at}, true
		}
		if in1 != in2 {
			return fault{"rings cross", t.a, t.b, t.at}, true
		}
		if a.poly != b.poly {
			continue
		}
		pt := node{ringRef{a.poly, -1}, t.at, true}
		for _, r := range []ringRef{a, b} {
			x, y := find(node{ring: r}), find(pt)
			if x == y {
				if !seen[meeting{t.at, r, r}] {
					return fault{"rings cut the interior", a, b, t.at}, true
				}
				continue
			}
			seen[meeting{t.at, r, r}] = true
			parent[x] = y
		}
	}
	return fault{}, false
}

// directionsAt returns the directions from p, on edge i of ring r (p one
// of its ends or between them), to p's neighbours along the ring.
func directionsAt(r [][2]int64, i int, p [2]int64) ([2]int64, [2]int64) {
	n := len(r) - 1
	var prev, next [2]int64
	switch p {
	case r[i]:
		prev, next = r[(i+n-1)%n], r[i+1]
	case r[i+1]:
		prev, next = r[i], r[(i+2)%n]
	default:
		prev, next = r[i], r[i+1]
	}
	return [2]int64{prev[0] - p[0], prev[1] - p[1]}, [2]int64{next[0] - p[0], next[1] - p[1]}
}

// strictlyBetween reports whether direction d lies strictly inside the
// sector swept counter-clockwise from u to w (in the sense of turn); ok
// is false when d runs along u or w.
func strictlyBetween(u, w, d [2]int64) (in, ok bool) {
	if sameWay(u, d) || sameWay(w, d) {
		return false, false
	}
	cuw, cud, cdw := crossProduct(u, w), crossProduct(u, d), crossProduct(d, w)
	switch {
	case cuw > 0:
		return cud > 0 && cdw > 0, true
	case cuw < 0:
		return !(crossProduct(w, d) >= 0 && crossProduct(d, u) >= 0), true
	}
	return cud > 0, true
}

func crossProduct(u, v [2]int64) int64 { return u[0]*v[1] - u[1]*v[0] }

func sameWay(u, v [2]int64) bool { return crossProduct(u, v) == 0 && u[0]*v[0]+u[1]*v[1] > 0 }

// checkNesting checks, once no edges cross, that each hole lies inside
// its exterior and outside its polygon's other holes, and that no
// polygon's exterior lies in another polygon's interior. One vertex of a
// ring off another ring says on which side of it the whole ring lies.
func (v *validator) checkNesting(polys []preparedPolygon) (fault, bool) {
	clear(v.indexes)
	if v.indexes == nil {
		v.indexes = map[ringRef]*ringIndex{}
	}
	side := func(r [][2]int64, s ringRef) int { return v.side(polys, r, s) }
	for pi := range polys {
		rings, boxes := polys[pi].rings, polys[pi].boxes
		for hi := 1; hi < len(rings); hi++ {
			if side(rings[hi], ringRef{pi, 0}) <= 0 {
				return fault{"hole outside its exterior", ringRef{pi, hi}, ringRef{pi, 0}, rings[hi][0]}, true
			}
			for hj := hi + 1; hj < len(rings); hj++ {
				if !boxesOverlap(boxes[hi], boxes[hj]) {
					continue
				}
				if side(rings[hi], ringRef{pi, hj}) >= 0 || side(rings[hj], ringRef{pi, hi}) >= 0 {
					return fault{"holes nested", ringRef{pi, hi}, ringRef{pi, hj}, rings[hi][0]}, true
				}
			}
		}
	}
	for pi := range polys {
		a := &polys[pi]
		for pj := range polys {
			b := &polys[pj]
			if pi == pj || !boxesOverlap(a.box, b.box) {
				continue
			}
			// a's exterior in b's interior: inside b's exterior, in none of
			// its holes.
			if side(a.rings[0], ringRef{pj, 0}) <= 0 {
				continue
			}
			inHole := false
			for hi := 1; hi < len(b.rings) && !inHole; hi++ {
				inHole = boxesOverlap(a.box, b.boxes[hi]) && side(a.rings[0], ringRef{pj, hi}) > 0
			}
			if !inHole {
				return fault{"polygons overlap", ringRef{pi, 0}, ringRef{pj, 0}, a.rings[0][0]}, true
			}
		}
	}
	return fault{}, false
}

// side is ringSide of r against ring s: by scanning s for its first few
// questions, then by an index, worth building for a ring asked often.
func (v *validator) side(polys []preparedPolygon, r [][2]int64, s ringRef) int {
	ix := v.indexes[s]
	if ix == nil {
		ix = &ringIndex{ring: polys[s.poly].rings[s.ring]}
		v.indexes[s] = ix
	}
	if ix.bands == nil {
		if ix.asked++; ix.asked <= 4 || len(ix.ring) < 64 {
			return ringSide(r, ix.ring)
		}
		ix.build(polys[s.poly].boxes[s.ring])
	}
	return ix.side(r)
}

// ringIndex answers point-in-ring questions about one closed ring, its
// edges filed in bands of y: a point meets only the edges of its band.
type ringIndex struct {
	ring     [][2]int64
	asked    int
	y0, band int64
	bands    [][]int32 // edges (by their first vertex) whose y range meets each band
}

// build files the ring's edges, box being the ring's.
func (ix *ringIndex) build(box [4]int64) {
	r := ix.ring
	n := len(r) - 1
	ix.y0, ix.band = box[1], max(1, (box[3]-box[1])/int64(max(1, n/8))+1)
	ix.bands = make([][]int32, (box[3]-box[1])/ix.band+1)
	for i := range n {
		lo, hi := min(r[i][1], r[i+1][1]), max(r[i][1], r[i+1][1])
		for b := (lo - ix.y0) / ix.band; b <= (hi-ix.y0)/ix.band; b++ {
			ix.bands[b] = append(ix.bands[b], int32(i))
		}
	}
}

// side is ringSide against the indexed ring.
func (ix *ringIndex) side(r [][2]int64) int {
	for _, p := range r[:len(r)-1] {
		if s := ix.locate(p); s != 0 {
			return s
		}
	}
	return 0
}

// locate is pointInRing against the indexed ring.
func (ix *ringIndex) locate(p [2]int64) int {
	if p[1] < ix.y0 || p[1] > ix.y0+ix.band*int64(len(ix.bands)) {
		return -1
	}
	b := (p[1] - ix.y0) / ix.band
	if b >= int64(len(ix.bands)) {
		return -1
	}
	in := false
	for _, i := range ix.bands[b] {
		a, c := ix.ring[i], ix.ring[i+1]
		switch edgeSide(p, a, c) {
		case 0:
			return 0
		case 1:
			in = !in
		}
	}
	if in {
		return 1
	}
	return -1
}

func boxesOverlap(a, b [4]int64) bool {
	return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

// ringSide is 1 when ring r, which crosses no edge of s, lies inside s, -1
// outside, 0 when every vertex of r is on s (undecided: treated as a
// fault).
func ringSide(r, s [][2]int64) int {
	for _, p := range r[:len(r)-1] {
		if side := pointInRing(p, s); side != 0 {
			return side
		}
	}
	return 0
}

// pointInRing is 1 when p is strictly inside closed ring r, 0 on it, -1
// outside.
func pointInRing[T int32 | int64](p [2]int64, r [][2]T) int {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := [2]int64{int64(r[i][0]), int64(r[i][1])}, [2]int64{int64(r[i+1][0]), int64(r[i+1][1])}
		switch edgeSide(p, a, b) {
		case 0:
			return 0
		case 1:
			in = !in
		}
	}
	if in {
		return 1
	}
	return -1
}

// edgeSide is 0 when p is on edge ab, 1 when the edge crosses the ray
// from p towards +x (counted half-open in y), -1 otherwise.
func edgeSide(p, a, b [2]int64) int {
	if (a[1] > p[1]) != (b[1] > p[1]) {
		lhs, rhs := (p[0]-a[0])*(b[1]-a[1]), (b[0]-a[0])*(p[1]-a[1])
		if b[1] < a[1] {
			lhs, rhs = -lhs, -rhs
		}
		switch {
		case lhs == rhs:
			return 0
		case lhs < rhs:
			return 1
		}
		return -1
	}
	if turn(a, b, p) == 0 && onSegment(p, a, b) {
		return 0
	}
	return -1
}
