package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The outside map libraries, unmodified, in Chromium: each test page
// (testdata/clients) is served from its own loopback port, so that every
// request to the service is cross-origin, as it is for a page that embeds
// frontline. The libraries come from node_modules, pinned in
// package-lock.json.

// clientInstant is the keyframe the pages draw; clientLon, clientLat and
// clientZoom (a zoom of 256-pixel tiles) the view, all of Syria in each
// 480×400 map.
const (
	clientInstant = "2024-12-05T10:00:00Z"
	clientLon     = 38.6
	clientLat     = 35.0
	clientZoom    = 6
)

// clientOutside are points of the view outside Syria (the sea off
// Lebanon, Iraq's desert, Turkey, Jordan): no client may paint them.
var clientOutside = []orb.Point{{34.3, 34.2}, {43.0, 33.5}, {37.0, 37.9}, {37.0, 31.5}}

// clientLibraries are the npm packages the pages load, served under
// /vendor/NAME/ from node_modules.
var clientLibraries = []string{"ol", "leaflet", "leaflet.vectorgrid", "maplibre-gl"}

// clientPages serves testdata/clients and the libraries.
func clientPages(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(filepath.Join("testdata", "clients"))))
	for _, lib := range clientLibraries {
		dir := filepath.Join("..", "..", "node_modules", lib)
		if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
			t.Fatalf("npm package %s is missing: `make test` installs the npm dev packages (%v)", lib, err)
		}
		mux.Handle("/vendor/"+lib+"/", http.StripPrefix("/vendor/"+lib+"/", http.FileServer(http.Dir(dir))))
	}
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// clientReport is what a page recorded of its maps (window.clientTest).
type clientReport struct {
	Errors, TileErrors []string
	Settled            bool
	Maps               map[string]*clientMapReport
}

// clientMapReport is what a page recorded of one of its maps.
type clientMapReport struct {
	State        string // loading, drawn or failed
	Loaded       int    // tiles loaded; the GeoJSON map does not count
	Features     int
	Rendered     int
	WithoutID    int
	Controllers  []string
	SourceLoaded bool
	Box          [4]float64 // the map's left, top, width and height, in CSS pixels
}

// clientSession is one browser tab on one page of the pages server.
type clientSession struct {
	*browser
	pages, service string
}

func clientNewSession(t *testing.T, pages, service string) *clientSession {
	t.Helper()
	b := newBrowser(t, 1000, 450)
	// The window's size includes what headless Chromium keeps for its
	// own frame: the page gets the whole size only when asked.
	b.run(t, chromedp.EmulateViewport(1000, 450))
	// newBrowser records the browser's own log too (CORS refusals,
	// failed loads), which no script sees.
	return &clientSession{browser: b, pages: pages, service: service}
}

// open loads a page at the instant and view, waits until every map on it
// has drawn or the page has seen an error, and takes a screenshot (see
// screenshot). The page must have the maps ids.
func (s *clientSession) open(t *testing.T, page string, ids ...string) (clientReport, image.Image, float64) {
	t.Helper()
	q := url.Values{"api": {s.service}, "at": {clientInstant},
		"lon": {fmt.Sprint(clientLon)}, "lat": {fmt.Sprint(clientLat)}, "z": {fmt.Sprint(clientZoom)}}
	s.run(t, chromedp.Navigate(s.pages+"/"+page+"?"+q.Encode()),
		waitFor(`!!window.clientTest && (window.clientTest.settled || window.clientTest.errors.length > 0)`))
	var r clientReport
	s.eval(t, &r, `window.clientTest`)
	if !r.Settled {
		// Let the errors that follow the first one come in.
		s.run(t, chromedp.Sleep(500e6))
		s.eval(t, &r, `window.clientTest`)
	}
	for id, m := range r.Maps {
		s.eval(t, &m.Box, fmt.Sprintf(`(() => { const r = document.getElementById(%q).getBoundingClientRect();
			return [r.left, r.top, r.width, r.height]; })()`, id))
	}
	for _, e := range r.Errors {
		t.Errorf("%s: the page reported %s", page, e)
	}
	for _, e := range r.TileErrors {
		t.Errorf("%s: tile error on %s", page, e)
	}
	for id, m := range r.Maps {
		if m.State != "drawn" {
			t.Errorf("%s: map %s is %s", page, id, m.State)
		}
	}
	img, scale := s.screenshot(t, strings.TrimSuffix(page, ".html"))
	for _, id := range ids {
		if r.Maps[id] == nil {
			t.Fatalf("%s: no map %s: %+v", page, id, r)
		}
	}
	return r, img, scale
}

