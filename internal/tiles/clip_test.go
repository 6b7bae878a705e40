package tiles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"frontline/internal/tiles/tiletest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// testFaction prepares a faction of one polygon from rings of whole world
// units, the first its exterior, orienting, checking and noding them as
// prepare does; ok is false when the rings do not make a valid polygon.
func testFaction(rings ...[][2]int64) (preparedFaction, bool) {
	var pp preparedPolygon
	for _, r := range rings {
		r = closeRing(slices.Clone(r))
		if r == nil || ringArea(r) == 0 {
			return preparedFaction{}, false
		}
		pp.add(r)
	}
	var s shaper
	polys := []preparedPolygon{pp}
	if _, bad := s.v.check(polys); bad {
		return preparedFaction{}, false
	}
	s.node(polys)
	return preparedFaction{polys: polys, crowded: s.v.crowded}, true
}

func rect(x0, y0, x1, y1 int64) [][2]int64 {
	return [][2]int64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

func pts(xy ...int64) [][2]int64 {
	var r [][2]int64
	for i := 0; i+1 < len(xy); i += 2 {
		r = append(r, [2]int64{xy[i], xy[i+1]})
	}
	return r
}

// clipToBox clips fp to box, in world units (a tile origin at 0, 0).
func clipToBox(fp preparedFaction, box [4]int64) [][][][2]int32 {
	var c ringClipper
	c.setBox(box, [2]int64{})
	return fp.clip(nil, &c)
}

func asOrb[T int32 | int64](rings [][][2]T) orb.Polygon {
	var p orb.Polygon
	for _, r := range rings {
		var or orb.Ring
		for _, q := range r {
			or = append(or, orb.Point{float64(q[0]), float64(q[1])})
		}
		p = append(p, or)
	}
	return p
}

// checkClip checks a clipped polygon: valid as a whole (its parts are one
// feature), oriented for the format, within the box, and covering what
// the polygon covers in the box. Sample points near the box's edge or the
// polygon's edges are skipped, where rounded crossings may move the line
// by up to half a unit.
func checkClip(fp preparedFaction, box [4]int64, shape [][][][2]int32) error {
	pp := fp.polys[0]
	var got orb.MultiPolygon
	for _, poly := range shape {
		got = append(got, asOrb(poly))
		for i, r := range poly {
			if a := ringArea(r); (i == 0) != (a > 0) {
				return fmt.Errorf("clipped %v to %v: ring %d of a polygon has area %d: exteriors positive, holes negative", pp.rings, box, i, a)
			}
			for _, q := range r {
				if int64(q[0]) < box[0] || int64(q[0]) > box[2] || int64(q[1]) < box[1] || int64(q[1]) > box[3] {
					return fmt.Errorf("clipped %v to %v: point %v outside the box", pp.rings, box, q)
				}
			}
		}
	}
	if err := tiletest.Valid(got); err != nil {
		return fmt.Errorf("clipped %v to %v: %v\ngot %v", pp.rings, box, err, shape)
	}
	orig := asOrb(pp.rings)
	// A crowded faction may be cut by a box pulled in a little.
	var mismatch error
	for _, d := range boxShrinks {
		b := [4]int64{box[0] + d, box[1] + d, box[2] - d, box[3] - d}
		if mismatch = sameInside(got, orig, b); mismatch == nil || len(fp.crowded) == 0 {
			break
		}
	}
	if mismatch != nil {
		return fmt.Errorf("clipped %v to %v: %v\ngot %v", pp.rings, box, mismatch, shape)
	}
	return nil
}

// sameInside compares got with orig cut to box at points on a grid.
func sameInside(got orb.MultiPolygon, orig orb.Polygon, box [4]int64) error {
	w, h := float64(box[2]-box[0]), float64(box[3]-box[1])
	const n = 40
	for i := range n {
		for j := range n {
			p := orb.Point{float64(box[0]) - 2 + (w+4)*(float64(i)+0.318)/n, float64(box[1]) - 2 + (h+4)*(float64(j)+0.271)/n}
			if closeToEdges(p, box, orig) {
				continue
			}
			in := p[0] > float64(box[0]) && p[0] < float64(box[2]) && p[1] > float64(box[1]) && p[1] < float64(box[3])
			want := in && planar.PolygonContains(orig, p)
			if planar.MultiPolygonContains(got, p) != want {
				return fmt.Errorf("%v inside %v, want %v", p, !want, want)
			}
		}
	}
	return nil
}

// closeToEdges reports whether p is within a unit of the box's edge or of an edge
// of the polygon.
func closeToEdges(p orb.Point, box [4]int64, poly orb.Polygon) bool {
	for k, v := range box {
		if math.Abs(p[k%2]-float64(v)) < 1 {
			return true
		}
	}
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			if planar.DistanceFromSegment(r[i], r[i+1], p) < 1 {
				return true
			}
		}
	}
	return false
}

