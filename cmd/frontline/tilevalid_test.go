package main

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/tiles/tiletest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
)

// TestTilePolygonsValid sweeps the service's vector tiles over Syria's
// ground, every zoom and several keyframes, and checks every control
// polygon as a client decoding the tile with its buffer sees it: valid as
// OGC (GEOS, GDAL) define it, exteriors wound as MVT 2.1 asks, and every
// feature with an id unique in its layer.
func TestTilePolygonsValid(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	var tl struct {
		Keyframes []struct {
			At      time.Time `json:"at"`
			Changes []struct {
				Point *[2]float64 `json:"point"`
			} `json:"changes"`
		} `json:"keyframes"`
	}
	if code, _, body := getJSON(t, base+"/api/timeline", &tl); code != 200 || len(tl.Keyframes) < 5 {
		t.Fatalf("timeline: %d %.200s", code, body)
	}
	var tj struct {
		Bounds []float64 `json:"bounds"`
	}
	if code, _, body := getJSON(t, base+"/tiles.json", &tj); code != 200 || len(tj.Bounds) != 4 {
		t.Fatalf("tiles.json: %d %.200s", code, body)
	}
	ground := orb.Bound{Min: orb.Point{tj.Bounds[0], tj.Bounds[1]}, Max: orb.Point{tj.Bounds[2], tj.Bounds[3]}}

	// Keyframes: the first, the last, 5 December 10:00 (whose tiles were
	// broken) and two between.
	n := len(tl.Keyframes)
	instants := []time.Time{tl.Keyframes[0].At, tl.Keyframes[n/3].At, tl.Keyframes[2*n/3].At, tl.Keyframes[n-1].At,
		time.Date(2024, 12, 5, 10, 0, 0, 0, time.UTC)}
	// Where control changed: the front lines.
	var fronts []orb.Point
	for _, kf := range tl.Keyframes[1:] {
		for _, c := range kf.Changes {
			if c.Point != nil {
				fronts = append(fronts, orb.Point(*c.Point))
			}
		}
	}
	if len(fronts) < 20 {
		t.Fatalf("%d changes with a point", len(fronts))
	}
	// Every tile of the ground up to z6; from z7, six tiles holding
	// changes, spread over them; and the two tiles of the issue.
	sweep := []maptile.Tile{maptile.New(77, 50, 7), maptile.New(1, 0, 1)}
	for z := maptile.Zoom(0); z <= 14; z++ {
		set := map[maptile.Tile]bool{}
		if z <= 6 {
			set = tilecover.Bound(ground, z)
		} else {
			for _, p := range fronts {
				set[maptile.At(p, z)] = true
			}
		}
		var zt []maptile.Tile
		for tile := range set {
			zt = append(zt, tile)
		}
		slices.SortFunc(zt, func(a, b maptile.Tile) int { return cmp.Compare(a.Quadkey(), b.Quadkey()) })
		if z > 6 && len(zt) > 6 {
			step := len(zt) / 6
			for i := range 6 {
				sweep = append(sweep, zt[i*step])
			}
			continue
		}
		sweep = append(sweep, zt...)
	}

	tilesSeen, polygons := 0, 0
	var invalid []string
	for _, at := range instants {
		for _, tile := range sweep {
			url := fmt.Sprintf("%s/tiles/%d/%d/%d.mvt?datetime=%s", base, tile.Z, tile.X, tile.Y, at.Format(time.RFC3339))
			res, body := fetch(t, url, nil)
			if res.StatusCode == 204 {
				continue
			}
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d %s", url, res.StatusCode, body)
			}
			tilesSeen++
			layers, err := mvt.Unmarshal(body)
			if err != nil {
				t.Fatalf("%s: %v", url, err)
			}
			for _, l := range layers {
				ids := map[any]bool{}
				for _, f := range l.Features {
					if f.ID == nil || ids[f.ID] {
						t.Errorf("%s layer %s: feature id %v missing or repeated", url, l.Name, f.ID)
					}
					ids[f.ID] = true
				}
				if l.Name != "control" {
					continue
				}
				for _, f := range l.Features {
					polygons++
					mp, ok := geo.AsMultiPolygon(f.Geometry)
					if !ok {
						t.Fatalf("%s: control geometry %T", url, f.Geometry)
					}
					err := tiletest.Valid(mp)
					for _, poly := range mp {
						if err == nil && poly[0].Orientation() != orb.CCW {
							err = fmt.Errorf("exterior wound clockwise")
						}
					}
					if err != nil {
						invalid = append(invalid, fmt.Sprintf("%s %v: %v", url, f.Properties["controller"], err))
					}
				}
			}
		}
	}
	t.Logf("%d tiles, %d polygons, %d invalid", tilesSeen, polygons, len(invalid))
	for _, s := range invalid {
		t.Error(s)
	}
	if tilesSeen < 100 || polygons < 200 {
		t.Errorf("swept %d tiles with %d polygons: too few to tell", tilesSeen, polygons)
	}
}
