package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The OGC API's HTML face: each document is a page a browser shows, with
// a link to its JSON form; items and an item are drawn on a map from the
// page's own GeoJSON, with nothing fetched from elsewhere.
func TestOGCHTMLPages(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	const at = "2024-12-05T10:00:00Z"
	itemsJSON := ogcItems(t, base, "/ogc/collections/control/items?datetime="+at)

	pages := []struct {
		path  string
		wants []string // text the page must hold
	}{
		{"/ogc", []string{"Collections", "Ground held by each faction", "service-desc", "GeoNames"}},
		{"/ogc/conformance", []string{"conf/geojson", "conf/html"}},
		{"/ogc/collections", []string{"Spatial extent", "Temporal extent", "35.61, 32.31, 42.38, 37.33", "2024-11-26T00:00:00Z"}},
		{"/ogc/collections/control?datetime=" + at, []string{"Temporal extent", "datetime = " + at, "items"}},
		{"/ogc/collections/control/items?datetime=" + at, []string{"Features 1–" + fmt.Sprint(itemsJSON.NumberReturned), "valid_from", "area_km2"}},
		{"/ogc/collections/events/items?limit=10", []string{"next ›", "sources", "Features 1–10 of"}},
		{"/ogc/collections/places/items/gn:170063?datetime=2024-12-01", []string{"Aleppo", "hts", "population"}},
	}
	jsonLink := regexp.MustCompile(`<link rel="alternate" type="application/(?:geo&#43;|geo\+)?json" href="([^"]+)">`)
	for _, p := range pages {
		res, body := fetch(t, base+p.path, map[string]string{"Accept": browserAccept})
		page := string(body)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: %d %s", p.path, res.StatusCode, res.Header.Get("Content-Type"))
			continue
		}
		for _, w := range p.wants {
			if !strings.Contains(page, w) {
				t.Errorf("%s: no %q in the page", p.path, w)
			}
		}
		// The JSON form it links to is the document itself.
		mt := jsonLink.FindStringSubmatch(page)
		if mt == nil {
			t.Errorf("%s: no alternate link to the JSON form", p.path)
			continue
		}
		href := strings.ReplaceAll(mt[1], "&amp;", "&")
		if res, _ := fetch(t, href, map[string]string{"Accept": browserAccept}); res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "json") {
			t.Errorf("%s: its JSON form %s answers %d %s", p.path, href, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}

	// In Chromium: the map draws the page's features over the bundled
	// basemap, the table has a row per feature, nothing leaves the service
	// and nothing is reported.
	b := newBrowser(t, 1200, 900)
	dir := screenshotDir(t)
	for _, p := range []struct {
		name, path string
		features   int
	}{
		{"ogc-items-control", "/ogc/collections/control/items?datetime=" + at, itemsJSON.NumberReturned},
		{"ogc-items-events", "/ogc/collections/events/items?limit=25", 25},
		{"ogc-item-place", "/ogc/collections/places/items/gn:170063?datetime=2024-12-01", 1},
	} {
		b.run(t, chromedp.Navigate(base+p.path), waitFor(`document.getElementById('map') && document.getElementById('map').dataset.drawn !== undefined`))
		if drawn := evaluate[string](t, b, `document.getElementById('map').dataset.drawn`); drawn != fmt.Sprint(p.features) {
			t.Errorf("%s: the map drew %s features, want %d", p.path, drawn, p.features)
		}
		if p.features > 1 {
			if rows := evaluate[int](t, b, `document.querySelectorAll('tbody tr').length`); rows != p.features {
				t.Errorf("%s: %d table rows, want %d", p.path, rows, p.features)
			}
		}
		if paths := evaluate[int](t, b, `document.querySelectorAll('.leaflet-pane canvas').length`); paths == 0 {
			t.Errorf("%s: Leaflet drew no canvas", p.path)
		}
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b.run(t, chromedp.Navigate(base+"/ogc/collections"), waitFor(`document.querySelectorAll('.card').length === 3`))
	b.checkClean(t, base)
}
