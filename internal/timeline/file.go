// Package timeline reads and writes control changes as GeoJSON lines: one
// GeoJSON Feature per line, the format of data/timeline/*.geojsonl and of
// `frontline import`. data/README.md documents it.
package timeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// MaxLine bounds one line of a file: a change with a detailed area.
const MaxLine = 1 << 20

type properties struct {
	Place     string       `json:"place,omitempty"`
	Area      string       `json:"area,omitempty"`
	Name      string       `json:"name"`
	Faction   string       `json:"faction"`
	At        string       `json:"at"`
	Precision string       `json:"precision"`
	Status    string       `json:"status"`
	Summary   string       `json:"summary"`
	Sources   []sourceJSON `json:"sources"`
	RadiusKm  float64      `json:"radius_km,omitempty"`
}

type sourceJSON struct {
	Outlet    string `json:"outlet"`
	URL       string `json:"url"`
	Published string `json:"published"`
	Quote     string `json:"quote"`
}

type feature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties *properties       `json:"properties"`
}

// Read parses every line of r. The first bad line fails the whole file,
// with its line number, so that nothing is half-read.
func Read(r io.Reader) ([]*geo.Change, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), MaxLine)
	var out []*geo.Change
	seen := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		c, err := parse(b)
		if err != nil {
			return nil, geo.Errorf(geo.EINVALID, "line %d: %s", line, geo.ErrorMessage(err))
		}
		if first, dup := seen[c.ID]; dup {
			return nil, geo.Errorf(geo.EINVALID, "line %d: id %s repeats line %d", line, c.ID, first)
		}
		seen[c.ID] = line
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, geo.Errorf(geo.EINVALID, "line %d: %v", line+1, err)
	}
	return out, nil
}

func parse(b []byte) (*geo.Change, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f feature
	if err := dec.Decode(&f); err != nil {
		return nil, geo.Errorf(geo.EINVALID, "not a GeoJSON feature: %v", err)
	}
	if f.Type != "Feature" || f.Properties == nil {
		return nil, geo.Errorf(geo.EINVALID, `each line must be a GeoJSON Feature with properties`)
	}
	p := f.Properties
	at, err := geo.ParseTime(p.At)
	if err != nil {
		return nil, geo.Errorf(geo.EINVALID, "change %s: at: %v", f.ID, err)
	}
	c := &geo.Change{
		ID: f.ID, Place: p.Place, Area: p.Area, Name: p.Name, Faction: p.Faction, At: at,
		Precision: geo.Precision(p.Precision), Status: geo.Status(p.Status), Summary: strings.TrimSpace(p.Summary),
		RadiusKm: p.RadiusKm,
	}
	if f.Geometry != nil {
		shape, ok := geo.AsMultiPolygon(f.Geometry.Geometry())
		if !ok {
			return nil, geo.Errorf(geo.EINVALID, "change %s: an area must be a Polygon or MultiPolygon, not %s", f.ID,
				f.Geometry.Geometry().GeoJSONType())
		}
		c.Shape = shape
		if c.Area == "" {
			return nil, geo.Errorf(geo.EINVALID, "change %s: a polygon needs an area id in properties.area", f.ID)
		}
		if len(c.Shape) == 0 {
			return nil, geo.Errorf(geo.EINVALID, "change %s: an area needs at least one polygon", f.ID)
		}
		for _, poly := range c.Shape {
			if len(poly) == 0 {
				return nil, geo.Errorf(geo.EINVALID, "change %s: a polygon needs an exterior ring", f.ID)
			}
			for _, r := range poly {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					return nil, geo.Errorf(geo.EINVALID, "change %s: rings must be closed, with at least 4 positions", f.ID)
				}
			}
		}
	}
	for _, s := range p.Sources {
		src := geo.Source{Outlet: strings.TrimSpace(s.Outlet), URL: strings.TrimSpace(s.URL), Quote: strings.TrimSpace(s.Quote)}
		if s.Published != "" {
			if src.Published, err = geo.ParseTime(s.Published); err != nil {
				return nil, geo.Errorf(geo.EINVALID, "change %s: source %q: published: %v", f.ID, s.Outlet, err)
			}
		}
		c.Sources = append(c.Sources, src)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// ReadFS reads the named files of fsys in order, as one timeline.
func ReadFS(fsys fs.FS, names ...string) ([]*geo.Change, error) {
	var all []*geo.Change
	for _, name := range names {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		cs, err := Read(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, cs...)
	}
	return all, nil
}

// Write writes changes in the file format, one line each.
func Write(w io.Writer, changes []*geo.Change) error {
	bw := bufio.NewWriter(w)
	for _, c := range changes {
		f := feature{Type: "Feature", ID: c.ID, Properties: &properties{
			Place: c.Place, Area: c.Area, Name: c.Name, Faction: c.Faction, At: c.At.UTC().Format(time.RFC3339Nano),
			Precision: string(c.Precision), Status: string(c.Status), Summary: c.Summary, Sources: []sourceJSON{},
			RadiusKm: c.RadiusKm,
		}}
		if c.Area != "" {
			var g orb.Geometry = c.Shape
			if len(c.Shape) == 1 {
				g = c.Shape[0]
			}
			f.Geometry = geojson.NewGeometry(g)
		}
		for _, s := range c.Sources {
			sj := sourceJSON{Outlet: s.Outlet, URL: s.URL, Quote: s.Quote}
			if !s.Published.IsZero() {
				sj.Published = s.Published.UTC().Format(time.RFC3339Nano)
			}
			f.Properties.Sources = append(f.Properties.Sources, sj)
		}
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
