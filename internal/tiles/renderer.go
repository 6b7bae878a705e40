// Package tiles draws frontline's keyframes as map tiles: vector tiles
// (Mapbox Vector Tiles: the control polygons, the change events and the
// settlements) and raster tiles (256 px PNG: the control polygons in the
// faction colours). Tiles are numbered as orb's maptile numbers them, in
// Web Mercator; writing tiles to files is for package export.
package tiles

import (
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Zoom range served.
const (
	MinZoom = 0
	MaxZoom = 14
)

// Layer describes one layer of the vector tiles for TileJSON and the
// MBTiles metadata: the type of each field as MBTiles 1.3 names them
// ("String", "Number" or "Boolean"), and in words what the fields and the
// feature ids mean.
type Layer struct {
	ID          string
	Fields      map[string]string
	Description string
}

// Layers are the vector tiles' layers, in the order tiles hold them.
var Layers = []Layer{
	{"control", map[string]string{"controller": "String", "faction": "String", "area_km2": "Number", "status": "String", "basis": "String"},
		"Each faction's ground at the keyframe, one feature per faction, status and basis. controller: the faction's id; " +
			"faction: its name; area_km2: the ground's area in km², whole; status: confirmed or claimed, as the changes that " +
			"decided the ground stand; basis: how the ground is known: place (within reach of a place whose control changed), " +
			"area (inside an area change's outline), kept (as an earlier state left it, beyond newer reports) or none (its " +
			"controller ceased to exist). The feature id names faction, status and basis, the same in every tile and keyframe."},
	{"events", map[string]string{"id": "String", "place": "String", "name": "String", "controller": "String", "status": "String",
		"at": "String", "current": "Boolean"},
		"The changes of control up to the keyframe, at their places. id: the change's id; place: the place's gazetteer id; " +
			"name: the place's name; controller: the faction holding it after the change; status: confirmed, claimed or denied; " +
			"at: the change's instant, RFC 3339 in UTC; current: whether the change took effect at this keyframe. The feature id " +
			"is derived from the change's id, the same in every tile and keyframe."},
	{"places", map[string]string{"id": "String", "name": "String", "kind": "String", "controller": "String"},
		"Settlements, thinned at low zoom (cities from z5, towns from z8, all from z10). id: the gazetteer id; name: the " +
			"place's name; kind: city, town, village...; controller: the faction holding its point at the keyframe, empty when " +
			"none. The feature id is the GeoNames id for gn: places, else derived from the gazetteer id."},
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
//
// # Feature ids
//
// Every feature has an id (MVT's Feature.id), unique within its layer of
// a tile and the same for the same feature in every tile, so that
// clients can key feature state by it: a control feature's id names its
// faction, status and basis (see controlID), the same at every keyframe;
// an event's derives from its change's id, a place's is its GeoNames
// number for a gn: place, otherwise derived from its gazetteer id. Ids
// stay below 2^53, exact in JavaScript.
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
	var clipper ringClipper
	clipper.setBox([4]int64{o[0] - tileBuffer, o[1] - tileBuffer, o[0] + Extent + tileBuffer, o[1] + Extent + tileBuffer}, o)
	var shape [][][][2]int32
	for i := range prep {
		shape = prep[i].clip(shape[:0], &clipper)
		if len(shape) == 0 {
			continue
		}
		geom = polygonGeometry(geom, shape)
		control.add(prep[i].id, geomPolygon, geom, prep[i].props)
	}

	pts := r.points(keyframe)
	events := newLayer("events")
	for _, e := range pts.events {
		if padded.Contains(e.pt) {
			geom = pointGeometry(geom, tilePoint(e.pt, t))
			events.add(e.id, geomPoint, geom, e.props)
		}
	}
	places := newLayer("places")
	for _, p := range pts.places {
		if padded.Contains(p.pt) && shownAt(p.kind, int(t.Z)) {
			geom = pointGeometry(geom, tilePoint(p.pt, t))
			places.add(p.id, geomPoint, geom, p.props)
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

// pointFeature is a point with its id and properties, shared by every
// tile that shows it: the encoder only reads them.
type pointFeature struct {
	pt    orb.Point
	kind  geo.Kind
	id    uint64
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
	eventIDs, placeIDs := map[uint64]bool{}, map[uint64]bool{}
	for _, c := range r.Changes {
		if c.Place == "" {
			continue
		}
		p := r.Places(c.Place)
		if p == nil {
			continue
		}
		// Properties in key order, as the encoder writes them.
		if c.At.Equal(geo.TimelineStart) && !seen[c.Place] {
			seen[c.Place] = true
			kp.places = append(kp.places, pointFeature{pt: p.Point, kind: p.Kind, id: uniqueID(placeID(p.ID), placeIDs),
				props: []property{{"controller", r.ControllerAt(p.Point, keyframe)}, {"id", p.ID}, {"kind", string(p.Kind)}, {"name", p.Name}}})
		}
		if c.At.After(geo.TimelineStart) && !c.At.After(kf.At) {
			kp.events = append(kp.events, pointFeature{pt: p.Point, kind: p.Kind, id: uniqueID(hashID(c.ID), eventIDs),
				props: []property{{"at", c.At.Format("2006-01-02T15:04:05Z")}, {"controller", c.Faction}, {"current", !c.At.Before(kf.At)},
					{"id", c.ID}, {"name", c.Name}, {"place", c.Place}, {"status", string(c.Status)}}})
		}
	}
	v, _ := r.pointSets.LoadOrStore(keyframe, kp)
	return v.(*keyframePoints)
}

// maxID bounds feature ids: JavaScript numbers hold integers exactly
// below 2^53.
const maxID = 1<<53 - 1

// hashID derives an id from a string (FNV-1a), with bit 52 set so that it
// never equals a GeoNames number.
func hashID(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()&(1<<52-1) | 1<<52
}

// placeID is a place's feature id: its GeoNames number for gn:N,
// otherwise derived from its id.
func placeID(id string) uint64 {
	if n, ok := strings.CutPrefix(id, "gn:"); ok {
		if v, err := strconv.ParseUint(n, 10, 52); err == nil && v > 0 {
			return v
		}
	}
	return hashID(id)
}

// uniqueID returns id, or the next id not in used should two features
// share it (a hash collision), and marks it used. Features are offered in
// the same order for every tile of a keyframe, so each keeps its id in
// all of them.
func uniqueID(id uint64, used map[uint64]bool) uint64 {
	for used[id] {
		id = id%maxID + 1
	}
	used[id] = true
	return id
}

// controlID is a control feature's id: 1 + 40·faction + 8·status + basis,
// each by its place in geo.Factions, (none, confirmed, claimed, denied)
// and (none given, geo.Bases...), so the same ground gets the same id at
// every keyframe. Values outside the lists take a spare slot.
func controlID(faction string, status geo.Status, basis geo.Basis) uint64 {
	f := slices.IndexFunc(geo.Factions, func(fa geo.Faction) bool { return fa.ID == faction })
	s := slices.Index([]geo.Status{"", geo.Confirmed, geo.Claimed, geo.Denied}, status)
	b := slices.Index(append([]geo.Basis{""}, geo.Bases...), basis)
	if f < 0 {
		f = len(geo.Factions)
	}
	if s < 0 {
		s = 4
	}
	if b < 0 {
		b = 7
	}
	return uint64(1 + 40*f + 8*s + b)
}

// preparedFaction is a faction's ground at a keyframe, simplified for one
// zoom, polygon by polygon with their bounds so a tile clips only what it
// meets.
type preparedFaction struct {
	id    uint64
	props []property
	polys []preparedPolygon
	// crowded are edges with a vertex within half a unit: a tile that
	// cuts one checks what it makes (see preparedFaction.clip).
	crowded [][2][2]int64
}

// preparedPolygon is a valid polygon in world units of its zoom (Extent
// per tile, y down), oriented for the format, with its exterior's box.
type preparedPolygon struct {
	box   [4]int64 // min x, min y, max x, max y: the exterior's
	rings [][][2]int64
	boxes [][4]int64 // per ring, so that a tile skips the holes it does not meet
	// touching: some of its rings touch at a point, where clipping may
	// join them into one ring that the clipper must split again.
	touching bool
}

// shapers keep simplifying's scratch space between keyframes and zooms.
var shapers = sync.Pool{New: func() any { return new(shaper) }}

// prepare returns the keyframe's territories simplified for zoom z, each
// faction's a valid multipolygon, computed once and kept: a keyframe's
// ground never changes.
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
	s := shapers.Get().(*shaper)
	defer shapers.Put(s)
	ids := map[uint64]bool{}
	out := make([]preparedFaction, 0, len(terr))
	for _, tr := range terr {
		name := ""
		if fa := geo.FactionByID(tr.Faction); fa != nil {
			name = fa.Name
		}
		// In key order, as the encoder writes them.
		props := []property{{"area_km2", math.Round(tr.AreaKm2)}}
		if tr.Basis != "" {
			props = append(props, property{"basis", string(tr.Basis)})
		}
		props = append(props, property{"controller", tr.Faction}, property{"faction", name})
		if tr.Status != "" {
			props = append(props, property{"status", string(tr.Status)})
		}
		polys, crowded := s.shape(tr.Shape, tol, maptile.Zoom(z))
		out = append(out, preparedFaction{
			id:      uniqueID(controlID(tr.Faction, tr.Status, tr.Basis), ids),
			props:   props,
			polys:   polys,
			crowded: crowded,
		})
	}
	v, _ := r.prepared.LoadOrStore(key, out)
	return v.([]preparedFaction), nil
}