// screenshot saves what the tab shows as clients-NAME.png in the
// screenshot folder and returns it with the number of screenshot pixels
// per CSS pixel.
func (s *clientSession) screenshot(t *testing.T, name string) (image.Image, float64) {
	t.Helper()
	raw, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(t), "clients-"+name+".png"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	width := evaluate[float64](t, s.browser, `window.innerWidth`)
	return img, float64(img.Bounds().Dx()) / width
}

// checkClean fails the test on a request that went anywhere but the two
// loopback servers, and on anything the browser complained of.
func (s *clientSession) checkClean(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.requests {
		if !strings.HasPrefix(u, s.pages+"/") && !strings.HasPrefix(u, s.service+"/") &&
			!strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("request left loopback: %s", u)
		}
	}
	for _, p := range s.problems {
		t.Errorf("browser reported %s", p)
	}
}

// clientGround is what the service says is drawn at the instant: the
// control pieces and the faction colours.
type clientGround struct {
	pieces  []controlPiece
	colours map[string]color.RGBA
}

func clientNewGround(t *testing.T, service string) clientGround {
	t.Helper()
	var tl struct {
		Factions []struct{ ID, Color string }
	}
	if code, _, body := getJSON(t, service+"/api/timeline", &tl); code != 200 {
		t.Fatalf("timeline: %d %s", code, body)
	}
	g := clientGround{pieces: controlPieces(t, service, clientInstant), colours: map[string]color.RGBA{}}
	for _, f := range tl.Factions {
		var c color.RGBA
		if _, err := fmt.Sscanf(f.Color, "#%02x%02x%02x", &c.R, &c.G, &c.B); err != nil {
			t.Fatalf("faction %s colour %q: %v", f.ID, f.Color, err)
		}
		g.colours[f.ID] = c
	}
	if len(g.pieces) < 5 {
		t.Fatalf("only %d control pieces at %s", len(g.pieces), clientInstant)
	}
	return g
}

// clientMedian is the median colour of the 3×3 pixels around (x, y).
func clientMedian(img image.Image, x, y int) [3]float64 {
	var ch [3][]float64
	for dx := -1; dx <= 1; dx++ {
		for dy := -1; dy <= 1; dy++ {
			r, g, b, _ := img.At(x+dx, y+dy).RGBA()
			ch[0], ch[1], ch[2] = append(ch[0], float64(r>>8)), append(ch[1], float64(g>>8)), append(ch[2], float64(b>>8))
		}
	}
	var m [3]float64
	for k := range ch {
		sort.Float64s(ch[k])
		m[k] = ch[k][4]
	}
	return m
}

// clientPaintedBy says whether px shows colour c over the white page:
// exactly, for a client that fills at full opacity, or as c at some
// opacity, for the raster tiles, which are translucent.
func clientPaintedBy(px [3]float64, c color.RGBA, translucent bool) bool {
	want := [3]float64{float64(c.R), float64(c.G), float64(c.B)}
	if !translucent {
		return math.Sqrt(clientSq(px[0]-want[0])+clientSq(px[1]-want[1])+clientSq(px[2]-want[2])) < 24
	}
	// px = a·c + (1-a)·white: fit a, then measure what is left.
	var dot, norm float64
	for k := range px {
		dot += (255 - px[k]) * (255 - want[k])
		norm += clientSq(255 - want[k])
	}
	if norm == 0 {
		return false
	}
	a := dot / norm
	var left float64
	for k := range px {
		left += clientSq((255 - px[k]) - a*(255-want[k]))
	}
	return a > 0.15 && a < 1.05 && math.Sqrt(left) < 16
}

func clientSq(v float64) float64 { return v * v }

