package app

import (
	"encoding/json"
	"io/fs"
	"sort"
	"strings"
	"unicode"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/unicode/norm"
)

// basemapWindow is the part of the world the page's basemap draws.
var basemapWindow = orb.Bound{Min: orb.Point{33, 29}, Max: orb.Point{45, 39.5}}

// basemapJSON is the page's offline basemap as one GeoJSON document:
// countries and Syria's governorates (Natural Earth), rivers, lakes and
// the M5 (data/basemap.geojson) and settlement labels (GeoNames), each
// feature with a `layer` property.
func basemapJSON(gz *geocode.Gazetteer) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	add := func(g orb.Geometry, props geojson.Properties) {
		f := geojson.NewFeature(orb.Round(g, 1e4))
		f.Properties = props
		fc.Append(f)
	}
	for _, a := range gz.Countries {
		if shape := clip.MultiPolygon(basemapWindow, a.Shape.Clone()); len(shape) > 0 {
			add(shape, geojson.Properties{"layer": "country", "id": a.Place.Country, "name": a.Place.Name})
		}
	}
	for _, a := range gz.Governorates {
		add(a.Shape.Clone(), geojson.Properties{"layer": "governorate", "name": a.Place.Name})
	}
	if b, err := fs.ReadFile(data.FS, "basemap.geojson"); err == nil {
		extra, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			return nil, err
		}
		fc.Features = append(fc.Features, extra.Features...)
	}
	// Labels: Syria's cities and towns, and the larger cities around it.
	var labels []*geo.Place
	for _, p := range gz.Places {
		if !basemapWindow.Contains(p.Point) {
			continue
		}
		switch {
		case p.Country == "SY" && (p.Kind == geo.City || p.Kind == geo.Town):
		case p.Country != "SY" && p.Kind == geo.City && p.Population >= 300000:
		default:
			continue
		}
		labels = append(labels, p)
	}
	sort.SliceStable(labels, func(i, j int) bool { return labels[i].Population > labels[j].Population })
	for _, p := range labels {
		rank := 2
		switch {
		case p.Population >= 500000 || p.Feature == "PPLC":
			rank = 0
		case p.Kind == geo.City || p.Feature == "PPLA":
			rank = 1
		}
		add(p.Point, geojson.Properties{"layer": "place", "id": p.ID, "name": englishName(p), "rank": rank, "country": p.Country})
	}
	fc.ExtraMembers = geojson.Properties{"attribution": data.Attribution}
	return json.Marshal(fc)
}

// englishName is the place's name as English news writes it: of the
// gazetteer's plain-letter alternates that sound like its primary name
// (same consonant skeleton), the shortest ("Hama" for Ḩamāh, "Tartus" for
// Ţarţūs); else the primary name without its transliteration marks. Old
// names such as Epiphaneia never qualify: their skeleton differs.
func englishName(p *geo.Place) string {
	if isPlain(p.Name) {
		return p.Name
	}
	plain := stripMarks(p.Name)
	want := geocode.Skeleton(geocode.Fold(p.Name))
	candidates := p.Names
	if !strings.ContainsAny(p.Name, "ʿʾ‘’'") {
		// Without an ʿayn or hamza mark, stripping loses nothing a reader
		// would say (Dar‘ā is Daraa, not Dara).
		candidates = append([]string{plain}, p.Names...)
	}
	best := ""
	for _, n := range candidates {
		// Dropping a final h is fine (Hamah, Hama); dropping an article
		// or a syllable, or another first letter (El Haseke), is not.
		if !isPlain(n) || len(n) < len(plain)-1 || !strings.EqualFold(n[:1], plain[:1]) ||
			geocode.Skeleton(geocode.Fold(n)) != want {
			continue
		}
		if best == "" || len(n) < len(best) || len(n) == len(best) && strings.EqualFold(n, plain) {
			best = n
		}
	}
	if best != "" {
		return best
	}
	return plain
}

// isPlain reports whether s is ASCII letters, spaces and hyphens only.
func isPlain(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ' || r == '-') {
			return false
		}
	}
	return s != ""
}

// stripMarks drops diacritics and the apostrophe-like transliteration
// marks, keeping case.
func stripMarks(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) || strings.ContainsRune("ʿʾ‘’'`", r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Basemap returns the page's offline basemap (see basemapJSON), made on
// first use: it depends on the embedded data only.
func (a *App) Basemap() ([]byte, error) {
	a.basemapOnce.Do(func() { a.basemap, a.basemapError = basemapJSON(a.index.Gazetteer()) })
	return a.basemap, a.basemapError
}
