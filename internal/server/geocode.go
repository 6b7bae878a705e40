package server

import (
	"math"
	"net/http"

	"frontline/geo"
	"frontline/internal/geocode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// geocode answers GET /api/geocode?q=TEXT&limit=N with a FeatureCollection
// of the places q may name, best first.
func (s *Server) geocode(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit", geocode.DefaultLimit)
	if err != nil {
		return err
	}
	ms, err := s.Geocoder.Geocode(q.Get("q"), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, "application/geo+json", MatchCollection(ms, s.Geocoder, s.Attribution))
}

// reverse answers GET /api/reverse?lon=&lat= with the nearest settlement
// and the governorate and country containing the point.
func (s *Server) reverse(w http.ResponseWriter, r *http.Request) error {
	p, err := pointParam(r.URL.Query())
	if err != nil {
		return err
	}
	loc, err := s.Geocoder.Reverse(p)
	if err != nil {
		return err
	}
	return writeJSON(w, "application/json", LocationJSON(loc, s.Geocoder, s.Attribution))
}

// MatchCollection is the wire form of geocoding matches: a GeoJSON
// FeatureCollection, one Point feature per match. The CLI prints the same.
func MatchCollection(ms []geo.Match, gc Geocoder, attribution string) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, m := range ms {
		f := PlaceFeature(m.Place, gc)
		f.Properties["score"] = math.Round(m.Score*1000) / 1000
		f.Properties["matched"] = m.Matched
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{"attribution": attribution}
	return fc
}

// PlaceFeature is the wire form of a place.
func PlaceFeature(p *geo.Place, gc Geocoder) *geojson.Feature {
	f := geojson.NewFeature(p.Point)
	f.ID = p.ID
	f.Properties = geojson.Properties{
		"id":         p.ID,
		"name":       p.Name,
		"kind":       string(p.Kind),
		"country":    p.Country,
		"admin1":     gc.GovernorateName(p.Admin1),
		"population": p.Population,
	}
	return f
}

// Location is the wire form of a reverse lookup.
type Location struct {
	Point       orb.Point        `json:"point"`
	Nearest     *geojson.Feature `json:"nearest"`
	Governorate *geojson.Feature `json:"governorate"`
	Country     *geojson.Feature `json:"country"`
	Attribution string           `json:"attribution"`
}

// LocationJSON shapes a reverse lookup for the wire.
func LocationJSON(loc geo.Location, gc Geocoder, attribution string) Location {
	out := Location{Point: loc.Point, Attribution: attribution}
	if loc.Nearest != nil {
		out.Nearest = PlaceFeature(loc.Nearest.Place, gc)
		out.Nearest.Properties["distance_km"] = math.Round(loc.Nearest.DistanceKm*100) / 100
	}
	if loc.Governorate != nil {
		out.Governorate = PlaceFeature(loc.Governorate, gc)
	}
	if loc.Country != nil {
		out.Country = PlaceFeature(loc.Country, gc)
	}
	return out
}
