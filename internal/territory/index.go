package territory

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/uber/h3-go/v4"
)

// pointIndex finds the cell holding a point without asking H3, whose
// LatLngToCell (a cgo call) costs about a microsecond and a half: a
// uniform grid of small squares over the cells' bound lists the cells each
// square meets, and a point is tested against those few hexagons. It is
// built once per cover of the outline and shared by every grid on it.
type pointIndex struct {
	min    orb.Point // south-west corner of the squares
	step   float64   // side of a square, degrees
	nx, ny int
	start  []int32 // square k's cells are cells[start[k]:start[k+1]]
	cells  []int32
	rings  []orb.Ring // per cell: its hexagon; nil for a cut cell, whose piece is tested
	bounds []orb.Bound
}

// indexStep is the side of the index's squares: under a cell's width
// (about 2.6 km at resolution 7), so a square meets few cells.
const indexStep = 0.02

// newPointIndex indexes cells, whose hexagons are rings (nil for cut
// cells, whose pieces are tested instead).
func newPointIndex(rings []orb.Ring, pieces map[int32]orb.MultiPolygon) *pointIndex {
	ix := &pointIndex{step: indexStep, rings: rings, bounds: make([]orb.Bound, len(rings))}
	var all orb.Bound
	for i, r := range rings {
		if piece, ok := pieces[int32(i)]; ok {
			ix.bounds[i] = piece.Bound()
			ix.rings[i] = nil
		} else {
			ix.bounds[i] = r.Bound()
		}
		if i == 0 {
			all = ix.bounds[i]
		} else {
			all = all.Union(ix.bounds[i])
		}
	}
	ix.min = all.Min
	ix.nx = int(math.Ceil((all.Max[0]-all.Min[0])/ix.step)) + 1
	ix.ny = int(math.Ceil((all.Max[1]-all.Min[1])/ix.step)) + 1
	counts := make([]int32, ix.nx*ix.ny+1)
	ix.each(func(k, _ int) { counts[k+1]++ })
	for k := 1; k < len(counts); k++ {
		counts[k] += counts[k-1]
	}
	ix.start = counts
	ix.cells = make([]int32, counts[len(counts)-1])
	fill := append([]int32(nil), counts[:len(counts)-1]...)
	ix.each(func(k, i int) {
		ix.cells[fill[k]] = int32(i)
		fill[k]++
	})
	return ix
}

// each calls fn for every square k each cell i's bound meets.
func (ix *pointIndex) each(fn func(k, i int)) {
	for i, b := range ix.bounds {
		x0, y0 := ix.square(b.Min)
		x1, y1 := ix.square(b.Max)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				fn(y*ix.nx+x, i)
			}
		}
	}
}

func (ix *pointIndex) square(p orb.Point) (int, int) {
	return int((p[0] - ix.min[0]) / ix.step), int((p[1] - ix.min[1]) / ix.step)
}

// find returns the cell of g holding p, or -1.
func (ix *pointIndex) find(g *Grid, p orb.Point) int {
	x, y := ix.square(p)
	if p[0] < ix.min[0] || p[1] < ix.min[1] || x >= ix.nx || y >= ix.ny {
		return -1
	}
	k := y*ix.nx + x
	for _, i := range ix.cells[ix.start[k]:ix.start[k+1]] {
		if !ix.bounds[i].Contains(p) {
			continue
		}
		if r := ix.rings[i]; r != nil {
			if planar.RingContains(r, p) {
				return int(i)
			}
		} else if planar.MultiPolygonContains(g.Pieces[i], p) {
			return int(i)
		}
	}
	return -1
}

// hexagons returns each cell's boundary ring, for a grid read from storage.
func hexagons(cells []h3.Cell) []orb.Ring {
	rings := make([]orb.Ring, len(cells))
	for i, c := range cells {
		rings[i] = cellRing(c)
	}
	return rings
}
