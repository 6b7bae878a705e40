package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"frontline/geo"
)

func fetch(tb testing.TB, url string, header map[string]string) (*http.Response, []byte) {
	tb.Helper()
	return send(tb, http.MethodGet, url, header)
}

func layerNames(tb testing.TB, b []byte) map[string]int {
	tb.Helper()
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		tb.Fatalf("not a vector tile: %v", err)
	}
	out := map[string]int{}
	for _, l := range ls {
		out[l.Name] = len(l.Features)
		if l.Extent != 4096 || l.Version != 2 {
			tb.Errorf("layer %s: extent %d version %d", l.Name, l.Extent, l.Version)
		}
	}
	return out
}

func TestVectorTiles(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	var tl struct {
		Version string `json:"version"`
	}
	if code, _, body := getJSON(t, base+"/api/timeline", &tl); code != 200 || tl.Version == "" {
		t.Fatalf("timeline: %d %s", code, body)
	}
	// z6 tile holding Aleppo and Idlib, at the version in force: a URL
	// that can never change.
	canonical := base + "/tiles/6/38/25.mvt?datetime=2024-11-26T00:00:00Z&v=" + tl.Version
	res, body := fetch(t, canonical, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("tile: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
		res.Header.Get("Frontline-Version") != tl.Version || !strings.HasPrefix(res.Header.Get("ETag"), `"`+tl.Version+"-") {
		t.Errorf("headers: %v", res.Header)
	}
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip sent to a client that did not ask")
	}
	layers := layerNames(t, body)
	if layers["control"] < 2 || layers["places"] == 0 {
		t.Errorf("layers on 26 Nov: %v", layers)
	}
	// Exterior rings have positive area in tile coordinates (the format's
	// rule), so decoders split multipolygons right; properties survive.
	ls, _ := mvt.Unmarshal(body)
	for _, l := range ls {
		if l.Name != "control" {
			continue
		}
		for _, f := range l.Features {
			mp, ok := geo.AsMultiPolygon(f.Geometry)
			if !ok {
				t.Fatalf("control geometry %T", f.Geometry)
			}
			for _, poly := range mp {
				if poly[0].Orientation() != orb.CCW {
					t.Errorf("%v: exterior ring with negative area", f.Properties["controller"])
				}
				for _, h := range poly[1:] {
					if h.Orientation() != orb.CW {
						t.Errorf("%v: hole with positive area", f.Properties["controller"])
					}
				}
			}
			if f.Properties["faction"] == nil || f.Properties["area_km2"] == nil {
				t.Errorf("control properties %v", f.Properties)
			}
		}
	}
	etag := res.Header.Get("ETag")

	// An instant between keyframes gives the same bytes and validator.
	res2, body2 := fetch(t, base+"/tiles/6/38/25.mvt?datetime=2024-11-26T01:00:00Z&v="+tl.Version, nil)
	if !bytes.Equal(body, body2) || res2.Header.Get("ETag") != etag {
		t.Errorf("between keyframes: same bytes %v, etag %s vs %s", bytes.Equal(body, body2), res2.Header.Get("ETag"), etag)
	}
	// Without the version, or with another, the URL may change after an
	// import: cached briefly, revalidated by the ETag.
	for _, q := range []string{"", "&v=0123456789ab"} {
		res3, body3 := fetch(t, base+"/tiles/6/38/25.mvt?datetime=2024-11-26T00:00:00Z"+q, nil)
		if !bytes.Equal(body, body3) || res3.Header.Get("ETag") != etag || res3.Header.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("v=%q: same bytes %v, etag %s, cache %s", q, bytes.Equal(body, body3), res3.Header.Get("ETag"), res3.Header.Get("Cache-Control"))
		}
	}
	// Revalidation.
	if res, _ := fetch(t, canonical, map[string]string{"If-None-Match": etag}); res.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}
	// gzip only when accepted, and it decodes to the same tile.
	res, gz := fetch(t, canonical, map[string]string{"Accept-Encoding": "gzip, br"})
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip for a client that accepts it")
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, body) {
		t.Errorf("gzipped tile differs")
	}
	// The map changes: Aleppo's tile on 9 Dec has events, and differs.
	_, dec9 := fetch(t, base+"/tiles/6/38/25.mvt?datetime=2024-12-09T00:00:00Z", nil)
	if bytes.Equal(dec9, body) || layerNames(t, dec9)["events"] == 0 {
		t.Errorf("9 Dec tile: same as 26 Nov, or no events: %v", layerNames(t, dec9))
	}
	// Empty tile: 204. Bad input: 400/404 problem.
	if res, _ := fetch(t, base+"/tiles/6/0/0.mvt", nil); res.StatusCode != 204 {
		t.Errorf("empty tile: %d", res.StatusCode)
	}
	for url, code := range map[string]int{
		"/tiles/15/0/0.mvt": 400, "/tiles/3/8/0.mvt": 400, "/tiles/a/0/0.mvt": 400,
		"/tiles/6/38/25.mvt?datetime=soon": 400, "/tiles/6/38/25.mvt?datetime=2024-01-01": 404,
	} {
		res, _ := fetch(t, base+url, nil)
		if res.StatusCode != code || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want %d problem", url, res.StatusCode, res.Header.Get("Content-Type"), code)
		}
	}
}

