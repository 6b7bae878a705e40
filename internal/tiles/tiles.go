// Package tiles renders the timeline as Mapbox Vector Tiles: the control
// polygons, the change events and the settlements of one keyframe.
package tiles

import (
	"math"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
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
}

// MVT renders one tile at a keyframe; nil when the tile is empty.
func (r *Renderer) MVT(t maptile.Tile, keyframe int) ([]byte, error) {
	bound := t.Bound()
	// A buffer of 1/16 of a tile keeps polygon edges off the tile's edge.
	buf := (bound.Max[0] - bound.Min[0]) / 16
	padded := bound.Pad(buf)

	control := geojson.NewFeatureCollection()
	terr, err := r.Territories(keyframe)
	if err != nil {
		return nil, err
	}
	for _, tr := range terr {
		if !tr.Shape.Bound().Intersects(padded) {
			continue
		}
		shape := clip.MultiPolygon(padded, tr.Shape.Clone())
		if len(shape) == 0 {
			continue
		}
		f := geojson.NewFeature(shape)
		f.Properties["controller"] = tr.Faction
		if fa := geo.FactionByID(tr.Faction); fa != nil {
			f.Properties["faction"] = fa.Name
		}
		f.Properties["area_km2"] = math.Round(tr.AreaKm2)
		control.Append(f)
	}

	kf := r.Keyframes[keyframe]
	events := geojson.NewFeatureCollection()
	for _, c := range r.Changes {
		if c.Place == "" || !c.At.After(geo.TimelineStart) || c.At.After(kf.At) {
			continue
		}
		p := r.Places(c.Place)
		if p == nil || !padded.Contains(p.Point) {
			continue
		}
		f := geojson.NewFeature(p.Point)
		f.Properties["id"] = c.ID
		f.Properties["place"] = c.Place
		f.Properties["name"] = c.Name
		f.Properties["controller"] = c.Faction
		f.Properties["status"] = string(c.Status)
		f.Properties["at"] = c.At.Format("2006-01-02T15:04:05Z")
		f.Properties["current"] = !c.At.Before(kf.At)
		events.Append(f)
	}

	places := geojson.NewFeatureCollection()
	seen := map[string]bool{}
	for _, c := range r.Changes {
		if c.Place == "" || seen[c.Place] || !c.At.Equal(geo.TimelineStart) {
			continue
		}
		seen[c.Place] = true
		p := r.Places(c.Place)
		if p == nil || !padded.Contains(p.Point) || !shownAt(p, int(t.Z)) {
			continue
		}
		f := geojson.NewFeature(p.Point)
		f.Properties["id"] = p.ID
		f.Properties["name"] = p.Name
		f.Properties["kind"] = string(p.Kind)
		f.Properties["controller"] = r.ControllerAt(p.Point, keyframe)
		places.Append(f)
	}

	layers := mvt.Layers{mvt.NewLayer("control", control), mvt.NewLayer("events", events), mvt.NewLayer("places", places)}
	for _, l := range layers {
		l.Version = 2
		l.Extent = mvt.DefaultExtent
	}
	layers.ProjectToTile(t)
	layers.Clip(mvt.MapboxGLDefaultExtentBound)
	// Simplify by about a pixel of a 256 px tile: 16 of 4096 units.
	layers.Simplify(simplify.DouglasPeucker(8))
	layers.RemoveEmpty(4, 16)
	empty := true
	for _, l := range layers {
		if len(l.Features) > 0 {
			empty = false
		}
	}
	if empty {
		return nil, nil
	}
	return mvt.Marshal(layers)
}

// shownAt thins settlements at low zoom: cities from z5, towns from z8,
// everything from z10.
func shownAt(p *geo.Place, z int) bool {
	switch {
	case z >= 10:
		return true
	case z >= 8:
		return p.Kind == geo.City || p.Kind == geo.Town
	case z >= 5:
		return p.Kind == geo.City
	}
	return false
}
