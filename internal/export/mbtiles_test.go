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
// the government south of it.
func testRenderer() (*tiles.Renderer, orb.Bound) {
	terr := []geo.Territory{
		{Faction: "hts", AreaKm2: 12000, Shape: box(36.0, 35.5, 37.5, 36.6)},
		{Faction: "government", AreaKm2: 40000, Shape: box(35.8, 33.0, 38.5, 35.5)},
	}
	r := &tiles.Renderer{
		Keyframes:    []geo.Keyframe{{ID: 0, At: geo.TimelineStart}},
		Territories:  func(int) ([]geo.Territory, error) { return terr, nil },
		Places:       func(string) *geo.Place { return nil },
		ControllerAt: func(orb.Point, int) string { return "" },
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
	if len(tj.VectorLayers) != len(tiles.Layers) || tj.VectorLayers[0].ID != "control" || tj.VectorLayers[0].Fields["controller"] == "" ||
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
