package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// basemapWindow is the area the river and lake layers are clipped to:
// Syria and a margin of its neighbours.
var basemapWindow = orb.Bound{Min: orb.Point{33, 29}, Max: orb.Point{45, 39}}

// Basemap layers, in drawing order.
const (
	layerLake  = "lake"
	layerRiver = "river"
	layerRoad  = "road"
)

var layerOrder = map[string]int{layerLake: 0, layerRiver: 1, layerRoad: 2}

// landmark names the river that passes near a point, or the lake that
// holds it.
type landmark struct {
	Name     string
	Place    string // what is at the point, for readers
	Lat, Lon float64
}

// riverNameKm is how close a river must pass to a landmark to take its
// name. Natural Earth's 1:50m lines are generalised: the Euphrates runs
// about 5 km from where they put Raqqa and Deir ez-Zor.
const riverNameKm = 6

// riverLandmarks name the rivers of Natural Earth's 1:50m river layer,
// which carries no names. Each is a town or dam on the river's bank, so
// every piece of a river in the window passes near one of them; lines
// that run through a lake (Lake Assad, the Sea of Galilee, the Dead Sea)
// take the name of the river that flows through it. The 1:50m layer has
// no Orontes, Khabur, Balikh or Yarmouk.
var riverLandmarks = []landmark{
	{"Euphrates", "Keban dam, Turkey", 38.80, 38.76},
	{"Euphrates", "Birecik, Turkey", 37.02, 37.98},
	{"Euphrates", "Jarabulus, where it enters Syria", 36.817, 38.011},
	{"Euphrates", "Tabqa dam, at the foot of Lake Assad", 35.87, 38.57},
	{"Euphrates", "Raqqa", 35.95, 39.01},
	{"Euphrates", "Deir ez-Zor", 35.33, 40.14},
	{"Euphrates", "Abu Kamal, where it leaves Syria", 34.45, 40.92},
	{"Euphrates", "Haditha, Iraq", 34.14, 42.38},
	{"Euphrates", "Ramadi, Iraq", 33.42, 43.30},
	{"Tigris", "Diyarbakır, Turkey", 37.91, 40.23},
	{"Tigris", "Cizre, Turkey", 37.33, 42.19},
	{"Tigris", "Mosul, Iraq", 36.34, 43.13},
	{"Tigris", "Baghdad, Iraq", 33.34, 44.40},
	{"Jordan", "Degania, where it leaves the Sea of Galilee", 32.71, 35.57},
	{"Jordan", "Allenby Bridge, near Jericho", 31.87, 35.54},
}

// lakeLandmarks name the lakes of Natural Earth's 1:50m lake layer: each
// point lies inside its lake. The layer has no outline for Lake Assad
// (its river layer draws the Euphrates through it), Lake Homs, the
// Atatürk reservoir or the lakes behind Iraq's dams.
var lakeLandmarks = []landmark{
	{"Sea of Galilee", "middle of the lake", 32.82, 35.59},
	{"Dead Sea", "northern basin", 31.50, 35.48},
	{"Dead Sea", "southern evaporation ponds", 31.15, 35.45},
	{"Lake Tharthar", "middle of the lake, Iraq", 33.95, 43.30},
	{"Razzaza Lake", "middle of the lake, Iraq", 32.75, 43.65},
	{"Lake Van", "middle of the lake, Turkey", 38.65, 42.90},
	{"Lake Tuz", "middle of the lake, Turkey", 38.80, 33.40},
}

// feature is one feature of basemap.geojson.
type feature struct {
	Layer string
	Name  string
	Lines []orb.LineString // river, road
	Shape orb.MultiPolygon // lake
	first int              // index of its first source geometry, to keep the order stable
}

