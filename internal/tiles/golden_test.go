package tiles

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/tiles/tiletest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
)

var update = flag.Bool("update", false, "rewrite the golden tiles in testdata")

// goldenRenderer reads testdata/keyframe.geojson, a hand-made keyframe:
// features with a "territory" property are a faction's ground, with
// "place" a gazetteer entry, with "change" a change (no geometry); the
// collection's "keyframe" member is the keyframe rendered. It returns a
// renderer over keyframes 0 (the start of the timeline) and that one.
func goldenRenderer(tb testing.TB) (*Renderer, int) {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "keyframe.geojson"))
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		tb.Fatal(err)
	}
	kfm, _ := fc.ExtraMembers["keyframe"].(map[string]any)
	at, err := geo.ParseTime(fmt.Sprint(kfm["at"]))
	if err != nil {
		tb.Fatal(err)
	}
	kf := geo.Keyframe{ID: 1, At: at}

	var terr []geo.Territory
	var changes []*geo.Change
	places := map[string]*geo.Place{}
	for _, f := range fc.Features {
		p := f.Properties
		switch {
		case p["territory"] != nil:
			mp, ok := geo.AsMultiPolygon(f.Geometry)
			if !ok {
				tb.Fatalf("territory %v is a %T", p["territory"], f.Geometry)
			}
			terr = append(terr, geo.Territory{Faction: p.MustString("territory"), AreaKm2: p.MustFloat64("area_km2"), Shape: mp,
				Status: geo.Status(p.MustString("status", "")), Basis: geo.Basis(p.MustString("basis", ""))})
		case p["place"] != nil && p["change"] == nil:
			pt, ok := f.Geometry.(orb.Point)
			if !ok {
				tb.Fatalf("place %v is a %T", p["place"], f.Geometry)
			}
			pl := &geo.Place{ID: p.MustString("place"), Name: p.MustString("name"), Kind: geo.Kind(p.MustString("kind")), Point: pt}
			places[pl.ID] = pl
		case p["change"] != nil:
			at, err := geo.ParseTime(p.MustString("at"))
			if err != nil {
				tb.Fatal(err)
			}
			changes = append(changes, &geo.Change{ID: p.MustString("change"), Place: p.MustString("place", ""),
				Area: p.MustString("area", ""), Name: p.MustString("name"), Faction: p.MustString("faction"), At: at,
				Status: geo.Status(p.MustString("status"))})
		default:
			tb.Fatalf("feature with properties %v is neither a territory, a place nor a change", p)
		}
	}
	r := &Renderer{
		Keyframes: []geo.Keyframe{{ID: 0, At: geo.TimelineStart}, kf},
		Changes:   changes,
		Territories: func(k int) ([]geo.Territory, error) {
			if k != 1 {
				return nil, geo.Errorf(geo.ENOTFOUND, "the golden keyframe is 1, not %d", k)
			}
			return terr, nil
		},
		Places: func(id string) *geo.Place { return places[id] },
		ControllerAt: func(p orb.Point, k int) string {
			for _, tr := range terr {
				if planar.MultiPolygonContains(tr.Shape, p) {
					return tr.Faction
				}
			}
			return ""
		},
	}
	return r, 1
}

// goldenTiles are the tiles compared with testdata, with what each must
// hold.
var goldenTiles = []struct {
	file string
	tile maptile.Tile
	// Controllers of the control layer's features, in order; government
	// has a hole and HTS two parts in both tiles.
	control []string
	events  []string          // event ids
	places  map[string]string // place id: controller
}{
	{
		file:    "keyframe-6-38-25.mvt", // most of the west of Syria
		tile:    maptile.New(38, 25, 6),
		control: []string{geo.Government, geo.HTS, geo.SDF},
		events:  []string{"c-kafr-hamra", "c-aleppo-denied", "c-atarib"},
		// Cities only at z6.
		places: map[string]string{"gn:aleppo": geo.Government, "gn:idlib": geo.HTS, "gn:homs": geo.Government, "gn:raqqa": geo.SDF},
	},
	{
		file:    "keyframe-10-617-401.mvt", // Aleppo: HTS's edge, the hole and the island in it
		tile:    maptile.New(617, 401, 10),
		control: []string{geo.Government, geo.HTS},
		events:  []string{"c-kafr-hamra", "c-aleppo-denied", "c-atarib"},
		places: map[string]string{"gn:aleppo": geo.Government, "gn:atarib": geo.HTS, "gn:kafr-hamra": geo.HTS,
			"fl:aleppo-prison": geo.Government},
	},
}

