package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontline/data"
)

type exportedFC struct {
	Type        string `json:"type"`
	Attribution string `json:"attribution"`
	Features    []struct {
		Type     string `json:"type"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates [][][][]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Controller string   `json:"controller"`
			Status     string   `json:"status"`
			Basis      string   `json:"basis"`
			Faction    string   `json:"faction"`
			ValidFrom  string   `json:"valid_from"`
			ValidTo    *string  `json:"valid_to"`
			AreaKm2    *float64 `json:"area_km2"`
		} `json:"properties"`
	} `json:"features"`
}

func TestExportGeoJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.db")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "geojson", "--db", path, "--datetime", "2024-12-09"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var fc exportedFC
	if err := json.Unmarshal(out.Bytes(), &fc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if fc.Type != "FeatureCollection" || fc.Attribution != data.Attribution || len(fc.Features) < 3 {
		t.Fatalf("collection: type %q, attribution %q, %d features", fc.Type, fc.Attribution, len(fc.Features))
	}
	at := time.Date(2024, 12, 9, 0, 0, 0, 0, time.UTC)
	areas := map[string]float64{}
	seen := map[string]bool{}
	var validFrom string
	for _, f := range fc.Features {
		p := f.Properties
		if f.Type != "Feature" || f.Geometry.Type != "MultiPolygon" || len(f.Geometry.Coordinates) == 0 {
			t.Errorf("%s: feature %s, geometry %s", p.Controller, f.Type, f.Geometry.Type)
		}
		if p.Controller == "" || p.Faction == "" || p.Faction == p.Controller || p.AreaKm2 == nil || *p.AreaKm2 <= 0 {
			t.Errorf("properties: %+v", p)
			continue
		}
		// A faction's ground comes in pieces by status and basis, each once.
		piece := p.Controller + "/" + p.Status + "/" + p.Basis
		if seen[piece] || (p.Status != "confirmed" && p.Status != "claimed") ||
			(p.Basis != "place" && p.Basis != "area" && p.Basis != "kept" && p.Basis != "none") {
			t.Errorf("piece %s twice, or unknown status or basis", piece)
		}
		seen[piece] = true
		areas[p.Controller] += *p.AreaKm2
		from, err := time.Parse(time.RFC3339, p.ValidFrom)
		if err != nil || from.After(at) {
			t.Errorf("%s: valid_from %q", p.Controller, p.ValidFrom)
		}
		if p.ValidTo != nil {
			to, err := time.Parse(time.RFC3339, *p.ValidTo)
			if err != nil || !to.After(at) {
				t.Errorf("%s: valid_to %q", p.Controller, *p.ValidTo)
			}
		}
		validFrom = p.ValidFrom
	}
	if areas["hts"] == 0 {
		t.Errorf("no hts among %v", areas)
	}

	// The API's statistics of the same keyframe agree.
	m := MustRun(t, path, nil)
	var stats struct {
		Keyframes []struct {
			At      time.Time          `json:"at"`
			AreaKm2 map[string]float64 `json:"area_km2"`
		} `json:"keyframes"`
	}
	if code, _, body := getJSON(t, "http://"+m.Addr()+"/api/stats", &stats); code != 200 {
		t.Fatalf("stats %d: %s", code, body)
	}
	found := false
	for _, kf := range stats.Keyframes {
		if kf.At.UTC().Format(time.RFC3339) != validFrom {
			continue
		}
		found = true
		for f, a := range kf.AreaKm2 {
			if math.Abs(areas[f]-a) > 0.1*float64(len(fc.Features)) {
				t.Errorf("%s: export %.1f km², /api/stats %.1f", f, areas[f], a)
			}
		}
		if len(kf.AreaKm2) != len(areas) {
			t.Errorf("factions: export %v, /api/stats %v", areas, kf.AreaKm2)
		}
	}
	if !found {
		t.Errorf("/api/stats has no keyframe at %s", validFrom)
	}
	m.Close()

	// With no --datetime, the last keyframe: in force to the end.
	out.Reset()
	if code := run(context.Background(), []string{"export", "geojson", "--db", path}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var last exportedFC
	if err := json.Unmarshal(out.Bytes(), &last); err != nil || len(last.Features) == 0 {
		t.Fatalf("last keyframe: %v", err)
	}
	if last.Features[0].Properties.ValidTo != nil {
		t.Errorf("last keyframe valid_to %q", *last.Features[0].Properties.ValidTo)
	}
}

func TestExportMBTiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.db")
	file := filepath.Join(dir, "syria.mbtiles")
	args := []string{"export", "mbtiles", "--db", path, "--datetime", "2024-12-05", "--maxzoom", "6", file}
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "wrote ") || !strings.Contains(out.String(), "zooms 0-6, to "+file) {
		t.Errorf("stdout: %q", out.String())
	}
	if !strings.Contains(errb.String(), "rendered") {
		t.Errorf("no summary for a stderr that is not a terminal: %q", errb.String())
	}
	db, err := sql.Open("sqlite3", file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var format string
	if err := db.QueryRow(`SELECT value FROM metadata WHERE name = 'format'`).Scan(&format); err != nil || format != "pbf" {
		t.Errorf("format %q, %v", format, err)
	}
	var n6, max int
	db.QueryRow(`SELECT count(*) FROM tiles WHERE zoom_level = 6`).Scan(&n6)
	db.QueryRow(`SELECT max(zoom_level) FROM tiles`).Scan(&max)
	if n6 == 0 || max != 6 {
		t.Errorf("%d tiles at z6, highest zoom %d", n6, max)
	}

	// The file is not replaced.
	errb.Reset()
	if code := run(context.Background(), args, &out, &errb); code != 1 || !strings.Contains(errb.String(), "exists") {
		t.Errorf("second export: exit %d: %s", code, errb.String())
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	out := filepath.Join(dir, "out.mbtiles")
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"export"}, 2},
		{[]string{"export", "shapefile"}, 2},
		{[]string{"export", "geojson", "--db", db, "--datetime", "yesterday"}, 2},
		{[]string{"export", "geojson", "--db", db, "extra"}, 2},
		{[]string{"export", "mbtiles", "--db", db}, 2},
		{[]string{"export", "mbtiles", "--db", db, "--datetime", "9 Dec", out}, 2},
		{[]string{"export", "mbtiles", "--db", db, "--maxzoom", "15", out}, 2},
		{[]string{"export", "mbtiles", "--db", db, "--minzoom", "7", "--maxzoom", "6", out}, 2},
		{[]string{"export", "geojson", "--db", db, "--datetime", "2024-11-25"}, 1},
		{[]string{"export", "geojson", "-h"}, 0},
	} {
		var stdout, stderr bytes.Buffer
		if got := run(context.Background(), c.args, &stdout, &stderr); got != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, got, c.code, stderr.String())
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed export left %s: %v", out, err)
	}
}
