// Package tiles renders the timeline as Mapbox Vector Tiles: the control
// polygons, the change events and the settlements of one keyframe.
package tiles

import (
	"math"
	"slices"
	"sync"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

// Zoom range served.
const (
	MinZoom = 0
	MaxZoom = 14
)

// Layers and their fields, as TileJSON describes them.
var Layers = []struct {
	ID     string
	Fields map[string]string
}{
	{"control", map[string]string{"controller": "faction id", "faction": "faction name", "area_km2": "Number"}},
	{"events", map[string]string{"id": "change id", "place": "gazetteer id", "name": "String", "controller": "faction after the change",
		"status": "confirmed, claimed or denied", "at": "RFC 3339", "current": "Boolean: took effect at this keyframe"}},
	{"places", map[string]string{"id": "gazetteer id", "name": "String", "kind": "String", "controller": "faction id"}},
}

// Renderer draws tiles of the keyframes.
type Renderer struct {
	Keyframes   []geo.Keyframe
	Changes     []*geo.Change
	Territories func(keyframe int) ([]geo.Territory, error)
	Places      func(id string) *geo.Place
	// ControllerAt returns the faction holding a place's point at a keyframe.
	ControllerAt func(p orb.Point, keyframe int) string

	prepared  sync.Map // [keyframe, zoom]: []preparedFaction
	pointSets sync.Map // keyframe: *keyframePoints
}

// MVT renders one tile at a keyframe; nil when the tile is empty.
func (r *Renderer) MVT(t maptile.Tile, keyframe int) ([]byte, error) {
	bound := t.Bound()
	// A buffer of 1/16 of a tile keeps polygon edges off the tile's edge.
	buf := (bound.Max[0] - bound.Min[0]) / 16
	padded := bound.Pad(buf)

	prep, err := r.prepare(keyframe, int(t.Z))
	if err != nil {
		return nil, err
	}
	var geom []uint32
	control := newLayer("control")
	ox, oy := int64(t.X)*extent, int64(t.Y)*extent
	box := [4]int64{ox - tileBuffer, oy - tileBuffer, ox + extent + tileBuffer, oy + extent + tileBuffer}
	var clipper ringClipper
	for _, fp := range prep {
		var shape [][][][2]int32
		for _, pp := range fp.polys {
			if pp.box[0] > box[2] || pp.box[2] < box[0] || pp.box[1] > box[3] || pp.box[3] < box[1] {
				continue
			}
			var poly [][][2]int32
			for i, ring := range pp.rings {
				r := clipper.clip(ring, box, ox, oy)
				if r == nil {
					if i == 0 {
						break
					}
					continue
				}
				poly = append(poly, r)
			}
			if len(poly) > 0 {
				shape = append(shape, poly)
			}
		}
		if len(shape) == 0 {
			continue
		}
		geom = polygonGeometry(geom, shape)
		control.add(geomPolygon, geom, fp.props)
	}

	pts := r.points(keyframe)
	events := newLayer("events")
	for _, e := range pts.events {
		if padded.Contains(e.pt) {
			geom = pointGeometry(geom, tilePoint(e.pt, t))
			events.add(geomPoint, geom, e.props)
		}
	}
	places := newLayer("places")
	for _, p := range pts.places {
		if padded.Contains(p.pt) && shownAt(p.kind, int(t.Z)) {
			geom = pointGeometry(geom, tilePoint(p.pt, t))
			places.add(geomPoint, geom, p.props)
		}
	}
	if control.count+events.count+places.count == 0 {
		return nil, nil
	}
	var out []byte
	for _, l := range []*layerEncoder{control, events, places} {
		if l.count > 0 {
			out = l.appendTo(out)
		}
	}
	return out, nil
}

// shownAt thins settlements at low zoom: cities from z5, towns from z8,
// everything from z10.
func shownAt(k geo.Kind, z int) bool {
	switch {
	case z >= 10:
		return true
	case z >= 8:
		return k == geo.City || k == geo.Town
	case z >= 5:
		return k == geo.City
	}
	return false
}

// pointFeature is a point with its properties, shared by every tile that
// shows it: the encoder only reads them.
type pointFeature struct {
	pt    orb.Point
	kind  geo.Kind
	props []property
}

type keyframePoints struct {
	events, places []pointFeature
}

// points returns the keyframe's events (changes up to it) and places
// (with their controller then), computed once.
func (r *Renderer) points(keyframe int) *keyframePoints {
	if v, ok := r.pointSets.Load(keyframe); ok {
		return v.(*keyframePoints)
	}
	kf := r.Keyframes[keyframe]
	kp := &keyframePoints{}
	seen := map[string]bool{}
	for _, c := range r.Changes {
		if c.Place == "" {
			continue
		}
		p := r.Places(c.Place)
		if p == nil {
			continue
		}
		if c.At.Equal(geo.TimelineStart) && !seen[c.Place] {
			seen[c.Place] = true
			kp.places = append(kp.places, pointFeature{pt: p.Point, kind: p.Kind, props: sortedProps(map[string]any{
				"id": p.ID, "name": p.Name, "kind": string(p.Kind), "controller": r.ControllerAt(p.Point, keyframe)})})
		}
		if c.At.After(geo.TimelineStart) && !c.At.After(kf.At) {
			kp.events = append(kp.events, pointFeature{pt: p.Point, kind: p.Kind, props: sortedProps(map[string]any{
				"id": c.ID, "place": c.Place, "name": c.Name, "controller": c.Faction, "status": string(c.Status),
				"at": c.At.Format("2006-01-02T15:04:05Z"), "current": !c.At.Before(kf.At)})})
		}
	}
	v, _ := r.pointSets.LoadOrStore(keyframe, kp)
	return v.(*keyframePoints)
}

// preparedFaction is a faction's ground at a keyframe, simplified for one
// zoom, polygon by polygon with their bounds so a tile clips only what it
// meets.
type preparedFaction struct {
	props []property
	polys []preparedPolygon
}

// preparedPolygon is a polygon in world units of its zoom (4096 per tile,
// y down), oriented for the format, with its box.
type preparedPolygon struct {
	box   [4]int64 // min x, min y, max x, max y
	rings [][][2]int64
}

const (
	extent     = 4096
	tileBuffer = 256 // units drawn beyond each tile edge, so edges join cleanly
)

// prepare returns the keyframe's territories simplified for zoom z,
// computed once and kept: a keyframe's ground never changes.
func (r *Renderer) prepare(keyframe, z int) ([]preparedFaction, error) {
	key := [2]int{keyframe, z}
	if v, ok := r.prepared.Load(key); ok {
		return v.([]preparedFaction), nil
	}
	terr, err := r.Territories(keyframe)
	if err != nil {
		return nil, err
	}
	// Douglas-Peucker in degrees, by half a pixel of a 256 px tile.
	tol := 360 / float64(uint(1)<<z) / 512
	dp := simplify.DouglasPeucker(tol)
	var out []preparedFaction
	for _, tr := range terr {
		name := ""
		if fa := geo.FactionByID(tr.Faction); fa != nil {
			name = fa.Name
		}
		fp := preparedFaction{props: sortedProps(map[string]any{
			"controller": tr.Faction, "faction": name, "area_km2": math.Round(tr.AreaKm2)})}
		for _, poly := range tr.Shape {
			b := poly.Bound()
			if b.Max[0]-b.Min[0] < tol && b.Max[1]-b.Min[1] < tol {
				continue // smaller than a pixel
			}
			sp := dp.Polygon(poly.Clone())
			if len(sp) == 0 || len(sp[0]) < 4 {
				continue
			}
			if pp, ok := toWorld(sp, z); ok {
				fp.polys = append(fp.polys, pp)
			}
		}
		out = append(out, fp)
	}
	v, _ := r.prepared.LoadOrStore(key, out)
	return v.([]preparedFaction), nil
}

// toWorld projects a lon/lat polygon to world units at zoom z, drops
// points that round onto their predecessor, and orients the rings as the
// format asks: exterior with positive area in y-down units, holes
// negative.
func toWorld(poly orb.Polygon, z int) (preparedPolygon, bool) {
	pp := preparedPolygon{box: [4]int64{math.MaxInt64, math.MaxInt64, math.MinInt64, math.MinInt64}}
	for i, ring := range poly {
		wr := make([][2]int64, 0, len(ring))
		for _, p := range ring {
			q := worldPoint(p, z)
			if len(wr) > 0 && wr[len(wr)-1] == q {
				continue
			}
			wr = append(wr, q)
		}
		if len(wr) > 0 && wr[0] != wr[len(wr)-1] {
			wr = append(wr, wr[0])
		}
		area := worldArea(wr)
		if len(wr) < 4 || area == 0 {
			if i == 0 {
				return pp, false
			}
			continue
		}
		if (i == 0) != (area > 0) {
			slices.Reverse(wr)
		}
		if i == 0 {
			for _, q := range wr {
				pp.box[0], pp.box[1] = min(pp.box[0], q[0]), min(pp.box[1], q[1])
				pp.box[2], pp.box[3] = max(pp.box[2], q[0]), max(pp.box[3], q[1])
			}
		}
		pp.rings = append(pp.rings, wr)
	}
	return pp, true
}

func worldPoint(p orb.Point, z int) [2]int64 {
	n := float64(uint(1)<<z) * extent
	lat := p[1] * math.Pi / 180
	return [2]int64{
		int64(math.Round((p[0] + 180) / 360 * n)),
		int64(math.Round((1 - math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi) / 2 * n)),
	}
}

func worldArea(r [][2]int64) int64 {
	var s int64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

// ringClipper clips closed rings to a box (Sutherland-Hodgman, one edge
// at a time), reusing its scratch space between rings.
type ringClipper struct {
	a, b [][2]int64
}

// clip returns ring clipped to box and moved to tile units (minus ox,
// oy), or nil when nothing with area is left.
func (c *ringClipper) clip(ring [][2]int64, box [4]int64, ox, oy int64) [][2]int32 {
	c.a = append(c.a[:0], ring[:len(ring)-1]...)
	inside := true
	for _, p := range c.a {
		if p[0] < box[0] || p[0] > box[2] || p[1] < box[1] || p[1] > box[3] {
			inside = false
			break
		}
	}
	if !inside {
		for edge := 0; edge < 4 && len(c.a) > 0; edge++ {
			c.b = c.b[:0]
			for i := range c.a {
				cur, prev := c.a[i], c.a[(i+len(c.a)-1)%len(c.a)]
				cin, pin := in(cur, box, edge), in(prev, box, edge)
				if cin != pin {
					c.b = append(c.b, cross(prev, cur, box, edge))
				}
				if cin {
					c.b = append(c.b, cur)
				}
			}
			c.a, c.b = c.b, c.a
		}
	}
	if len(c.a) < 3 {
		return nil
	}
	out := make([][2]int32, 0, len(c.a)+1)
	for _, p := range c.a {
		q := [2]int32{int32(p[0] - ox), int32(p[1] - oy)}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	var area int64
	for i := 0; i+1 < len(out); i++ {
		area += int64(out[i][0])*int64(out[i+1][1]) - int64(out[i+1][0])*int64(out[i][1])
	}
	if area == 0 {
		return nil
	}
	return out
}

// in reports whether p is on the inner side of the box's edge: 0 left,
// 1 top, 2 right, 3 bottom.
func in(p [2]int64, box [4]int64, edge int) bool {
	switch edge {
	case 0:
		return p[0] >= box[0]
	case 1:
		return p[1] >= box[1]
	case 2:
		return p[0] <= box[2]
	}
	return p[1] <= box[3]
}

// cross is where segment a-b meets the line of the box's edge.
func cross(a, b [2]int64, box [4]int64, edge int) [2]int64 {
	switch edge {
	case 0, 2:
		x := box[edge]
		f := float64(x-a[0]) / float64(b[0]-a[0])
		return [2]int64{x, a[1] + int64(math.Round(f*float64(b[1]-a[1])))}
	default:
		y := box[edge]
		f := float64(y-a[1]) / float64(b[1]-a[1])
		return [2]int64{a[0] + int64(math.Round(f*float64(b[0]-a[0]))), y}
	}
}

// tilePoint projects a lon/lat point to the tile's 4096-unit grid.
func tilePoint(p orb.Point, t maptile.Tile) [2]int32 {
	n := float64(uint(1) << t.Z)
	x := ((p[0]+180)/360*n - float64(t.X)) * extent
	lat := p[1] * math.Pi / 180
	y := ((1-math.Log(math.Tan(lat)+1/math.Cos(lat))/math.Pi)/2*n - float64(t.Y)) * extent
	return [2]int32{int32(math.Round(x)), int32(math.Round(y))}
}
