package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"frontline/data"
	"frontline/internal/app"
	"frontline/internal/geocode"
	"frontline/internal/server"

	"github.com/go-chi/chi/v5"
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
	return do(tb, ts, http.MethodGet, path, nil)
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

// do sends one request to ts with the headers given and returns the
// answer with its body read.
func do(tb testing.TB, ts *httptest.Server, method, path string, header map[string]string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, ts.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultTransport.RoundTrip(req)
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

func isProblem(tb testing.TB, res *http.Response, body []byte, status int) {
	tb.Helper()
	var p server.Problem
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" {
		tb.Errorf("%s %s: %d %s, want %d problem: %s", res.Request.Method, res.Request.URL.Path, res.StatusCode,
			res.Header.Get("Content-Type"), status, body)
	} else if err := json.Unmarshal(body, &p); err != nil || p.Status != status || p.Detail == "" {
		tb.Errorf("%s %s: problem %s (%v)", res.Request.Method, res.Request.URL.Path, body, err)
	}
}

// pageServer serves a page of a few files in folders, as web.FS has.
func pageServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	g, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		tb.Fatal(err)
	}
	page := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><title>frontline</title><script type=module src=js/main.js></script>")},
		"review.html":          {Data: []byte("<!doctype html><title>review</title>")},
		"favicon.svg":          {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"js/main.js":           {Data: []byte(strings.Repeat("export const answer = 42;\n", 200))},
		"vendor/leaflet/a.css": {Data: []byte("body{margin:0}")},
		"vendor/leaflet/i.png": {Data: []byte("\x89PNG\r\n\x1a\nnot really")},
	}
	s := server.New(startingApp{ix: geocode.NewIndex(g)}, page, "", nil)
	s.SetReady(true)
	ts := httptest.NewServer(s)
	tb.Cleanup(ts.Close)
	return ts
}

// The page's files are served at their paths, with validators and HEAD;
// folders and missing files are 404 problems, never a listing.
func TestPageFiles(t *testing.T) {
	ts := pageServer(t)
	for _, c := range []struct {
		path, contentType, body string
	}{
		{"/", "text/html; charset=utf-8", "<title>frontline"},
		{"/index.html", "text/html; charset=utf-8", "<title>frontline"},
		{"/review", "text/html; charset=utf-8", "<title>review"},
		{"/review.html", "text/html; charset=utf-8", "<title>review"},
		{"/favicon.ico", "image/svg+xml", "<svg"},
		{"/js/main.js", "text/javascript; charset=utf-8", "export const answer"},
		{"/vendor/leaflet/a.css", "text/css; charset=utf-8", "margin"},
		{"/vendor/leaflet/i.png", "image/png", "PNG"},
	} {
		res, body := do(t, ts, "GET", c.path, nil)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != c.contentType || !strings.Contains(string(body), c.body) {
			t.Errorf("GET %s: %d %s %.40q", c.path, res.StatusCode, res.Header.Get("Content-Type"), body)
			continue
		}
		etag := res.Header.Get("ETag")
		if etag == "" || res.Header.Get("Content-Length") != strconv.Itoa(len(body)) || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: headers %v", c.path, res.Header)
		}
		head, hbody := do(t, ts, "HEAD", c.path, nil)
		if head.StatusCode != 200 || len(hbody) != 0 || !sameHeaders(res.Header, head.Header) {
			t.Errorf("HEAD %s: %d, %d bytes, headers\n%v\nwant\n%v", c.path, head.StatusCode, len(hbody), head.Header, res.Header)
		}
		if res, _ := do(t, ts, "GET", c.path, map[string]string{"If-None-Match": etag}); res.StatusCode != 304 {
			t.Errorf("GET %s If-None-Match its ETag: %d", c.path, res.StatusCode)
		}
		res, body = do(t, ts, "DELETE", c.path, nil)
		isProblem(t, res, body, 405)
		if got := res.Header.Get("Allow"); got != "GET, HEAD, OPTIONS" {
			t.Errorf("DELETE %s: Allow %q", c.path, got)
		}
	}
	for _, path := range []string{"/js/", "/js", "/vendor/", "/vendor/leaflet/", "/nothing", "/js/nothing.js", "/index.htm", "/.", "/vendor/leaflet/../../index.html%00"} {
		for _, method := range []string{"GET", "HEAD", "POST", "OPTIONS"} {
			res, body := do(t, ts, method, path, nil)
			if method == "HEAD" {
				if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("HEAD %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
				}
				continue
			}
			isProblem(t, res, body, 404)
		}
	}
}

// sameHeaders reports whether two answers' headers are the same, but for
// the date.
func sameHeaders(a, b http.Header) bool {
	a, b = a.Clone(), b.Clone()
	a.Del("Date")
	b.Del("Date")
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

// Every GET route answers HEAD, every route OPTIONS: listed from the
// router itself, so that a route added later cannot forget.
func TestEveryReadRouteAnswersHead(t *testing.T) {
	g, _ := geocode.LoadGazetteer(data.FS)
	s := server.New(startingApp{ix: geocode.NewIndex(g)}, fstest.MapFS{"index.html": {Data: []byte("x")}}, "", nil)
	methods := map[string][]string{}
	chi.Walk(s.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		methods[route] = append(methods[route], method)
		return nil
	})
	if len(methods) < 20 {
		t.Fatalf("only %d routes: %v", len(methods), methods)
	}
	for route, ms := range methods {
		if slices.Contains(ms, "GET") != slices.Contains(ms, "HEAD") {
			t.Errorf("%s: methods %v: GET without HEAD or the reverse", route, ms)
		}
	}
}

