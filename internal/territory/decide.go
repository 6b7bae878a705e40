package territory

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// How a cell is decided (README, "How territory is derived"):
//
//   - On the baseline every cell takes its nearest baseline place, as the
//     long-standing fronts of 26 Nov are mapped; the cell is "within" that
//     place's reach, or beyond it (its ground is then only kept). A
//     baseline row with its own radius fills no farther: a small pocket
//     inside another's ground (Khasham on the Euphrates) stays small.
//   - A place inside an area polygon decides nothing outside that area,
//     so a garrison inside a zone colours only the zone.
//   - After the baseline a change moves the cells within its reach
//     ([geo.Place.ReachKm], or the change's own radius), and nothing else.
//   - An area change decides the cells whose centre its polygon holds.

// kmPerDeg is the length of a degree of latitude, and of longitude at the
// equator, in km.
const kmPerDeg = 111.195

// distanceKm is the distance between two points on a local
// equirectangular projection: within a fraction of a percent of the great
// circle at the tens of km reaches are.
func distanceKm(a, b orb.Point) float64 {
	kx := kmPerDeg * math.Cos((a[1]+b[1])/2*math.Pi/180)
	return math.Hypot((a[0]-b[0])*kx, (a[1]-b[1])*kmPerDeg)
}

// reachKm is how far around its place a change moves ground.
func reachKm(c *geo.Change, p *geo.Place) float64 {
	if c.RadiusKm > 0 {
		return c.RadiusKm
	}
	return p.ReachKm()
}

// decide returns a grid on g's geometry with every cell given its class
// for changes (sorted, as [geo.SortChanges] sorts them).
func decide(g *Grid, changes []*geo.Change, places func(string) *geo.Place) (*Grid, error) {
	gm := g.geom
	type placed struct {
		change *geo.Change
		place  *geo.Place
		areas  []string // ids of the area changes whose polygon holds the place
	}
	var areas []*geo.Change
	for _, c := range changes {
		if c.Area != "" {
			areas = append(areas, c)
		}
	}
	holding := func(p orb.Point) []string {
		var out []string
		for _, a := range areas {
			if a.Shape.Bound().Contains(p) && planar.MultiPolygonContains(a.Shape, p) {
				out = append(out, a.ID)
			}
		}
		return out
	}
	var baseline, later []placed
	byPlace := map[string]int{} // baseline index of a place
	for _, c := range changes {
		if c.Place == "" || !c.Status.Applies() {
			continue
		}
		p := places(c.Place)
		if p == nil {
			return nil, geo.Errorf(geo.EINVALID, "change %s: no place %q in the gazetteer", c.ID, c.Place)
		}
		pc := placed{c, p, holding(p.Point)}
		if !c.At.Equal(geo.TimelineStart) {
			later = append(later, pc)
			continue
		}
		if i, ok := byPlace[c.Place]; ok {
			baseline[i] = pc // the last baseline row of a place stands
			continue
		}
		byPlace[c.Place] = len(baseline)
		baseline = append(baseline, pc)
	}
	if len(baseline) == 0 {
		return nil, geo.Errorf(geo.EINVALID, "no controlling places: the timeline needs a baseline")
	}
	// fills: a baseline row with its own radius fills no farther.
	fills := func(pc placed, centre orb.Point) bool {
		return pc.change.RadiusKm == 0 || distanceKm(centre, pc.place.Point) <= pc.change.RadiusKm
	}
	// eligible: a place inside areas decides a cell only inside them all.
	eligible := func(pc placed, cellAreas []string) bool {
		for _, a := range pc.areas {
			if !contains(cellAreas, a) {
				return false
			}
		}
		return true
	}

	n := len(g.Cells)
	cellAreas := make([][]string, n)
	for i, c := range gm.centres {
		cellAreas[i] = holding(c)
	}

	// The later changes covering each cell, found through a latitude band.
	type cover struct {
		change int32
		distKm float64
	}
	covers := make([][]cover, n)
	lats := make([]float64, n)
	for k, i := range gm.byLat {
		lats[k] = gm.centres[i][1]
	}
	for ci, pc := range later {
		r := reachKm(pc.change, pc.place)
		dLat := r / kmPerDeg
		lo := sort.SearchFloat64s(lats, pc.place.Point[1]-dLat)
		for k := lo; k < n && lats[k] <= pc.place.Point[1]+dLat; k++ {
			i := gm.byLat[k]
			d := distanceKm(gm.centres[i], pc.place.Point)
			if d <= r && eligible(pc, cellAreas[i]) {
				covers[i] = append(covers[i], cover{int32(ci), d})
			}
		}
	}

	out := &Grid{Cells: g.Cells, Pieces: g.Pieces, geom: gm, index: g.index, Class: make([]int32, n)}
	classes := map[string]int32{}
	var key strings.Builder
	for i, centre := range gm.centres {
		best, bestD := -1, math.Inf(1)
		cosLat := math.Cos(centre[1] * math.Pi / 180)
		for k, pc := range baseline {
			dx, dy := (pc.place.Point[0]-centre[0])*cosLat, pc.place.Point[1]-centre[1]
			if d := dx*dx + dy*dy; d < bestD && eligible(pc, cellAreas[i]) && fills(pc, centre) {
				best, bestD = k, d
			}
		}
		if best < 0 {
			// Only places inside areas the cell is not in: the nearest.
			for k, pc := range baseline {
				dx, dy := (pc.place.Point[0]-centre[0])*cosLat, pc.place.Point[1]-centre[1]
				if d := dx*dx + dy*dy; d < bestD {
					best, bestD = k, d
				}
			}
		}
		b := baseline[best]
		cl := Class{Place: b.place.ID, Areas: cellAreas[i],
			Within: distanceKm(centre, b.place.Point) <= reachKm(b.change, b.place)}
		// In the order they apply; at one instant the nearest place last,
		// so that it stands.
		cs := covers[i]
		sort.SliceStable(cs, func(x, y int) bool {
			ax, ay := later[cs[x].change].change.At, later[cs[y].change].change.At
			if !ax.Equal(ay) {
				return ax.Before(ay)
			}
			return cs[x].distKm > cs[y].distKm
		})
		for _, c := range cs {
			cl.Reach = append(cl.Reach, later[c.change].change.ID)
		}
		key.Reset()
		key.WriteString(cl.Place)
		key.WriteString("|" + strconv.FormatBool(cl.Within) + "|")
		key.WriteString(strings.Join(cl.Areas, ","))
		key.WriteByte('|')
		key.WriteString(strings.Join(cl.Reach, ","))
		k, ok := classes[key.String()]
		if !ok {
			k = int32(len(out.Classes))
			classes[key.String()] = k
			out.Classes = append(out.Classes, cl)
		}
		out.Class[i] = k
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
