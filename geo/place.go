package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Kind says what sort of thing a place is. Populated places are graded by
// size; the rest are the features news reports name.
type Kind string

// Kinds of place in the gazetteer.
const (
	City           Kind = "city"
	Town           Kind = "town"
	Village        Kind = "village"
	Neighbourhood  Kind = "neighbourhood"
	Prison         Kind = "prison"
	Airport        Kind = "airport"
	AirBase        Kind = "air_base"
	MilitaryBase   Kind = "military_base"
	BorderCrossing Kind = "border_crossing"
	Dam            Kind = "dam"
	Governorate    Kind = "governorate"
	BufferZone     Kind = "buffer_zone"
	Region         Kind = "region"
	Country        Kind = "country"
)

// Populated reports whether the kind is a settlement, the only kinds that
// can decide who controls the land around them.
func (k Kind) Populated() bool {
	switch k {
	case City, Town, Village, Neighbourhood:
		return true
	}
	return false
}

// ReachKm is how far around it a change of who holds the place moves
// ground, unless the change gives its own: a city's suburbs go with it, a
// village's fields with the village, a base or crossing only its
// perimeter. Cities grow with population (Aleppo about 17 km, Hama 15).
func (p *Place) ReachKm() float64 {
	switch p.Kind {
	case City:
		return max(15, 0.012*math.Sqrt(float64(p.Population)))
	case Town:
		return 10
	case Village:
		return 6
	case Neighbourhood:
		return 2
	case Region:
		return 20
	}
	return 3 // prisons, airports, bases, crossings, dams
}

// Place is one entry of the gazetteer.
type Place struct {
	ID         string // "gn:170063" (GeoNames), "ne:SY.09" (Natural Earth), "fl:sednaya-prison" (ours)
	Name       string // primary name, with its diacritics
	Kind       Kind
	Feature    string // GeoNames feature code (PPLA, PPL, ...) or ADM1, empty for ours
	Country    string // ISO 3166-1 alpha-2
	Admin1     string // governorate code such as "SY.09", empty when unknown
	Point      orb.Point
	Population int
	Names      []string // other names: GeoNames alternates, aliases, Arabic
	Anchor     string   // for a feature such as a prison, the settlement it is named after
	Source     string   // where a hand-written entry's facts come from
}

// Match is a place found for a query.
type Match struct {
	Place   *Place
	Score   float64 // 0..1, higher is better
	Matched string  // the name that matched the query
}

// Nearby is a place and its distance from a point.
type Nearby struct {
	Place      *Place
	DistanceKm float64
}

// Location answers a reverse lookup: what is at or near a point.
type Location struct {
	Point       orb.Point
	Nearest     *Nearby // nearest populated place, nil when none is known
	Governorate *Place  // Syrian governorate containing the point, nil outside
	Country     *Place  // country outline containing the point, nil when none
}
