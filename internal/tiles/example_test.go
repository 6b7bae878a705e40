package tiles_test

import (
	"fmt"
	"log"

	"frontline/geo"
	"frontline/internal/tiles"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// One keyframe, two days into the timeline: HTS holds a square around
// Idlib, which it held from the start and which a change confirmed then.
func ExampleRenderer_MVT() {
	square := orb.MultiPolygon{{{{36.4, 35.7}, {36.9, 35.7}, {36.9, 36.1}, {36.4, 36.1}, {36.4, 35.7}}}}
	idlib := &geo.Place{ID: "gn:idlib", Name: "Idlib", Kind: geo.City, Point: orb.Point{36.63, 35.93}}
	kf := geo.Keyframe{ID: 0, At: geo.TimelineStart.AddDate(0, 0, 2)}
	r := &tiles.Renderer{
		Keyframes: []geo.Keyframe{kf},
		Changes: []*geo.Change{
			{ID: "baseline-idlib", Place: idlib.ID, Faction: geo.HTS, At: geo.TimelineStart, Status: geo.Confirmed},
			{ID: "idlib-confirmed", Place: idlib.ID, Faction: geo.HTS, At: kf.At, Status: geo.Confirmed},
		},
		Territories: func(int) ([]geo.Territory, error) {
			return []geo.Territory{{Faction: geo.HTS, AreaKm2: 2000, Shape: square}}, nil
		},
		Places:       func(string) *geo.Place { return idlib },
		ControllerAt: func(orb.Point, int) string { return geo.HTS },
	}

	tile := maptile.At(idlib.Point, 8)
	raw, err := r.MVT(tile, 0)
	if err != nil {
		log.Fatal(err)
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("tile %d/%d/%d\n", tile.Z, tile.X, tile.Y)
	for _, l := range layers {
		fmt.Printf("%s: %d feature(s), extent %d\n", l.Name, len(l.Features), l.Extent)
	}
	fmt.Println("held by", layers[0].Features[0].Properties["faction"])

	// Far from the square, a tile is empty: nil, nothing to serve.
	raw, _ = r.MVT(maptile.At(orb.Point{-40, 30}, 8), 0)
	fmt.Println("Atlantic:", raw == nil)
	// Output:
	// tile 8/154/100
	// control: 1 feature(s), extent 4096
	// events: 1 feature(s), extent 4096
	// places: 1 feature(s), extent 4096
	// held by HTS-led Military Operations Command
	// Atlantic: true
}