func TestTileJSON(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	res, body := fetch(t, "http://"+m.Addr()+"/tiles.json?datetime=2024-12-05T12:00:00Z", nil)
	var tj struct {
		TileJSON     string    `json:"tilejson"`
		Tiles        []string  `json:"tiles"`
		Bounds       []float64 `json:"bounds"`
		MaxZoom      int       `json:"maxzoom"`
		Attribution  string    `json:"attribution"`
		Keyframes    []string  `json:"keyframes"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal(body, &tj); err != nil || res.StatusCode != 200 {
		t.Fatalf("%d %v %s", res.StatusCode, err, body)
	}
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || len(tj.Keyframes) < 20 || len(tj.VectorLayers) != 3 || tj.MaxZoom != 14 ||
		len(tj.Bounds) != 4 || tj.Attribution == "" {
		t.Errorf("tilejson: %s", body)
	}
	// The template pins the keyframe in force at the instant asked for.
	// and names the version in force, so that clients keep the tiles.
	snap := m.App.Current()
	kf := snap.Keyframes[snap.KeyframeAt(time.Date(2024, 12, 5, 12, 0, 0, 0, time.UTC))].At.Format(time.RFC3339)
	if want := "http://" + m.Addr() + "/tiles/{z}/{x}/{y}.mvt?v=" + snap.Version + "&datetime=" + kf; tj.Tiles[0] != want {
		t.Errorf("tiles template %s, want %s", tj.Tiles[0], want)
	}
}

// A cold z7 tile over Aleppo, rendered in process (territories already
// decoded); the PostGIS comparison is still to be written.
func BenchmarkTileColdZ7(b *testing.B) {
	m := MustRun(b, filepath.Join(b.TempDir(), "f.db"), nil)
	snap := m.App.Current()
	r := snap.Renderer
	k := len(snap.Keyframes) / 2
	r.MVT(maptile.New(76, 50, 7), k) // load the keyframe's territories
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.MVT(maptile.New(76, 50, 7), k); err != nil {
			b.Fatal(err)
		}
	}
}

// A cached tile over HTTP on loopback.
func BenchmarkTileCachedHTTP(b *testing.B) {
	m := MustRun(b, filepath.Join(b.TempDir(), "f.db"), nil)
	url := "http://" + m.Addr() + "/tiles/7/76/50.mvt?datetime=2024-12-05T00:00:00Z"
	fetch(b, url, nil)
	b.ReportAllocs()
	for b.Loop() {
		if res, _ := fetch(b, url, nil); res.StatusCode != 200 {
			b.Fatal(res.StatusCode)
		}
	}
}

func TestRasterTiles(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	res, body := fetch(t, base+"/tiles/6/38/25.png?datetime=2024-11-26T00:00:00Z", map[string]string{"Accept-Encoding": "gzip"})
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("png: %d %v", res.StatusCode, res.Header)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Fatalf("png is %v", b)
	}
	// Aleppo city (37.16 E, 36.20 N) on 26 Nov is government vermilion,
	// Idlib (36.63 E, 35.93 N) HTS green.
	px := func(lon, lat float64) color.NRGBA {
		tl := maptile.At(orb.Point{lon, lat}, 6)
		b := tl.Bound()
		x := int((lon - b.Min[0]) / (b.Max[0] - b.Min[0]) * 256)
		// Mercator: y from the tile's fractional position.
		fy := mercatorY(lat)*64 - float64(tl.Y)
		return color.NRGBAModel.Convert(img.At(x, int(fy*256))).(color.NRGBA)
	}
	if c := px(37.16, 36.20); !(c.R > c.G && c.R > c.B && c.A > 100) {
		t.Errorf("Aleppo on 26 Nov drawn %v, want the government's vermilion", c)
	}
	if c := px(36.63, 35.93); !(c.G > c.R && c.A > 100) {
		t.Errorf("Idlib drawn %v, want HTS green", c)
	}
	// An empty raster tile is a transparent PNG: Leaflet reports a 204 as a tileerror.
	res, body = fetch(t, base+"/tiles/6/0/0.png", nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || res.Header.Get("ETag") == "" {
		t.Errorf("empty png tile: %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("ETag"))
	} else if empty, err := png.Decode(bytes.NewReader(body)); err != nil {
		t.Errorf("empty png tile: %v", err)
	} else if b := empty.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Errorf("empty png tile is %v, want 256x256", b)
	} else if _, _, _, a := empty.At(128, 128).RGBA(); a != 0 {
		t.Errorf("empty png tile is not transparent: alpha %d", a)
	}
	_, tj := fetch(t, base+"/tiles.json?format=png", nil)
	if !strings.Contains(string(tj), `/tiles/{z}/{x}/{y}.png`) || strings.Contains(string(tj), "vector_layers") {
		t.Errorf("raster TileJSON: %s", tj)
	}
}

func mercatorY(lat float64) float64 {
	r := lat * math.Pi / 180
	return (1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2
}
