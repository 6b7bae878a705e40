package tiles

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Simplifying a faction's ground for one zoom: Douglas-Peucker in
// degrees, then rounding to the zoom's world units, into polygons that
// are valid, as tiles must carry them.

// toleranceSteps are the fractions of a zoom's tolerance tried in turn on
// a polygon that simplification leaves invalid; the last keeps every
// vertex, leaving only the rounding.
var toleranceSteps = [...]float64{1, 0.5, 0.25, 0}

// shaper simplifies polygons, reusing its scratch space.
type shaper struct {
	v     validator
	keep  []bool
	stack [][2]int
}

// shape returns mp simplified at tolerance tol (degrees) and rounded to
// zoom z's world units, as valid polygons (see validator.check). Polygons
// smaller than the tolerance are left out, as are holes that collapse.
//
// When a polygon comes out invalid (an edge pulled across another, a
// hole out of its exterior), it is simplified again with the next of
// toleranceSteps. When rounding alone leaves it invalid (a ring passing
// twice through a grid point, or two edges rounded onto one, at low
// zoom), its rings are rebuilt into rings that only touch (untangle).
// What still fails then (rounding made edges cross) is dropped, ring by
// ring, the smaller of the two at fault first: a hole is filled, an
// exterior goes with its holes.
//
// Where a ring's vertex touches another ring's edge, the edge gets the
// vertex too, so that the clipper sees the point twice should it join
// the rings. crowded are the edges with a vertex within half a unit (see
// nearEdge).
func (s *shaper) shape(mp orb.MultiPolygon, tol float64, z maptile.Zoom) (polys []preparedPolygon, crowded [][2][2]int64) {
	type part struct {
		src, step int  // polygon of mp, and step of toleranceSteps
		split     bool // untangled: nothing left to try but dropping
	}
	var parts []part
	for i, poly := range mp {
		if len(poly) == 0 {
			continue
		}
		if b := poly.Bound(); b.Max[0]-b.Min[0] < tol && b.Max[1]-b.Min[1] < tol {
			continue // smaller than a pixel
		}
		if pp, ok := s.polygon(poly, tol, z); ok {
			polys = append(polys, pp)
			parts = append(parts, part{src: i})
		}
	}
	for {
		f, bad := s.v.check(polys)
		if !bad {
			break
		}
		mended := false
		for _, i := range []int{f.a.poly, f.b.poly} {
			p := &parts[i]
			if p.split || p.step == len(toleranceSteps)-1 {
				continue
			}
			p.step++
			if pp, ok := s.polygon(mp[p.src], tol*toleranceSteps[p.step], z); ok {
				polys[i] = pp
			} else {
				polys, parts = slices.Delete(polys, i, i+1), slices.Delete(parts, i, i+1)
			}
			mended = true
			break
		}
		if mended {
			continue
		}
		for _, i := range []int{f.a.poly, f.b.poly} {
			if parts[i].split {
				continue
			}
			parts[i].split = true
			pieces := s.splitPolygon(polys[i])
			polys = slices.Replace(polys, i, i+1, pieces...)
			parts = slices.Replace(parts, i, i+1, slices.Repeat([]part{parts[i]}, len(pieces))...)
			mended = true
			break
		}
		if mended {
			continue
		}
		drop := f.a
		if ra, rb := polys[f.a.poly].rings[f.a.ring], polys[f.b.poly].rings[f.b.ring]; abs(ringArea(rb)) < abs(ringArea(ra)) {
			drop = f.b
		}
		if drop.ring == 0 {
			polys, parts = slices.Delete(polys, drop.poly, drop.poly+1), slices.Delete(parts, drop.poly, drop.poly+1)
		} else {
			pp := &polys[drop.poly]
			pp.rings = slices.Delete(pp.rings, drop.ring, drop.ring+1)
			pp.boxes = slices.Delete(pp.boxes, drop.ring, drop.ring+1)
		}
	}
	s.node(polys)
	return polys, slices.Clone(s.v.crowded)
}

