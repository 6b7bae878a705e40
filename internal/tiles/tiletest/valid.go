// Package tiletest checks vector tiles for tests: whether each polygon
// feature is valid as OGC Simple Features (and so GEOS, hence GDAL and
// PostGIS) define it, on its own code, independent of how package tiles
// clips and simplifies.
package tiletest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Valid reports the first way mp fails OGC validity, or nil: every ring
// closed, with at least three distinct points and area; no ring crossing
// or touching itself; no two edges crossing or overlapping; rings of one
// polygon touching only at single points that leave its interior
// connected; holes inside their shell and not inside one another;
// polygons whose interiors are disjoint. Coordinates must be whole
// numbers, as in a decoded vector tile, so that the tests are exact.
// Consecutive repeated points are allowed, as GEOS allows them.
func Valid(mp orb.MultiPolygon) error {
	c, err := load(mp)
	if err != nil {
		return err
	}
	return c.check()
}

// pt is a point in doubled units, so that edge midpoints are whole.
type pt struct{ x, y int64 }

func (p pt) String() string { return fmt.Sprintf("(%g %g)", float64(p.x)/2, float64(p.y)/2) }

type ring struct {
	poly, index int // polygon, and ring within it: 0 is the shell
	pts         []pt
	closedPts   []pt // pts with the first point repeated at the end
	box         [4]int64
}

type segment struct {
	ring, i int // ring, and index of the segment's first point
	a, b    pt
	box     [4]int64
}

type checker struct {
	rings   []*ring
	polys   [][]int // ring indexes of each polygon
	touches map[pt][]int
}

func load(mp orb.MultiPolygon) (*checker, error) {
	c := &checker{touches: map[pt][]int{}}
	for pi, poly := range mp {
		if len(poly) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", pi)
		}
		var idx []int
		for ri, r := range poly {
			where := fmt.Sprintf("polygon %d ring %d", pi, ri)
			if len(r) < 4 {
				return nil, fmt.Errorf("%s: %d points, fewer than 4", where, len(r))
			}
			if r[0] != r[len(r)-1] {
				return nil, fmt.Errorf("%s: not closed", where)
			}
			rg := &ring{poly: pi, index: ri, box: [4]int64{math.MaxInt64, math.MaxInt64, math.MinInt64, math.MinInt64}}
			for _, p := range r[:len(r)-1] {
				if p[0] != math.Trunc(p[0]) || p[1] != math.Trunc(p[1]) || math.Abs(p[0]) > 1<<28 || math.Abs(p[1]) > 1<<28 {
					return nil, fmt.Errorf("%s: point %v is not on the integer grid", where, p)
				}
				q := pt{2 * int64(p[0]), 2 * int64(p[1])}
				if len(rg.pts) > 0 && rg.pts[len(rg.pts)-1] == q {
					continue
				}
				rg.pts = append(rg.pts, q)
			}
			for len(rg.pts) > 1 && rg.pts[len(rg.pts)-1] == rg.pts[0] {
				rg.pts = rg.pts[:len(rg.pts)-1]
			}
			if len(rg.pts) < 3 {
				return nil, fmt.Errorf("%s: fewer than 3 distinct points", where)
			}
			if area2(rg.pts) == 0 {
				return nil, fmt.Errorf("%s: no area", where)
			}
			rg.closedPts = append(slices.Clone(rg.pts), rg.pts[0])
			for _, q := range rg.pts {
				rg.box = [4]int64{min(rg.box[0], q.x), min(rg.box[1], q.y), max(rg.box[2], q.x), max(rg.box[3], q.y)}
			}
			idx = append(idx, len(c.rings))
			c.rings = append(c.rings, rg)
		}
		c.polys = append(c.polys, idx)
	}
	return c, nil
}

func (c *checker) check() error {
	if err := c.edges(); err != nil {
		return err
	}
	if err := c.touchesCross(); err != nil {
		return err
	}
	if err := c.connected(); err != nil {
		return err
	}
	return c.nesting()
}

// edges compares every pair of edges whose boxes meet, sweeping along x.
func (c *checker) edges() error {
	var segs []segment
	for ri, r := range c.rings {
		for i := range r.pts {
			a, b := r.closedPts[i], r.closedPts[i+1]
			segs = append(segs, segment{ri, i, a, b, [4]int64{min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)}})
		}
	}
	slices.SortFunc(segs, func(s, t segment) int { return cmp.Compare(s.box[0], t.box[0]) })
	var active []int
	for i := range segs {
		s := &segs[i]
		kept := active[:0]
		for _, j := range active {
			if segs[j].box[2] >= s.box[0] {
				kept = append(kept, j)
			}
		}
		active = kept
		for _, j := range active {
			t := &segs[j]
			if t.box[1] > s.box[3] || t.box[3] < s.box[1] {
				continue
			}
			if err := c.pair(s, t); err != nil {
				return err
			}
		}
		active = append(active, i)
	}
	return nil
}

