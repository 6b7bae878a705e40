// Package territory derives the ground each faction held from the control
// timeline: an H3 grid covers Syria, each cell takes the controller of its
// nearest controlling place unless an explicit area covers it, and the
// cells of a faction are dissolved into polygons clipped to the outline.
package territory

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/peterstace/simplefeatures/geom"
	"github.com/uber/h3-go/v4"
)

// Resolution of the grid: H3 resolution 7 cells cover about 5 km².
const Resolution = 7

// Grid is the H3 cover of the outline and what decides each cell. It is
// built when the timeline changes and stored; the point query needs only
// its exported fields.
type Grid struct {
	Cells   []h3.Cell                  // sorted
	Class   []int32                    // per cell: index into Classes
	Pieces  map[int32]orb.MultiPolygon // per border cell: its part inside the outline
	Classes []Class

	// The geometry, built with the grid and shared by the grids decided
	// on it; used to decide and dissolve cells, not stored.
	geom  *geometry
	index *pointIndex // shared likewise; made again for a stored grid
}

// SameCover reports whether g and o share one cover of the outline (see
// [BuildOn]).
func (g *Grid) SameCover(o *Grid) bool { return g.geom != nil && g.geom == o.geom }

// geometry is the cover of one outline: the cells' sides with their
// neighbours, their areas and centres. It depends on the outline alone.
type geometry struct {
	key     string // the outline's digest
	edges   [][]edge
	areaKm2 []float64
	centres []orb.Point
	byLat   []int32 // cell indexes sorted by centre latitude
}

// Class is what decides a set of cells (see decide): the baseline place
// nearest to them and whether they lie within its reach, the area
// changes whose polygon holds their centres, and the later changes whose
// reach covers them, in the order they apply.
type Class struct {
	Place  string
	Within bool
	Areas  []string
	Reach  []string
}

// edge is a piece of a cell's boundary, oriented counter-clockwise around
// the cell, and the cell on its other side (-1 when that is the outline).
type edge struct {
	a, b orb.Point
	nbr  int32
}

// Find returns the index of the cell holding p, or -1 when p is outside
// the outline.
func (g *Grid) Find(p orb.Point) int {
	if g.index != nil {
		return g.index.find(g, p)
	}
	return g.findH3(p)
}

// findH3 is Find asked of H3 itself.
func (g *Grid) findH3(p orb.Point) int {
	c := h3.LatLngToCell(h3.NewLatLng(p.Lat(), p.Lon()), Resolution)
	i := sort.Search(len(g.Cells), func(i int) bool { return g.Cells[i] >= c })
	if i == len(g.Cells) || g.Cells[i] != c {
		return -1
	}
	if piece, ok := g.Pieces[int32(i)]; ok && !planar.MultiPolygonContains(piece, p) {
		return -1
	}
	return i
}