func TestClip(t *testing.T) {
	box := [4]int64{0, 0, 40, 40}
	cases := []struct {
		name         string
		rings        [][][2]int64
		parts, holes int // of the result
	}{
		{"inside", [][][2]int64{rect(10, 10, 20, 20)}, 1, 0},
		{"outside", [][][2]int64{rect(50, 50, 60, 60)}, 0, 0},
		{"box inside the ring", [][][2]int64{rect(-10, -10, 50, 50)}, 1, 0},
		{"box inside the ring, hole inside the box", [][][2]int64{rect(-10, -10, 50, 50), rect(10, 10, 20, 20)}, 1, 1},
		{"box inside a hole", [][][2]int64{rect(-20, -20, 60, 60), rect(-10, -10, 50, 50)}, 0, 0},
		{"hole off the box", [][][2]int64{rect(-20, -20, 60, 60), rect(-15, -15, -5, -5)}, 1, 0},
		{"hole crossing an edge", [][][2]int64{rect(-10, -10, 50, 50), rect(30, 10, 45, 20)}, 1, 0},
		{"hole over a corner", [][][2]int64{rect(-10, -10, 50, 50), rect(30, 30, 45, 45)}, 1, 0},
		{"hole across the box", [][][2]int64{rect(-10, -10, 50, 50), rect(10, -5, 20, 45)}, 2, 0},
		{"holes crossing the edge, one inside", [][][2]int64{rect(-10, -10, 50, 50), rect(5, 35, 10, 45), rect(20, 35, 25, 45), rect(15, 15, 25, 25)}, 1, 1},
		{"comb leaving and coming back through the top", [][][2]int64{pts(-5, -10, 45, -10, 45, 5, 35, 5, 35, 50, 30, 50, 30, 5, 25, 5, 25, 50,
			20, 50, 20, 5, 15, 5, 15, 50, 10, 50, 10, 5, 5, 5, 5, 50, 0, 50, 0, 5, -5, 5)}, 1, 0},
		{"comb's teeth reaching in", [][][2]int64{pts(-5, 55, 45, 55, 45, 45, 35, 45, 35, 30, 30, 30, 30, 45, 25, 45, 25, 30,
			20, 30, 20, 45, 15, 45, 15, 30, 10, 30, 10, 45, -5, 45)}, 3, 0},
		{"W leaving twice through the bottom", [][][2]int64{pts(5, 20, 5, -10, 15, -10, 15, 10, 25, 10, 25, -10, 35, -10, 35, 20)}, 1, 0},
		{"U out and back through one edge, hole in its arms", [][][2]int64{pts(5, 35, 5, -10, 35, -10, 35, 35, 25, 35, 25, 5, 15, 5, 15, 35),
			rect(8, -5, 12, 20)}, 1, 0},
		{"edge along the box's edge", [][][2]int64{rect(0, 10, 20, 20)}, 1, 0},
		{"outside, edge along the box's edge", [][][2]int64{rect(-10, 10, 0, 20)}, 0, 0},
		{"vertex on the edge, inside", [][][2]int64{pts(0, 20, 10, 10, 20, 20, 10, 30)}, 1, 0},
		{"vertex on the edge, outside", [][][2]int64{pts(0, 20, -10, 10, -20, 20, -10, 30)}, 0, 0},
		{"running out along the edge", [][][2]int64{pts(-10, 10, 20, 10, 20, 30, 0, 30, 0, 20, -10, 20)}, 1, 0},
		{"leaving along the edge, interior outside", [][][2]int64{pts(-10, 10, 20, 10, 20, 20, 0, 20, 0, 30, -10, 30)}, 1, 0},
		{"touching the edge from inside, crossing another", [][][2]int64{pts(0, 20, 10, 10, 50, 10, 50, 30, 10, 30)}, 1, 0},
		{"hole touching the edge from inside", [][][2]int64{rect(-10, -10, 50, 50), pts(0, 20, 10, 15, 10, 25)}, 1, 1},
		{"hole along the edge", [][][2]int64{rect(-10, -10, 50, 50), rect(0, 15, 10, 25)}, 1, 0},
		{"touching the edge from outside, entering elsewhere", [][][2]int64{pts(-20, -10, 10, -10, 10, 5, -5, 5, -5, 15, 0, 20,
			-5, 25, -5, 35, 10, 35, 10, 50, -20, 50)}, 2, 0},
		{"vertex on a corner", [][][2]int64{pts(30, 30, 50, 30, 40, 40, 30, 50)}, 1, 0},
		{"edge through a corner", [][][2]int64{pts(20, 20, 50, 20, 50, 30, 30, 50, 20, 50)}, 1, 0},
		{"corner only", [][][2]int64{pts(40, 40, 50, 40, 50, 50, 40, 50)}, 0, 0},
		// The spike leaves the box between two crossings that round to one
		// point.
		{"narrow spike out", [][][2]int64{pts(10, 10, 30, 10, 30, 30, 21, 30, 20, 41, 19, 30, 10, 30)}, 1, 0},
		// The notch comes in between two crossings that round to one
		// point: it shrinks to a line, and goes.
		{"narrow notch in", [][][2]int64{pts(10, 10, 30, 10, 30, 60, 21, 60, 20, 39, 19, 60, 10, 60)}, 1, 0},
		// A notch whose waist, just outside the box, rounds to one point
		// of the edge: what comes in is a hole touching the edge there.
		{"notch pinched at the edge", [][][2]int64{pts(-10, -10, 50, -10, 50, 80, 30, 80, 20, 42, 25, 5, 15, 5, 20, 41, 10, 80, -10, 80)}, 1, 1},
		// The hole touches the exterior inside the box and crosses the
		// box's edge: the part between them is cut off at the touch.
		{"hole touching the exterior, crossing the edge", [][][2]int64{rect(-10, -10, 30, 50), pts(30, 20, 20, 30, 20, 45, 25, 45)}, 2, 0},
		{"holes touching, crossing the edge", [][][2]int64{rect(-10, -10, 50, 50), pts(10, 20, 20, 30, 20, 45, 10, 45),
			pts(20, 30, 30, 20, 30, 45, 25, 45)}, 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fp, ok := testFaction(c.rings...)
			if !ok {
				t.Fatalf("test polygon %v is not valid", c.rings)
			}
			shape := clipToBox(fp, box)
			if err := checkClip(fp, box, shape); err != nil {
				t.Fatal(err)
			}
			holes := 0
			for _, p := range shape {
				holes += len(p) - 1
			}
			if len(shape) != c.parts || holes != c.holes {
				t.Errorf("%d parts with %d holes, want %d with %d: %v", len(shape), holes, c.parts, c.holes, shape)
			}
		})
	}
}

