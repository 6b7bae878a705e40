// Package storetest is the contract every [store.Store] passes: one suite,
// run by each implementation's tests against a real database of its kind.
package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/store"

	"github.com/paulmach/orb"
)

// NewLocation makes a fresh, empty location (a file, a database) and
// returns how to open it; every call of open is another handle on the
// same data, as another process would have. The suite closes each handle.
type NewLocation func(tb testing.TB) (open func() (store.Store, error))

// Run runs the contract suite.
func Run(t *testing.T, newLocation NewLocation) {
	opener := func(t *testing.T) func() store.Store {
		open := newLocation(t)
		return func() store.Store {
			t.Helper()
			s, err := open()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	}
	t.Run("Places", func(t *testing.T) { testPlaces(t, opener(t)()) })
	t.Run("ReplaceChanges", func(t *testing.T) { testReplaceChanges(t, opener(t)()) })
	t.Run("ImportAllOrNone", func(t *testing.T) { testImport(t, opener(t)()) })
	t.Run("TimelineRoundTrip", func(t *testing.T) { testTimelineRoundTrip(t, opener(t)()) })
	t.Run("Territory", func(t *testing.T) { testTerritory(t, opener(t)()) })
	t.Run("WatchSeesOtherHandles", func(t *testing.T) { testWatch(t, opener(t)) })
	t.Run("ConcurrentImports", func(t *testing.T) { testConcurrentImports(t, opener(t)) })
}

// Places is a tiny gazetteer for the suite.
var Places = []*geo.Place{
	{ID: "gn:1", Name: "One", Kind: geo.City, Country: "SY", Admin1: "SY.01", Point: orb.Point{36, 35}, Population: 1000,
		Names: []string{"Wahid", "واحد"}},
	{ID: "gn:2", Name: "Two", Kind: geo.Town, Country: "SY", Point: orb.Point{37, 36}},
	{ID: "fl:three", Name: "Three prison", Kind: geo.Prison, Country: "SY", Point: orb.Point{36.3, 33.6},
		Anchor: "gn:1", Source: "test"},
}

func day(d, h int) time.Time { return time.Date(2024, 11, d, h, 0, 0, 0, time.UTC) }

// Change returns a valid change of place at the instant, with two sources.
func Change(id, place, faction string, at time.Time) *geo.Change {
	return &geo.Change{ID: id, Place: place, Name: place, Faction: faction, At: at, Precision: geo.Hour, Status: geo.Claimed,
		Summary: "summary of " + id, Sources: []geo.Source{
			{Outlet: "First outlet", URL: "https://example.org/" + id, Published: at, Quote: "first, in our words"},
			{Outlet: "Second outlet", Quote: "second, no link"},
		}}
}

func mustFill(t *testing.T, s store.Store) {
	t.Helper()
	if _, err := s.ReplacePlaces(context.Background(), Places, "p1"); err != nil {
		t.Fatal(err)
	}
}

func testPlaces(t *testing.T, s store.Store) {
	ctx := context.Background()
	wrote, err := s.ReplacePlaces(ctx, Places, "v1")
	if err != nil || !wrote {
		t.Fatalf("first fill: wrote=%v err=%v", wrote, err)
	}
	if wrote, err = s.ReplacePlaces(ctx, Places[:1], "v1"); err != nil || wrote {
		t.Fatalf("same version again: wrote=%v err=%v", wrote, err)
	}
	if n, err := s.CountPlaces(ctx); err != nil || n != len(Places) {
		t.Fatalf("count after reuse = %d, %v", n, err)
	}
	p, err := s.Place(ctx, "gn:1")
	if err != nil || p.Name != "One" || p.Point != (orb.Point{36, 35}) || len(p.Names) != 2 || p.Names[1] != "واحد" ||
		p.Kind != geo.City || p.Admin1 != "SY.01" || p.Population != 1000 {
		t.Fatalf("Place(gn:1) = %+v, %v", p, err)
	}
	if p, err := s.Place(ctx, "fl:three"); err != nil || p.Anchor != "gn:1" || p.Source != "test" {
		t.Fatalf("Place(fl:three) = %+v, %v", p, err)
	}
	// A new version replaces the lot, except a place a change still names.
	if err := s.ImportChanges(ctx, "file", []*geo.Change{Change("c1", "gn:2", geo.HTS, day(28, 0))}); err != nil {
		t.Fatal(err)
	}
	if wrote, err = s.ReplacePlaces(ctx, Places[:1], "v2"); err != nil || !wrote {
		t.Fatalf("new version: wrote=%v err=%v", wrote, err)
	}
	if _, err := s.Place(ctx, "fl:three"); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("a dropped place: %v, want ENOTFOUND", err)
	}
	if _, err := s.Place(ctx, "gn:2"); err != nil {
		t.Errorf("a dropped place a change names: %v", err)
	}
}