// checkDrawn samples the screenshot in map m at the deepest point of every
// control piece wide enough to see (5 pixels from its edges), projected
// from the view the page was given, not by the client: each must show its
// controller's colour, and the points outside Syria the white page.
func (g clientGround) checkDrawn(t *testing.T, page, id string, m *clientMapReport, img image.Image, scale float64, translucent bool) {
	t.Helper()
	perDegree := 256 * math.Exp2(clientZoom) / 360 * scale
	centre := mercator(orb.Point{clientLon, clientLat})
	pixel := func(p orb.Point) (int, int) {
		q := mercator(p)
		x := m.Box[0]*scale + m.Box[2]*scale/2 + (q[0]-centre[0])*perDegree
		y := m.Box[1]*scale + m.Box[3]*scale/2 - (q[1]-centre[1])*perDegree
		return int(math.Round(x)), int(math.Round(y))
	}
	seen, checked := map[string]bool{}, 0
	for _, p := range g.pieces {
		pt, r := deepest(p.Shape)
		if r*perDegree < 5*scale {
			continue
		}
		x, y := pixel(pt)
		px := clientMedian(img, x, y)
		if !clientPaintedBy(px, g.colours[p.Controller], translucent) {
			t.Errorf("%s map %s: %s ground at %.3f,%.3f (pixel %d,%d) shows rgb%v, not %s's colour %v",
				page, id, p.Controller, pt[0], pt[1], x, y, px, p.Controller, g.colours[p.Controller])
			continue
		}
		seen[p.Controller] = true
		checked++
	}
	t.Logf("%s map %s: %d control pieces deep enough to sample, of %d factions, drawn in their colour", page, id, checked, len(seen))
	if len(seen) < 3 {
		t.Errorf("%s map %s: ground of only %d factions drawn where the service has it: %v", page, id, len(seen), seen)
	}
	for _, pt := range clientOutside {
		for _, p := range g.pieces {
			if planar.MultiPolygonContains(p.Shape, pt) {
				t.Fatalf("the test's point %v outside Syria is %s ground", pt, p.Controller)
			}
		}
		x, y := pixel(pt)
		if px := clientMedian(img, x, y); px[0] < 245 || px[1] < 245 || px[2] < 245 {
			t.Errorf("%s map %s: %.1f,%.1f outside Syria (pixel %d,%d) is painted rgb%v", page, id, pt[0], pt[1], x, y, px)
		}
	}
}

