package export

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"frontline/geo"
	"frontline/internal/tiles"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// box is a counter-clockwise rectangle.
func box(minLon, minLat, maxLon, maxLat float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}}}
}

// testRenderer draws two hand-made territories, HTS in the north-west and
// the government south of it, with two towns, one of which changes hands
// a day in.
func testRenderer() (*tiles.Renderer, orb.Bound) {
	terr := []geo.Territory{
		{Faction: "hts", Status: geo.Claimed, Basis: geo.BasisPlace, AreaKm2: 12000, Shape: box(36.0, 35.5, 37.5, 36.6)},
		{Faction: "government", Status: geo.Confirmed, Basis: geo.BasisKept, AreaKm2: 40000, Shape: box(35.8, 33.0, 38.5, 35.5)},
	}
	places := map[string]*geo.Place{
		"gn:170063": {ID: "gn:170063", Name: "Aleppo", Kind: geo.City, Point: orb.Point{37.16, 36.2}},
		"gn:169304": {ID: "gn:169304", Name: "Hama", Kind: geo.City, Point: orb.Point{36.75, 35.13}},
	}
	day := geo.TimelineStart.AddDate(0, 0, 1)
	r := &tiles.Renderer{
		Keyframes: []geo.Keyframe{{ID: 0, At: day}},
		Changes: []*geo.Change{
			{ID: "baseline-aleppo", Place: "gn:170063", Name: "Aleppo", Faction: "government", At: geo.TimelineStart, Status: geo.Confirmed},
			{ID: "baseline-hama", Place: "gn:169304", Name: "Hama", Faction: "government", At: geo.TimelineStart, Status: geo.Confirmed},
			{ID: "aleppo-falls", Place: "gn:170063", Name: "Aleppo", Faction: "hts", At: day, Status: geo.Claimed},
		},
		Territories: func(int) ([]geo.Territory, error) { return terr, nil },
		Places:      func(id string) *geo.Place { return places[id] },
		ControllerAt: func(p orb.Point, _ int) string {
			if p[1] > 35.5 {
				return "hts"
			}
			return "government"
		},
	}
	b := terr[0].Shape.Bound().Union(terr[1].Shape.Bound())
	return r, b
}

