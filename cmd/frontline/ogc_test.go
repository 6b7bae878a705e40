package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	if !strings.HasPrefix(api.OpenAPI, "3.0") || len(api.Paths) != 7 {
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
		"/ogc/collections/control/items?f=html":                         400,
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
