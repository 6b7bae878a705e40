package server

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"

	"frontline/geo"
	"frontline/internal/export"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// collection is one collection of the OGC API: adding one to [catalogue]
// is all it takes to serve it, list it (in JSON and HTML) and declare it
// in the OpenAPI document.
type collection struct {
	id, title, description string
	// columns are the properties the HTML table shows, in its order.
	columns []string
	// features lists every feature of the collection in v, in a stable
	// order; a view makes the list once.
	features func(s *Server, v *view) []ogcFeature
	// keyframed: the features are keyframe intervals, so a datetime
	// selects whole keyframes and names them canonically.
	keyframed bool
	// atInstant: the features describe one instant (the controller then),
	// so the query must name at most one.
	atInstant bool
}

// catalogue lists the collections in the order the API shows them.
var catalogue = []collection{
	{id: "control", title: "Ground held by each faction",
		description: "Multipolygons per faction per keyframe interval, valid from valid_from until valid_to (null: still), split by the status " +
			"of the deciding reports (confirmed, claimed) and the basis of the ground (place: within the reach of a report's place; " +
			"area: inside an area polygon; kept: beyond every newer report's reach; none: its holder ceased to exist). " +
			"Without datetime the collection holds every keyframe's ground.",
		columns:  []string{"faction", "controller", "status", "basis", "valid_from", "valid_to", "keyframe", "area_km2"},
		features: controlFeatures, keyframed: true},
	{id: "events", title: "Control changes and claims",
		description: "A point per recorded change: confirmed, claimed or denied, with its sources.",
		columns:     []string{"at", "name", "controller", "status", "precision", "place", "area", "summary", "sources"},
		features:    eventFeatures},
	{id: "places", title: "Syrian places and who held them",
		description: "The settlements and points of interest the timeline follows, with their controller at the requested time (default: the end of the timeline).",
		columns:     []string{"name", "kind", "country", "admin1", "population", "controller", "faction", "at"},
		features:    placeFeatures, atInstant: true},
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
// holds it.
type ogcFeature struct {
	id    string
	bound orb.Bound
	// from, until is the validity, [from, until); a zero until is open,
	// and both zero is always.
	from, until time.Time
	build       func(at time.Time) *geojson.Feature
	// kept holds the encoding when it does not depend on the instant:
	// made once per view.
	kept *keptEncoding
}

// keptEncoding is a feature's encoding, made on first use.
type keptEncoding struct {
	once sync.Once
	raw  json.RawMessage
	err  error
}

// encode returns f's encoding for instant at.
func (f *ogcFeature) encode(at time.Time) (json.RawMessage, error) {
	if f.kept == nil {
		return encodeGeoJSONFeature(f.build(at))
	}
	f.kept.once.Do(func() { f.kept.raw, f.kept.err = encodeGeoJSONFeature(f.build(at)) })
	return f.kept.raw, f.kept.err
}

func controlFeatures(s *Server, v *view) []ogcFeature {
	var out []ogcFeature
	snap := v.snap
	for k, kf := range snap.Keyframes {
		until := snap.Until(k)
		for _, t := range snap.Territories[k] {
			out = append(out, ogcFeature{id: export.ControlFeatureID(kf.At, t), bound: t.Shape.Bound(), from: kf.At, until: until,
				kept:  &keptEncoding{},
				build: func(time.Time) *geojson.Feature { return export.ControlFeature(t, k, kf.At, until) }})
		}
	}
	return out
}

func eventFeatures(s *Server, v *view) []ogcFeature {
	var out []ogcFeature
	for _, c := range v.snap.Changes {
		if c.At.Equal(geo.TimelineStart) {
			continue
		}
		pt, ok := changePoint(v, c)
		if !ok {
			continue
		}
		out = append(out, ogcFeature{id: c.ID, bound: pt.Bound(), from: c.At, until: c.At.Add(time.Nanosecond), kept: &keptEncoding{},
			build: func(time.Time) *geojson.Feature { return eventFeature(c, pt) }})
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

// placeFeatures are always valid; their controller is the instant's.
func placeFeatures(s *Server, v *view) []ogcFeature {
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
		out = append(out, ogcFeature{id: p.ID, bound: p.Point.Bound(), build: func(at time.Time) *geojson.Feature {
			return placeFeature(p, s.Geocoder.GovernorateName(p.Admin1), v.snap.Faction(p.Point, at), at)
		}})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// canonicalTimes returns the datetime values an answer's links write
// for when: for a keyframed collection the keyframes it selects (the
// first one's instant, or first/last), so that every instant inside one
// keyframe's interval names the same answer; otherwise the values in
// canonical form.
func (c *collection) canonicalTimes(v *view, when timeFilters) []string {
	if len(when) == 0 {
		return nil
	}
	if c.keyframed {
		// Each value selects a run of keyframes, so all of them together
		// select one run too.
		kfs := v.snap.Keyframes
		first, last := -1, -1
		for k := range kfs {
			if when.meets(kfs[k].At, v.snap.Until(k)) {
				if first < 0 {
					first = k
				}
				last = k
			}
		}
		switch {
		case first < 0:
		case first == last:
			return []string{formatInstant(kfs[first].At)}
		default:
			return []string{formatInstant(kfs[first].At) + "/" + formatInstant(kfs[last].At)}
		}
	}
	return when.canonical()
}

// matching lists the features of cv meeting the query's time and bboxes.
func (cv *collectionView) matching(q ogcQuery) []*ogcFeature {
	out := make([]*ogcFeature, 0, len(cv.features))
	for i := range cv.features {
		f := &cv.features[i]
		if q.when.meets(f.from, f.until) && meetsBBoxes(q.bboxes, f.bound) {
			out = append(out, f)
		}
	}
	return out
}
