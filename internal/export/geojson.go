package export

import (
	"encoding/json"
	"io"
	"math"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// ControlFeature is a piece of one faction's ground during a keyframe's
// interval, [from, until), as a GeoJSON feature: the shape of the OGC
// API's control items and of `frontline export geojson`. A faction's
// ground comes in pieces by how it is known: `status` (of the deciding
// reports) and `basis`. A zero until is written as null: still in force
// when the timeline ends. keyframe is the interval's position in its
// snapshot's timeline.
func ControlFeature(t geo.Territory, keyframe int, from, until time.Time) *geojson.Feature {
	f := geojson.NewFeature(RoundCoords(t.Shape))
	f.ID = ControlFeatureID(from, t)
	f.Properties["controller"] = t.Faction
	f.Properties["status"] = string(t.Status)
	f.Properties["basis"] = string(t.Basis)
	f.Properties["faction"] = t.Faction
	if fa := geo.FactionByID(t.Faction); fa != nil {
		f.Properties["faction"] = fa.Name
	}
	f.Properties["keyframe"] = keyframe
	f.Properties["valid_from"] = from.UTC().Format(time.RFC3339)
	f.Properties["valid_to"] = nil
	if !until.IsZero() {
		f.Properties["valid_to"] = until.UTC().Format(time.RFC3339)
	}
	// Rounded as /api/stats rounds, so the two agree.
	f.Properties["area_km2"] = math.Round(t.AreaKm2*10) / 10
	return f
}

// ControlFeatureID names a piece of ground in the interval starting at
// from: by instant, not by position, so that an import which adds a
// keyframe earlier does not give the id to other ground.
func ControlFeatureID(from time.Time, t geo.Territory) string {
	return from.UTC().Format("20060102T150405Z") + "-" + t.Faction + "-" + string(t.Status) + "-" + string(t.Basis)
}

// RoundCoords copies a geometry with coordinates to 5 decimals (about a
// metre): the boundaries ground is cut to are no finer (data/gen rounds
// them so), and more digits only bloat the answer.
func RoundCoords(g orb.Geometry) orb.Geometry {
	return orb.Round(orb.Clone(g), 1e5)
}

// WriteGeoJSON writes the ground of one keyframe as a FeatureCollection,
// a feature per faction, with the attribution the data's licences ask.
func WriteGeoJSON(w io.Writer, terr []geo.Territory, keyframe int, from, until time.Time, attribution string) error {
	fc := geojson.NewFeatureCollection()
	for _, t := range terr {
		fc.Append(ControlFeature(t, keyframe, from, until))
	}
	fc.ExtraMembers = geojson.Properties{"attribution": attribution}
	return json.NewEncoder(w).Encode(fc)
}