// buildBasemap returns the basemap's features: the rivers and lakes of the
// topology at topoPath clipped to basemapWindow, and the M5 drawn through
// the places listed in the file at m5Path, at their coordinates in rows.
func buildBasemap(topoPath, m5Path string, rows []row) ([]feature, error) {
	topo, err := readTopology(topoPath)
	if err != nil {
		return nil, err
	}
	rivers, err := topo.collection("rivers")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", topoPath, err)
	}
	lakes, err := topo.collection("lakes")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", topoPath, err)
	}
	riverFeats, err := riverFeatures(rivers)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", topoPath, err)
	}
	lakeFeats, err := lakeFeatures(lakes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", topoPath, err)
	}
	m5, err := readRoute(m5Path, rows)
	if err != nil {
		return nil, err
	}

	feats := append(lakeFeats, riverFeats...)
	feats = append(feats, feature{Layer: layerRoad, Name: "M5", Lines: []orb.LineString{m5}})
	slices.SortStableFunc(feats, func(a, b feature) int {
		if c := layerOrder[a.Layer] - layerOrder[b.Layer]; c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return a.first - b.first
	})
	return feats, nil
}

// riverFeatures names the rivers, joins the pieces of each named river,
// and clips them to the window. An unnamed river stays a feature of its
// own.
func riverFeatures(geoms []orb.Geometry) ([]feature, error) {
	var lines []orb.MultiLineString
	var index []int
	for i, g := range geoms {
		var mls orb.MultiLineString
		switch g := g.(type) {
		case orb.LineString:
			mls = orb.MultiLineString{g}
		case orb.MultiLineString:
			mls = g
		case nil:
			continue
		default:
			return nil, fmt.Errorf("rivers: geometry %d is a %s", i, g.GeoJSONType())
		}
		if mls.Bound().Intersects(basemapWindow) {
			lines, index = append(lines, mls), append(index, i)
		}
	}
	names, err := nameGeometries(riverLandmarks, len(lines), func(i int, lm landmark) bool {
		return distanceKm(lines[i], orb.Point{lm.Lon, lm.Lat}) <= riverNameKm
	})
	if err != nil {
		return nil, fmt.Errorf("rivers: %w", err)
	}

	var feats []feature
	byName := make(map[string]int) // name → index in feats
	for i, mls := range lines {
		name := names[i]
		if j, ok := byName[name]; ok && name != "" {
			feats[j].Lines = append(feats[j].Lines, mls...)
			continue
		}
		byName[name] = len(feats)
		feats = append(feats, feature{Layer: layerRiver, Name: name, Lines: slices.Clone(mls), first: index[i]})
	}
	out := feats[:0]
	for _, f := range feats {
		clipped := clip.MultiLineString(basemapWindow, orb.MultiLineString(joinLines(f.Lines)))
		f.Lines = nil
		for _, ls := range clipped {
			if ls = roundLine(ls); len(ls) >= 2 {
				f.Lines = append(f.Lines, ls)
			}
		}
		if len(f.Lines) > 0 {
			out = append(out, f)
		}
	}
	return out, nil
}

// lakeFeatures names the lakes and clips them to the window; the pieces
// of one named lake make one feature.
func lakeFeatures(geoms []orb.Geometry) ([]feature, error) {
	var shapes []orb.MultiPolygon
	var index []int
	for i, g := range geoms {
		var mp orb.MultiPolygon
		switch g := g.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		case nil:
			continue
		default:
			return nil, fmt.Errorf("lakes: geometry %d is a %s", i, g.GeoJSONType())
		}
		if mp.Bound().Intersects(basemapWindow) {
			shapes, index = append(shapes, mp), append(index, i)
		}
	}
	names, err := nameGeometries(lakeLandmarks, len(shapes), func(i int, lm landmark) bool {
		return planar.MultiPolygonContains(shapes[i], orb.Point{lm.Lon, lm.Lat})
	})
	if err != nil {
		return nil, fmt.Errorf("lakes: %w", err)
	}

	var feats []feature
	byName := make(map[string]int)
	for i, mp := range shapes {
		shape := roundShape(roundShape4(clip.MultiPolygon(basemapWindow, mp.Clone())))
		if len(shape) == 0 {
			continue
		}
		name := names[i]
		if j, ok := byName[name]; ok && name != "" {
			feats[j].Shape = append(feats[j].Shape, shape...)
			continue
		}
		byName[name] = len(feats)
		feats = append(feats, feature{Layer: layerLake, Name: name, Shape: shape, first: index[i]})
	}
	return feats, nil
}

