// Package geocode resolves place names as English news spells them to
// places of the embedded gazetteer, and points back to places.
//
// The gazetteer is read from an [fs.FS] holding the files data/ embeds:
// gazetteer.tsv (generated from GeoNames and Natural Earth), places.csv and
// aliases.csv (hand-written facts) and boundaries.geojson (Natural Earth).
package geocode

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// Gazetteer is every known place, with the outlines of Syria's governorates
// and of the countries around it.
type Gazetteer struct {
	Places       []*geo.Place // in file order: generated rows, then ours
	byID         map[string]*geo.Place
	Governorates []Area // Syria's 14 governorates and the UNDOF zone
	Countries    []Area
}

// Area is a place with an outline.
type Area struct {
	Place *geo.Place
	Shape orb.MultiPolygon
	Bound orb.Bound
}

// Contains reports whether the point is inside the area.
func (a Area) Contains(p orb.Point) bool {
	return a.Bound.Contains(p) && planar.MultiPolygonContains(a.Shape, p)
}

// Place returns the place with the id, or nil.
func (g *Gazetteer) Place(id string) *geo.Place { return g.byID[id] }

// GovernorateName returns the English name of the governorate with the
// code ("SY.09"), or "" when the code is not a Syrian governorate.
func (g *Gazetteer) GovernorateName(code string) string {
	if p := g.byID["ne:"+code]; p != nil && p.Kind == geo.Governorate {
		return p.Name
	}
	return ""
}

// GovernorateAt returns the governorate (or the UNDOF zone) containing p.
func (g *Gazetteer) GovernorateAt(p orb.Point) *geo.Place {
	for _, a := range g.Governorates {
		if a.Contains(p) {
			return a.Place
		}
	}
	return nil
}

// Shape returns the outline of the country or governorate with the id
// ("ne:SY", "ne:SY.UNDOF"), or nil.
func (g *Gazetteer) Shape(id string) orb.MultiPolygon {
	for _, as := range [][]Area{g.Countries, g.Governorates} {
		for _, a := range as {
			if a.Place.ID == id {
				return a.Shape
			}
		}
	}
	return nil
}

// CountryAt returns the country whose outline contains p.
func (g *Gazetteer) CountryAt(p orb.Point) *geo.Place {
	for _, a := range g.Countries {
		if a.Contains(p) {
			return a.Place
		}
	}
	return nil
}

// LoadGazetteer reads the gazetteer files from fsys.
func LoadGazetteer(fsys fs.FS) (*Gazetteer, error) {
	g := &Gazetteer{byID: make(map[string]*geo.Place)}
	steps := []struct {
		file string
		read func(io.Reader) error
	}{
		{"gazetteer.tsv", g.readTSV},
		{"places.csv", g.readPlaces},
		{"aliases.csv", g.readAliases},
		{"boundaries.geojson", g.readBoundaries},
	}
	for _, s := range steps {
		f, err := fsys.Open(s.file)
		if err != nil {
			return nil, fmt.Errorf("geocode: %w", err)
		}
		err = s.read(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("geocode: %s: %w", s.file, err)
		}
	}
	// Our hand-written places carry no governorate code: find it.
	for _, p := range g.Places {
		if p.Admin1 == "" && p.Country == "SY" {
			if gov := g.GovernorateAt(p.Point); gov != nil && gov.Kind == geo.Governorate {
				p.Admin1 = gov.Admin1
			}
		}
	}
	return g, nil
}

func (g *Gazetteer) add(p *geo.Place) error {
	if p.ID == "" || p.Name == "" {
		return fmt.Errorf("place without id or name")
	}
	if _, dup := g.byID[p.ID]; dup {
		return fmt.Errorf("duplicate id %q", p.ID)
	}
	if p.Point.Lat() < -90 || p.Point.Lat() > 90 || p.Point.Lon() < -180 || p.Point.Lon() > 180 {
		return fmt.Errorf("%s: coordinates out of range", p.ID)
	}
	g.byID[p.ID] = p
	g.Places = append(g.Places, p)
	return nil
}