func TestClientLibraries(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	service := "http://" + m.Addr()
	pages := clientPages(t)
	ground := clientNewGround(t, service)
	controllers := map[string]bool{}
	for _, p := range ground.pieces {
		controllers[p.Controller] = true
	}

	// OpenLayers: a VectorTile layer of the MVT tiles and a Vector layer
	// of the OGC items, read as GeoJSON.
	t.Run("OpenLayers", func(t *testing.T) {
		t.Parallel()
		s := clientNewSession(t, pages.URL, service)
		r, img, scale := s.open(t, "openlayers.html", "mvt", "geojson")
		mvt, items := r.Maps["mvt"], r.Maps["geojson"]
		if mvt.Loaded == 0 || mvt.Features == 0 || len(mvt.Controllers) < 3 {
			t.Errorf("OpenLayers VectorTile: %d tiles loaded, %d features of %v in view", mvt.Loaded, mvt.Features, mvt.Controllers)
		}
		ground.checkDrawn(t, "OpenLayers", "mvt", mvt, img, scale, false)
		if items.Features != len(ground.pieces) {
			t.Errorf("OpenLayers read %d control items, the service has %d at %s", items.Features, len(ground.pieces), clientInstant)
		}
		ground.checkDrawn(t, "OpenLayers", "geojson", items, img, scale, false)
		s.checkClean(t)
	})

	// Leaflet: Leaflet.VectorGrid on the MVT tiles, L.tileLayer on the
	// PNG tiles; an empty PNG tile must be an image, not an error.
	t.Run("Leaflet", func(t *testing.T) {
		t.Parallel()
		s := clientNewSession(t, pages.URL, service)
		r, img, scale := s.open(t, "leaflet.html", "mvt", "png")
		for id, translucent := range map[string]bool{"mvt": false, "png": true} {
			if r.Maps[id].Loaded == 0 {
				t.Errorf("Leaflet %s: no tile loaded", id)
			}
			ground.checkDrawn(t, "Leaflet", id, r.Maps[id], img, scale, translucent)
		}
		s.checkClean(t)
	})

	// MapLibre GL: a vector and a raster source, each from the TileJSON.
	t.Run("MapLibre", func(t *testing.T) {
		t.Parallel()
		s := clientNewSession(t, pages.URL, service)
		r, img, scale := s.open(t, "maplibre.html", "mvt", "png")
		mvt, raster := r.Maps["mvt"], r.Maps["png"]
		if !mvt.SourceLoaded || mvt.Features == 0 || mvt.Rendered == 0 || len(mvt.Controllers) < 3 {
			t.Errorf("MapLibre vector source: loaded %v, %d features in the source, %d rendered, of %v",
				mvt.SourceLoaded, mvt.Features, mvt.Rendered, mvt.Controllers)
		}
		for _, c := range mvt.Controllers {
			if !controllers[c] {
				t.Errorf("MapLibre rendered %s ground, which the service does not have at %s", c, clientInstant)
			}
		}
		// Feature ids let feature-state work without promoteId.
		if mvt.WithoutID > 0 {
			t.Errorf("MapLibre: %d of %d control features have no id", mvt.WithoutID, mvt.Features)
		}
		ground.checkDrawn(t, "MapLibre", "mvt", mvt, img, scale, false)
		if !raster.SourceLoaded || raster.Loaded == 0 {
			t.Errorf("MapLibre raster source: loaded %v, %d tiles", raster.SourceLoaded, raster.Loaded)
		}
		ground.checkDrawn(t, "MapLibre", "png", raster, img, scale, true)
		s.checkClean(t)
	})

	// A fetch with a header of its own and If-None-Match is preflighted:
	// the service must answer the preflight, expose the ETag, and answer
	// the conditional request.
	t.Run("CORSPreflight", func(t *testing.T) {
		t.Parallel()
		s := clientNewSession(t, pages.URL, service)
		s.run(t, chromedp.Navigate(pages.URL+"/cors.html"))
		at := url.QueryEscape(clientInstant)
		for _, path := range []string{"/tiles.json?datetime=" + at, "/ogc/collections/control/items?limit=10&datetime=" + at,
			"/tiles/6/38/25.mvt?datetime=" + at} {
			var got struct {
				Error        string
				First, Again struct {
					Status int
					ETag   string
					Length int
				}
			}
			s.eval(t, &got, fmt.Sprintf(`(async (url) => {
				const out = {Error: ''};
				try {
					const read = async (res) => ({Status: res.status, ETag: res.headers.get('ETag') || '', Length: (await res.arrayBuffer()).byteLength});
					out.First = await read(await fetch(url, {headers: {'X-Client': 'test'}}));
					if (out.First.ETag) {
						out.Again = await read(await fetch(url, {headers: {'X-Client': 'test', 'If-None-Match': out.First.ETag}}));
					}
				} catch (e) { out.Error = String(e); }
				return out;
			})(%q)`, service+path), chromedp.EvalAwaitPromise)
			switch {
			case got.Error != "":
				t.Errorf("%s: cross-origin fetch with X-Client failed: %s", path, got.Error)
			case got.First.Status != 200:
				t.Errorf("%s: cross-origin fetch answered %d", path, got.First.Status)
			case !clientETag.MatchString(got.First.ETag):
				t.Errorf("%s: ETag %q not readable from the page (Access-Control-Expose-Headers)", path, got.First.ETag)
			case got.Again.Status == 304:
				t.Logf("%s: ETag %s readable from another origin; the conditional fetch answered 304", path, got.First.ETag)
			case got.Again.Status == 200 && got.Again.Length == got.First.Length:
				t.Logf("%s: the conditional fetch got the body again (%d bytes), not 304", path, got.Again.Length)
			default:
				t.Errorf("%s: conditional cross-origin fetch: %+v after %+v", path, got.Again, got.First)
			}
		}
		s.checkClean(t)
	})
}

var clientETag = regexp.MustCompile(`^(W/)?"[^"]+"$`)
