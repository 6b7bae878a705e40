package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"frontline/internal/server"

	"github.com/go-chi/chi/v5"
)

// mustRunWith starts the service as MustRun does, with cfg's options.
func mustRunWith(tb testing.TB, cfg Config) *Main {
	tb.Helper()
	cfg.Addr, cfg.DB = "127.0.0.1:0", filepath.Join(tb.TempDir(), "f.db")
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler)}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

// send makes one request and reads its answer; without Accept-Encoding
// it asks for identity, so that the transport decodes nothing.
func send(tb testing.TB, method, url string, header map[string]string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h // net/http sends req.Host, not the header
	}
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return res, b
}

// headersOnly makes a GET and returns as soon as the headers are in: for
// the event stream, which never ends by itself.
func headersOnly(tb testing.TB, url string) *http.Response {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Accept-Encoding", "identity")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	return res
}

func wantProblem(tb testing.TB, what string, res *http.Response, body []byte, status int) {
	tb.Helper()
	var p server.Problem
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" {
		tb.Errorf("%s: %d %s, want a %d problem: %.200s", what, res.StatusCode, res.Header.Get("Content-Type"), status, body)
	} else if err := json.Unmarshal(body, &p); err != nil || p.Status != status || p.Detail == "" {
		tb.Errorf("%s: problem %s (%v)", what, body, err)
	}
}

// headerDiff lists the headers two answers do not share, the date aside.
func headerDiff(a, b http.Header) []string {
	var out []string
	for k := range a {
		if k != "Date" && strings.Join(a[k], ", ") != strings.Join(b[k], ", ") {
			out = append(out, k+": "+strings.Join(a[k], ", ")+" | "+strings.Join(b[k], ", "))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok && k != "Date" {
			out = append(out, k+": (none) | "+strings.Join(b[k], ", "))
		}
	}
	sort.Strings(out)
	return out
}

// Every route of the router, listed from the router itself: HEAD answers
// as GET does without the body, a preflight as the cross-origin policy
// says (reads from anywhere, writes same-origin only), a plain OPTIONS
// and a wrong method name the route's methods.
func TestEveryRoute(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	var items ogcCollection
	if _, _, body := getJSON(t, base+"/ogc/collections/control/items?limit=1", &items); len(items.Features) == 0 {
		t.Fatalf("no control feature: %s", body)
	}
	featureID, _ := items.Features[0].ID.(string)
	const at = "datetime=2024-12-05T10:00:00Z"
	// Examples for the routes with parameters, and the queries that make
	// the others answer something worth comparing; status is what GET
	// answers (200 unless said).
	type example struct {
		path   string
		status int
	}
	examples := map[string]example{
		"/api/controller":                                 {"/api/controller?lon=37.1613&lat=36.2021&at=2024-12-01T00:00:00Z", 200},
		"/api/geocode":                                    {"/api/geocode?q=Hamah&limit=3", 200},
		"/api/reverse":                                    {"/api/reverse?lon=36.7578&lat=35.1318", 200},
		"/api/articles/{article}":                         {"/api/articles/999", 404},
		"/api/claims/{claim}/accept":                      {"/api/claims/999/accept", 0},
		"/api/claims/{claim}/reject":                      {"/api/claims/999/reject", 0},
		"/ogc/collections/{collection}":                   {"/ogc/collections/control", 200},
		"/ogc/collections/{collection}/items":             {"/ogc/collections/control/items?limit=5&" + at, 200},
		"/ogc/collections/{collection}/items/{featureID}": {"/ogc/collections/control/items/" + featureID, 200},
		"/tiles.json":                                     {"/tiles.json?" + at, 200},
		"/tiles/{z}/{x}/{y}.mvt":                          {"/tiles/7/77/50.mvt?" + at, 200},
		"/tiles/{z}/{x}/{y}.png":                          {"/tiles/7/77/50.png?" + at, 200},
	}
	routes := map[string][]string{}
	err := chi.Walk(m.Server.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes[route] = append(routes[route], method)
		return nil
	})
	if err != nil || len(routes) < 30 {
		t.Fatalf("%d routes, %v", len(routes), err)
	}
	order := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
	patterns := slices.Sorted(func(yield func(string) bool) {
		for p := range routes {
			if !yield(p) {
				return
			}
		}
	})
	for _, pattern := range patterns {
		methods := routes[pattern]
		ex, ok := examples[pattern]
		if !ok {
			if strings.Contains(pattern, "{") {
				t.Errorf("%s: no example to try it with; add one", pattern)
				continue
			}
			ex = example{pattern, 200}
		}
		var allow []string
		for _, m := range order {
			if slices.Contains(methods, m) {
				allow = append(allow, m)
			}
		}
		allow = append(allow, "OPTIONS")
		wantAllow := strings.Join(allow, ", ")
		url := base + ex.path
		t.Run(pattern, func(t *testing.T) {
			if !slices.Contains(methods, "GET") {
				writeRoute(t, url, wantAllow)
				return
			}
			// HEAD: the same status and headers as GET, and no body.
			for _, enc := range []string{"identity", "gzip"} {
				h := map[string]string{"Accept-Encoding": enc}
				var get *http.Response
				if pattern == "/api/events/stream" {
					get = headersOnly(t, url)
				} else {
					var body []byte
					get, body = send(t, "GET", url, h)
					if get.StatusCode != ex.status {
						t.Errorf("GET %s: %d, want %d: %.200s", ex.path, get.StatusCode, ex.status, body)
					}
				}
				head, hbody := send(t, "HEAD", url, h)
				if head.StatusCode != get.StatusCode || len(hbody) != 0 {
					t.Errorf("HEAD %s (%s): %d with %d bytes, GET %d", ex.path, enc, head.StatusCode, len(hbody), get.StatusCode)
				}
				if d := headerDiff(get.Header, head.Header); len(d) > 0 {
					t.Errorf("HEAD %s (%s) headers differ from GET's (GET | HEAD):\n%s", ex.path, enc, strings.Join(d, "\n"))
				}
				if enc == "identity" && get.Header.Get("Access-Control-Allow-Origin") != "*" {
					t.Errorf("GET %s: not readable from other origins: %v", ex.path, get.Header)
				}
			}
			// A preflight for a read with headers of the client's own.
			asked := "x-client,if-none-match,if-modified-since,range"
			res, body := send(t, "OPTIONS", url, map[string]string{"Origin": "http://elsewhere.example",
				"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": asked})
			h := res.Header
			if res.StatusCode != 204 || len(body) != 0 || h.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") || h.Get("Access-Control-Allow-Headers") != asked ||
				h.Get("Access-Control-Max-Age") == "" {
				t.Errorf("preflight: %d %v", res.StatusCode, h)
			}
			plainOptions(t, url, wantAllow)
			res, body = send(t, "DELETE", url, nil)
			wantProblem(t, "DELETE "+ex.path, res, body, 405)
			if got := res.Header.Get("Allow"); got != wantAllow {
				t.Errorf("DELETE %s: Allow %q, want %q", ex.path, got, wantAllow)
			}
		})
	}
}