// pair classifies how two edges meet and records touches between rings.
func (c *checker) pair(s, t *segment) error {
	kind, p := intersect(s.a, s.b, t.a, t.b)
	rs, rt := c.rings[s.ring], c.rings[t.ring]
	switch kind {
	case apart:
		return nil
	case crossing:
		return fmt.Errorf("edges cross near %v (polygon %d ring %d, polygon %d ring %d)", p, rs.poly, rs.index, rt.poly, rt.index)
	case overlapping:
		return fmt.Errorf("edges overlap from %v (polygon %d ring %d, polygon %d ring %d)", p, rs.poly, rs.index, rt.poly, rt.index)
	}
	if s.ring == t.ring {
		n := len(rs.pts)
		adjacent := (s.i+1)%n == t.i && p == t.a || (t.i+1)%n == s.i && p == s.a
		if !adjacent {
			return fmt.Errorf("polygon %d ring %d touches itself at %v", rs.poly, rs.index, p)
		}
		return nil
	}
	for _, r := range []int{s.ring, t.ring} {
		if !slices.Contains(c.touches[p], r) {
			c.touches[p] = append(c.touches[p], r)
		}
	}
	return nil
}

type contact int

const (
	apart contact = iota
	touching
	crossing
	overlapping
)

// intersect says how segments ab and cd meet: not at all, at the single
// point p, crossing (interiors through each other) or along a stretch.
func intersect(a, b, c, d pt) (contact, pt) {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	if d1 == 0 && d2 == 0 {
		// Collinear: compare along the longer axis.
		key := func(p pt) int64 { return p.x }
		if max(a.x, b.x)-min(a.x, b.x) < max(a.y, b.y)-min(a.y, b.y) {
			key = func(p pt) int64 { return p.y }
		}
		lo := max(min(key(a), key(b)), min(key(c), key(d)))
		hi := min(max(key(a), key(b)), max(key(c), key(d)))
		switch {
		case lo > hi:
			return apart, pt{}
		case lo < hi:
			for _, p := range []pt{a, b, c, d} {
				if key(p) == lo {
					return overlapping, p
				}
			}
		}
		for _, p := range []pt{a, b} {
			if key(p) == lo {
				return touching, p
			}
		}
	}
	if d1*d2 < 0 && d3*d4 < 0 {
		return crossing, a
	}
	switch {
	case d1 == 0 && within(a, c, d):
		return touching, a
	case d2 == 0 && within(b, c, d):
		return touching, b
	case d3 == 0 && within(c, a, b):
		return touching, c
	case d4 == 0 && within(d, a, b):
		return touching, d
	}
	return apart, pt{}
}

