package geocode

import (
	"math"

	"frontline/geo"

	"github.com/paulmach/orb"
)

// Reverse tells what is at p: the nearest settlement, and the governorate
// and country whose outlines contain it. Returns EINVALID for coordinates
// off the globe.
func (ix *Index) Reverse(p orb.Point) (geo.Location, error) {
	if math.IsNaN(p.Lon()) || math.IsNaN(p.Lat()) || p.Lon() < -180 || p.Lon() > 180 || p.Lat() < -90 || p.Lat() > 90 {
		return geo.Location{}, geo.Errorf(geo.EINVALID, "lon must be within -180..180 and lat within -90..90")
	}
	loc := geo.Location{Point: p, Governorate: ix.g.GovernorateAt(p), Country: ix.g.CountryAt(p)}
	// An equirectangular scan finds the nearest of a few thousand places in
	// microseconds; the distance reported is the great-circle one.
	kx := math.Cos(p.Lat() * math.Pi / 180)
	best, bestD := int32(-1), math.Inf(1)
	for _, i := range ix.settled {
		q := ix.g.Places[i].Point
		dlon := q.Lon() - p.Lon()
		if dlon > 180 {
			dlon -= 360
		} else if dlon < -180 {
			dlon += 360
		}
		dx, dy := dlon*kx, q.Lat()-p.Lat()
		if d := dx*dx + dy*dy; d < bestD {
			best, bestD = i, d
		}
	}
	if best >= 0 {
		near := ix.g.Places[best]
		loc.Nearest = &geo.Nearby{Place: near, DistanceKm: distanceKm(p, near.Point)}
	}
	return loc, nil
}