// writeRoute checks a route that only writes: no cross-origin preflight
// passes, reads are 405.
func writeRoute(t *testing.T, url, wantAllow string) {
	t.Helper()
	res, body := send(t, "OPTIONS", url, map[string]string{"Origin": "http://elsewhere.example",
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"})
	wantProblem(t, "preflight of a write", res, body, 403)
	for k := range res.Header {
		if strings.HasPrefix(k, "Access-Control-") {
			t.Errorf("refused preflight carries %s: %v", k, res.Header)
		}
	}
	plainOptions(t, url, wantAllow)
	for _, method := range []string{"GET", "HEAD"} {
		res, body := send(t, method, url, nil)
		if method == "GET" {
			wantProblem(t, "GET of a write route", res, body, 405)
		} else if res.StatusCode != 405 {
			t.Errorf("HEAD of a write route: %d", res.StatusCode)
		}
		if got := res.Header.Get("Allow"); got != wantAllow {
			t.Errorf("%s: Allow %q, want %q", method, got, wantAllow)
		}
	}
}

func plainOptions(t *testing.T, url, wantAllow string) {
	t.Helper()
	res, body := send(t, "OPTIONS", url, nil)
	if res.StatusCode != 204 || len(body) != 0 || res.Header.Get("Allow") != wantAllow {
		t.Errorf("OPTIONS: %d Allow %q, want 204 %q", res.StatusCode, res.Header.Get("Allow"), wantAllow)
	}
}

// Paths the router has no route for, folders of the page included, are
// 404 problems, never a listing; so is HEAD /ogc's old failure mode.
func TestUnknownPaths(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	for _, path := range []string{"/nothing", "/vendor/", "/vendor/leaflet/", "/vendor", "/js/", "/js", "/js/nothing.js",
		"/api", "/api/", "/api/nothing", "/ogc/nothing", "/tiles/1/0/0.jpg", "/tiles/", "/index.htm", "/%2e%2e/etc/passwd"} {
		res, body := send(t, "GET", base+path, nil)
		wantProblem(t, "GET "+path, res, body, 404)
		if res, _ := send(t, "HEAD", base+path, nil); res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("HEAD %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		res, body = send(t, "POST", base+path, nil)
		wantProblem(t, "POST "+path, res, body, 404)
	}
}

// The gzipped and identity forms of one answer are two representations
// with two strong validators; If-None-Match matches the one selected.
func TestETagPerEncoding(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	for _, path := range []string{"/tiles/6/38/25.mvt", "/tiles.json", "/tiles.json?format=png", "/ogc/collections/control/items?limit=10",
		"/api/basemap", "/api/timeline", "/js/main.js", "/"} {
		ident, plain := send(t, "GET", base+path, nil)
		gz, zipped := send(t, "GET", base+path, map[string]string{"Accept-Encoding": "gzip"})
		it, gt := ident.Header.Get("ETag"), gz.Header.Get("ETag")
		if ident.StatusCode != 200 || gz.StatusCode != 200 || gz.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: %d, gzip %d %q", path, ident.StatusCode, gz.StatusCode, gz.Header.Get("Content-Encoding"))
			continue
		}
		if !strongETag.MatchString(it) || !strongETag.MatchString(gt) || it == gt {
			t.Errorf("%s: identity ETag %s, gzip ETag %s: want two distinct strong tags", path, it, gt)
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatal(err)
		}
		if unzipped, _ := io.ReadAll(zr); !bytes.Equal(unzipped, plain) {
			t.Errorf("%s: the gzipped body is not the identity body", path)
		}
		for _, c := range []struct {
			enc, match string
			status     int
		}{
			{"identity", it, 304}, {"gzip", gt, 304},
			{"gzip", it, 200}, {"identity", gt, 200},
			{"gzip", it + ", " + gt, 304}, {"identity", "W/" + it, 304},
		} {
			res, body := send(t, "GET", base+path, map[string]string{"Accept-Encoding": c.enc, "If-None-Match": c.match})
			if res.StatusCode != c.status {
				t.Errorf("%s %s If-None-Match %s: %d, want %d", path, c.enc, c.match, res.StatusCode, c.status)
			}
			if c.status == 304 && (len(body) != 0 || res.Header.Get("ETag") == "" || res.Header.Get("Vary") == "") {
				t.Errorf("%s: 304 %d bytes, headers %v", path, len(body), res.Header)
			}
		}
	}
}

var strongETag = regexp.MustCompile(`^"[^"]+"$`)

// An empty raster tile is a small transparent PNG, so that Leaflet's
// L.tileLayer sees no error; an empty vector tile stays 204.
func TestEmptyTiles(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	version := m.App.Current().Version
	url := base + "/tiles/6/0/0.png?v=" + version
	res, body := send(t, "GET", url, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || res.Header.Get("ETag") == "" ||
		res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("empty png: %d %v", res.StatusCode, res.Header)
	}
	if len(body) > 200 {
		t.Errorf("the empty tile is %d bytes", len(body))
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Fatalf("empty tile is %v", b)
	}
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				t.Fatalf("pixel %d,%d of the empty tile is not transparent", x, y)
			}
		}
	}
	// Another empty tile: the same bytes and validator.
	res2, body2 := send(t, "GET", base+"/tiles/6/63/63.png?v="+version, nil)
	if !bytes.Equal(body, body2) || res2.Header.Get("ETag") != res.Header.Get("ETag") {
		t.Errorf("two empty tiles differ: %s vs %s", res.Header.Get("ETag"), res2.Header.Get("ETag"))
	}
	if res, _ := send(t, "GET", url, map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != 304 {
		t.Errorf("empty png revalidation: %d", res.StatusCode)
	}
	head, hbody := send(t, "HEAD", url, nil)
	if head.StatusCode != 200 || len(hbody) != 0 || len(headerDiff(res.Header, head.Header)) > 0 {
		t.Errorf("HEAD of the empty png: %d, %v", head.StatusCode, headerDiff(res.Header, head.Header))
	}
	for _, method := range []string{"GET", "HEAD"} {
		if res, body := send(t, method, base+"/tiles/6/0/0.mvt", nil); res.StatusCode != 204 || len(body) != 0 || res.Header.Get("Frontline-Version") == "" {
			t.Errorf("%s empty mvt: %d, %d bytes", method, res.StatusCode, len(body))
		}
	}
}