// readTSV reads the generated file: id, name, kind, feature, country,
// admin1, lat, lon, population, names ("|"-separated).
func (g *Gazetteer) readTSV(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue // header
		}
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 10 {
			return fmt.Errorf("line %d: %d fields, want 10", line, len(f))
		}
		lat, err1 := strconv.ParseFloat(f[6], 64)
		lon, err2 := strconv.ParseFloat(f[7], 64)
		pop, err3 := strconv.Atoi(f[8])
		if err1 != nil || err2 != nil || err3 != nil {
			return fmt.Errorf("line %d: bad number", line)
		}
		p := &geo.Place{
			ID: f[0], Name: f[1], Kind: geo.Kind(f[2]), Feature: f[3], Country: f[4],
			Admin1: f[5], Point: orb.Point{lon, lat}, Population: pop, Names: splitNames(f[9]),
			Source: "GeoNames",
		}
		if strings.HasPrefix(p.ID, "ne:") {
			p.Source = "Natural Earth"
		}
		if err := g.add(p); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return sc.Err()
}

func splitNames(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// readCSV yields the records of a hand-written CSV file after its header,
// skipping comment lines, with the record's line number.
func readCSV(r io.Reader, header []string, each func(line int, rec map[string]string) error) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	for _, h := range header {
		if !slices.Contains(head, h) {
			return fmt.Errorf("header lacks column %q", h)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(head) {
			return fmt.Errorf("line %d: %d fields, want %d", line, len(rec), len(head))
		}
		m := make(map[string]string, len(head))
		for i, h := range head {
			m[h] = strings.TrimSpace(rec[i])
		}
		if err := each(line, m); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

func (g *Gazetteer) readPlaces(r io.Reader) error {
	return readCSV(r, []string{"id", "name", "kind", "country", "lat", "lon", "anchor", "names", "source"},
		func(_ int, rec map[string]string) error {
			lat, err1 := strconv.ParseFloat(rec["lat"], 64)
			lon, err2 := strconv.ParseFloat(rec["lon"], 64)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("bad coordinates")
			}
			if rec["source"] == "" {
				return fmt.Errorf("%s names no source", rec["id"])
			}
			return g.add(&geo.Place{
				ID: rec["id"], Name: rec["name"], Kind: geo.Kind(rec["kind"]), Country: rec["country"],
				Point: orb.Point{lon, lat}, Names: splitNames(rec["names"]), Anchor: rec["anchor"],
				Source: rec["source"],
			})
		})
}

// readAliases reads aliases.csv: alias, target, note, source. Every row
// names the place it spells (a gazetteer id) and where the spelling was
// seen.
func (g *Gazetteer) readAliases(r io.Reader) error {
	return readCSV(r, []string{"alias", "target", "note", "source"}, func(_ int, rec map[string]string) error {
		if rec["alias"] == "" {
			return fmt.Errorf("alias row without an alias")
		}
		p := g.byID[rec["target"]]
		if p == nil {
			return fmt.Errorf("alias %q: unknown target %q", rec["alias"], rec["target"])
		}
		if rec["source"] == "" {
			return fmt.Errorf("alias %q names no source", rec["alias"])
		}
		if !slices.Contains(p.Names, rec["alias"]) {
			p.Names = append(p.Names, rec["alias"])
		}
		return nil
	})
}

func (g *Gazetteer) readBoundaries(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		return err
	}
	for _, f := range fc.Features {
		id := f.Properties.MustString("id", "")
		p := g.byID[id]
		if p == nil {
			return fmt.Errorf("outline %q has no gazetteer entry", id)
		}
		shape, ok := geo.AsMultiPolygon(f.Geometry)
		if !ok {
			return fmt.Errorf("outline %q: %s is not a polygon", id, f.Geometry.GeoJSONType())
		}
		a := Area{Place: p, Shape: shape, Bound: shape.Bound()}
		switch p.Kind {
		case geo.Governorate, geo.BufferZone:
			g.Governorates = append(g.Governorates, a)
		case geo.Country:
			g.Countries = append(g.Countries, a)
		}
	}
	return nil
}
