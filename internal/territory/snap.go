package territory

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// SnapKm is how far outside the mapped ground a point is still answered,
// as the nearest ground: Natural Earth's generalised shore and borders
// leave coastal and border towns a kilometre or two outside the outline.
const SnapKm = 3

// Nearest returns the cell nearest to p within maxKm, with p's distance
// to its ground, or -1 when none is that near. Asked of a point inside a
// cell, it returns that cell at distance 0.
func (g *Grid) Nearest(p orb.Point, maxKm float64) (int, float64) {
	if i := g.Find(p); i >= 0 {
		return i, 0
	}
	origin := h3.LatLngToCell(h3.NewLatLng(p.Lat(), p.Lon()), Resolution)
	// Resolution 7 cells are about 2.6 km across: three rings hold every
	// cell within maxKm of p for the few km snapping allows.
	rings := int(math.Ceil(maxKm/2)) + 1
	best, bestKm := -1, math.Inf(1)
	for _, c := range origin.GridDisk(rings) {
		i := sort.Search(len(g.Cells), func(i int) bool { return g.Cells[i] >= c })
		if i == len(g.Cells) || g.Cells[i] != c {
			continue
		}
		var d float64
		if piece, ok := g.Pieces[int32(i)]; ok {
			d = math.Inf(1)
			for _, poly := range piece {
				for _, r := range poly {
					d = math.Min(d, ringDistanceKm(r, p))
				}
			}
		} else {
			d = ringDistanceKm(cellRing(c), p)
		}
		if d < bestKm {
			best, bestKm = i, d
		}
	}
	if best < 0 || bestKm > maxKm {
		return -1, 0
	}
	return best, bestKm
}

func cellRing(c h3.Cell) orb.Ring {
	b := c.Boundary()
	r := make(orb.Ring, 0, len(b)+1)
	for _, v := range b {
		r = append(r, orb.Point{v.Lng, v.Lat})
	}
	return append(r, r[0])
}

// ringDistanceKm is the distance from p to the nearest side of r, on a
// local equirectangular projection around p.
func ringDistanceKm(r orb.Ring, p orb.Point) float64 {
	kx := kmPerDeg * math.Cos(p[1]*math.Pi/180)
	best := math.Inf(1)
	for i := 0; i+1 < len(r); i++ {
		ax, ay := (r[i][0]-p[0])*kx, (r[i][1]-p[1])*kmPerDeg
		bx, by := (r[i+1][0]-p[0])*kx, (r[i+1][1]-p[1])*kmPerDeg
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
		}
		best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
	}
	return best
}