func TestWriteMBTiles(t *testing.T) {
	r, bound := testRenderer()
	path := filepath.Join(t.TempDir(), "syria.mbtiles")
	meta := Metadata{Name: "test", Description: "two boxes", Attribution: "nobody"}
	calls, total := 0, 0
	err := WriteMBTiles(context.Background(), path, r, 0, bound, 0, 6, meta, func(done, n int) {
		calls++
		if done != calls || n < done {
			t.Fatalf("progress(%d, %d) at call %d", done, n, calls)
		}
		total = n
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != total || total == 0 {
		t.Errorf("progress called %d times for %d tiles", calls, total)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("left beside the file: %v", entries)
	}

	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	md := map[string]string{}
	rows, err := db.Query(`SELECT name, value FROM metadata`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, v string
		rows.Scan(&k, &v)
		md[k] = v
	}
	rows.Close()
	for k, want := range map[string]string{"name": "test", "format": "pbf", "minzoom": "0", "maxzoom": "6", "type": "overlay",
		"bounds": "35.8,33,38.5,36.6", "attribution": "nobody", "version": "1"} {
		if md[k] != want {
			t.Errorf("metadata %s = %q, want %q", k, md[k], want)
		}
	}
	var tj struct {
		VectorLayers []struct {
			ID      string            `json:"id"`
			Fields  map[string]string `json:"fields"`
			MinZoom *int              `json:"minzoom"`
			MaxZoom *int              `json:"maxzoom"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal([]byte(md["json"]), &tj); err != nil {
		t.Fatalf("json metadata: %v: %s", err, md["json"])
	}
	if len(tj.VectorLayers) != len(tiles.Layers) || tj.VectorLayers[0].ID != "control" || tj.VectorLayers[0].Fields["controller"] != "String" ||
		tj.VectorLayers[0].Fields["area_km2"] != "Number" || tj.VectorLayers[1].Fields["current"] != "Boolean" ||
		tj.VectorLayers[0].MinZoom == nil || *tj.VectorLayers[0].MaxZoom != 6 {
		t.Errorf("vector_layers: %s", md["json"])
	}

	perZoom, err := CountMBTiles(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for z := 0; z <= 6; z++ {
		if perZoom[z] == 0 {
			t.Errorf("no tiles at z%d: %v", z, perZoom)
		}
	}

	// Idlib's z6 tile, stored under its TMS row.
	known := maptile.At(orb.Point{36.63, 35.93}, 6)
	var data []byte
	err = db.QueryRow(`SELECT tile_data FROM tiles WHERE zoom_level = 6 AND tile_column = ? AND tile_row = ?`,
		known.X, 63-known.Y).Scan(&data)
	if err != nil {
		t.Fatalf("tile 6/%d/%d (row %d): %v", known.X, known.Y, 63-known.Y, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("tile_data not gzip: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(raw)
	if err != nil {
		t.Fatalf("not a vector tile: %v", err)
	}
	controllers := map[any]bool{}
	for _, l := range layers {
		if l.Name != "control" {
			continue
		}
		for _, f := range l.Features {
			controllers[f.Properties["controller"]] = true
		}
	}
	if !controllers["hts"] {
		t.Errorf("control layer of 6/%d/%d: %v", known.X, known.Y, controllers)
	}
	// The XYZ row of that tile is far north: nothing of ours is there.
	var n int
	db.QueryRow(`SELECT count(*) FROM tiles WHERE zoom_level = 6 AND tile_row = ?`, known.Y).Scan(&n)
	if n != 0 {
		t.Errorf("%d tiles at the unflipped row %d", n, known.Y)
	}

	err = WriteMBTiles(context.Background(), path, r, 0, bound, 0, 2, meta, nil)
	if geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("overwrite: %v, want %s", err, geo.ECONFLICT)
	}
}

func TestWriteMBTilesCancelled(t *testing.T) {
	r, bound := testRenderer()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.mbtiles")
	ctx, cancel := context.WithCancel(context.Background())
	err := WriteMBTiles(ctx, path, r, 0, bound, 0, 6, Metadata{}, func(done, total int) {
		if done == 5 {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("no error after cancel")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestWriteMBTilesInvalid(t *testing.T) {
	r, bound := testRenderer()
	path := filepath.Join(t.TempDir(), "x.mbtiles")
	for _, c := range []struct {
		name       string
		kf, lo, hi int
		b          orb.Bound
	}{
		{"min above max", 0, 5, 4, bound},
		{"zoom 15", 0, 0, 15, bound},
		{"negative zoom", 0, -1, 3, bound},
		{"keyframe", 1, 0, 3, bound},
		{"bound", 0, 0, 3, orb.Bound{Min: orb.Point{10, 0}, Max: orb.Point{0, 1}}},
	} {
		err := WriteMBTiles(context.Background(), path, r, c.kf, c.b, c.lo, c.hi, Metadata{}, nil)
		if geo.ErrorCode(err) != geo.EINVALID {
			t.Errorf("%s: %v, want %s", c.name, err, geo.EINVALID)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a file after invalid calls: %v", err)
	}
}

// TestMBTilesFieldTypes reads back the field types vector_layers declares
// and compares them with the values the file's tiles hold: every value of
// the declared type, every declared field in some tile.
func TestMBTilesFieldTypes(t *testing.T) {
	r, bound := testRenderer()
	path := filepath.Join(t.TempDir(), "types.mbtiles")
	if err := WriteMBTiles(context.Background(), path, r, 0, bound, 0, 8, Metadata{Name: "types"}, nil); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var js string
	if err := db.QueryRow(`SELECT value FROM metadata WHERE name = 'json'`).Scan(&js); err != nil {
		t.Fatal(err)
	}
	var meta struct {
		VectorLayers []struct {
			ID          string            `json:"id"`
			Description string            `json:"description"`
			Fields      map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal([]byte(js), &meta); err != nil {
		t.Fatal(err)
	}
	declared := map[string]map[string]string{}
	for _, l := range meta.VectorLayers {
		declared[l.ID] = l.Fields
		if l.Description == "" {
			t.Errorf("layer %s: no description", l.ID)
		}
	}

	rows, err := db.Query(`SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]map[string]bool{}
	for rows.Next() {
		var z, x, y int
		var data []byte
		if err := rows.Scan(&z, &x, &y, &data); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := mvt.Unmarshal(raw)
		if err != nil {
			t.Fatalf("tile %d/%d/%d: %v", z, x, y, err)
		}
		for _, l := range layers {
			fields, ok := declared[l.Name]
			if !ok {
				t.Fatalf("tile %d/%d/%d: layer %s not in vector_layers", z, x, y, l.Name)
			}
			if seen[l.Name] == nil {
				seen[l.Name] = map[string]bool{}
			}
			for _, f := range l.Features {
				for k, v := range f.Properties {
					seen[l.Name][k] = true
					var typ string
					switch v.(type) {
					case string:
						typ = "String"
					case bool:
						typ = "Boolean"
					case float64, int64, uint64:
						typ = "Number"
					}
					if typ != fields[k] {
						t.Errorf("tile %d/%d/%d layer %s: %s is %T, declared %q", z, x, y, l.Name, k, v, fields[k])
					}
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for id, fields := range declared {
		for k := range fields {
			if !seen[id][k] {
				t.Errorf("layer %s: field %s declared, in no tile", id, k)
			}
		}
	}
}