// nameGeometries returns the name of each of n geometries: the name of the
// landmarks that match it, or "" if none does. A geometry matched by
// landmarks of two names, or a landmark that matches nothing, is an error:
// the data has changed and the table needs another look.
func nameGeometries(lms []landmark, n int, match func(i int, lm landmark) bool) ([]string, error) {
	names := make([]string, n)
	for _, lm := range lms {
		found := false
		for i := range n {
			if !match(i, lm) {
				continue
			}
			found = true
			if names[i] != "" && names[i] != lm.Name {
				return nil, fmt.Errorf("geometry near %s (%s) is both %s and %s", lm.Place, lm.Name, names[i], lm.Name)
			}
			names[i] = lm.Name
		}
		if !found {
			return nil, fmt.Errorf("nothing found for %s at %s (%g, %g)", lm.Name, lm.Place, lm.Lat, lm.Lon)
		}
	}
	return names, nil
}

// distanceKm returns roughly how far p is from the nearest line of mls,
// measuring on a plane tangent to the earth at p (good to a few per cent
// over tens of kilometres).
func distanceKm(mls orb.MultiLineString, p orb.Point) float64 {
	const kmPerDegLat = 110.57
	kmPerDegLon := 111.32 * math.Cos(p.Lat()*math.Pi/180)
	proj := func(q orb.Point) orb.Point {
		return orb.Point{(q.Lon() - p.Lon()) * kmPerDegLon, (q.Lat() - p.Lat()) * kmPerDegLat}
	}
	best := math.Inf(1)
	for _, ls := range mls {
		for i := 1; i < len(ls); i++ {
			a, b := proj(ls[i-1]), proj(ls[i])
			d := b.X() - a.X()
			e := b.Y() - a.Y()
			t := 0.0
			if l := d*d + e*e; l > 0 {
				t = max(0, min(1, -(a.X()*d+a.Y()*e)/l))
			}
			best = min(best, math.Hypot(a.X()+t*d, a.Y()+t*e))
		}
	}
	return best
}

// joinLines joins lines that meet end to end into longer ones, reversing
// one where needed. Lines are taken in order, so the result is stable.
func joinLines(lines []orb.LineString) []orb.LineString {
	out := slices.Clone(lines)
	for joined := true; joined; {
		joined = false
	search:
		for i := range out {
			for j := i + 1; j < len(out); j++ {
				if ls, ok := joinTwo(out[i], out[j]); ok {
					out[i] = ls
					out = slices.Delete(out, j, j+1)
					joined = true
					break search
				}
			}
		}
	}
	return out
}

