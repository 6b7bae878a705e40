package territory_test

import (
	"math"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/territory"

	"github.com/paulmach/orb"
)

// A hand-made world: a city in the west, a village far in the east, a
// zone with a garrison in the south-east, desert between.
func handMade(t *testing.T, extra ...*geo.Change) *territory.Model {
	t.Helper()
	places := map[string]*geo.Place{
		"city":     {ID: "city", Name: "City", Kind: geo.City, Population: 500000, Point: orb.Point{37.5, 35.0}},
		"village":  {ID: "village", Name: "Village", Kind: geo.Village, Point: orb.Point{39.4, 35.0}},
		"garrison": {ID: "garrison", Name: "Garrison", Kind: geo.MilitaryBase, Point: orb.Point{39.2, 34.3}},
		"crossing": {ID: "crossing", Name: "Crossing", Kind: geo.BorderCrossing, Point: orb.Point{39.45, 35.6}},
	}
	src := []geo.Source{{Outlet: "test", Quote: "made up"}}
	change := func(id, place, faction string, at time.Time, status geo.Status) *geo.Change {
		return &geo.Change{ID: id, Place: place, Faction: faction, At: at, Precision: geo.Hour, Status: status, Sources: src}
	}
	zone := orb.MultiPolygon{{{{39.0, 34.1}, {39.4, 34.1}, {39.4, 34.5}, {39.0, 34.5}, {39.0, 34.1}}}}
	changes := []*geo.Change{
		change("b-city", "city", geo.Government, geo.TimelineStart, geo.Confirmed),
		change("b-village", "village", geo.Government, geo.TimelineStart, geo.Confirmed),
		change("b-garrison", "garrison", geo.Coalition, geo.TimelineStart, geo.Confirmed),
		change("b-crossing", "crossing", geo.Government, geo.TimelineStart, geo.Confirmed),
		{ID: "b-zone", Area: "zone", Shape: zone, Faction: geo.Coalition, At: geo.TimelineStart, Precision: geo.Day,
			Status: geo.Confirmed, Sources: src},
		change("city-falls", "city", geo.HTS, day(1, 0), geo.Claimed),
	}
	changes = append(changes, extra...)
	outline := orb.MultiPolygon{{{{37, 34}, {39.5, 34}, {39.5, 36}, {37, 36}, {37, 34}}}}
	m, err := territory.Build(outline, changes, func(id string) *geo.Place { return places[id] })
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReachRule(t *testing.T) {
	src := []geo.Source{{Outlet: "test", Quote: "made up"}}
	wide := &geo.Change{ID: "village-wide", Place: "village", Faction: geo.SDF, At: day(3, 0), Precision: geo.Hour,
		Status: geo.Confirmed, RadiusKm: 30, Sources: src}
	empty := &geo.Change{ID: "crossing-empty", Place: "crossing", Faction: geo.None, At: day(8, 6), Precision: geo.Day,
		Status: geo.Confirmed, Sources: src}
	m := handMade(t, wide, empty)
	cases := []struct {
		name    string
		p       orb.Point
		at      time.Time
		faction string
		basis   geo.Basis
	}{
		{"the city on the baseline", orb.Point{37.5, 35.0}, day(26, 12), geo.Government, geo.BasisPlace},
		{"the city's suburbs, 9 km out, go with it", orb.Point{37.6, 35.0}, day(1, 12), geo.HTS, geo.BasisPlace},
		{"far desert 60 km from the city was the city's on the baseline", orb.Point{38.16, 35.0}, day(26, 12), geo.Government, geo.BasisKept},
		{"far desert is not taken by the city's fall 60 km away", orb.Point{38.16, 35.0}, day(2, 0), geo.Government, geo.BasisKept},
		{"far desert is no one's once its holder is gone", orb.Point{38.16, 35.0}, day(9, 0), geo.None, geo.BasisNone},
		{"a change with its own radius reaches 25 km", orb.Point{39.12, 35.0}, day(4, 0), geo.SDF, geo.BasisPlace},
		{"but not 40 km", orb.Point{38.96, 35.0}, day(4, 0), geo.Government, geo.BasisKept},
		{"inside the zone", orb.Point{39.1, 34.2}, day(26, 12), geo.Coalition, geo.BasisArea},
		{"the garrison decides nothing outside its zone", orb.Point{39.2, 34.7}, day(26, 12), geo.Government, ""},
		{"a crossing left empty", orb.Point{39.45, 35.6}, day(9, 0), geo.None, geo.BasisPlace},
		{"the city's ground after the government's end stays the city's captor's", orb.Point{37.55, 35.0}, day(9, 0), geo.HTS, geo.BasisPlace},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := m.Control(tc.p, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if c.Faction != tc.faction || tc.basis != "" && c.Basis != tc.basis {
				t.Errorf("%s (%s), want %s (%s)", c.Faction, c.Basis, tc.faction, tc.basis)
			}
			if got := m.Faction(tc.p, tc.at); got != c.Faction {
				t.Errorf("Faction says %s, Control %s", got, c.Faction)
			}
		})
	}
	// A point just outside the outline is answered as the nearest ground,
	// saying so; farther out it is not.
	if c, err := m.Control(orb.Point{36.985, 35.0}, day(26, 12)); err != nil || c.SnappedKm < 1 || c.SnappedKm > 1.6 || c.Faction != geo.Government {
		t.Errorf("1.4 km outside: %s snapped %.2f km, %v", c.Faction, c.SnappedKm, err)
	}
	if m.Faction(orb.Point{36.985, 35.0}, day(26, 12)) != geo.Government {
		t.Errorf("Faction does not snap")
	}
	if c, _ := m.Control(orb.Point{37.2, 35.0}, day(26, 12)); c.SnappedKm != 0 {
		t.Errorf("a point inside snapped %.2f km", c.SnappedKm)
	}
	if _, err := m.Control(orb.Point{36.95, 35.0}, day(26, 12)); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("4.6 km outside: %v, want ENOTFOUND", err)
	}
	// Claimed ground says so; confirmed ground too.
	if c, _ := m.Control(orb.Point{37.5, 35.0}, day(2, 0)); c.Change.Status != geo.Claimed {
		t.Errorf("the city's claimed fall answers %s", c.Change.Status)
	}
	// Every keyframe's ground is split by faction, status and basis, and
	// sums to the outline.
	terr, err := m.Territories()
	if err != nil {
		t.Fatal(err)
	}
	for k, ts := range terr {
		var sum float64
		seen := map[[3]string]bool{}
		for _, tr := range ts {
			sum += tr.AreaKm2
			key := [3]string{tr.Faction, string(tr.Status), string(tr.Basis)}
			if seen[key] {
				t.Errorf("keyframe %d: %v twice", k, key)
			}
			seen[key] = true
			if err := territory.Valid(tr.Shape); err != nil {
				t.Errorf("keyframe %d %v: %v", k, key, err)
			}
		}
		if k > 0 && math.Abs(sum-areaSum(terr[0])) > 1 {
			t.Errorf("keyframe %d: %.0f km², the start %.0f", k, sum, areaSum(terr[0]))
		}
	}
	last := terr[len(terr)-1]
	has := func(faction string, status geo.Status, basis geo.Basis) bool {
		for _, tr := range last {
			if tr.Faction == faction && tr.Status == status && tr.Basis == basis {
				return true
			}
		}
		return false
	}
	if !has(geo.HTS, geo.Claimed, geo.BasisPlace) || !has(geo.None, geo.Confirmed, geo.BasisNone) ||
		!has(geo.Coalition, geo.Confirmed, geo.BasisArea) || !has(geo.SDF, geo.Confirmed, geo.BasisPlace) {
		t.Errorf("the last keyframe's pieces: %v", pieces(last))
	}
}

func areaSum(ts []geo.Territory) float64 {
	var s float64
	for _, t := range ts {
		s += t.AreaKm2
	}
	return s
}

func pieces(ts []geo.Territory) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Faction+"/"+string(t.Status)+"/"+string(t.Basis))
	}
	return out
}
