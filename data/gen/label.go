package main

import (
	"container/heap"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// labelPrecision is how close, in degrees, labelPoint gets to the point
// farthest from the edges.
const labelPrecision = 0.001

// labelPoint returns a point inside the largest polygon of mp, as far from
// its edges as can be found to within labelPrecision: the pole of
// inaccessibility, found by the quadtree search of Mapbox's polylabel.
// The result is rounded to five decimals and checked to lie inside.
func labelPoint(mp orb.MultiPolygon) orb.Point {
	var poly orb.Polygon
	best := -1.0
	for _, p := range mp {
		if a := math.Abs(planar.Area(p)); a > best {
			best, poly = a, p
		}
	}
	pt := polylabel(poly, labelPrecision)
	pt = orb.Point{round5(pt[0]), round5(pt[1])}
	if !planar.PolygonContains(poly, pt) {
		// Cannot happen for a polygon wider than the rounding step.
		panic("gen: label point outside its polygon")
	}
	return pt
}

type cell struct {
	c       orb.Point // centre
	h       float64   // half the cell's side
	d       float64   // signed distance from centre to the polygon's edge
	maxDist float64   // the most any point in the cell can be from the edge
}

func newCell(c orb.Point, h float64, poly orb.Polygon) *cell {
	d := signedDist(c, poly)
	return &cell{c: c, h: h, d: d, maxDist: d + h*math.Sqrt2}
}

type cellQueue []*cell

func (q cellQueue) Len() int { return len(q) }
func (q cellQueue) Less(i, j int) bool {
	if q[i].maxDist != q[j].maxDist {
		return q[i].maxDist > q[j].maxDist
	}
	// Break ties by position so the search order is fixed.
	if q[i].c[0] != q[j].c[0] {
		return q[i].c[0] < q[j].c[0]
	}
	return q[i].c[1] < q[j].c[1]
}
func (q cellQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *cellQueue) Push(x any)   { *q = append(*q, x.(*cell)) }
func (q *cellQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

func polylabel(poly orb.Polygon, precision float64) orb.Point {
	b := poly[0].Bound()
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	size := math.Min(w, h)
	if size == 0 {
		return b.Min
	}
	half := size / 2

	q := &cellQueue{}
	for x := b.Min[0]; x < b.Max[0]; x += size {
		for y := b.Min[1]; y < b.Max[1]; y += size {
			heap.Push(q, newCell(orb.Point{x + half, y + half}, half, poly))
		}
	}

	bestCell := newCell(b.Center(), 0, poly)
	centroid, _ := planar.CentroidArea(poly)
	if c := newCell(centroid, 0, poly); c.d > bestCell.d {
		bestCell = c
	}
	for q.Len() > 0 {
		c := heap.Pop(q).(*cell)
		if c.d > bestCell.d {
			bestCell = c
		}
		if c.maxDist-bestCell.d <= precision {
			continue
		}
		h := c.h / 2
		for _, off := range [4][2]float64{{-h, -h}, {h, -h}, {-h, h}, {h, h}} {
			heap.Push(q, newCell(orb.Point{c.c[0] + off[0], c.c[1] + off[1]}, h, poly))
		}
	}
	return bestCell.c
}

// signedDist is the distance from p to the polygon's nearest edge,
// positive inside and negative outside.
func signedDist(p orb.Point, poly orb.Polygon) float64 {
	inside := false
	minSq := math.Inf(1)
	for _, ring := range poly {
		for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
			a, b := ring[i], ring[j]
			if (a[1] > p[1]) != (b[1] > p[1]) &&
				p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
				inside = !inside
			}
			minSq = math.Min(minSq, segDistSq(p, a, b))
		}
	}
	d := math.Sqrt(minSq)
	if !inside {
		d = -d
	}
	return d
}

func segDistSq(p, a, b orb.Point) float64 {
	x, y := a[0], a[1]
	dx, dy := b[0]-x, b[1]-y
	if dx != 0 || dy != 0 {
		t := ((p[0]-x)*dx + (p[1]-y)*dy) / (dx*dx + dy*dy)
		if t > 1 {
			x, y = b[0], b[1]
		} else if t > 0 {
			x += dx * t
			y += dy * t
		}
	}
	dx, dy = p[0]-x, p[1]-y
	return dx*dx + dy*dy
}
