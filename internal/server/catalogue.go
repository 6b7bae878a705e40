package server

import (
	"sort"
	"strings"
	"time"

	"frontline/geo"
	"frontline/internal/export"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// collection is one collection of the OGC API: adding one to [catalogue]
// is all it takes to serve it, list it and declare it in the OpenAPI
// document.
type collection struct {
	id, title, description string
	// features lists the collection's features in v meeting the query's
	// time filter, in a stable order; the caller filters by bbox.
	features func(s *Server, v *view, when timeFilter) []ogcFeature
}

// catalogue lists the collections in the order the API shows them.
var catalogue = []collection{
	{"control", "Ground held by each faction",
		"Multipolygons per faction per keyframe interval, valid from valid_from until valid_to (null: still), split by the status " +
			"of the deciding reports (confirmed, claimed) and the basis of the ground (place: within the reach of a report's place; " +
			"area: inside an area polygon; kept: beyond every newer report's reach; none: its holder ceased to exist).",
		controlFeatures},
	{"events", "Control changes and claims",
		"A point per recorded change: confirmed, claimed or denied, with its sources.",
		eventFeatures},
	{"places", "Syrian places and who held them",
		"The settlements and points of interest the timeline follows, with their controller at the requested time (default: the end of the timeline).",
		placeFeatures},
}

func collectionIDs() []string {
	ids := make([]string, len(catalogue))
	for i, c := range catalogue {
		ids[i] = c.id
	}
	return ids
}

func findCollection(id string) (*collection, error) {
	for i := range catalogue {
		if catalogue[i].id == id {
			return &catalogue[i], nil
		}
	}
	return nil, geo.Errorf(geo.ENOTFOUND, "no collection %q; the collections are %s", id, strings.Join(collectionIDs(), ", "))
}

// ogcFeature is a feature of a collection, encoded only when a page
// holds it; a feature with a key is encoded once per snapshot and kept.
type ogcFeature struct {
	id    string
	bound orb.Bound
	key   string // cache key of the encoding in the view; "" for none
	build func() *geojson.Feature
}

func controlFeatures(s *Server, v *view, when timeFilter) []ogcFeature {
	var out []ogcFeature
	snap := v.snap
	for k, kf := range snap.Keyframes {
		until := snap.Until(k)
		if !when.overlaps(kf.At, until) {
			continue
		}
		for _, t := range snap.Territories[k] {
			id := export.ControlFeatureID(kf.At, t)
			key := "control/" + id
			out = append(out, ogcFeature{id: id, key: key, bound: v.feature(key, t.Shape.Bound).bound,
				build: func() *geojson.Feature { return export.ControlFeature(t, k, kf.At, until) }})
		}
	}
	return out
}

func eventFeatures(s *Server, v *view, when timeFilter) []ogcFeature {
	var out []ogcFeature
	for _, c := range v.snap.Changes {
		if c.At.Equal(geo.TimelineStart) || !when.overlaps(c.At, c.At.Add(time.Nanosecond)) {
			continue
		}
		pt, ok := changePoint(v, c)
		if !ok {
			continue
		}
		out = append(out, ogcFeature{id: c.ID, key: "events/" + c.ID, bound: pt.Bound(), build: func() *geojson.Feature {
			return eventFeature(c, pt)
		}})
	}
	return out
}

// changePoint is where a change is drawn: its place, or its area's centre.
func changePoint(v *view, c *geo.Change) (orb.Point, bool) {
	if c.Place == "" {
		return c.Shape.Bound().Center(), true
	}
	if p := v.snap.Place(c.Place); p != nil {
		return p.Point, true
	}
	return orb.Point{}, false
}

func placeFeatures(s *Server, v *view, when timeFilter) []ogcFeature {
	at := when.instant()
	seen := map[string]bool{}
	var out []ogcFeature
	for _, c := range v.snap.Changes {
		if c.Place == "" || seen[c.Place] || !c.At.Equal(geo.TimelineStart) {
			continue
		}
		seen[c.Place] = true
		p := v.snap.Place(c.Place)
		if p == nil {
			continue
		}
		out = append(out, ogcFeature{id: p.ID, bound: p.Point.Bound(), build: func() *geojson.Feature {
			return placeFeature(p, s.Geocoder.GovernorateName(p.Admin1), v.snap.Faction(p.Point, at), at)
		}})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// encodeFeature returns f's encoding, kept in v when f has a key.
func (v *view) encodeFeature(f ogcFeature) ([]byte, error) {
	if f.key == "" {
		return encodeGeoJSONFeature(f.build())
	}
	cf := v.feature(f.key, f.bound.Bound)
	cf.once.Do(func() { cf.raw, cf.err = encodeGeoJSONFeature(f.build()) })
	return cf.raw, cf.err
}
