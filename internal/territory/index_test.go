package territory

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// The point index finds the cell H3 finds, for points all over a cover
// with a ragged edge, built and read back from storage.
func TestPointIndexAgreesWithH3(t *testing.T) {
	outline := orb.MultiPolygon{{{{37, 34}, {38.5, 34.2}, {39, 35.5}, {38.2, 36}, {37.3, 35.6}, {37, 34}},
		{{37.8, 34.8}, {38.1, 34.8}, {38.1, 35.0}, {37.8, 34.8}}}}
	g, err := buildGeometry(outline)
	if err != nil {
		t.Fatal(err)
	}
	g.Class, g.Classes = make([]int32, len(g.Cells)), []Class{{Place: "p"}} // Encode wants them
	b, err := g.Encode()
	if err != nil {
		t.Fatal(err)
	}
	stored, err := DecodeGrid(b)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	inside := 0
	for range 20000 {
		p := orb.Point{36.9 + 2.2*rng.Float64(), 33.9 + 2.2*rng.Float64()}
		want := g.findH3(p)
		if want >= 0 {
			inside++
		}
		for name, grid := range map[string]*Grid{"built": g, "stored": stored} {
			if got := grid.Find(p); got != want {
				t.Fatalf("%s: %v is in cell %d by the index, %d by H3", name, p, got, want)
			}
		}
	}
	if inside < 5000 {
		t.Errorf("only %d of the points fell inside", inside)
	}
}
