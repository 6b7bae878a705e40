package territory_test

import (
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"
	"frontline/internal/territory"
	"frontline/internal/timeline"

	"github.com/paulmach/orb"
)

type fixture struct {
	gz      *geocode.Gazetteer
	changes []*geo.Change
	outline orb.MultiPolygon
	model   *territory.Model
	terr    [][]geo.Territory
}

var (
	fixOnce sync.Once
	fix     fixture
	fixErr  error
)

// curated builds the model of the embedded, curated timeline once.
func curated(tb testing.TB) fixture {
	tb.Helper()
	fixOnce.Do(func() {
		fix.gz, fixErr = geocode.LoadGazetteer(data.FS)
		if fixErr != nil {
			return
		}
		fix.changes, fixErr = timeline.ReadFS(data.FS, data.TimelineFiles...)
		if fixErr != nil {
			return
		}
		fix.outline, fixErr = outline(fix.gz, fix.changes)
		if fixErr != nil {
			return
		}
		fix.model, fixErr = territory.Build(fix.outline, fix.changes, fix.gz.Place)
		if fixErr != nil {
			return
		}
		fix.terr, fixErr = fix.model.Territories()
	})
	if fixErr != nil {
		tb.Fatal(fixErr)
	}
	return fix
}

func outline(gz *geocode.Gazetteer, changes []*geo.Change) (orb.MultiPolygon, error) {
	return territory.SyriaOutline(gz.Shape("ne:SY"), gz.Shape("ne:SY.UNDOF"), changes)
}

func day(d int, hour int) time.Time {
	if d > 20 {
		return time.Date(2024, 11, d, hour, 0, 0, 0, time.UTC)
	}
	return time.Date(2024, 12, d, hour, 0, 0, 0, time.UTC)
}

// The facts the curated data records, asked of the derived territory at
// each place's own point.
func TestCuratedFacts(t *testing.T) {
	f := curated(t)
	at := func(id string) orb.Point {
		p := f.gz.Place(id)
		if p == nil {
			t.Fatalf("no place %s", id)
		}
		return p.Point
	}
	aleppo, hama, homs, daraa := at("gn:170063"), at("gn:170017"), at("gn:169577"), at("gn:170905")
	raqqa, idlib := findCity(t, f.gz, "Raqqa"), findCity(t, f.gz, "Idlib")
	for _, tc := range []struct {
		name string
		p    orb.Point
		t    time.Time
		want string
	}{
		{"Aleppo on 26 Nov", aleppo, day(26, 12), geo.Government},
		{"Aleppo on 1 Dec", aleppo, day(1, 0), geo.HTS},
		{"Hama on 4 Dec", hama, day(4, 0), geo.Government},
		{"Hama on 6 Dec", hama, day(6, 0), geo.HTS},
		{"Homs on 6 Dec", homs, day(6, 0), geo.Government},
		{"Homs on 9 Dec", homs, day(9, 0), geo.HTS},
		{"Daraa on 8 Dec", daraa, day(8, 0), geo.Southern},
	} {
		c, err := f.model.Control(tc.p, tc.t)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.Faction != tc.want {
			t.Errorf("%s: %s, want %s (decided by %s)", tc.name, c.Faction, tc.want, c.Change.ID)
		}
	}
	for _, kf := range f.model.Keyframes {
		if got := f.model.Faction(raqqa, kf.At); got != geo.SDF {
			t.Errorf("Raqqa at %s: %s, want sdf throughout", kf.At, got)
		}
		if got := f.model.Faction(idlib, kf.At); got != geo.HTS {
			t.Errorf("Idlib at %s: %s, want hts throughout", kf.At, got)
		}
	}
}

func findCity(t *testing.T, gz *geocode.Gazetteer, name string) orb.Point {
	t.Helper()
	ix := geocode.NewIndex(gz)
	ms, err := ix.Geocode(name, 1)
	if err != nil || len(ms) == 0 || ms[0].Place.Country != "SY" {
		t.Fatalf("geocode %s: %v %v", name, ms, err)
	}
	return ms[0].Place.Point
}