// A byte range of a tile, as GDAL's /vsicurl/ reads: 206 with the part,
// 416 problem for a range beyond the tile, the whole tile when If-Range
// names another version.
func TestTileRanges(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	url := "http://" + m.Addr() + "/tiles/6/38/25.mvt?datetime=2024-11-26T00:00:00Z"
	whole, body := send(t, "GET", url, nil)
	n := len(body)
	for _, c := range []struct {
		header       map[string]string
		status       int
		first, count int
	}{
		{map[string]string{"Range": "bytes=0-99"}, 206, 0, 100},
		{map[string]string{"Range": "bytes=100-"}, 206, 100, n - 100},
		{map[string]string{"Range": "bytes=-10"}, 206, n - 10, 10},
		{map[string]string{"Range": "bytes=10-99999999"}, 206, 10, n - 10},
		{map[string]string{"Range": "bytes=0-9", "If-Range": whole.Header.Get("ETag")}, 206, 0, 10},
		{map[string]string{"Range": "bytes=0-9", "If-Range": `"other"`}, 200, 0, n},
		{map[string]string{"Range": "bytes=0-1,5-6"}, 200, 0, n},
		{map[string]string{"Range": "lines=0-9"}, 200, 0, n},
	} {
		res, part := send(t, "GET", url, c.header)
		if res.StatusCode != c.status || !bytes.Equal(part, body[c.first:c.first+c.count]) {
			t.Errorf("%v: %d with %d bytes, want %d with %d from %d", c.header, res.StatusCode, len(part), c.status, c.count, c.first)
		}
	}
	for _, spec := range []string{"bytes=99999999-", "bytes=5-1", "bytes=x-y", "bytes=-0"} {
		res, body := send(t, "GET", url, map[string]string{"Range": spec})
		wantProblem(t, "Range "+spec, res, body, 416)
	}
}

