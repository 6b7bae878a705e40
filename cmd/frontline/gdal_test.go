package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// gdalRun runs a GDAL command-line program (ogrinfo, ogr2ogr) as an
// outside reader would, with no proxy and none of the caller's GDAL
// settings, and returns its standard output. GDAL reports broken input on
// stderr and often still exits 0, so the test fails on every ERROR or
// warning line, not only on the exit code.
func gdalRun(tb testing.TB, program string, args ...string) string {
	tb.Helper()
	if _, err := exec.LookPath(program); err != nil {
		tb.Fatalf("%s is missing: `make test` installs gdal-bin", program)
	}
	args = append([]string{"--config", "GDAL_HTTP_TIMEOUT", "30", "--config", "CPL_DEBUG", "OFF"}, args...)
	cmd := exec.Command(program, args...)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasSuffix(strings.ToLower(name), "_proxy") && !strings.HasPrefix(name, "CPL_") && !strings.HasPrefix(name, "GDAL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "CPL_DEBUG=OFF")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	shown := fmt.Sprintf("%s %.300s", program, strings.Join(args, " "))
	if err != nil {
		tb.Fatalf("%s: %v\n%.3000s\n%.3000s", shown, err, stderr.String(), stdout.String())
	}
	var bad []string
	for _, line := range strings.Split(stderr.String()+"\n"+stdout.String(), "\n") {
		if gdalComplaint(line) {
			bad = append(bad, line)
		}
	}
	if len(bad) > 0 {
		tb.Errorf("%s: printed %d errors or warnings, first:\n%s", shown, len(bad), strings.Join(bad[:min(len(bad), 10)], "\n"))
	}
	return stdout.String()
}

// gdalComplaint tells whether a line GDAL printed reports an error or
// broken data: CPLError's "ERROR n:" and "Warning n:", and GEOS's own
// messages (self-intersections, TopologyException).
func gdalComplaint(line string) bool {
	return strings.Contains(line, "ERROR") || strings.HasPrefix(line, "Warning") ||
		strings.HasPrefix(line, "GEOS warning") || strings.HasPrefix(line, "GEOS error") ||
		strings.Contains(line, "TopologyException")
}

// gdalTimeline is the part of /api/timeline the sweep needs.
type gdalTimeline struct {
	Keyframes []struct {
		ID      int    `json:"id"`
		At      string `json:"at"`
		Changes []struct {
			Point []float64 `json:"point"`
		} `json:"changes"`
	} `json:"keyframes"`
}

func gdalGetJSON(tb testing.TB, url string, v any) {
	tb.Helper()
	res, body := fetch(tb, url, nil)
	if res.StatusCode != 200 {
		tb.Fatalf("%s: %d %.300s", url, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		tb.Fatalf("%s: %v", url, err)
	}
}

// gdalSweepTile is one downloaded tile of one keyframe.
type gdalSweepTile struct {
	at    string
	tile  maptile.Tile
	path  string
	layer string // its name in the VRT
}

// gdalFrontPoints are places on the ground at the keyframe at: where
// control changed at it, vertices of every controller's outline (front
// lines and borders), and cities the offensive went through.
func gdalFrontPoints(tb testing.TB, base, at string, changes []orb.Point) []orb.Point {
	tb.Helper()
	var items struct {
		Features []struct {
			Geometry struct {
				Type        string           `json:"type"`
				Coordinates [][][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	gdalGetJSON(tb, base+"/ogc/collections/control/items?limit=1000&datetime="+at, &items)
	if len(items.Features) < 2 {
		tb.Fatalf("control at %s: %d features", at, len(items.Features))
	}
	points := append([]orb.Point(nil), changes...)
	for _, f := range items.Features {
		// The longest ring of the feature, sampled at three places.
		var ring [][2]float64
		for _, poly := range f.Geometry.Coordinates {
			if len(poly) > 0 && len(poly[0]) > len(ring) {
				ring = poly[0]
			}
		}
		for _, i := range []int{len(ring) / 4, len(ring) / 2, 3 * len(ring) / 4} {
			if i < len(ring) {
				points = append(points, orb.Point(ring[i]))
			}
		}
	}
	return append(points,
		orb.Point{37.16, 36.20}, // Aleppo
		orb.Point{36.75, 35.13}, // Hama
		orb.Point{36.72, 34.73}, // Homs
		orb.Point{36.29, 33.51}, // Damascus
		orb.Point{40.14, 35.33}, // Deir ez-Zor
		orb.Point{37.95, 36.53}, // Manbij
		orb.Point{36.10, 32.62}, // Daraa
	)
}

// Every control polygon of every tile is valid by GEOS's rules (MVT 2.1
// §4.3.4.4: no self-intersecting rings), read by GDAL's MVT driver
// without its clipping to the tile, over several keyframes and z0-14.
func TestGDALTilePolygonsValid(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	var tl gdalTimeline
	gdalGetJSON(t, base+"/api/timeline", &tl)
	n := len(tl.Keyframes)
	if n < 4 {
		t.Fatalf("%d keyframes", n)
	}
	picked := []int{0, n / 2, 3 * n / 4, n - 1}
	found := false
	for i, k := range tl.Keyframes {
		if k.At == "2024-12-05T10:00:00Z" {
			picked[1], found = i, true
		}
	}
	if !found {
		t.Fatal("no keyframe at 2024-12-05T10:00:00Z")
	}

	// Tiles the issue names first, then tiles over the points, at most
	// perZoom a zoom.
	const perZoom = 6
	named := []maptile.Tile{maptile.New(77, 50, 7), maptile.New(1, 0, 1)}
	dir := t.TempDir()
	var swept []gdalSweepTile
	skipped := 0
	for _, ki := range picked {
		k := tl.Keyframes[ki]
		var changes []orb.Point
		for _, c := range k.Changes {
			if len(c.Point) == 2 {
				changes = append(changes, orb.Point{c.Point[0], c.Point[1]})
			}
		}
		points := gdalFrontPoints(t, base, k.At, changes)
		kdir := filepath.Join(dir, fmt.Sprint("k", k.ID))
		if err := os.Mkdir(kdir, 0o755); err != nil {
			t.Fatal(err)
		}
		for z := maptile.Zoom(0); z <= 14; z++ {
			seen := map[maptile.Tile]bool{}
			candidates := []maptile.Tile{}
			for _, tile := range named {
				if tile.Z == z {
					candidates = append(candidates, tile)
				}
			}
			for _, p := range points {
				candidates = append(candidates, maptile.At(p, z))
			}
			for _, tile := range candidates {
				if seen[tile] || len(seen) == perZoom {
					continue
				}
				seen[tile] = true
				res, body := fetch(t, fmt.Sprintf("%s/tiles/%d/%d/%d.mvt?datetime=%s", base, tile.Z, tile.X, tile.Y, k.At), nil)
				if res.StatusCode == 204 {
					skipped++
					continue
				}
				if res.StatusCode != 200 {
					t.Fatalf("tile %d/%d/%d at %s: %d %.300s", tile.Z, tile.X, tile.Y, k.At, res.StatusCode, body)
				}
				if layerNames(t, body)["control"] == 0 {
					skipped++
					continue
				}
				// GDAL places a tile named Z-X-Y.pbf on the web mercator grid.
				path := filepath.Join(kdir, fmt.Sprintf("%d-%d-%d.pbf", tile.Z, tile.X, tile.Y))
				if err := os.WriteFile(path, body, 0o644); err != nil {
					t.Fatal(err)
				}
				swept = append(swept, gdalSweepTile{at: k.At, tile: tile, path: path,
					layer: fmt.Sprintf("k%d_%d_%d_%d", k.ID, tile.Z, tile.X, tile.Y)})
			}
		}
	}
	if len(swept) < 90 {
		t.Fatalf("only %d tiles with a control layer", len(swept))
	}

	// One VRT layer per tile, opened with CLIP=NO so GDAL checks the
	// geometry as encoded, buffer included; one SQL query counts them all.
	var vrt, sql bytes.Buffer
	vrt.WriteString("<OGRVRTDataSource>\n")
	for i, s := range swept {
		fmt.Fprintf(&vrt, `<OGRVRTLayer name="%s"><SrcDataSource>%s</SrcDataSource><OpenOptions>`+
			`<OOI key="CLIP">NO</OOI><OOI key="X">%d</OOI><OOI key="Y">%d</OOI><OOI key="Z">%d</OOI>`+
			"</OpenOptions><SrcLayer>control</SrcLayer></OGRVRTLayer>\n", s.layer, s.path, s.tile.X, s.tile.Y, s.tile.Z)
		if i > 0 {
			sql.WriteString(" UNION ALL ")
		}
		// ST_IsValid is -1 when GEOS cannot tell: invalid too.
		fmt.Fprintf(&sql, `SELECT '%s' AS layer, COUNT(*) AS features, SUM(ST_NumGeometries(geometry)) AS polygons, `+
			`SUM(ST_IsValid(geometry) <> 1 OR ST_GeometryType(geometry) NOT IN ('POLYGON', 'MULTIPOLYGON')) AS invalid FROM "%s"`,
			s.layer, s.layer)
	}
	vrt.WriteString("</OGRVRTDataSource>\n")
	vrtPath := filepath.Join(dir, "sweep.vrt")
	if err := os.WriteFile(vrtPath, vrt.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := gdalRun(t, "ogr2ogr", "-f", "CSV", "/vsistdout/", vrtPath, "-dialect", "SQLite", "-sql", sql.String())

	rows := gdalCSVRows(t, out)
	if len(rows) != len(swept) {
		t.Fatalf("GDAL answered for %d of %d tiles:\n%.2000s", len(rows), len(swept), out)
	}
	byLayer := map[string]gdalSweepTile{}
	for _, s := range swept {
		byLayer[s.layer] = s
	}
	var features, polygons, invalid, invalidTiles int
	for _, r := range rows {
		s, ok := byLayer[r["layer"]]
		f, _ := strconv.Atoi(r["features"])
		p, _ := strconv.Atoi(r["polygons"])
		bad, err := strconv.Atoi(r["invalid"])
		if !ok || f == 0 || err != nil {
			t.Errorf("GDAL row %v: no control features, or not a tile of the sweep", r)
			continue
		}
		features += f
		polygons += p
		invalid += bad
		if bad > 0 {
			if invalidTiles++; invalidTiles <= 20 {
				t.Errorf("tile %d/%d/%d at %s: %d of %d control features invalid by GEOS", s.tile.Z, s.tile.X, s.tile.Y, s.at, bad, f)
			}
		}
	}
	if invalidTiles > 0 {
		t.Errorf("%d of %d tiles hold invalid control polygons", invalidTiles, len(swept))
	}
	t.Logf("GEOS validity over %d tiles (keyframes %s, %s, %s, %s; z0-14; %d more tiles without control left out): "+
		"%d control features, %d polygons, %d features invalid",
		len(swept), tl.Keyframes[picked[0]].At, tl.Keyframes[picked[1]].At, tl.Keyframes[picked[2]].At,
		tl.Keyframes[picked[3]].At, skipped, features, polygons, invalid)
}

// gdalCSVRows reads the CSV ogr2ogr wrote to /vsistdout/, skipping any
// line GDAL printed before it (those fail the test in gdalRun).
func gdalCSVRows(tb testing.TB, out string) []map[string]string {
	tb.Helper()
	start := strings.Index(out, "layer,")
	if start < 0 {
		tb.Fatalf("no CSV header in GDAL's output:\n%.2000s", out)
	}
	records, err := csv.NewReader(strings.NewReader(out[start:])).ReadAll()
	if err != nil {
		tb.Fatalf("GDAL's CSV: %v\n%.2000s", err, out)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range records[0] {
			if i < len(rec) {
				row[name] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// gdalLayer is what `ogrinfo -so` says of one layer.
type gdalLayer struct {
	Count  int
	SRS    string
	Fields map[string]string // name to GDAL type, "Integer(Boolean)"
}

var (
	gdalFieldLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*): ([A-Za-z0-9()]+) \(`)
	gdalCountLine = regexp.MustCompile(`^Feature Count: (-?\d+)`)
)

// gdalLayers reads the layers of `ogrinfo -so -al` (or -so with layer
// names) from its output.
func gdalLayers(out string) map[string]*gdalLayer {
	layers := map[string]*gdalLayer{}
	var cur *gdalLayer
	for _, line := range strings.Split(out, "\n") {
		if name, ok := strings.CutPrefix(line, "Layer name: "); ok {
			cur = &gdalLayer{Count: -1, Fields: map[string]string{}}
			layers[name] = cur
			continue
		}
		if cur == nil {
			continue
		}
		if m := gdalCountLine.FindStringSubmatch(line); m != nil {
			cur.Count, _ = strconv.Atoi(m[1])
		} else if strings.HasPrefix(line, "PROJCRS[") || strings.HasPrefix(line, "GEOGCRS[") {
			cur.SRS = line
		} else if m := gdalFieldLine.FindStringSubmatch(line); m != nil && m[1] != "Geometry" {
			cur.Fields[m[1]] = m[2]
		}
	}
	return layers
}

// A tile opened over HTTP through /vsicurl/, which sends HEAD before it
// reads, gives the layers and features of the tile itself.
func TestGDALVSICurlTile(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	url := "http://" + m.Addr() + "/tiles/7/77/50.mvt?datetime=2024-12-05T10:00:00Z"
	res, body := fetch(t, url, nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	want := layerNames(t, body)
	out := gdalRun(t, "ogrinfo", "-ro", "-so", "-al", "-oo", "CLIP=NO", "/vsicurl/"+url)
	if !strings.Contains(out, "using driver `MVT' successful") {
		t.Fatalf("GDAL did not open the tile with its MVT driver:\n%.2000s", out)
	}
	got := gdalLayers(out)
	for name, n := range want {
		l := got[name]
		if l == nil || l.Count != n {
			t.Errorf("layer %s: GDAL %+v, the tile has %d features", name, l, n)
			continue
		}
		// GDAL found the tile's place from its URL: web mercator, not
		// bare tile coordinates.
		if !strings.Contains(l.SRS, "Pseudo-Mercator") {
			t.Errorf("layer %s: SRS %q", name, l.SRS)
		}
	}
	if len(got) != len(want) || want["control"] == 0 {
		t.Errorf("GDAL layers %v, tile layers %v", got, want)
	}
	t.Logf("GDAL read 7/77/50 through /vsicurl/: features per layer %v", want)
}

// gdalTypeClass is the MBTiles 1.3 kind of a GDAL field type: GDAL reads
// a tile's integers and reals as either, by the values it meets.
func gdalTypeClass(gdalType string) string {
	switch gdalType {
	case "Integer(Boolean)":
		return "Boolean"
	case "Integer", "Integer64", "Real":
		return "Number"
	}
	return gdalType
}

// GDAL reads an MBTiles export with the field types it reads from one
// tile of the service at the same instant.
func TestGDALReadsMBTilesFieldTypes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	m := MustRun(t, db, nil)
	const at = "2024-12-05T10:00:00Z"
	file := filepath.Join(dir, "syria.mbtiles")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"export", "mbtiles", "--db", db, "--datetime", at, "--maxzoom", "6", file}, &stdout, &stderr); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr.String())
	}
	exported := gdalLayers(gdalRun(t, "ogrinfo", "-ro", "-so", "-al", file))

	// A tile over Aleppo and Idlib, where every layer has features.
	res, body := fetch(t, "http://"+m.Addr()+"/tiles/6/38/25.mvt?datetime="+at, nil)
	if res.StatusCode != 200 {
		t.Fatalf("tile: %d", res.StatusCode)
	}
	tilePath := filepath.Join(dir, "6-38-25.pbf")
	if err := os.WriteFile(tilePath, body, 0o644); err != nil {
		t.Fatal(err)
	}
	direct := gdalLayers(gdalRun(t, "ogrinfo", "-ro", "-so", "-al", tilePath))

	for _, c := range []struct{ layer, field, class string }{
		{"control", "controller", "String"},
		{"control", "faction", "String"},
		{"control", "status", "String"},
		{"control", "area_km2", "Number"},
		{"events", "current", "Boolean"},
		{"events", "controller", "String"},
		{"events", "at", "String"},
		{"places", "controller", "String"},
		{"places", "name", "String"},
	} {
		for source, layers := range map[string]map[string]*gdalLayer{"MBTiles": exported, "tile": direct} {
			l := layers[c.layer]
			if l == nil {
				t.Errorf("%s: no layer %s", source, c.layer)
				continue
			}
			if got := l.Fields[c.field]; gdalTypeClass(got) != c.class {
				t.Errorf("%s %s.%s: GDAL type %q, want a %s", source, c.layer, c.field, got, c.class)
			}
		}
	}
	// Every field of the tile is declared in the export with its kind;
	// mvt_id is GDAL's own.
	for name, l := range direct {
		e := exported[name]
		if e == nil {
			t.Errorf("export lacks layer %s", name)
			continue
		}
		if e.Count <= 0 {
			t.Errorf("export layer %s: %d features", name, e.Count)
		}
		for field, typ := range l.Fields {
			if field != "mvt_id" && gdalTypeClass(e.Fields[field]) != gdalTypeClass(typ) {
				t.Errorf("%s.%s: %q from the MBTiles, %q from a tile", name, field, e.Fields[field], typ)
			}
		}
	}
	// The Boolean filters as one: the changes of this keyframe.
	out := gdalRun(t, "ogrinfo", "-ro", "-so", file, "events", "-where", "current = 1")
	if l := gdalLayers(out)["events"]; l == nil || l.Count <= 0 || l.Count >= exported["events"].Count {
		t.Errorf("events with current = 1: %+v of %d", l, exported["events"].Count)
	}
}

// A user adding OAPIF:http://HOST/ogc?datetime=T gets the control
// collection at that instant, the features the items route answers.
func TestGDALOpensOGCAPIAtInstant(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	const at = "2024-12-05T10:00:00Z"
	var matched, all struct {
		NumberMatched int `json:"numberMatched"`
	}
	gdalGetJSON(t, base+"/ogc/collections/control/items?limit=1&datetime="+at, &matched)
	gdalGetJSON(t, base+"/ogc/collections/control/items?limit=1", &all)
	if matched.NumberMatched == 0 || matched.NumberMatched >= all.NumberMatched {
		t.Fatalf("items at %s: %d of %d", at, matched.NumberMatched, all.NumberMatched)
	}

	plain := gdalLayers(gdalRun(t, "ogrinfo", "-ro", "-so", "OAPIF:"+base+"/ogc", "control"))["control"]
	if plain == nil || plain.Count != all.NumberMatched {
		t.Fatalf("OAPIF:%s/ogc control: %+v, the items route has %d", base, plain, all.NumberMatched)
	}
	ds := "OAPIF:" + base + "/ogc?datetime=" + at
	instant := gdalLayers(gdalRun(t, "ogrinfo", "-ro", "-so", ds, "control"))["control"]
	if instant == nil || instant.Count != matched.NumberMatched {
		t.Fatalf("%s control: %+v, the items route has %d at the instant", ds, instant, matched.NumberMatched)
	}
	if instant.Fields["valid_from"] != "DateTime" {
		t.Errorf("valid_from: %q", instant.Fields["valid_from"])
	}

	// Reading them walks every page GDAL asks for; each feature is in
	// force at the instant.
	out := gdalRun(t, "ogrinfo", "-ro", "-q", "-geom=NO", ds, "control")
	instantT, _ := time.Parse(time.RFC3339, at)
	read := strings.Count(out, "OGRFeature(control):")
	if read != matched.NumberMatched {
		t.Errorf("GDAL read %d features, numberMatched %d", read, matched.NumberMatched)
	}
	t.Logf("OAPIF control: %d features without datetime, %d at %s", plain.Count, instant.Count, at)
	starts := 0
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		for _, field := range []string{"valid_from", "valid_to"} {
			v, ok := strings.CutPrefix(line, field+" (DateTime) = ")
			if !ok || v == "(null)" {
				continue
			}
			if field == "valid_from" {
				starts++
			}
			tv, err := time.Parse("2006/01/02 15:04:05-07", v)
			if err != nil || (field == "valid_from" && tv.After(instantT)) || (field == "valid_to" && !tv.After(instantT)) {
				t.Errorf("%s = %s (%v): not in force at %s", field, v, err, at)
			}
		}
	}
	if starts != read {
		t.Errorf("%d of %d features with a valid_from", starts, read)
	}
}