func testReplaceChanges(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	calls := 0
	load := func(cs ...*geo.Change) func() ([]*geo.Change, error) {
		return func() ([]*geo.Change, error) { calls++; return cs, nil }
	}
	a, b := Change("a", "gn:1", geo.Government, day(26, 0)), Change("b", "gn:2", geo.Government, day(26, 0))
	if n, err := s.ReplaceChanges(ctx, "embedded", "t1", load(a, b)); err != nil || n != 2 {
		t.Fatalf("first replace: %d, %v", n, err)
	}
	if err := s.ImportChanges(ctx, "file", []*geo.Change{Change("imported", "gn:1", geo.HTS, day(29, 6))}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ReplaceChanges(ctx, "embedded", "t1", load(a)); err != nil || n != 0 || calls != 1 {
		t.Fatalf("same version: wrote %d, %v, load called %d times", n, err, calls)
	}
	c := Change("c", "gn:2", geo.SDF, day(30, 0))
	if n, err := s.ReplaceChanges(ctx, "embedded", "t2", load(a, c)); err != nil || n != 2 {
		t.Fatalf("new version: %d, %v", n, err)
	}
	tl, err := s.Timeline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(tl.Changes); got != "a imported c" {
		t.Errorf("after replacing the embedded changes: %s, want a imported c", got)
	}
	// An id taken by another origin is a conflict, and nothing is replaced.
	dup := Change("imported", "gn:2", geo.SDF, day(30, 0))
	if _, err := s.ReplaceChanges(ctx, "embedded", "t3", load(dup)); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("an id taken by another origin: %v, want ECONFLICT", err)
	}
	if tl, _ := s.Timeline(ctx); ids(tl.Changes) != "a imported c" {
		t.Errorf("a refused replace changed the timeline: %s", ids(tl.Changes))
	}
}

func ids(cs []*geo.Change) string {
	out := ""
	for i, c := range cs {
		if i > 0 {
			out += " "
		}
		out += c.ID
	}
	return out
}

func testImport(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	rev0, err := s.Revision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	good := Change("good", "gn:1", geo.HTS, day(29, 0))
	if err := s.ImportChanges(ctx, "f", []*geo.Change{good, Change("nowhere", "gn:404", geo.HTS, day(29, 0))}); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("an unknown place: %v, want EINVALID", err)
	}
	if err := s.ImportChanges(ctx, "f", []*geo.Change{good, Change("good", "gn:2", geo.HTS, day(29, 0))}); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("an id twice in one import: %v, want ECONFLICT", err)
	}
	tl, err := s.Timeline(ctx)
	if err != nil || len(tl.Changes) != 0 {
		t.Fatalf("refused imports left %d changes, %v", len(tl.Changes), err)
	}
	if rev, _ := s.Revision(ctx); rev != rev0 || tl.Revision != rev0 {
		t.Errorf("refused imports moved the revision from %s to %s (timeline says %s)", rev0, rev, tl.Revision)
	}
	if err := s.ImportChanges(ctx, "f", []*geo.Change{good}); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportChanges(ctx, "g", []*geo.Change{good}); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("an id already recorded: %v, want ECONFLICT", err)
	}
	rev1, _ := s.Revision(ctx)
	if rev1 == rev0 {
		t.Errorf("an import left the revision at %s", rev1)
	}
	if tl, _ := s.Timeline(ctx); tl.Revision != rev1 || len(tl.Changes) != 1 {
		t.Errorf("timeline at revision %s with %d changes, want %s and 1", tl.Revision, len(tl.Changes), rev1)
	}
}

func testTimelineRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	area := &geo.Change{ID: "zone", Area: "test-zone", Name: "Test zone", Faction: geo.Coalition, At: day(26, 0),
		Precision: geo.Day, Status: geo.Confirmed, Summary: "a zone",
		Shape:   orb.MultiPolygon{{{{36, 33}, {37, 33}, {37, 34}, {36, 34}, {36, 33}}, {{36.2, 33.2}, {36.2, 33.4}, {36.4, 33.4}, {36.2, 33.2}}}},
		Sources: []geo.Source{{Outlet: "Outlet", URL: "https://example.org/zone", Published: day(27, 0), Quote: "q"}}}
	late := Change("late", "gn:1", geo.HTS, day(30, 12))
	late.RadiusKm = 12.5
	early := Change("early", "gn:2", geo.SNA, day(28, 3))
	denied := Change("denied", "gn:1", geo.Government, day(29, 0))
	denied.Status = geo.Denied
	if err := s.ImportChanges(ctx, "f", []*geo.Change{late, area, denied, early}); err != nil {
		t.Fatal(err)
	}
	tl, err := s.Timeline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(tl.Changes); got != "zone early denied late" {
		t.Fatalf("order %s, want zone early denied late", got)
	}
	z := tl.Changes[0]
	if z.Area != "test-zone" || z.Place != "" || len(z.Shape) != 1 || len(z.Shape[0]) != 2 || z.Shape[0][1][1] != (orb.Point{36.2, 33.4}) ||
		z.Precision != geo.Day || z.Status != geo.Confirmed || z.Faction != geo.Coalition || z.Name != "Test zone" {
		t.Errorf("area change read back as %+v", z)
	}
	l := tl.Changes[3]
	if !l.At.Equal(day(30, 12)) || l.Summary != "summary of late" || l.RadiusKm != 12.5 || len(l.Sources) != 2 ||
		l.Sources[0].URL != "https://example.org/late" || !l.Sources[0].Published.Equal(day(30, 12)) ||
		l.Sources[1].Outlet != "Second outlet" || !l.Sources[1].Published.IsZero() {
		t.Errorf("place change read back as %+v, sources %+v", l, l.Sources)
	}
	if tl.Changes[2].Status != geo.Denied {
		t.Errorf("denied read back as %s", tl.Changes[2].Status)
	}
}