// buildGeometry covers outline with cells, cutting those it crosses.
func buildGeometry(outline orb.MultiPolygon) (*Grid, error) {
	inside := map[h3.Cell]bool{}
	for _, poly := range outline {
		gp := h3.GeoPolygon{GeoLoop: loop(poly[0])}
		for _, h := range poly[1:] {
			gp.Holes = append(gp.Holes, loop(h))
		}
		for _, c := range h3.PolygonToCells(gp, Resolution) {
			inside[c] = true
		}
	}
	// Cells the outline passes through are cut by it. Sampling the outline
	// every ~200 m finds them: an edge of a cell is about 1.4 km long.
	border := map[h3.Cell]bool{}
	for _, poly := range outline {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				n := int(math.Ceil(planar.Distance(a, b)/0.002)) + 1
				for k := 0; k < n; k++ {
					f := float64(k) / float64(n)
					p := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
					border[h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), Resolution)] = true
				}
			}
		}
	}
	// A cell the outline only clips at a corner can escape the sampling;
	// such a cell neighbours a sampled one and has a vertex outside.
	var corner []h3.Cell
	for c := range border {
		for _, n := range c.GridDisk(1) {
			if border[n] {
				continue
			}
			for _, v := range n.Boundary() {
				if !planar.MultiPolygonContains(outline, orb.Point{v.Lng, v.Lat}) {
					corner = append(corner, n)
					break
				}
			}
		}
	}
	for _, c := range corner {
		border[c] = true
	}
	all := make([]h3.Cell, 0, len(inside)+len(border))
	for c := range inside {
		if !border[c] {
			all = append(all, c)
		}
	}
	for c := range border {
		all = append(all, c)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })

	sfOutline, err := toSF(outline)
	if err != nil {
		return nil, fmt.Errorf("territory: outline: %w", err)
	}
	windows := &outlineWindows{outline: sfOutline, cache: map[[2]int]geom.Geometry{}}
	vt := newVertexTable()
	rings := make([]orb.Ring, len(all))
	for i, c := range all {
		rings[i] = vt.ring(c.Boundary())
	}
	// Cut the border cells, each against the outline's window around it
	// (fast); neighbours cut in different windows can disagree by metres
	// on a shared cut point, so those are cut again against the whole
	// outline until every cut side meets its twin.
	pieces := make([]orb.MultiPolygon, len(all))
	cut := func(i int, whole bool) error {
		local := sfOutline
		if !whole {
			var err error
			if local, err = windows.around(centroid(rings[i])); err != nil {
				return fmt.Errorf("territory: outline near cell %s: %w", all[i], err)
			}
		}
		piece, err := intersect(orb.Polygon{rings[i]}, local)
		if err != nil {
			return fmt.Errorf("territory: clip cell %s: %w", all[i], err)
		}
		for _, poly := range piece {
			for k := range poly {
				for j := range poly[k] {
					poly[k][j] = vt.canon(poly[k][j])
				}
			}
		}
		if piece == nil {
			piece = orb.MultiPolygon{} // wholly outside
		}
		pieces[i] = piece
		return nil
	}
	for i, c := range all {
		if border[c] {
			if err := cut(i, false); err != nil {
				return nil, err
			}
		}
	}
	byVertex := map[orb.Point][]int32{}
	for i, r := range rings {
		for _, v := range r[:len(r)-1] {
			byVertex[v] = append(byVertex[v], int32(i))
		}
	}
	var edges [][]edge
	for round := 0; ; round++ {
		edges = cellEdges(rings, pieces, byVertex)
		bad := unmatched(edges, pieces)
		if len(bad) == 0 {
			break
		}
		if round == 3 {
			return nil, fmt.Errorf("territory: %d cut cells still disagree with their neighbours", len(bad))
		}
		for _, i := range bad {
			if err := cut(int(i), true); err != nil {
				return nil, err
			}
		}
	}

	// Keep the cells with ground inside the outline.
	g := &Grid{Pieces: map[int32]orb.MultiPolygon{}, geom: &geometry{}}
	var kept []orb.Ring // the kept cells' hexagons, for the point index
	newIndex := make([]int32, len(all))
	for i, c := range all {
		newIndex[i] = -1
		if pieces[i] != nil && len(pieces[i]) == 0 {
			continue
		}
		newIndex[i] = int32(len(g.Cells))
		g.Cells = append(g.Cells, c)
	}
	for i := range all {
		n := newIndex[i]
		if n < 0 {
			continue
		}
		es := edges[i]
		for k := range es {
			if es[k].nbr >= 0 {
				es[k].nbr = newIndex[es[k].nbr]
			}
		}
		g.geom.edges = append(g.geom.edges, es)
		g.geom.centres = append(g.geom.centres, centroid(rings[i]))
		kept = append(kept, rings[i])
		area := ringKm2(rings[i])
		if pieces[i] != nil {
			g.Pieces[n] = pieces[i]
			area = 0
			for _, poly := range pieces[i] {
				for k, pr := range poly {
					area += sign(k) * math.Abs(ringKm2(pr))
				}
			}
		}
		g.geom.areaKm2 = append(g.geom.areaKm2, area)
	}
	g.index = newPointIndex(kept, g.Pieces)
	g.geom.byLat = make([]int32, len(g.Cells))
	for i := range g.geom.byLat {
		g.geom.byLat[i] = int32(i)
	}
	sort.Slice(g.geom.byLat, func(a, b int) bool { return g.geom.centres[g.geom.byLat[a]][1] < g.geom.centres[g.geom.byLat[b]][1] })
	return g, nil
}

// cellEdges lists each cell's sides, or its cut piece's sides, with the
// cell across each.
func cellEdges(rings []orb.Ring, pieces []orb.MultiPolygon, byVertex map[orb.Point][]int32) [][]edge {
	edges := make([][]edge, len(rings))
	for i, r := range rings {
		sides := make([]edge, 0, 6)
		for k := 0; k+1 < len(r); k++ {
			sides = append(sides, edge{r[k], r[k+1], across(byVertex, int32(i), r[k], r[k+1])})
		}
		if pieces[i] == nil {
			edges[i] = sides
			continue
		}
		for _, poly := range pieces[i] {
			for _, pr := range poly {
				for j := 0; j+1 < len(pr); j++ {
					edges[i] = append(edges[i], edge{pr[j], pr[j+1], onSide(sides, pr[j], pr[j+1])})
				}
			}
		}
	}
	// A side facing a cell wholly outside faces the outline.
	for i := range edges {
		for k, e := range edges[i] {
			if e.nbr >= 0 && pieces[e.nbr] != nil && len(pieces[e.nbr]) == 0 {
				edges[i][k].nbr = -1
			}
		}
	}
	return edges
}

// unmatched returns the cut cells whose side shared with a neighbour is
// covered to a different length from the two sides: cut points that
// disagree. (A side split at an extra point on one side only is fine.)
func unmatched(edges [][]edge, pieces []orb.MultiPolygon) []int32 {
	covered := map[[2]int32]float64{}
	for i, es := range edges {
		for _, e := range es {
			if e.nbr >= 0 {
				covered[[2]int32{int32(i), e.nbr}] += planar.Distance(e.a, e.b)
			}
		}
	}
	var bad []int32
	mark := map[int32]bool{}
	for k, l := range covered {
		i, n := k[0], k[1]
		if pieces[i] == nil && pieces[n] == nil {
			continue
		}
		if math.Abs(l-covered[[2]int32{n, i}]) > 1e-9 {
			for _, c := range []int32{i, n} {
				if !mark[c] && pieces[c] != nil {
					mark[c] = true
					bad = append(bad, c)
				}
			}
		}
	}
	sort.Slice(bad, func(a, b int) bool { return bad[a] < bad[b] })
	return bad
}

