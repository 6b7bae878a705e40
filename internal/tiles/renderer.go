// Package tiles draws frontline's keyframes as map tiles: vector tiles
// (Mapbox Vector Tiles: the control polygons, the change events and the
// settlements) and raster tiles (256 px PNG: the control polygons in the
// faction colours). Tiles are numbered as orb's maptile numbers them, in
// Web Mercator; writing tiles to files is for package export.
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
	{"control", map[string]string{"controller": "faction id", "faction": "faction name", "area_km2": "Number",
		"status": "confirmed or claimed", "basis": "place, area, kept or none"}},
	{"events", map[string]string{"id": "change id", "place": "gazetteer id", "name": "String", "controller": "faction after the change",
		"status": "confirmed, claimed or denied", "at": "RFC 3339", "current": "Boolean: took effect at this keyframe"}},
	{"places", map[string]string{"id": "gazetteer id", "name": "String", "kind": "String", "controller": "faction id"}},
}

// Renderer draws tiles of the keyframes. It keeps what it derives from a
// keyframe, whose ground never changes, so its fields must not change
// once it has drawn. Its methods bear concurrent calls when its
// functions do.
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

// tileBuffer is how far, in tile units, polygons are drawn beyond each
// tile edge, so that neighbouring tiles' edges join cleanly.
const tileBuffer = Extent / 16

// MVT renders one tile at a keyframe; nil when the tile is empty.
func (r *Renderer) MVT(t maptile.Tile, keyframe int) ([]byte, error) {
	// Points are drawn up to 1/16 of the tile's width in degrees beyond
	// its edges, latitude too: about as far as polygons (tileBuffer).
	bound := t.Bound()
	padded := bound.Pad((bound.Max[0] - bound.Min[0]) / 16)

	prep, err := r.prepare(keyframe, int(t.Z))
	if err != nil {
		return nil, err
	}
	var geom []uint32
	control := newLayer("control")
	o := tileOrigin(t)
	box := [4]int64{o[0] - tileBuffer, o[1] - tileBuffer, o[0] + Extent + tileBuffer, o[1] + Extent + tileBuffer}
	var clipper ringClipper
	var shape [][][][2]int32
	for _, fp := range prep {
		shape = fp.clip(shape[:0], &clipper, box, o)
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
	return appendLayers(nil, control, events, places), nil
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

// keyframePoints are the point features of one keyframe.
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

// preparedPolygon is a polygon in world units of its zoom (Extent per
// tile, y down), oriented for the format, with its exterior's box.
type preparedPolygon struct {
	box   [4]int64 // min x, min y, max x, max y: the exterior's
	rings [][][2]int64
	boxes [][4]int64 // per ring, so that a tile skips the holes it does not meet
}

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
		props := map[string]any{"controller": tr.Faction, "faction": name, "area_km2": math.Round(tr.AreaKm2)}
		if tr.Status != "" {
			props["status"] = string(tr.Status)
		}
		if tr.Basis != "" {
			props["basis"] = string(tr.Basis)
		}
		fp := preparedFaction{props: sortedProps(props)}
		for _, poly := range tr.Shape {
			b := poly.Bound()
			if b.Max[0]-b.Min[0] < tol && b.Max[1]-b.Min[1] < tol {
				continue // smaller than a pixel
			}
			sp := dp.Polygon(poly.Clone())
			if len(sp) == 0 || len(sp[0]) < 4 {
				continue
			}
			if pp, ok := toWorld(sp, maptile.Zoom(z)); ok {
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
func toWorld(poly orb.Polygon, z maptile.Zoom) (preparedPolygon, bool) {
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
		area := ringArea(wr)
		if len(wr) < 4 || area == 0 {
			if i == 0 {
				return pp, false
			}
			continue
		}
		if (i == 0) != (area > 0) {
			slices.Reverse(wr)
		}
		rb := [4]int64{math.MaxInt64, math.MaxInt64, math.MinInt64, math.MinInt64}
		for _, q := range wr {
			rb[0], rb[1] = min(rb[0], q[0]), min(rb[1], q[1])
			rb[2], rb[3] = max(rb[2], q[0]), max(rb[3], q[1])
		}
		if i == 0 {
			pp.box = rb
		}
		pp.rings = append(pp.rings, wr)
		pp.boxes = append(pp.boxes, rb)
	}
	return pp, true
}

// clip appends to shape the faction's polygons that meet box, clipped to
// it and in the units of the tile at origin o; a polygon whose exterior
// is clipped away goes with its holes.
func (fp *preparedFaction) clip(shape [][][][2]int32, c *ringClipper, box [4]int64, o [2]int64) [][][][2]int32 {
	for _, pp := range fp.polys {
		if pp.box[0] > box[2] || pp.box[2] < box[0] || pp.box[1] > box[3] || pp.box[3] < box[1] {
			continue
		}
		var poly [][][2]int32
		for i, ring := range pp.rings {
			if rb := pp.boxes[i]; i > 0 && (rb[0] > box[2] || rb[2] < box[0] || rb[1] > box[3] || rb[3] < box[1]) {
				continue // a hole wholly off the tile cuts nothing from it
			}
			r := c.clip(ring, pp.boxes[i], box, o)
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
	return shape
}