// Preflights: granted for reads from any origin, refused for writes;
// a plain OPTIONS lists the methods.
func TestPreflight(t *testing.T) {
	ts := pageServer(t)
	preflight := func(method string, headers string) map[string]string {
		h := map[string]string{"Origin": "https://elsewhere.example", "Access-Control-Request-Method": method}
		if headers != "" {
			h["Access-Control-Request-Headers"] = headers
		}
		return h
	}
	for _, c := range []struct {
		path, method, headers string
		status                int
		allow                 string
	}{
		{"/api/geocode", "GET", "x-client,if-none-match,range", 204, "GET, HEAD, OPTIONS"},
		{"/tiles/1/0/0.mvt", "GET", "If-None-Match", 204, "GET, HEAD, OPTIONS"},
		{"/tiles/1/0/0.png", "HEAD", "", 204, "GET, HEAD, OPTIONS"},
		{"/api/events/stream", "GET", "last-event-id", 204, "GET, HEAD, OPTIONS"},
		{"/", "GET", "x-client", 204, "GET, HEAD, OPTIONS"},
		{"/js/main.js", "GET", "", 204, "GET, HEAD, OPTIONS"},
		{"/ogc", "GET", "accept", 204, "GET, HEAD, OPTIONS"},
		{"/api/geocode", "POST", "content-type", 403, "GET, HEAD, OPTIONS"},
		{"/api/articles", "POST", "authorization,content-type", 403, "POST, OPTIONS"},
		{"/api/articles", "GET", "", 403, "POST, OPTIONS"},
		{"/api/claims/7/accept", "POST", "authorization", 403, "POST, OPTIONS"},
		{"/api/claims/7/reject", "POST", "authorization", 403, "POST, OPTIONS"},
		{"/api/geoparse", "POST", "content-type", 403, "POST, OPTIONS"},
		{"/api/geocode", "GET", "x client", 400, "GET, HEAD, OPTIONS"},
		{"/api/geocode", "GET", strings.Repeat("x-long,", 200), 400, "GET, HEAD, OPTIONS"},
		{"/nothing", "GET", "", 404, ""},
	} {
		res, body := do(t, ts, "OPTIONS", c.path, preflight(c.method, c.headers))
		name := c.method + " " + c.path
		if res.Header.Get("Allow") != c.allow {
			t.Errorf("%s: Allow %q, want %q", name, res.Header.Get("Allow"), c.allow)
		}
		if c.status != 204 {
			isProblem(t, res, body, c.status)
			for k := range res.Header {
				if strings.HasPrefix(k, "Access-Control-Allow-") {
					t.Errorf("%s: refused preflight has %s", name, k)
				}
			}
			continue
		}
		h := res.Header
		if res.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "*" || h.Get("Access-Control-Allow-Methods") != "GET, HEAD" ||
			h.Get("Access-Control-Max-Age") == "" || h.Get("Access-Control-Allow-Headers") != c.headers {
			t.Errorf("%s: %d %v", name, res.StatusCode, h)
		}
	}
	// Without the preflight's headers OPTIONS is a question about the
	// resource: 204 with Allow, no CORS.
	for path, allow := range map[string]string{"/healthz": "GET, HEAD, OPTIONS", "/api/geoparse": "POST, OPTIONS", "/ogc/collections/control/items": "GET, HEAD, OPTIONS"} {
		res, body := do(t, ts, "OPTIONS", path, map[string]string{"Origin": "https://elsewhere.example"})
		if res.StatusCode != 204 || res.Header.Get("Allow") != allow || len(body) != 0 || res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("OPTIONS %s: %d Allow %q, %v", path, res.StatusCode, res.Header.Get("Allow"), res.Header)
		}
	}
	// Reads expose their validators to other origins; writes get no CORS.
	res, _ := do(t, ts, "GET", "/js/main.js", map[string]string{"Origin": "https://elsewhere.example"})
	expose := strings.ToLower(res.Header.Get("Access-Control-Expose-Headers"))
	for _, h := range []string{"etag", "frontline-version", "content-length"} {
		if !strings.Contains(expose, h) {
			t.Errorf("Access-Control-Expose-Headers %q lacks %s", expose, h)
		}
	}
	res, _ = do(t, ts, "POST", "/api/articles", map[string]string{"Origin": "https://elsewhere.example"})
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a write answered another origin: %v", res.Header)
	}
}

// Wrong methods are 405 problems naming the route's methods.
func TestMethodNotAllowed(t *testing.T) {
	ts := pageServer(t)
	for _, c := range []struct{ method, path, allow string }{
		{"POST", "/healthz", "GET, HEAD, OPTIONS"},
		{"POST", "/tiles/1/0/0.mvt", "GET, HEAD, OPTIONS"},
		{"PUT", "/tiles/1/0/0.png", "GET, HEAD, OPTIONS"},
		{"DELETE", "/", "GET, HEAD, OPTIONS"},
		{"TRACE", "/", "GET, HEAD, OPTIONS"},
		{"PATCH", "/ogc/collections", "GET, HEAD, OPTIONS"},
		{"POST", "/ogc", "GET, HEAD, OPTIONS"},
		{"GET", "/api/geoparse", "POST, OPTIONS"},
		{"DELETE", "/api/claims/3/accept", "POST, OPTIONS"},
		{"BREW", "/tiles.json", "GET, HEAD, OPTIONS"},
	} {
		res, body := do(t, ts, c.method, c.path, nil)
		isProblem(t, res, body, 405)
		if got := res.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	res, body := do(t, ts, "BREW", "/nothing", nil)
	isProblem(t, res, body, 404)
}