func sign(ring int) float64 {
	if ring == 0 {
		return 1
	}
	return -1
}

// across returns the cell other than self that has both a and b as
// vertices, or -1.
func across(byVertex map[orb.Point][]int32, self int32, a, b orb.Point) int32 {
	for _, i := range byVertex[a] {
		if i == self {
			continue
		}
		for _, j := range byVertex[b] {
			if i == j {
				return i
			}
		}
	}
	return -1
}

// onSide returns the neighbour across the hexagon side that the segment
// a-b lies on, or -1 when the segment is part of the outline.
func onSide(sides []edge, a, b orb.Point) int32 {
	for _, s := range sides {
		if onSegment(s.a, s.b, a) && onSegment(s.a, s.b, b) {
			return s.nbr
		}
	}
	return -1
}

func onSegment(a, b, p orb.Point) bool {
	const eps = 1e-9
	cross := (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])
	l := math.Hypot(b[0]-a[0], b[1]-a[1])
	if math.Abs(cross) > eps*l {
		return false
	}
	dot := (p[0]-a[0])*(b[0]-a[0]) + (p[1]-a[1])*(b[1]-a[1])
	return dot >= -eps*l && dot <= l*l+eps*l
}

func loop(r orb.Ring) h3.GeoLoop {
	l := make(h3.GeoLoop, 0, len(r))
	for _, p := range r {
		l = append(l, h3.NewLatLng(p[1], p[0]))
	}
	return l
}

func centroid(r orb.Ring) orb.Point {
	var x, y float64
	n := len(r) - 1
	for _, p := range r[:n] {
		x += p[0]
		y += p[1]
	}
	return orb.Point{x / float64(n), y / float64(n)}
}

// ringKm2 is the ring's area in km², signed (positive when
// counter-clockwise), on a local equirectangular projection: accurate to
// well under 1% for rings the size of a cell or a country at Syria's
// latitudes.
func ringKm2(r orb.Ring) float64 {
	if len(r) < 4 {
		return 0
	}
	lat0 := centroid(r)[1] * math.Pi / 180
	const kmPerDeg = 111.195
	kx := kmPerDeg * math.Cos(lat0)
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += (r[i][0]*kx)*(r[i+1][1]*kmPerDeg) - (r[i+1][0]*kx)*(r[i][1]*kmPerDeg)
	}
	return s / 2
}

// vertexTable makes vertices that are the same point within 1 cm the same
// value, so that neighbouring cells and cut pieces share them exactly.
type vertexTable struct {
	byKey map[[2]int64]orb.Point
}

func newVertexTable() *vertexTable { return &vertexTable{byKey: map[[2]int64]orb.Point{}} }

func (vt *vertexTable) canon(p orb.Point) orb.Point {
	const q = 1e7 // about 1 cm
	kx, ky := int64(math.Round(p[0]*q)), int64(math.Round(p[1]*q))
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			if v, ok := vt.byKey[[2]int64{kx + dx, ky + dy}]; ok {
				return v
			}
		}
	}
	vt.byKey[[2]int64{kx, ky}] = p
	return p
}

// ring returns a cell's boundary as a closed counter-clockwise ring of
// canonical vertices.
func (vt *vertexTable) ring(b h3.CellBoundary) orb.Ring {
	r := make(orb.Ring, 0, len(b)+1)
	for _, ll := range b {
		r = append(r, vt.canon(orb.Point{ll.Lng, ll.Lat}))
	}
	r = append(r, r[0])
	if ringKm2(r) < 0 {
		r.Reverse()
	}
	return r
}

// outlineWindows cuts the outline into quarter-degree windows, so that
// clipping a cell works on a few vertices rather than the whole country.
type outlineWindows struct {
	outline geom.Geometry
	cache   map[[2]int]geom.Geometry
}

func (w *outlineWindows) around(p orb.Point) (geom.Geometry, error) {
	const size, pad = 0.25, 0.05 // degrees; a cell reaches 0.03 from its centre
	k := [2]int{int(math.Floor(p[0] / size)), int(math.Floor(p[1] / size))}
	if g, ok := w.cache[k]; ok {
		return g, nil
	}
	x, y := float64(k[0])*size, float64(k[1])*size
	box, err := toSF(orb.Bound{Min: orb.Point{x - pad, y - pad}, Max: orb.Point{x + size + pad, y + size + pad}}.ToPolygon())
	if err != nil {
		return geom.Geometry{}, err
	}
	g, err := geom.Intersection(w.outline, box)
	if err != nil {
		return geom.Geometry{}, err
	}
	w.cache[k] = g
	return g, nil
}
