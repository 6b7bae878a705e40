package tiles

import (
	"fmt"
	"math"
	"testing"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// benchTile is the z7 tile the benchmarks draw, crossed by benchFront's
// line.
var benchTile = maptile.At(orb.Point{38, 35}, 7)

// benchFront is a keyframe with a 2,000-vertex front line held on both
// sides, and 100 settlements around it with 50 changes among them.
func benchFront() ([]geo.Territory, []*geo.Change, map[string]*geo.Place) {
	const n = 2000
	front := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		rad := 1.2 + 0.05*math.Sin(17*a) + 0.02*math.Sin(89*a)
		front = append(front, orb.Point{38 + rad*math.Cos(a), 35 + 0.8*rad*math.Sin(a)})
	}
	front = append(front, front[0])
	around := front.Clone()
	around.Reverse()
	terr := []geo.Territory{
		{Faction: geo.Government, AreaKm2: 30000, Shape: orb.MultiPolygon{{front}}},
		{Faction: geo.HTS, AreaKm2: 200000, Shape: orb.MultiPolygon{{rasterSquare(35, 32, 41, 38), around}}},
	}
	places := map[string]*geo.Place{}
	var changes []*geo.Change
	kinds := []geo.Kind{geo.City, geo.Town, geo.Village, geo.Village}
	for i := range 100 {
		p := &geo.Place{ID: fmt.Sprintf("gn:%d", i), Name: fmt.Sprintf("Place %d", i), Kind: kinds[i%len(kinds)],
			Point: orb.Point{36.6 + 0.28*float64(i%10), 33.8 + 0.24*float64(i/10)}}
		places[p.ID] = p
		changes = append(changes, &geo.Change{ID: "b-" + p.ID, Place: p.ID, Name: p.Name, Faction: geo.Government,
			At: geo.TimelineStart, Status: geo.Confirmed})
	}
	for i := range 50 {
		id := fmt.Sprintf("gn:%d", 2*i)
		changes = append(changes, &geo.Change{ID: "c-" + id, Place: id, Name: places[id].Name, Faction: geo.HTS,
			At: geo.TimelineStart.Add(time.Duration(i+1) * time.Hour), Status: geo.Confirmed})
	}
	return terr, changes, places
}

// benchRenderer renders benchFront at keyframe 0, a day into the timeline.
func benchRenderer(terr []geo.Territory, changes []*geo.Change, places map[string]*geo.Place) *Renderer {
	return &Renderer{
		Keyframes:    []geo.Keyframe{{ID: 0, At: geo.TimelineStart.Add(24 * time.Hour)}},
		Changes:      changes,
		Territories:  func(int) ([]geo.Territory, error) { return terr, nil },
		Places:       func(id string) *geo.Place { return places[id] },
		ControllerAt: func(orb.Point, int) string { return geo.Government },
	}
}

// BenchmarkMVTZ7Cold renders the tile with a new renderer each time:
// simplifying and projecting the keyframe's ground for the zoom, and
// gathering its points, are part of the cost.
func BenchmarkMVTZ7Cold(b *testing.B) {
	terr, changes, places := benchFront()
	b.ReportAllocs()
	for b.Loop() {
		raw, err := benchRenderer(terr, changes, places).MVT(benchTile, 0)
		if err != nil || raw == nil {
			b.Fatal(raw, err)
		}
	}
}

// BenchmarkMVTZ7Warm renders the tile again and again: only clipping and
// encoding remain.
func BenchmarkMVTZ7Warm(b *testing.B) {
	r := benchRenderer(benchFront())
	if _, err := r.MVT(benchTile, 0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		raw, err := r.MVT(benchTile, 0)
		if err != nil || raw == nil {
			b.Fatal(raw, err)
		}
	}
}

// BenchmarkPNGZ7 draws the tile crossed by the front line.
func BenchmarkPNGZ7(b *testing.B) {
	r := benchRenderer(benchFront())
	b.ReportAllocs()
	for b.Loop() {
		raw, err := r.PNG(benchTile, 0)
		if err != nil || raw == nil {
			b.Fatal(raw, err)
		}
	}
}