// Behind a TLS proxy: links follow Forwarded or X-Forwarded-* only when
// the proxy is trusted; --base-url wins, path prefix included.
func TestLinksBehindProxy(t *testing.T) {
	tileJSON := func(t *testing.T, base string, header map[string]string) (string, string) {
		t.Helper()
		res, body := send(t, "GET", base+"/tiles.json", header)
		var tj struct{ Tiles []string }
		if err := json.Unmarshal(body, &tj); err != nil || len(tj.Tiles) != 1 {
			t.Fatalf("tiles.json: %d %v %s", res.StatusCode, err, body)
		}
		return tj.Tiles[0], res.Header.Get("ETag")
	}
	ogcSelf := func(t *testing.T, base string, header map[string]string) string {
		t.Helper()
		_, body := send(t, "GET", base+"/ogc/collections/control/items?limit=1", header)
		var c ogcCollection
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatalf("items: %v %s", err, body)
		}
		return c.link("self")
	}
	proxied := map[string]string{"Forwarded": `for=192.0.2.1;proto=https;host="maps.example.org:8443"`,
		"X-Forwarded-Proto": "http", "X-Forwarded-Host": "other.example"}
	xfwd := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "maps.example.org"}

	t.Run("untrusted", func(t *testing.T) {
		m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
		base := "http://" + m.Addr()
		if tiles, _ := tileJSON(t, base, proxied); !strings.HasPrefix(tiles, base+"/tiles/") {
			t.Errorf("without --trust-proxy the headers made the tiles %s", tiles)
		}
		if self := ogcSelf(t, base, xfwd); !strings.HasPrefix(self, base+"/ogc/") {
			t.Errorf("without --trust-proxy the headers made the link %s", self)
		}
		// Nor does the Host a client sends: links name the address served.
		evil := map[string]string{"Host": "evil.example.org"}
		if tiles, _ := tileJSON(t, base, evil); !strings.HasPrefix(tiles, base+"/tiles/") {
			t.Errorf("Host: evil.example.org made the tiles %s", tiles)
		}
		if self := ogcSelf(t, base, evil); !strings.HasPrefix(self, base+"/ogc/") {
			t.Errorf("Host: evil.example.org made the link %s", self)
		}
		if res, body := send(t, "GET", base+"/ogc/api", evil); !strings.Contains(string(body), base) || strings.Contains(string(body), "evil.example.org") {
			t.Errorf("Host: evil.example.org in the OpenAPI document (%d)", res.StatusCode)
		}
	})
	t.Run("trusted", func(t *testing.T) {
		m := mustRunWith(t, Config{TrustProxy: true})
		base := "http://" + m.Addr()
		tiles, tag := tileJSON(t, base, proxied)
		if !strings.HasPrefix(tiles, "https://maps.example.org:8443/tiles/{z}/{x}/{y}.mvt?") {
			t.Errorf("Forwarded: tiles %s", tiles)
		}
		if self := ogcSelf(t, base, xfwd); !strings.HasPrefix(self, "https://maps.example.org/ogc/collections/control/items") {
			t.Errorf("X-Forwarded-*: self link %s", self)
		}
		direct, directTag := tileJSON(t, base, nil)
		if !strings.HasPrefix(direct, base+"/tiles/") {
			t.Errorf("a request without the headers got tiles %s", direct)
		}
		// One URL, two bases: two bodies, two validators.
		if tag == directTag || tag == "" {
			t.Errorf("the proxied and direct TileJSON share the ETag %s", tag)
		}
		if res, _ := send(t, "GET", base+"/tiles.json", map[string]string{"If-None-Match": tag}); res.StatusCode != 200 {
			t.Errorf("the proxied answer's ETag validated the direct one: %d", res.StatusCode)
		}
		if res, _ := send(t, "GET", base+"/tiles.json", map[string]string{"If-None-Match": tag, "Forwarded": proxied["Forwarded"]}); res.StatusCode != 304 {
			t.Errorf("revalidation through the proxy: %d", res.StatusCode)
		}
	})
	t.Run("base URL", func(t *testing.T) {
		m := mustRunWith(t, Config{BaseURL: "https://maps.example.org/frontline/", TrustProxy: true})
		base := "http://" + m.Addr()
		for _, h := range []map[string]string{nil, proxied} {
			if tiles, _ := tileJSON(t, base, h); !strings.HasPrefix(tiles, "https://maps.example.org/frontline/tiles/{z}/{x}/{y}.mvt?") {
				t.Errorf("tiles %s", tiles)
			}
			if self := ogcSelf(t, base, h); !strings.HasPrefix(self, "https://maps.example.org/frontline/ogc/collections/control/items") {
				t.Errorf("self link %s", self)
			}
		}
	})
}

func TestServeProxyFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--base-url", "ftp://maps.example.org"},
		{"serve", "--base-url", "maps.example.org/frontline"},
		{"serve", "--base-url", "https://maps.example.org/?x=1"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, %q", args, code, errb.String())
		}
	}
	t.Setenv("FRONTLINE_TRUST_PROXY", "maybe")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, &out, &errb); code != 2 {
		t.Errorf("FRONTLINE_TRUST_PROXY=maybe: exit %d, %q", code, errb.String())
	}
	t.Setenv("FRONTLINE_TRUST_PROXY", "")
	errb.Reset()
	run(context.Background(), []string{"serve", "-h"}, &out, &errb)
	if !strings.Contains(errb.String(), "-base-url") || !strings.Contains(errb.String(), "-trust-proxy") {
		t.Errorf("serve -h does not mention the proxy flags:\n%s", errb.String())
	}
}

// The point query over HTTP on loopback: the hot path the router's
// middleware must not slow.
func BenchmarkControllerHTTP(b *testing.B) {
	m := MustRun(b, filepath.Join(b.TempDir(), "f.db"), nil)
	url := "http://" + m.Addr() + "/api/controller?lon=37.1613&lat=36.2021&at=2024-12-01T00:00:00Z"
	b.ReportAllocs()
	for b.Loop() {
		if res, body := fetch(b, url, nil); res.StatusCode != 200 {
			b.Fatalf("%d %s", res.StatusCode, body)
		}
	}
}
