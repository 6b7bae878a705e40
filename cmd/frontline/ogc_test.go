package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontline/geo"
)

type ogcCollection struct {
	Type     string `json:"type"`
	Features []struct {
		ID         any            `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	Links []struct {
		Href, Rel, Type string
	} `json:"links"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
}

func (c ogcCollection) link(rel string) string {
	for _, l := range c.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func ogcItems(t *testing.T, base, path string) ogcCollection {
	t.Helper()
	res, body := fetch(t, base+path, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("%s: %d %s %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var c ogcCollection
	if err := json.Unmarshal(body, &c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if c.Type != "FeatureCollection" || c.NumberReturned != len(c.Features) || c.TimeStamp == "" || c.link("self") == "" {
		t.Errorf("%s: type %s returned %d of %d, timeStamp %q", path, c.Type, c.NumberReturned, len(c.Features), c.TimeStamp)
	}
	return c
}

func TestOGCAPIFeatures(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()

	for path, want := range map[string]string{
		"/ogc":                     `"service-desc"`,
		"/ogc/conformance":         "ogcapi-features-1/1.0/conf/geojson",
		"/ogc/collections":         `"places"`,
		"/ogc/collections/control": `"temporal"`,
		"/ogc/api":                 `"/collections/{collection}/items/{featureID}"`,
	} {
		res, body := fetch(t, base+path, nil)
		if res.StatusCode != 200 || !strings.Contains(string(body), want) || res.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %d, want %s in %.200s", path, res.StatusCode, want, body)
		}
	}
	var api struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	_, body := fetch(t, base+"/ogc/api", nil)
	json.Unmarshal(body, &api)
	// The OGC API's seven paths and the three write routes of /api.
	if !strings.HasPrefix(api.OpenAPI, "3.0") || len(api.Paths) != 10 {
		t.Errorf("openapi %s with %d paths", api.OpenAPI, len(api.Paths))
	}

	// control at an instant: a feature per piece of ground a faction
	// holds (by status and basis), each once, valid at the instant.
	c := ogcItems(t, base, "/ogc/collections/control/items?datetime=2024-12-05T12:00:00Z")
	if c.NumberMatched < 5 || c.NumberMatched > 4*2*len(geo.Factions) {
		t.Errorf("control at one instant: %d features", c.NumberMatched)
	}
	pieces := map[string]bool{}
	for _, f := range c.Features {
		p := f.Properties
		piece := fmt.Sprint(p["controller"], "/", p["status"], "/", p["basis"])
		if pieces[piece] || p["status"] == nil || p["basis"] == nil {
			t.Errorf("piece %s twice, or without status or basis", piece)
		}
		pieces[piece] = true
		from, _ := p["valid_from"].(string)
		to, _ := p["valid_to"].(string)
		if from > "2024-12-05T12:00:00Z" || (to != "" && to <= "2024-12-05T12:00:00Z") || p["controller"] == "" || p["area_km2"] == nil {
			t.Errorf("control feature %v: %v", f.ID, p)
		}
		if f.Geometry["type"] != "MultiPolygon" {
			t.Errorf("control geometry %v", f.Geometry["type"])
		}
	}
	// Open and closed intervals select the intervals they meet.
	all := ogcItems(t, base, "/ogc/collections/control/items?limit=10000")
	before := ogcItems(t, base, "/ogc/collections/control/items?limit=10000&datetime=../2024-12-01T00:00:00Z")
	after := ogcItems(t, base, "/ogc/collections/control/items?limit=10000&datetime=2024-12-01T00:00:00Z/..")
	both := ogcItems(t, base, "/ogc/collections/control/items?limit=10000&datetime=2024-11-30T00:00:00Z/2024-12-02T00:00:00Z")
	if !(before.NumberMatched < all.NumberMatched && after.NumberMatched < all.NumberMatched &&
		before.NumberMatched+after.NumberMatched > all.NumberMatched && both.NumberMatched < all.NumberMatched) {
		t.Errorf("intervals: all %d, ..-1 Dec %d, 1 Dec-.. %d, 30 Nov-2 Dec %d", all.NumberMatched, before.NumberMatched,
			after.NumberMatched, both.NumberMatched)
	}

	// Paging: next and prev links walk the events.
	page := ogcItems(t, base, "/ogc/collections/events/items?limit=50")
	if page.NumberReturned != 50 || page.NumberMatched < 150 || page.link("next") == "" || page.link("prev") != "" {
		t.Fatalf("events page 1: %d of %d, next %q prev %q", page.NumberReturned, page.NumberMatched, page.link("next"), page.link("prev"))
	}
	seen := map[any]bool{}
	for next := base + "/ogc/collections/events/items?limit=50"; next != ""; {
		u, _ := url.Parse(next)
		p := ogcItems(t, base, u.RequestURI())
		for _, f := range p.Features {
			if seen[f.ID] {
				t.Errorf("event %v on two pages", f.ID)
			}
			seen[f.ID] = true
			if f.Properties["status"] == nil || f.Properties["sources"] == nil || f.Geometry["type"] != "Point" {
				t.Errorf("event %v: %v", f.ID, f.Properties)
			}
		}
		next = p.link("next")
	}
	if len(seen) != page.NumberMatched {
		t.Errorf("paging saw %d of %d events", len(seen), page.NumberMatched)
	}

	// Places carry their controller at the instant; bbox narrows them.
	near := ogcItems(t, base, "/ogc/collections/places/items?bbox=37.10,36.15,37.25,36.25&datetime=2024-11-27T00:00:00Z&limit=500")
	found := false
	for _, f := range near.Features {
		if f.ID == "gn:170063" {
			found = true
			if f.Properties["controller"] != "government" {
				t.Errorf("Aleppo on 27 Nov: %v", f.Properties["controller"])
			}
		}
		g := f.Geometry["coordinates"].([]any)
		if lon := g[0].(float64); lon < 37.10 || lon > 37.25 {
			t.Errorf("place %v outside bbox", f.ID)
		}
	}
	if !found || near.NumberMatched >= ogcItems(t, base, "/ogc/collections/places/items").NumberMatched {
		t.Errorf("bbox: Aleppo found %v, %d places", found, near.NumberMatched)
	}
	// A client that escapes the id (encodeURIComponent) names the same feature.
	if res, body := fetch(t, base+"/ogc/collections/places/items/gn%3A170063?datetime=2024-12-01", nil); res.StatusCode != 200 {
		t.Errorf("escaped feature id: %d %s", res.StatusCode, body)
	}
	res, body := fetch(t, base+"/ogc/collections/places/items/gn:170063?datetime=2024-12-01", nil)
	if res.StatusCode != 200 || !strings.Contains(string(body), `"controller":"hts"`) {
		t.Errorf("Aleppo on 1 Dec: %d %s", res.StatusCode, body)
	}

	for path, code := range map[string]int{
		"/ogc/collections/nope":                                         404,
		"/ogc/collections/nope/items":                                   404,
		"/ogc/collections/places/items/gn:0":                            404,
		"/ogc/collections/control/items?limit=0":                        400,
		"/ogc/collections/control/items?limit=ten":                      400,
		"/ogc/collections/control/items?offset=-1":                      400,
		"/ogc/collections/control/items?bbox=1,2,3":                     400,
		"/ogc/collections/control/items?bbox=40,30,35,37":               400,
		"/ogc/collections/control/items?bbox=a,b,c,d":                   400,
		"/ogc/collections/control/items?datetime=tomorrow":              400,
		"/ogc/collections/control/items?datetime=../..":                 400,
		"/ogc/collections/control/items?datetime=2024-12-05/2024-12-01": 400,
		"/ogc/collections/control/items?color=red":                      400,
		"/ogc/collections/control/items?f=xml":                          400,
	} {
		res, body := fetch(t, base+path, nil)
		if res.StatusCode != code || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want %d problem", path, res.StatusCode, body, code)
		}
	}
	// A limit above the maximum is cut to it, not refused.
	if c := ogcItems(t, base, "/ogc/collections/places/items?limit=20000"); c.NumberReturned != c.NumberMatched {
		t.Errorf("limit=20000: %d of %d", c.NumberReturned, c.NumberMatched)
	}
	// Items are validated like tiles: ETag and 304.
	res, _ = fetch(t, base+"/ogc/collections/control/items?datetime=2024-12-05T00:00:00Z", nil)
	if res2, _ := fetch(t, base+"/ogc/collections/control/items?datetime=2024-12-05T00:00:00Z",
		map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.Header.Get("ETag") == "" || res2.StatusCode != 304 {
		t.Errorf("items revalidation: etag %q, %d", res.Header.Get("ETag"), res2.StatusCode)
	}
}

// GDAL, a client no one here wrote, reads the OGC API and a vector tile.
func TestGDALReadsOGCAPIAndTiles(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Fatal("ogrinfo is missing: `make test` installs gdal-bin")
	}
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	ogr := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("ogrinfo", append([]string{"-ro"}, args...)...)
		cmd.Env = append(cmd.Environ(), "GDAL_HTTP_TIMEOUT=30", "CPL_VSIL_CURL_USE_CACHE=NO")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	out := ogr("OAPIF:" + base + "/ogc")
	for _, want := range []string{"control", "events", "places"} {
		if !strings.Contains(out, want) {
			t.Errorf("ogrinfo lists no %s:\n%s", want, out)
		}
	}
	out = ogr("-so", "OAPIF:"+base+"/ogc", "events")
	if !strings.Contains(out, "Feature Count: ") || !strings.Contains(out, "status: String") {
		t.Errorf("events summary:\n%s", out)
	}
	out = ogr("-q", "OAPIF:"+base+"/ogc", "places", "-where", "id='gn:170063'")
	if !strings.Contains(out, "controller (String) = hts") || !strings.Contains(out, "POINT (37.1") {
		t.Errorf("Aleppo through GDAL:\n%s", out)
	}
	out = ogr("-al", "-q", "-oo", "X=38", "-oo", "Y=25", "-oo", "Z=6", "MVT:"+base+"/tiles/6/38/25.mvt?datetime=2024-11-26T00:00:00Z")
	for _, want := range []string{"OGRFeature(control)", "controller (String) = government", "controller (String) = hts", "OGRFeature(places)", "MULTIPOLYGON"} {
		if !strings.Contains(out, want) {
			t.Errorf("tile through GDAL's MVT driver lacks %q", want)
		}
	}
}

// browserAccept is the Accept header Chromium sends for a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// hasLink reports whether doc (a JSON document with links) has a link of
// rel and type whose href holds each of wants.
func hasLink(t *testing.T, body []byte, rel, typ string, wants ...string) bool {
	t.Helper()
	var doc struct {
		Links []struct{ Href, Rel, Type string } `json:"links"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%v: %.200s", err, body)
	}
	for _, l := range doc.Links {
		if l.Rel != rel || l.Type != typ {
			continue
		}
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(l.Href, w)
		}
		if ok {
			return true
		}
	}
	return false
}

// The OGC routes beyond the core's items: datetime and bbox everywhere,
// canonical item pages, validators on every document, both forms.
func TestOGCRoutes(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	snap := m.App.Current()
	jsonAccept := map[string]string{"Accept": "application/json"}

	// GDAL and QGIS repeat the query of the URL a user gave them on every
	// request: each route takes datetime and bbox, checks them, and the
	// documents carry them on to the features.
	t.Run("datetime and bbox on every route", func(t *testing.T) {
		const q = "?datetime=2024-12-05T10:00:00Z&bbox=36,35,38,37"
		for _, route := range []string{"/ogc", "/ogc/", "/ogc/conformance", "/ogc/api", "/ogc/collections",
			"/ogc/collections/control", "/ogc/collections/control/items", "/ogc/collections/places/items/gn:170063"} {
			if res, body := fetch(t, base+route+q, jsonAccept); res.StatusCode != 200 {
				t.Errorf("%s%s: %d %.300s", route, q, res.StatusCode, body)
			}
			for bad, names := range map[string]string{
				"datetime=yesterday": "datetime", "datetime=2024-12-05/2024-12-01": "datetime", "datetime=../..": "datetime",
				"bbox=1,2,3": "bbox", "bbox=40,30,35,37": "bbox", "bbox=a,b,c,d": "bbox", "colour=red": "colour", "f=xml": "f=xml",
			} {
				res, body := fetch(t, base+route+"?"+bad, nil)
				if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(body), names) {
					t.Errorf("%s?%s: %d %s %s, want a 400 problem naming %s", route, bad, res.StatusCode, res.Header.Get("Content-Type"), body, names)
				}
			}
		}
		carried := []string{"datetime=2024-12-05T10:00:00Z", "bbox=36,35,38,37"}
		_, landing := fetch(t, base+"/ogc"+q, jsonAccept)
		if !hasLink(t, landing, "data", "application/json", carried...) || !hasLink(t, landing, "self", "application/json", carried...) {
			t.Errorf("landing page does not carry the filters: %s", landing)
		}
		_, colls := fetch(t, base+"/ogc/collections"+q, jsonAccept)
		if !hasLink(t, colls, "self", "application/json", carried...) || !hasLink(t, colls, "alternate", "text/html", carried...) {
			t.Errorf("collections do not carry the filters: %.500s", colls)
		}
		_, coll := fetch(t, base+"/ogc/collections/control"+q, jsonAccept)
		if !hasLink(t, coll, "items", "text/html", carried...) || !hasLink(t, coll, "self", "application/json", carried...) {
			t.Errorf("collection does not carry the filters: %s", coll)
		}
		// GDAL appends /{featureId} to the GeoJSON items link: it stays bare.
		if !strings.Contains(string(coll), `{"href":"`+base+`/ogc/collections/control/items","rel":"items","type":"application/geo+json"`) {
			t.Errorf("collection's GeoJSON items link is not bare: %s", coll)
		}
		// The bbox narrows the items and the item route.
		if res, _ := fetch(t, base+"/ogc/collections/places/items/gn:170063?bbox=40,33,41,34", nil); res.StatusCode != 404 {
			t.Errorf("Aleppo outside the bbox: %d", res.StatusCode)
		}
	})

	// Every instant inside one keyframe's interval is one page: the same
	// body and validator, its links naming the keyframe's start.
	t.Run("canonical item pages", func(t *testing.T) {
		k := len(snap.Keyframes) / 2
		from, until := snap.Keyframes[k].At, snap.Until(k)
		iso := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
		page := func(query string) (*http.Response, ogcCollection) {
			t.Helper()
			res, _ := fetch(t, base+"/ogc/collections/control/items?"+query, nil)
			return res, ogcItems(t, base, "/ogc/collections/control/items?"+query)
		}
		first, c := page("datetime=" + iso(from))
		if c.NumberMatched == 0 || !strings.Contains(c.link("self"), "datetime="+iso(from)+"&") {
			t.Fatalf("keyframe %d: %d features, self %s", k, c.NumberMatched, c.link("self"))
		}
		mid := from.Add(until.Sub(from) / 2)
		for _, q := range []string{
			"datetime=" + iso(mid), "datetime=" + iso(until.Add(-time.Millisecond)),
			"datetime=" + iso(mid) + "/" + iso(mid.Add(time.Minute)),
			"datetime=" + url.QueryEscape(mid.In(time.FixedZone("", 3*3600)).Format(time.RFC3339)),
			// GDAL's next request: the canonical query and the user's again.
			"datetime=" + iso(from) + "&datetime=" + iso(mid),
			"limit=100&datetime=" + iso(mid) + "&offset=0",
		} {
			res, other := page(q)
			if res.Header.Get("ETag") != first.Header.Get("ETag") || other.link("self") != c.link("self") {
				t.Errorf("%s: ETag %s self %s; the keyframe's start gives %s %s", q, res.Header.Get("ETag"), other.link("self"),
					first.Header.Get("ETag"), c.link("self"))
			}
		}
		if res, _ := page("datetime=" + iso(until)); res.Header.Get("ETag") == first.Header.Get("ETag") {
			t.Errorf("the next keyframe's instant gives keyframe %d's page", k)
		}
		// An interval over two keyframes names both by their starts.
		if _, two := page("datetime=" + iso(mid) + "/" + iso(until.Add(time.Minute))); !strings.Contains(two.link("self"), "datetime="+iso(from)+"/"+iso(until)+"&") {
			t.Errorf("two keyframes: self %s", two.link("self"))
		}
		// Numbers of a bbox are written one way.
		a, ca := page("bbox=35,32,43,38")
		b, cb := page("bbox=35.0,32.00,43,38.000")
		if a.Header.Get("ETag") != b.Header.Get("ETag") || ca.link("self") != cb.link("self") || !strings.Contains(ca.link("self"), "bbox=35,32,43,38&") {
			t.Errorf("bbox: %s %s vs %s %s", a.Header.Get("ETag"), ca.link("self"), b.Header.Get("ETag"), cb.link("self"))
		}
		// Other collections: the format of datetime is normalised.
		e1, _ := fetch(t, base+"/ogc/collections/events/items?datetime=2024-12-05T10:00:00Z/2024-12-06T00:00:00Z", nil)
		e2, _ := fetch(t, base+"/ogc/collections/events/items?datetime="+url.QueryEscape("2024-12-05T13:00:00+03:00/2024-12-06"), nil)
		if e1.StatusCode != 200 || e1.Header.Get("ETag") != e2.Header.Get("ETag") {
			t.Errorf("events: %d %s vs %d %s", e1.StatusCode, e1.Header.Get("ETag"), e2.StatusCode, e2.Header.Get("ETag"))
		}
		// Places answer for one instant.
		if res, body := fetch(t, base+"/ogc/collections/places/items?datetime=2024-12-01&datetime=2024-12-05", nil); res.StatusCode != 400 {
			t.Errorf("places at two instants: %d %.200s", res.StatusCode, body)
		}
	})

	// Documents and pages in both forms are validated: an ETag each, 304
	// on If-None-Match, and a Vary on Accept where the form is negotiated.
	t.Run("validators", func(t *testing.T) {
		for _, path := range []string{"/ogc", "/ogc/conformance", "/ogc/api", "/ogc/collections", "/ogc/collections/control",
			"/ogc/collections/control/items?datetime=2024-12-05T10:00:00Z", "/ogc/collections/places/items/gn:170063"} {
			tags := map[string]string{}
			for form, accept := range map[string]string{"json": "application/json", "html": browserAccept} {
				if path == "/ogc/api" && form == "html" {
					continue
				}
				res, body := fetch(t, base+path, map[string]string{"Accept": accept})
				etag := res.Header.Get("ETag")
				if res.StatusCode != 200 || etag == "" {
					t.Errorf("%s as %s: %d, ETag %q: %.200s", path, form, res.StatusCode, etag, body)
					continue
				}
				if path != "/ogc/api" && !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept") {
					t.Errorf("%s as %s: Vary %q", path, form, res.Header.Values("Vary"))
				}
				again, _ := fetch(t, base+path, map[string]string{"Accept": accept, "If-None-Match": etag})
				if again.StatusCode != 304 {
					t.Errorf("%s as %s: %d to If-None-Match", path, form, again.StatusCode)
				}
				tags[form] = etag
			}
			if tags["json"] == tags["html"] {
				t.Errorf("%s: one ETag %s for the JSON and HTML forms", path, tags["json"])
			}
		}
	})

	// A browser gets HTML; GDAL, QGIS, fetch() and curl get JSON; f
	// overrides the Accept header.
	t.Run("negotiation", func(t *testing.T) {
		for _, tc := range []struct{ accept, query, want string }{
			{"", "", "application/geo+json"},
			{"*/*", "", "application/geo+json"},
			{"application/json", "", "application/geo+json"},
			{"application/geo+json, application/json", "", "application/geo+json"},
			{browserAccept, "", "text/html; charset=utf-8"},
			{"text/html", "", "text/html; charset=utf-8"},
			{"text/html;q=0.5, application/json", "", "application/geo+json"},
			{"application/json;q=0.5, text/html", "", "text/html; charset=utf-8"},
			{browserAccept, "f=json", "application/geo+json"},
			{browserAccept, "f=geojson", "application/geo+json"},
			{"application/json", "f=html", "text/html; charset=utf-8"},
		} {
			res, body := fetch(t, base+"/ogc/collections/events/items?limit=5&"+tc.query, map[string]string{"Accept": tc.accept})
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != tc.want {
				t.Errorf("Accept %q, %s: %d %s, want %s: %.100s", tc.accept, tc.query, res.StatusCode, res.Header.Get("Content-Type"), tc.want, body)
			}
		}
		_, body := fetch(t, base+"/ogc/collections/events/items?limit=5", nil)
		if !hasLink(t, body, "alternate", "text/html", "f=html") || !hasLink(t, body, "self", "application/geo+json", "f=json") {
			t.Errorf("items JSON without its HTML alternate: %.300s", body)
		}
	})

	// One answer may hold a collection whole: OpenLayers' VectorSource
	// reads one page.
	t.Run("limit covers every collection", func(t *testing.T) {
		var api struct {
			Paths map[string]struct {
				Get struct {
					Parameters []struct {
						Name   string
						Schema struct{ Maximum int }
					}
				}
			}
		}
		_, body := fetch(t, base+"/ogc/api", nil)
		if err := json.Unmarshal(body, &api); err != nil {
			t.Fatal(err)
		}
		maxLimit := 0
		for _, p := range api.Paths["/collections/{collection}/items"].Get.Parameters {
			if p.Name == "limit" {
				maxLimit = p.Schema.Maximum
			}
		}
		for _, id := range []string{"control", "events", "places"} {
			c := ogcItems(t, base, fmt.Sprintf("/ogc/collections/%s/items?limit=%d", id, maxLimit))
			if maxLimit == 0 || c.NumberMatched > maxLimit || c.NumberReturned != c.NumberMatched || c.link("next") != "" {
				t.Errorf("%s with limit=%d: %d of %d, next %q", id, maxLimit, c.NumberReturned, c.NumberMatched, c.link("next"))
			}
			if id == "control" {
				starts := map[any]bool{}
				for _, f := range c.Features {
					starts[f.Properties["valid_from"]] = true
				}
				if len(starts) != len(snap.Keyframes) {
					t.Errorf("control without datetime: %d keyframes of %d", len(starts), len(snap.Keyframes))
				}
				t.Logf("control without datetime: %d features over %d keyframes (limit maximum %d)", c.NumberMatched, len(starts), maxLimit)
			}
		}
	})
}

// Limits and offsets past the whole collection mean the same page: one
// build, one cache entry, one ETag and one canonical self link for any
// number of such variants; a limit within the collection stays its own.
func TestItemsVariantsShareOneEntry(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	size := ogcItems(t, base, "/ogc/collections/control/items?limit=1").NumberMatched // no datetime: every keyframe's features, the whole collection
	if size < 100 || size >= 9000 {
		t.Fatalf("control holds %d features; this test needs fewer than 9,000", size)
	}
	variants := func(path string, limits ...int) {
		t.Helper()
		builds := m.Server.Builds()
		var tag, self string
		for i, limit := range limits {
			p := fmt.Sprintf(path, limit)
			res, body := fetch(t, base+p, nil)
			var c ogcCollection
			if res.StatusCode != 200 || json.Unmarshal(body, &c) != nil {
				t.Fatalf("%s: %d %s", p, res.StatusCode, body)
			}
			if i == 0 {
				tag, self = res.Header.Get("ETag"), c.link("self")
			} else if res.Header.Get("ETag") != tag || c.link("self") != self {
				t.Errorf("%s: ETag %s self %s, the first variant's %s %s", p, res.Header.Get("ETag"), c.link("self"), tag, self)
			}
		}
		if !strings.Contains(self, fmt.Sprintf("limit=%d", size)) {
			t.Errorf("%s: self link %s does not name the collection's size %d as its limit", path, self, size)
		}
		if n := m.Server.Builds() - builds; n != 1 {
			t.Errorf("%s: %d variants built %d answers, want 1", path, len(limits), n)
		}
	}
	variants("/ogc/collections/control/items?limit=%d", size, size+1, 5000, 9999, 10000)
	variants("/ogc/collections/control/items?datetime=2024-12-05T10:00:00Z&limit=%d", 2000, 3000, 10000)
	// An offset past the end: the same empty page for every such offset.
	builds := m.Server.Builds()
	var tag string
	for _, offset := range []int{size, size + 1, 123456, 1000000} {
		res, body := fetch(t, base+fmt.Sprintf("/ogc/collections/control/items?limit=10&offset=%d", offset), nil)
		var c ogcCollection
		if res.StatusCode != 200 || json.Unmarshal(body, &c) != nil || c.NumberReturned != 0 || c.NumberMatched != size {
			t.Fatalf("offset %d: %d %s", offset, res.StatusCode, body)
		}
		if tag == "" {
			tag = res.Header.Get("ETag")
		} else if res.Header.Get("ETag") != tag {
			t.Errorf("offset %d: another answer than offset %d's", offset, size)
		}
	}
	if n := m.Server.Builds() - builds; n != 1 {
		t.Errorf("offsets past the end built %d answers, want 1", n)
	}
	// Limits within the collection are pages of their own.
	if a, b := ogcItems(t, base, "/ogc/collections/control/items?limit=10"), ogcItems(t, base, "/ogc/collections/control/items?limit=11"); a.NumberReturned != 10 || b.NumberReturned != 11 {
		t.Errorf("limit 10 and 11 returned %d and %d", a.NumberReturned, b.NumberReturned)
	}
}