func testTerritory(t *testing.T, s store.Store) {
	ctx := context.Background()
	if got, err := s.Territory(ctx, "d1"); err != nil || got != nil {
		t.Fatalf("nothing stored: %+v, %v", got, err)
	}
	square := orb.MultiPolygon{{{{36, 33}, {37, 33}, {37, 34}, {36, 34}, {36, 33}}}}
	two := orb.MultiPolygon{{{{38, 35}, {39, 35}, {39, 36}, {38, 36}, {38, 35}}}, {{{40, 35}, {41, 35}, {41, 36}, {40, 35}}}}
	want := &store.Territory{
		Digest: "d1", Grid: []byte{1, 2, 3, 0, 255},
		Keyframes: []geo.Keyframe{{ID: 0, At: day(26, 0)}, {ID: 1, At: day(27, 11).Add(30 * time.Minute)}},
		Territories: [][]geo.Territory{
			{{Faction: geo.Government, Status: geo.Confirmed, Basis: geo.BasisPlace, AreaKm2: 100.5, Shape: square},
				{Faction: geo.SDF, Status: geo.Claimed, Basis: geo.BasisKept, AreaKm2: 2, Shape: two},
				{Faction: geo.SDF, Status: geo.Confirmed, Basis: geo.BasisArea, AreaKm2: 3, Shape: square}},
			{{Faction: geo.None, Status: geo.Confirmed, Basis: geo.BasisNone, AreaKm2: 100.5, Shape: square}},
		},
	}
	if err := s.SaveTerritory(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Territory(ctx, "other"); err != nil || got != nil {
		t.Errorf("another digest: %+v, %v", got, err)
	}
	got, err := s.Territory(ctx, "d1")
	if err != nil || got == nil {
		t.Fatalf("stored digest: %+v, %v", got, err)
	}
	if string(got.Grid) != string(want.Grid) || len(got.Keyframes) != 2 || !got.Keyframes[1].At.Equal(want.Keyframes[1].At) ||
		len(got.Territories) != 2 || len(got.Territories[0]) != 3 || len(got.Territories[1]) != 1 {
		t.Fatalf("read back %+v", got)
	}
	// In the order saved: one faction's ground may come in several pieces.
	for k := range want.Territories {
		for i, w := range want.Territories[k] {
			g := got.Territories[k][i]
			if g.Faction != w.Faction || g.Status != w.Status || g.Basis != w.Basis || g.AreaKm2 != w.AreaKm2 || !orb.Equal(g.Shape, w.Shape) {
				t.Errorf("keyframe %d, piece %d read back as %s/%s/%s %.1f, want %s/%s/%s %.1f", k, i,
					g.Faction, g.Status, g.Basis, g.AreaKm2, w.Faction, w.Status, w.Basis, w.AreaKm2)
			}
		}
	}
	// Saving replaces, whole.
	if err := s.SaveTerritory(ctx, &store.Territory{Digest: "d2", Grid: []byte{9}, Keyframes: want.Keyframes[:1],
		Territories: want.Territories[1:]}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Territory(ctx, "d1"); got != nil {
		t.Errorf("the replaced territory is still served")
	}
	if got, _ := s.Territory(ctx, "d2"); got == nil || len(got.Keyframes) != 1 || got.Territories[0][0].Faction != geo.None {
		t.Errorf("the new territory read back as %+v", got)
	}
	if err := s.SaveTerritory(ctx, &store.Territory{Digest: "d3", Keyframes: want.Keyframes}); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("keyframes without ground: %v, want EINVALID", err)
	}
	twice := [][]geo.Territory{{want.Territories[0][0], want.Territories[0][0]}}
	if err := s.SaveTerritory(ctx, &store.Territory{Digest: "d4", Grid: []byte{1}, Keyframes: want.Keyframes[:1], Territories: twice}); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("the same piece twice: %v, want EINVALID", err)
	}
	if got, _ := s.Territory(ctx, "d2"); got == nil {
		t.Errorf("a refused save lost the stored territory")
	}
}

func waitReport(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("%s: the watch channel closed", what)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no report in 10 s", what)
	}
}

func testWatch(t *testing.T, open func() store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watcher, writer := open(), open()
	mustFill(t, writer)
	ch := watcher.Watch(ctx)
	waitReport(t, ch, "the first report")
	rev0, _ := watcher.Revision(ctx)
	if err := writer.ImportChanges(ctx, "f", []*geo.Change{Change("w1", "gn:1", geo.HTS, day(29, 0))}); err != nil {
		t.Fatal(err)
	}
	waitReport(t, ch, "an import by another handle")
	if rev, _ := watcher.Revision(ctx); rev == rev0 {
		t.Errorf("reported, but the revision is still %s", rev)
	}
	if tl, _ := watcher.Timeline(ctx); len(tl.Changes) != 1 {
		t.Errorf("the watcher reads %d changes, want 1", len(tl.Changes))
	}
	// Writes of the same handle count too.
	if err := watcher.ImportChanges(ctx, "f", []*geo.Change{Change("w2", "gn:1", geo.SDF, day(30, 0))}); err != nil {
		t.Fatal(err)
	}
	waitReport(t, ch, "an import by the watching handle")
	cancel()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the watch channel stayed open after its context ended")
		}
	}
}

func testConcurrentImports(t *testing.T, open func() store.Store) {
	ctx := context.Background()
	a, b := open(), open()
	mustFill(t, a)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.ImportChanges(ctx, "f", []*geo.Change{Change(fmt.Sprintf("c%02d", i), "gn:1", geo.HTS, day(27, i))})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if tl, err := a.Timeline(ctx); err != nil || len(tl.Changes) != 20 {
		t.Errorf("after 20 concurrent imports: %d changes, %v", len(tl.Changes), err)
	}
}