// joinTwo returns a and b as one line if an end of one is an end of the
// other. Where one must be reversed, the longer keeps its direction, so a
// river drawn mostly downstream stays so.
func joinTwo(a, b orb.LineString) (orb.LineString, bool) {
	if len(a) == 0 || len(b) == 0 {
		return nil, false
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	reversed := func(ls orb.LineString) orb.LineString {
		r := slices.Clone(ls)
		slices.Reverse(r)
		return r
	}
	switch {
	case a[len(a)-1] == b[0]:
		return append(slices.Clone(a), b[1:]...), true
	case b[len(b)-1] == a[0]:
		return append(slices.Clone(b), a[1:]...), true
	case a[len(a)-1] == b[len(b)-1]:
		return append(slices.Clone(a), reversed(b)[1:]...), true
	case a[0] == b[0]:
		return append(reversed(b), a[1:]...), true
	}
	return nil, false
}

// round4 rounds to four decimals, about ten metres: far finer than the
// 1:50m data, which sits on a grid of about 1.8 km.
func round4(v float64) float64 {
	r := math.Round(v*1e4) / 1e4
	if r == 0 {
		return 0 // no negative zero
	}
	return r
}

// roundLine rounds every coordinate to four decimals and drops the
// repeated points that makes.
func roundLine(ls orb.LineString) orb.LineString {
	var out orb.LineString
	for _, pt := range ls {
		q := orb.Point{round4(pt[0]), round4(pt[1])}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	return out
}

// roundShape4 rounds every coordinate to four decimals; roundShape then
// drops what collapses and orients the rings.
func roundShape4(mp orb.MultiPolygon) orb.MultiPolygon {
	for _, p := range mp {
		for _, r := range p {
			for i, pt := range r {
				r[i] = orb.Point{round4(pt[0]), round4(pt[1])}
			}
		}
	}
	return mp
}

// readRoute reads a road's course (m5.csv: "#" comment lines, a header
// "id,name", then one gazetteer id per line in order) and returns it as a
// line through those places' gazetteer coordinates.
func readRoute(path string, rows []row) (orb.LineString, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = 2
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if strings.Join(header, ",") != "id,name" {
		return nil, fmt.Errorf("%s: header %q, want \"id,name\"", path, strings.Join(header, ","))
	}
	byID := make(map[string]row, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	var ls orb.LineString
	seen := make(map[string]bool)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		id := rec[0]
		p, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("%s:%d: %s (%s) is not in the gazetteer", path, line, id, rec[1])
		}
		if seen[id] {
			return nil, fmt.Errorf("%s:%d: %s (%s) listed twice", path, line, id, rec[1])
		}
		seen[id] = true
		ls = append(ls, orb.Point{round5(p.Lon), round5(p.Lat)})
	}
	if len(ls) < 2 {
		return nil, fmt.Errorf("%s: %d places, want at least 2", path, len(ls))
	}
	return ls, nil
}

// encodeBasemap returns basemap.geojson: a FeatureCollection with one
// feature per line, in the order given, each with the properties layer
// and name.
func encodeBasemap(feats []feature) []byte {
	var buf bytes.Buffer
	buf.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	for i, f := range feats {
		buf.WriteString(`{"type":"Feature","properties":{"layer":`)
		writeJSONString(&buf, f.Layer)
		buf.WriteString(`,"name":`)
		writeJSONString(&buf, f.Name)
		buf.WriteString(`},"geometry":`)
		if f.Layer == layerLake {
			writeGeometry(&buf, f.Shape)
		} else {
			writeLines(&buf, f.Lines)
		}
		buf.WriteByte('}')
		if i < len(feats)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	return buf.Bytes()
}

// writeLines writes a LineString for a single line, else a
// MultiLineString.
func writeLines(buf *bytes.Buffer, lines []orb.LineString) {
	if len(lines) == 1 {
		buf.WriteString(`{"type":"LineString","coordinates":`)
		writeLine(buf, lines[0])
	} else {
		buf.WriteString(`{"type":"MultiLineString","coordinates":[`)
		for i, ls := range lines {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeLine(buf, ls)
		}
		buf.WriteByte(']')
	}
	buf.WriteByte('}')
}

func writeLine(buf *bytes.Buffer, ls orb.LineString) { writePositions(buf, ls) }

// topology is a decoded TopoJSON topology: its arcs as lines of lon/lat
// points and its objects still encoded.
type topology struct {
	arcs    []orb.LineString
	objects map[string]topoGeometry
}

// topoGeometry is a TopoJSON geometry object. Arcs holds arc indexes
// nested as the type requires; a negative index ^i means arc i reversed.
type topoGeometry struct {
	Type       string          `json:"type"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []topoGeometry  `json:"geometries"`
}

// readTopology reads a TopoJSON file and decodes its arcs: with a
// transform, positions are quantized integers, each but the first an
// offset from the one before, scaled and translated into lon/lat.
func readTopology(path string) (*topology, error) {
	var raw struct {
		Type      string `json:"type"`
		Transform *struct {
			Scale     [2]float64 `json:"scale"`
			Translate [2]float64 `json:"translate"`
		} `json:"transform"`
		Arcs    [][][]float64           `json:"arcs"`
		Objects map[string]topoGeometry `json:"objects"`
	}
	if err := readJSON(path, &raw); err != nil {
		return nil, err
	}
	if raw.Type != "Topology" {
		return nil, fmt.Errorf("%s: type %q, want Topology", path, raw.Type)
	}
	t := &topology{arcs: make([]orb.LineString, len(raw.Arcs)), objects: raw.Objects}
	for i, arc := range raw.Arcs {
		ls := make(orb.LineString, len(arc))
		var x, y float64
		for j, pos := range arc {
			if len(pos) < 2 {
				return nil, fmt.Errorf("%s: arc %d position %d has %d values", path, i, j, len(pos))
			}
			if tr := raw.Transform; tr != nil {
				x, y = x+pos[0], y+pos[1]
				ls[j] = orb.Point{x*tr.Scale[0] + tr.Translate[0], y*tr.Scale[1] + tr.Translate[1]}
			} else {
				ls[j] = orb.Point{pos[0], pos[1]}
			}
		}
		t.arcs[i] = ls
	}
	return t, nil
}

// collection returns the geometries of the named object: its members if it
// is a GeometryCollection, else the object alone. Points and null
// geometries come back as nil.
func (t *topology) collection(name string) ([]orb.Geometry, error) {
	obj, ok := t.objects[name]
	if !ok {
		return nil, fmt.Errorf("no object %q", name)
	}
	members := []topoGeometry{obj}
	if obj.Type == "GeometryCollection" {
		members = obj.Geometries
	}
	out := make([]orb.Geometry, len(members))
	for i, g := range members {
		var err error
		if out[i], err = t.geometry(g); err != nil {
			return nil, fmt.Errorf("%s geometry %d: %w", name, i, err)
		}
	}
	return out, nil
}

// geometry decodes a line or polygon geometry object.
func (t *topology) geometry(g topoGeometry) (orb.Geometry, error) {
	switch g.Type {
	case "LineString":
		var idx []int
		if err := json.Unmarshal(g.Arcs, &idx); err != nil {
			return nil, err
		}
		return t.line(idx)
	case "MultiLineString":
		var idx [][]int
		if err := json.Unmarshal(g.Arcs, &idx); err != nil {
			return nil, err
		}
		mls := make(orb.MultiLineString, len(idx))
		for i, l := range idx {
			var err error
			if mls[i], err = t.line(l); err != nil {
				return nil, err
			}
		}
		return mls, nil
	case "Polygon":
		var idx [][]int
		if err := json.Unmarshal(g.Arcs, &idx); err != nil {
			return nil, err
		}
		return t.polygon(idx)
	case "MultiPolygon":
		var idx [][][]int
		if err := json.Unmarshal(g.Arcs, &idx); err != nil {
			return nil, err
		}
		mp := make(orb.MultiPolygon, len(idx))
		for i, p := range idx {
			var err error
			if mp[i], err = t.polygon(p); err != nil {
				return nil, err
			}
		}
		return mp, nil
	case "GeometryCollection":
		var c orb.Collection
		for _, m := range g.Geometries {
			mg, err := t.geometry(m)
			if err != nil {
				return nil, err
			}
			if mg != nil {
				c = append(c, mg)
			}
		}
		return c, nil
	case "", "Point", "MultiPoint":
		return nil, nil
	}
	return nil, fmt.Errorf("unknown geometry type %q", g.Type)
}

// line joins the arcs idx into one line; each arc after the first starts
// where the one before ends, so its first point is dropped.
func (t *topology) line(idx []int) (orb.LineString, error) {
	var ls orb.LineString
	for k, i := range idx {
		rev := i < 0
		if rev {
			i = ^i
		}
		if i >= len(t.arcs) {
			return nil, fmt.Errorf("arc %d of %d", i, len(t.arcs))
		}
		arc := slices.Clone(t.arcs[i])
		if rev {
			slices.Reverse(arc)
		}
		if k > 0 && len(arc) > 0 {
			arc = arc[1:]
		}
		ls = append(ls, arc...)
	}
	return ls, nil
}

func (t *topology) polygon(idx [][]int) (orb.Polygon, error) {
	p := make(orb.Polygon, len(idx))
	for i, r := range idx {
		ls, err := t.line(r)
		if err != nil {
			return nil, err
		}
		p[i] = orb.Ring(ls)
	}
	return p, nil
}