// node marks the polygons whose rings touch, after a check that passed,
// and adds each touch point that lies inside an edge to that edge.
func (s *shaper) node(polys []preparedPolygon) {
	type insert struct {
		ring ringRef
		edge int
		at   [2]int64
	}
	var inserts []insert
	for _, t := range s.v.touches {
		if t.a.poly != t.b.poly {
			continue
		}
		polys[t.a.poly].touching = true
		for _, side := range [2]struct {
			ring ringRef
			edge int
		}{{t.a, t.ia}, {t.b, t.ib}} {
			r := polys[side.ring.poly].rings[side.ring.ring]
			if t.at != r[side.edge] && t.at != r[side.edge+1] {
				inserts = append(inserts, insert{side.ring, side.edge, t.at})
			}
		}
	}
	if len(inserts) == 0 {
		return
	}
	// By ring, then edge, then from the edge's start; the rings are
	// rebuilt from their ends, so that edge indexes stay right.
	dist := func(in insert) int64 {
		a := polys[in.ring.poly].rings[in.ring.ring][in.edge]
		return abs(in.at[0]-a[0]) + abs(in.at[1]-a[1])
	}
	slices.SortFunc(inserts, func(x, y insert) int {
		return cmp.Or(cmp.Compare(x.ring.poly, y.ring.poly), cmp.Compare(x.ring.ring, y.ring.ring),
			cmp.Compare(y.edge, x.edge), cmp.Compare(dist(y), dist(x)))
	})
	inserts = slices.Compact(inserts)
	for _, in := range inserts {
		pp := &polys[in.ring.poly]
		pp.rings[in.ring.ring] = slices.Insert(pp.rings[in.ring.ring], in.edge+1, in.at)
	}
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// polygon simplifies poly at tolerance tol and rounds it to world units,
// oriented as the format asks: exterior with positive area in y-down
// units, holes negative. ok is false when the exterior collapses.
func (s *shaper) polygon(poly orb.Polygon, tol float64, z maptile.Zoom) (preparedPolygon, bool) {
	var pp preparedPolygon
	for i, ring := range poly {
		wr := s.ring(ring, tol, z)
		if len(wr) < 4 || ringArea(wr) == 0 {
			if i == 0 {
				return pp, false
			}
			continue
		}
		pp.add(wr)
	}
	return pp, true
}

// add appends closed ring r of world units to pp, oriented as the format
// asks: the first ring, the exterior, with positive area in y-down units,
// the holes after it negative.
func (pp *preparedPolygon) add(r [][2]int64) {
	exterior := len(pp.rings) == 0
	if exterior != (ringArea(r) > 0) {
		slices.Reverse(r)
	}
	b := ringBox(r)
	if exterior {
		pp.box = b
	}
	pp.rings = append(pp.rings, r)
	pp.boxes = append(pp.boxes, b)
}

// ring returns the vertices of closed ring r that Douglas-Peucker keeps
// at tolerance tol (all of them at 0), in world units at zoom z, without
// consecutive repeats and closed; nil when fewer than three are left.
func (s *shaper) ring(r orb.Ring, tol float64, z maptile.Zoom) [][2]int64 {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	if n < 3 {
		return nil
	}
	s.keep = slices.Grow(s.keep[:0], n)[:n]
	kept := n
	if tol > 0 {
		clear(s.keep)
		kept = s.douglasPeucker(r, n, tol)
	} else {
		for i := range s.keep {
			s.keep[i] = true
		}
	}
	out := make([][2]int64, 0, kept+1)
	for i, k := range s.keep {
		if k {
			out = append(out, worldPoint(r[i], z))
		}
	}
	return closeRing(out)
}

// douglasPeucker marks in s.keep the vertices of the ring r[:n] (closed
// by r[0]) that stay at tolerance tol, and returns how many: the first,
// the one farthest from it, then recursively the farthest from each kept
// chord while farther than tol.
func (s *shaper) douglasPeucker(r orb.Ring, n int, tol float64) int {
	far, farDist := 0, -1.0
	for i := 1; i < n; i++ {
		dx, dy := r[i][0]-r[0][0], r[i][1]-r[0][1]
		if d := dx*dx + dy*dy; d > farDist {
			far, farDist = i, d
		}
	}
	s.keep[0], s.keep[far] = true, true
	kept := 2
	tol2 := tol * tol
	s.stack = append(s.stack[:0], [2]int{0, far}, [2]int{far, n})
	for len(s.stack) > 0 {
		span := s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-1]
		if best := farthest(r, span[0], span[1], n, tol2); best >= 0 {
			s.keep[best] = true
			kept++
			s.stack = append(s.stack, [2]int{span[0], best}, [2]int{best, span[1]})
		}
	}
	return kept
}

// farthest returns the vertex of r strictly between i and j (j taken
// modulo n) farthest from the chord between them, -1 when none is farther
// than the square root of tol2. Squared distances are compared times the
// chord's squared length, which spares a division per vertex.
func farthest(r orb.Ring, i, j, n int, tol2 float64) int {
	a, b := r[i], r[j%n]
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	if l == 0 {
		l = 1 // a closed chord: distances from its point
	}
	best, bestDist := -1, tol2*l
	for k := i + 1; k < j; k++ {
		px, py := r[k][0]-a[0], r[k][1]-a[1]
		var d float64
		switch dot := px*dx + py*dy; {
		case dot <= 0:
			d = (px*px + py*py) * l
		case dot >= l:
			qx, qy := r[k][0]-b[0], r[k][1]-b[1]
			d = (qx*qx + qy*qy) * l
		default:
			c := px*dy - py*dx
			d = c * c
		}
		if d > bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

func ringBox(r [][2]int64) [4]int64 {
	b := [4]int64{math.MaxInt64, math.MaxInt64, math.MinInt64, math.MinInt64}
	for _, q := range r {
		b[0], b[1] = min(b[0], q[0]), min(b[1], q[1])
		b[2], b[3] = max(b[2], q[0]), max(b[3], q[1])
	}
	return b
}

// splitPolygon rebuilds pp's rings where they share points (see
// untangle): the exteriors, each with the holes that lie in it, the
// smallest exterior for a hole inside several.
func (s *shaper) splitPolygon(pp preparedPolygon) []preparedPolygon {
	exteriors, holes := untangle(pp.rings)
	out := make([]preparedPolygon, len(exteriors))
	for i, e := range exteriors {
		b := ringBox(e)
		out[i] = preparedPolygon{box: b, rings: [][][2]int64{e}, boxes: [][4]int64{b}}
	}
	for _, h := range holes {
		best := -1
		for i, e := range exteriors {
			if ringSide(h, e) > 0 && (best < 0 || abs(ringArea(e)) < abs(ringArea(exteriors[best]))) {
				best = i
			}
		}
		if best >= 0 {
			out[best].rings = append(out[best].rings, h)
			out[best].boxes = append(out[best].boxes, ringBox(h))
		}
	}
	return out
}