func TestControlAnswer(t *testing.T) {
	f := curated(t)
	aleppo := f.gz.Place("gn:170063").Point
	c, err := f.model.Control(aleppo, day(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if c.Previous != geo.Government || c.Since.After(day(1, 0)) || !c.Since.After(day(26, 23)) {
		t.Errorf("Aleppo on 1 Dec: previous %q since %s", c.Previous, c.Since)
	}
	if c.Place == nil || c.Place.Place.ID != "gn:170063" || c.Place.DistanceKm > 0.5 {
		t.Errorf("deciding place: %+v", c.Place)
	}
	if len(c.Change.Sources) == 0 {
		t.Errorf("no sources for %s", c.Change.ID)
	}
	if len(c.History) < 2 || c.History[0].Faction != geo.Government || !c.History[0].From.Equal(geo.TimelineStart) {
		t.Errorf("history: %+v", c.History)
	}
	for i := 1; i < len(c.History); i++ {
		if !c.History[i-1].To.Equal(c.History[i].From) {
			t.Errorf("history gap between %d and %d", i-1, i)
		}
	}
	// Since/until bound the instant asked about.
	if !(!c.Since.After(c.At) && (c.Until.IsZero() || c.At.Before(c.Until))) {
		t.Errorf("instant %s outside [%s, %s)", c.At, c.Since, c.Until)
	}
}

func TestOutsideSyria(t *testing.T) {
	f := curated(t)
	for name, p := range map[string]orb.Point{
		"Beirut": {35.5018, 33.8938}, "Baghdad": {44.3661, 33.3152}, "Amman": {35.9284, 31.9454},
		"Gaziantep": {37.3833, 37.0662}, "Mediterranean": {35.0, 35.0},
	} {
		if _, err := f.model.Control(p, day(1, 0)); geo.ErrorCode(err) != geo.ENOTFOUND {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	if _, err := f.model.Control(f.gz.Place("gn:170063").Point, day(25, 0)); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("before the timeline: %v", err)
	}
}

func TestDeniedClaimsDoNotMoveControl(t *testing.T) {
	f := curated(t)
	n := 0
	for _, c := range f.changes {
		if c.Status != geo.Denied || c.Place == "" {
			continue
		}
		n++
		// At the denial's instant the place's controller comes from an
		// applied change, never from the denied one.
		got, err := f.model.Control(f.gz.Place(c.Place).Point, c.At)
		if err == nil && got.Change == c {
			t.Errorf("denied change %s decided the point", c.ID)
		}
	}
	if n == 0 {
		t.Fatal("the curated data records no denial")
	}
}

func TestTerritoriesValidAndComplete(t *testing.T) {
	f := curated(t)
	if len(f.terr) != len(f.model.Keyframes) || len(f.terr) < 20 {
		t.Fatalf("%d territories for %d keyframes", len(f.terr), len(f.model.Keyframes))
	}
	var first float64
	for k, ts := range f.terr {
		var total float64
		for _, tr := range ts {
			total += tr.AreaKm2
			if err := territory.Valid(tr.Shape); err != nil {
				t.Errorf("keyframe %d %s: %v", k, tr.Faction, err)
			}
			for _, poly := range tr.Shape {
				if poly[0].Orientation() != orb.CCW {
					t.Errorf("keyframe %d %s: exterior ring not counter-clockwise", k, tr.Faction)
				}
			}
		}
		if k == 0 {
			first = total
			if total < 183000 || total > 190000 {
				t.Errorf("area at the start %.0f km², Syria with the Golan is about 185,000", total)
			}
		} else if total < first-1 || total > first+1 {
			t.Errorf("keyframe %d: area %.0f km² differs from the start's %.0f", k, total, first)
		}
	}
	share := func(k int, faction string) float64 {
		var a float64
		for _, tr := range f.terr[k] {
			if tr.Faction == faction {
				a += tr.AreaKm2
			}
		}
		return a
	}
	start, dec9 := 0, f.model.KeyframeAt(day(9, 12))
	if share(dec9, geo.Government) >= share(start, geo.Government)/2 {
		t.Errorf("government held %.0f km² on 9 Dec against %.0f at the start", share(dec9, geo.Government), share(start, geo.Government))
	}
	if share(dec9, geo.HTS) <= 2*share(start, geo.HTS) {
		t.Errorf("hts held %.0f km² on 9 Dec against %.0f at the start", share(dec9, geo.HTS), share(start, geo.HTS))
	}
}

func TestStoredGridAnswersTheSame(t *testing.T) {
	f := curated(t)
	b, err := f.model.Grid.Encode()
	if err != nil {
		t.Fatal(err)
	}
	g, err := territory.DecodeGrid(b)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := territory.New(g, f.changes, f.gz.Place)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.gz.Places {
		if p.Country != "SY" {
			continue
		}
		for _, at := range []time.Time{day(26, 0), day(5, 0), day(9, 0)} {
			if a, b := f.model.Faction(p.Point, at), m2.Faction(p.Point, at); a != b {
				t.Errorf("%s at %s: built %q, stored %q", p.ID, at, a, b)
			}
		}
	}
	if _, err := m2.Territories(); err == nil {
		t.Error("a stored grid should refuse to dissolve")
	}
}

// Rebuilding the whole timeline: grid, histories and every keyframe's
// polygons. The goal is under 5 s.
func BenchmarkRebuild(b *testing.B) {
	f := curated(b)
	b.ReportAllocs()
	for b.Loop() {
		m, err := territory.Build(f.outline, f.changes, f.gz.Place)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Territories(); err != nil {
			b.Fatal(err)
		}
	}
}

var controlPoints = []orb.Point{
	{37.16, 36.20}, {36.75, 35.13}, {36.72, 34.73}, {36.29, 33.51}, {36.10, 32.62}, {39.01, 35.95}, {36.63, 35.93},
}

// The point-at-time query in process; the goal is under 5 µs.
func BenchmarkControl(b *testing.B) {
	f := curated(b)
	at := day(6, 12)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := f.model.Control(controlPoints[i%len(controlPoints)], at); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkFaction(b *testing.B) {
	f := curated(b)
	at := day(6, 12)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if f.model.Faction(controlPoints[i%len(controlPoints)], at) == "" {
			b.Fatal("no faction")
		}
		i++
	}
}

// A change of who holds a known place reuses the grid and derives what a
// fresh build derives; a new controlling place builds a new grid.
func TestBuildOnReusesTheGrid(t *testing.T) {
	f := curated(t)
	raqqa := findCity(t, f.gz, "Raqqa")
	var place string
	for _, c := range f.changes {
		if pl := f.gz.Place(c.Place); pl != nil && pl.Point == raqqa {
			place = c.Place
			break
		}
	}
	if place == "" {
		t.Fatal("no change names Raqqa")
	}
	extra := &geo.Change{ID: "test-raqqa", Place: place, Faction: geo.ISIS, At: day(11, 3), Precision: geo.Hour,
		Status: geo.Claimed, Sources: []geo.Source{{Outlet: "test"}}}
	changes := append(slices.Clone(f.changes), extra)
	reused, err := territory.BuildOn(f.model.Grid, f.outline, changes, f.gz.Place)
	if err != nil {
		t.Fatal(err)
	}
	if !reused.Grid.SameCover(f.model.Grid) {
		t.Error("the cover was built again for a change of a known place")
	}
	fresh, err := territory.Build(f.outline, slices.Clone(changes), f.gz.Place)
	if err != nil {
		t.Fatal(err)
	}
	a, err := reused.Territories()
	if err != nil {
		t.Fatal(err)
	}
	b, err := fresh.Territories()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) || len(a) != len(f.terr)+1 {
		t.Fatalf("%d keyframes reused, %d fresh, %d before", len(a), len(b), len(f.terr))
	}
	for k := range a {
		if len(a[k]) != len(b[k]) {
			t.Fatalf("keyframe %d: %d factions reused, %d fresh", k, len(a[k]), len(b[k]))
		}
		for i := range a[k] {
			if a[k][i].Faction != b[k][i].Faction || math.Abs(a[k][i].AreaKm2-b[k][i].AreaKm2) > 1e-6 {
				t.Errorf("keyframe %d: %s %.1f km² reused, %s %.1f fresh", k, a[k][i].Faction, a[k][i].AreaKm2, b[k][i].Faction, b[k][i].AreaKm2)
			}
		}
	}
	if got := reused.Faction(raqqa, day(11, 4)); got != geo.ISIS {
		t.Errorf("Raqqa after the change: %s", got)
	}

	// A new area decides cells of its own, on the same cover.
	zone := &geo.Change{ID: "test-zone", Area: "test-zone", Faction: geo.Coalition, At: day(11, 3), Precision: geo.Hour,
		Status: geo.Claimed, Sources: []geo.Source{{Outlet: "test"}},
		Shape: orb.MultiPolygon{{{{38.9, 35.9}, {39.1, 35.9}, {39.1, 36.0}, {38.9, 36.0}, {38.9, 35.9}}}}}
	rebuilt, err := territory.BuildOn(f.model.Grid, f.outline, append(slices.Clone(f.changes), zone), f.gz.Place)
	if err != nil {
		t.Fatal(err)
	}
	if !rebuilt.Grid.SameCover(f.model.Grid) {
		t.Error("a new area built a new cover of the same outline")
	}
	if got := rebuilt.Faction(orb.Point{39, 35.95}, day(11, 4)); got != geo.Coalition {
		t.Errorf("inside the new area: %s", got)
	}
}

// Dissolving beside the previous model gives exactly what dissolving
// afresh gives, for a change late in the timeline and for one early.
func TestTerritoriesOnMatchesAFreshDissolve(t *testing.T) {
	f := curated(t)
	for _, at := range []time.Time{day(7, 21), time.Date(2024, 11, 28, 6, 0, 0, 0, time.UTC)} {
		c := &geo.Change{ID: "test-homs", Place: "gn:169577", Name: "Homs", Faction: geo.HTS, At: at, Precision: geo.Hour,
			Status: geo.Claimed, Summary: "test", Sources: []geo.Source{{Outlet: "test", Quote: "test"}}}
		changes := append(append([]*geo.Change{}, f.changes...), c)
		m, err := territory.BuildOn(f.model.Grid, f.outline, changes, f.gz.Place)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := m.Territories()
		if err != nil {
			t.Fatal(err)
		}
		freshAreas := m.Areas
		beside, err := m.TerritoriesOn(f.model, f.terr)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fresh, beside) || !reflect.DeepEqual(freshAreas, m.Areas) {
			t.Errorf("change at %s: territories beside the previous model differ from a fresh dissolve", at)
		}
		if len(fresh) <= len(f.terr) {
			t.Errorf("change at %s: %d keyframes, had %d", at, len(fresh), len(f.terr))
		}
	}
}

// Dissolving after a change on the last days, beside the model before it:
// the cost of an accepted claim.
func BenchmarkTerritoriesOn(b *testing.B) {
	f := curated(b)
	c := &geo.Change{ID: "bench-homs", Place: "gn:169577", Name: "Homs", Faction: geo.HTS, At: day(7, 21), Precision: geo.Hour,
		Status: geo.Claimed, Summary: "bench", Sources: []geo.Source{{Outlet: "bench", Quote: "bench"}}}
	m, err := territory.BuildOn(f.model.Grid, f.outline, append(append([]*geo.Change{}, f.changes...), c), f.gz.Place)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"fresh", "beside"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if mode == "fresh" {
					_, err = m.Territories()
				} else {
					_, err = m.TerritoriesOn(f.model, f.terr)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
