package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"frontline/data"
	"frontline/internal/app"
	"frontline/internal/geocode"
	"frontline/internal/server"
)

var (
	ixOnce sync.Once
	ix     *geocode.Index
)

// startingApp is an application core still building its first snapshot:
// the geocoder answers, the timeline's routes say to try again.
type startingApp struct {
	ix              *geocode.Index
	server.Ingester // nil: these tests send no news
}

func (a startingApp) Current() *app.Snapshot   { return nil }
func (a startingApp) Geocoder() *geocode.Index { return a.ix }
func (a startingApp) Basemap() ([]byte, error) {
	return []byte(`{"type":"FeatureCollection","features":[]}`), nil
}

// MustServer starts the real router over loopback with the embedded
// gazetteer and a one-file page.
func MustServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	ixOnce.Do(func() {
		g, err := geocode.LoadGazetteer(data.FS)
		if err != nil {
			panic(err)
		}
		ix = geocode.NewIndex(g)
	})
	page := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>frontline</title>")}}
	s := server.New(startingApp{ix: ix}, page, data.Attribution, nil)
	s.SetReady(true)
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return ts
}

func get(tb testing.TB, ts *httptest.Server, path string) (*http.Response, []byte) {
	tb.Helper()
	res, err := http.Get(ts.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res, body
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		Geometry struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	Attribution string `json:"attribution"`
}

func TestGeocodeEndpoint(t *testing.T) {
	ts := MustServer(t)
	res, body := get(t, ts, "/api/geocode?q="+url.QueryEscape("Hamah")+"&limit=3")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("no CORS header on a read endpoint")
	}
	var fc featureCollection
	if err := json.Unmarshal(body, &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 || len(fc.Features) > 3 {
		t.Fatalf("got %s", body)
	}
	if !strings.Contains(fc.Attribution, "GeoNames") || !strings.Contains(fc.Attribution, "Natural Earth") {
		t.Errorf("attribution %q does not credit GeoNames and Natural Earth", fc.Attribution)
	}
	f := fc.Features[0]
	if f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
		t.Fatalf("geometry %+v", f.Geometry)
	}
	for _, k := range []string{"id", "name", "kind", "country", "admin1", "population", "score", "matched"} {
		if _, ok := f.Properties[k]; !ok {
			t.Errorf("property %q missing: %v", k, f.Properties)
		}
	}
	if f.Properties["kind"] != "city" || f.Properties["country"] != "SY" || f.Properties["admin1"] != "Hama" {
		t.Errorf("first feature %v", f.Properties)
	}
	if lon, lat := f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]; lon < 36.6 || lon > 36.9 || lat < 35.0 || lat > 35.25 {
		t.Errorf("Hamah at %v, %v", lon, lat)
	}
}

func TestBadInputIsProblem(t *testing.T) {
	ts := MustServer(t)
	cases := []struct {
		path   string
		status int
	}{
		{"/api/geocode", 400},
		{"/api/geocode?q=", 400},
		{"/api/geocode?q=" + strings.Repeat("x", 201), 400},
		{"/api/geocode?q=Hama&limit=0", 400},
		{"/api/geocode?q=Hama&limit=51", 400},
		{"/api/geocode?q=Hama&limit=five", 400},
		{"/api/geocode?q=Hama&limit=-1", 400},
		{"/api/geocode?q=%FF", 400},
		{"/api/reverse", 400},
		{"/api/reverse?lon=36.7", 400},
		{"/api/reverse?lon=abc&lat=35", 400},
		{"/api/reverse?lon=181&lat=35", 400},
		{"/api/reverse?lon=36&lat=-91", 400},
		{"/api/reverse?lon=NaN&lat=35", 400},
		{"/api/reverse?lon=Inf&lat=35", 400},
		{"/api/nothing", 404},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			res, body := get(t, ts, c.path)
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var p server.Problem
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if p.Status != c.status || p.Detail == "" || p.Title == "" {
				t.Errorf("problem %+v", p)
			}
		})
	}
	res, body := get(t, ts, "/api/geocode?q=Hama")
	if res.StatusCode != 200 {
		t.Fatalf("the service did not survive bad input: %d %s", res.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/geocode?q=Hama", nil)
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != 405 || res2.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("POST: %d %s", res2.StatusCode, res2.Header.Get("Content-Type"))
	}
}

func TestReverseEndpoint(t *testing.T) {
	ts := MustServer(t)
	res, body := get(t, ts, "/api/reverse?lon=36.7578&lat=35.1318")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var loc struct {
		Point   []float64 `json:"point"`
		Nearest struct {
			Properties map[string]any `json:"properties"`
		} `json:"nearest"`
		Governorate struct {
			Properties map[string]any `json:"properties"`
		} `json:"governorate"`
		Country struct {
			Properties map[string]any `json:"properties"`
		} `json:"country"`
	}
	if err := json.Unmarshal(body, &loc); err != nil {
		t.Fatal(err)
	}
	if loc.Nearest.Properties["id"] != "gn:170017" {
		t.Errorf("nearest %v", loc.Nearest.Properties)
	}
	if d, _ := loc.Nearest.Properties["distance_km"].(float64); d > 5 {
		t.Errorf("distance_km %v", d)
	}
	if loc.Governorate.Properties["kind"] != "governorate" || loc.Governorate.Properties["admin1"] != "Hama" {
		t.Errorf("governorate %v", loc.Governorate.Properties)
	}
	if loc.Country.Properties["country"] != "SY" {
		t.Errorf("country %v", loc.Country.Properties)
	}
	// At sea there is still a nearest place, and no governorate.
	res, body = get(t, ts, "/api/reverse?lon=34.0&lat=34.5")
	if res.StatusCode != 200 || !strings.Contains(string(body), `"governorate":null`) {
		t.Errorf("at sea: %d %s", res.StatusCode, body)
	}
}

func TestHealthzAndPage(t *testing.T) {
	g, _ := geocode.LoadGazetteer(data.FS)
	s := server.New(startingApp{ix: geocode.NewIndex(g)}, fstest.MapFS{"index.html": {Data: []byte("<title>frontline</title>")}}, "", nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	if res, _ := get(t, ts, "/healthz"); res.StatusCode != 503 {
		t.Errorf("healthz before ready: %d", res.StatusCode)
	}
	s.SetReady(true)
	if res, _ := get(t, ts, "/healthz"); res.StatusCode != 200 {
		t.Errorf("healthz when ready: %d", res.StatusCode)
	}
	res, body := get(t, ts, "/")
	if res.StatusCode != 200 || !strings.Contains(string(body), "frontline") {
		t.Errorf("page: %d %s", res.StatusCode, body)
	}
	// Until the first snapshot is built the timeline's routes ask to
	// wait, as problems; the geocoder answers meanwhile.
	for _, path := range []string{"/api/timeline", "/api/controller?lon=37.16&lat=36.2", "/tiles/7/76/50.mvt", "/tiles.json",
		"/ogc/collections/control/items"} {
		res, body := get(t, ts, path)
		if res.StatusCode != 503 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s while starting: %d %s %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
}