// TestClipRandom clips random polygons on a small grid, so that vertices
// fall on the box's edges, edges run along them, and crossings round onto
// one another, to boxes with edges on the grid.
func TestClipRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2024))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	clipped := 0
	for i := range n {
		size := int64(8 + rng.IntN(40))
		rings := [][][2]int64{star(rng, size/2, size/2, size/2, 3+rng.IntN(12))}
		for range rng.IntN(3) {
			cx, cy := size/4+rng.Int64N(size/2+1), size/4+rng.Int64N(size/2+1)
			rings = append(rings, star(rng, cx, cy, 1+size/6, 3+rng.IntN(6)))
		}
		fp, ok := testFaction(rings...)
		if !ok {
			continue
		}
		x0, y0 := rng.Int64N(size), rng.Int64N(size)
		box := [4]int64{x0, y0, x0 + 2 + rng.Int64N(size), y0 + 2 + rng.Int64N(size)}
		if err := checkClip(fp, box, clipToBox(fp, box)); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		clipped++
	}
	if clipped < n/4 {
		t.Errorf("only %d of %d random polygons were valid to clip", clipped, n)
	}
}

// star is a ring of k vertices at random distances up to r around
// (cx, cy), in order of angle, rounded to the grid.
func star(rng *rand.Rand, cx, cy, r int64, k int) [][2]int64 {
	angles := make([]float64, k)
	for i := range angles {
		angles[i] = rng.Float64() * 2 * math.Pi
	}
	slices.Sort(angles)
	var out [][2]int64
	for _, a := range angles {
		d := float64(r) * (0.2 + 0.8*rng.Float64())
		out = append(out, [2]int64{cx + int64(math.Round(d*math.Cos(a))), cy + int64(math.Round(d*math.Sin(a)))})
	}
	return out
}
