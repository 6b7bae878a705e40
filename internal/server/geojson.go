package server

import (
	"encoding/json"
	"time"

	"frontline/geo"
	"frontline/internal/export"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// GeoJSON shaping of the domain: wire types are made here, not in geo.

// eventFeature is a change as a point feature of the events collection.
func eventFeature(c *geo.Change, pt orb.Point) *geojson.Feature {
	f := geojson.NewFeature(pt)
	f.ID = c.ID
	f.Properties["place"] = c.Place
	f.Properties["area"] = c.Area
	f.Properties["name"] = c.Name
	f.Properties["controller"] = c.Faction
	f.Properties["at"] = c.At.Format(time.RFC3339)
	f.Properties["precision"] = string(c.Precision)
	f.Properties["status"] = string(c.Status)
	f.Properties["summary"] = c.Summary
	f.Properties["sources"] = sourcesJSON(c.Sources)
	return f
}

// placeFeature is a place with its controller at an instant.
func placeFeature(p *geo.Place, admin1, controller string, at time.Time) *geojson.Feature {
	f := geojson.NewFeature(p.Point)
	f.ID = p.ID
	f.Properties["name"] = p.Name
	f.Properties["kind"] = string(p.Kind)
	f.Properties["country"] = p.Country
	f.Properties["admin1"] = admin1
	f.Properties["population"] = p.Population
	f.Properties["controller"] = controller
	if fa := geo.FactionByID(controller); fa != nil {
		f.Properties["faction"] = fa.Name
	}
	f.Properties["at"] = at.Format(time.RFC3339)
	return f
}

// sourcesJSON never writes null: a change without sources is invalid,
// but clients should not have to guard against it.
func sourcesJSON(ss []geo.Source) []geo.Source {
	if ss == nil {
		return []geo.Source{}
	}
	return ss
}

// encodeGeoJSONFeature writes coordinates as [export.RoundCoords] does.
func encodeGeoJSONFeature(f *geojson.Feature) (json.RawMessage, error) {
	f.Geometry = export.RoundCoords(f.Geometry)
	return json.Marshal(f)
}