// TestGolden renders the hand-made keyframe's tiles and compares them
// byte for byte with testdata; -update rewrites them.
func TestGolden(t *testing.T) {
	r, k := goldenRenderer(t)
	for _, g := range goldenTiles {
		t.Run(g.file, func(t *testing.T) {
			got, err := r.MVT(g.tile, k)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", g.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("tile %v: %d bytes differ from %s (%d bytes); go test -run Golden -update rewrites it",
					g.tile, len(got), path, len(want))
			}
			// What the golden file holds, so that a wrong output cannot
			// pass for being stable.
			checkGoldenTile(t, want, g.control, g.events, g.places)
		})
	}
}

func checkGoldenTile(t *testing.T, raw []byte, control, events []string, places map[string]string) {
	t.Helper()
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		t.Fatalf("not a vector tile: %v", err)
	}
	var names []string
	for _, l := range layers {
		names = append(names, l.Name)
		if l.Version != 2 || l.Extent != Extent {
			t.Errorf("layer %s: version %d, extent %d; want 2 and %d", l.Name, l.Version, l.Extent, Extent)
		}
	}
	if want := []string{"control", "events", "places"}; !slices.Equal(names, want) {
		t.Fatalf("layers %v, want %v", names, want)
	}

	var controllers []string
	for _, f := range layers[0].Features {
		c := f.Properties.MustString("controller", "")
		controllers = append(controllers, c)
		if fa := geo.FactionByID(c); fa == nil || f.Properties.MustString("faction", "") != fa.Name {
			t.Errorf("control feature %s: faction %v", c, f.Properties["faction"])
		}
		if a, ok := f.Properties["area_km2"].(float64); !ok || a <= 0 || a != math.Round(a) {
			t.Errorf("control feature %s: area_km2 %v, want a whole number of km²", c, f.Properties["area_km2"])
		}
		// How the ground is known, where the territory says.
		want := map[string][2]string{geo.Government: {"confirmed", "place"}, geo.SDF: {"claimed", "kept"}, geo.HTS: {"", ""}}[c]
		if f.Properties.MustString("status", "") != want[0] || f.Properties.MustString("basis", "") != want[1] {
			t.Errorf("control feature %s: status %v basis %v, want %q %q", c, f.Properties["status"], f.Properties["basis"], want[0], want[1])
		}
		// Valid, as GEOS would judge it, with an id.
		if err := tiletest.Valid(asMultiPolygon(f.Geometry)); err != nil {
			t.Errorf("control feature %s: %v", c, err)
		}
		if id, _ := f.ID.(float64); id <= 0 {
			t.Errorf("control feature %s: id %v", c, f.ID)
		}
		// Clipped to the tile and its buffer.
		b := f.Geometry.Bound()
		if b.Min[0] < -tileBuffer || b.Min[1] < -tileBuffer || b.Max[0] > Extent+tileBuffer || b.Max[1] > Extent+tileBuffer {
			t.Errorf("control feature %s reaches %v, beyond the tile's buffer", c, b)
		}
		switch c {
		case geo.Government:
			if p, ok := f.Geometry.(orb.Polygon); !ok || len(p) != 2 {
				t.Errorf("government: %T with %d rings, want a polygon with a hole", f.Geometry, ringCount(f.Geometry))
			}
		case geo.HTS:
			if mp, ok := f.Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
				t.Errorf("HTS: %T, want a multipolygon of two parts", f.Geometry)
			}
		case geo.SDF:
			// Its southern edge zigzags by less than a pixel at z6.
			if p, ok := f.Geometry.(orb.Polygon); !ok || len(p[0]) != 5 {
				t.Errorf("SDF: %v, want the zigzag simplified to a rectangle", f.Geometry)
			}
		}
	}
	if !slices.Equal(controllers, control) {
		t.Errorf("control layer: %v, want %v", controllers, control)
	}

	var ids []string
	for _, f := range layers[1].Features {
		id := f.Properties.MustString("id", "")
		ids = append(ids, id)
		// Only the change at the keyframe's instant is current.
		if cur, _ := f.Properties["current"].(bool); cur != (id == "c-atarib") {
			t.Errorf("event %s: current %v", id, f.Properties["current"])
		}
		if _, err := time.Parse(time.RFC3339, f.Properties.MustString("at", "")); err != nil {
			t.Errorf("event %s: at %v", id, f.Properties["at"])
		}
	}
	if !slices.Equal(ids, events) {
		t.Errorf("events layer: %v, want %v", ids, events)
	}

	got := map[string]string{}
	for _, f := range layers[2].Features {
		got[f.Properties.MustString("id", "")] = f.Properties.MustString("controller", "")
		if _, ok := f.Geometry.(orb.Point); !ok {
			t.Errorf("place %v is a %T", f.Properties["id"], f.Geometry)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(places) {
		t.Errorf("places layer: %v, want %v", got, places)
	}
}

func asMultiPolygon(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

func ringCount(g orb.Geometry) int {
	if p, ok := g.(orb.Polygon); ok {
		return len(p)
	}
	return 0
}