// orient is the sign of the turn a, b, c: 1 left, -1 right, 0 straight.
func orient(a, b, c pt) int64 {
	v := (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// within reports whether p, collinear with ab, lies on the segment.
func within(p, a, b pt) bool {
	return min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
}

func cross(u, v pt) int64 { return u.x*v.y - u.y*v.x }

// touchesCross checks that rings meeting at a point do not pass through
// each other there: both of one ring's edges at the point lie on the same
// side of the other's.
func (c *checker) touchesCross() error {
	for p, rs := range c.touches {
		for i, ri := range rs {
			a1, a2 := c.rings[ri].around(p)
			for _, rj := range rs[i+1:] {
				b1, b2 := c.rings[rj].around(p)
				in1, ok1 := inSector(a1, a2, b1)
				in2, ok2 := inSector(a1, a2, b2)
				if !ok1 || !ok2 {
					return fmt.Errorf("rings share an edge at %v", p)
				}
				if in1 != in2 {
					ra, rb := c.rings[ri], c.rings[rj]
					return fmt.Errorf("rings cross at %v (polygon %d ring %d, polygon %d ring %d)", p, ra.poly, ra.index, rb.poly, rb.index)
				}
			}
		}
	}
	return nil
}

// around returns the directions from p, which is on the ring, to its
// neighbours along the ring: the previous one first.
func (r *ring) around(p pt) (pt, pt) {
	n := len(r.pts)
	for i, q := range r.pts {
		if q == p {
			prev, next := r.pts[(i+n-1)%n], r.pts[(i+1)%n]
			return pt{prev.x - p.x, prev.y - p.y}, pt{next.x - p.x, next.y - p.y}
		}
	}
	for i := range r.pts {
		a, b := r.closedPts[i], r.closedPts[i+1]
		if orient(a, b, p) == 0 && within(p, a, b) {
			return pt{a.x - p.x, a.y - p.y}, pt{b.x - p.x, b.y - p.y}
		}
	}
	panic("tiletest: point not on ring")
}

// inSector reports whether direction v lies strictly inside the sector
// swept counter-clockwise from u to w; ok is false when v lies along u or
// w.
func inSector(u, w, v pt) (in, ok bool) {
	if sameDirection(u, v) || sameDirection(w, v) {
		return false, false
	}
	cuw, cuv, cvw := cross(u, w), cross(u, v), cross(v, w)
	switch {
	case cuw > 0:
		return cuv > 0 && cvw > 0, true
	case cuw < 0:
		return !(cross(w, v) >= 0 && cross(v, u) >= 0), true
	}
	// u and w opposite: a half-plane. (The same direction would be an
	// overlap, already reported.)
	return cuv > 0, true
}

func sameDirection(u, v pt) bool { return cross(u, v) == 0 && u.x*v.x+u.y*v.y > 0 }

// connected checks that the rings of each polygon that touch do not
// enclose part of its interior: in the graph of rings and the points where
// they touch, a cycle cuts the interior in two.
func (c *checker) connected() error {
	node := map[any]any{}
	var find func(x any) any
	find = func(x any) any {
		p, ok := node[x]
		if !ok || p == x {
			node[x] = x
			return x
		}
		r := find(p)
		node[x] = r
		return r
	}
	type ptNode struct {
		poly int
		p    pt
	}
	for p, rs := range c.touches {
		for _, ri := range rs {
			r := c.rings[ri]
			pn := ptNode{r.poly, p}
			a, b := find(ri), find(pn)
			if a == b {
				return fmt.Errorf("polygon %d: rings touching at %v and elsewhere cut its interior in two", r.poly, p)
			}
			node[a] = b
		}
	}
	return nil
}

// nesting checks that each hole lies inside its shell and outside the
// polygon's other holes, and that no polygon lies in another's interior.
// Edges never cross by now, so one point of a ring off another ring says
// on which side of it the whole ring is.
func (c *checker) nesting() error {
	for pi, idx := range c.polys {
		shell := c.rings[idx[0]]
		for k, hi := range idx[1:] {
			h := c.rings[hi]
			in, err := h.inside(shell)
			if err != nil {
				return err
			}
			if !in {
				return fmt.Errorf("polygon %d: hole %d lies outside its shell", pi, k+1)
			}
			for _, hj := range idx[k+2:] {
				if in, err := h.insideEither(c.rings[hj]); err != nil || in {
					return cmp.Or(err, fmt.Errorf("polygon %d: holes %d and %d are nested", pi, h.index, c.rings[hj].index))
				}
			}
		}
	}
	for pi := range c.polys {
		for pj := pi + 1; pj < len(c.polys); pj++ {
			for _, pair := range [][2]int{{pi, pj}, {pj, pi}} {
				in, err := c.inInterior(pair[0], pair[1])
				if err != nil {
					return err
				}
				if in {
					return fmt.Errorf("polygons %d and %d overlap", pi, pj)
				}
			}
		}
	}
	return nil
}

// insideEither reports whether either ring lies inside the other.
func (r *ring) insideEither(s *ring) (bool, error) {
	if !boxesMeet(r.box, s.box) {
		return false, nil
	}
	a, err := r.inside(s)
	if err != nil || a {
		return a, err
	}
	return s.inside(r)
}

// inInterior reports whether polygon a's shell lies in polygon b's
// interior: inside b's shell and in none of b's holes.
func (c *checker) inInterior(a, b int) (bool, error) {
	sa, sb := c.rings[c.polys[a][0]], c.rings[c.polys[b][0]]
	if !boxesMeet(sa.box, sb.box) {
		return false, nil
	}
	in, err := sa.inside(sb)
	if err != nil || !in {
		return false, err
	}
	for _, hi := range c.polys[b][1:] {
		in, err := sa.inside(c.rings[hi])
		if err != nil {
			return false, err
		}
		if in {
			return false, nil
		}
	}
	return true, nil
}

func boxesMeet(a, b [4]int64) bool {
	return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

var errUndecided = errors.New("tiletest: every point of a ring lies on another")

// inside reports whether ring r lies inside ring s, judged by a vertex or
// an edge midpoint of r that is not on s.
func (r *ring) inside(s *ring) (bool, error) {
	candidates := slices.Clone(r.pts)
	for i := range r.pts {
		a, b := r.closedPts[i], r.closedPts[i+1]
		candidates = append(candidates, pt{(a.x + b.x) / 2, (a.y + b.y) / 2})
	}
	for _, p := range candidates {
		switch s.locate(p) {
		case 1:
			return true, nil
		case -1:
			return false, nil
		}
	}
	return false, errUndecided
}

// locate is 1 when p is strictly inside the ring, 0 on it, -1 outside.
func (r *ring) locate(p pt) int {
	in := false
	for i := range r.pts {
		a, b := r.closedPts[i], r.closedPts[i+1]
		if orient(a, b, p) == 0 && within(p, a, b) {
			return 0
		}
		if (a.y > p.y) != (b.y > p.y) {
			// x of the edge at p.y, compared without division.
			lhs := (p.x - a.x) * (b.y - a.y)
			rhs := (b.x - a.x) * (p.y - a.y)
			if b.y-a.y < 0 {
				lhs, rhs = -lhs, -rhs
			}
			if lhs < rhs {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

// area2 is twice the signed area.
func area2(pts []pt) int64 {
	var s int64
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		s += a.x*b.y - b.x*a.y
	}
	return s
}
