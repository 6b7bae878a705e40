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
	t.Run("ArticleRoundTrip", func(t *testing.T) { testArticleRoundTrip(t, opener(t)()) })
	t.Run("AddArticleRefuses", func(t *testing.T) { testAddArticleRefuses(t, opener(t)()) })
	t.Run("ClaimsFilter", func(t *testing.T) { testClaimsFilter(t, opener(t)()) })
	t.Run("AcceptClaim", func(t *testing.T) { testAcceptClaim(t, opener(t)()) })
	t.Run("RejectClaim", func(t *testing.T) { testRejectClaim(t, opener(t)()) })
	t.Run("AcceptAllOrNone", func(t *testing.T) { testAcceptAllOrNone(t, opener(t)()) })
	t.Run("ConcurrentAccepts", func(t *testing.T) { testConcurrentAccepts(t, opener(t)) })
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

// Syria's local time, UTC+3: instants given in it must come back in UTC.
var local = time.FixedZone("UTC+3", 3*3600)

// Article returns a valid article with two mentions and two claims, its
// text not all ASCII; the instants are local, with nanoseconds.
func Article(outlet string) (*geo.Article, []geo.Mention, []*geo.Claim) {
	text := "Rebels said they had captured One — «واحد» 🇸🇾 — and fighters of the Two Military Council denied it."
	a := &geo.Article{URL: "https://example.org/" + outlet, Outlet: outlet, Text: text,
		Published: time.Date(2024, 11, 29, 14, 30, 5, 123456789, local)}
	mentions := []geo.Mention{
		{Text: "One", Start: 30, End: 33, PlaceID: "gn:1", Name: "One", Kind: geo.City, Country: "SY", Lon: 36, Lat: 35, Score: 0.9},
		{Text: "واحد", Start: 37, End: 41, PlaceID: "gn:1", Name: "One", Kind: geo.City, Country: "SY", Lon: 36, Lat: 35, Score: 0.75},
		{Text: "Two", Start: 68, End: 71, PlaceID: "gn:2", Name: "Two", Kind: geo.Town, Country: "SY", Lon: 37, Lat: 36, Score: 0.5, InOrg: true},
	}
	claims := []*geo.Claim{
		{PlaceID: "gn:1", Name: "One", Lon: 36, Lat: 35, Faction: geo.HTS, Action: "captured", Actor: "Rebels",
			Status: geo.Claimed, At: time.Date(2024, 11, 29, 13, 0, 0, 500, local), Precision: geo.Hour,
			Attribution: "Rebels said", Quote: "Rebels said they had captured One", Start: 0, End: 33},
		{PlaceID: "gn:1", Name: "واحد", Lon: 36, Lat: 35, Faction: geo.Government, Action: "lost", Actor: "fighters",
			Status: geo.Denied, Precision: geo.Day, Quote: "denied it", Start: 89, End: 98}, // no instant known
	}
	return a, mentions, claims
}

func mustAddArticle(t *testing.T, s store.Store, outlet string) (*geo.Article, []*geo.Claim) {
	t.Helper()
	a, ms, cs := Article(outlet)
	if err := s.AddArticle(context.Background(), a, ms, cs); err != nil {
		t.Fatal(err)
	}
	return a, cs
}

func claimIDs(cs []*geo.Claim) string {
	out := ""
	for i, c := range cs {
		if i > 0 {
			out += " "
		}
		out += fmt.Sprint(c.ID)
	}
	return out
}

func sameClaim(got, want *geo.Claim) bool {
	return got.ID == want.ID && got.Article == want.Article && got.PlaceID == want.PlaceID && got.Name == want.Name &&
		got.Lon == want.Lon && got.Lat == want.Lat && got.Faction == want.Faction && got.Action == want.Action &&
		got.Actor == want.Actor && got.Status == want.Status && got.At.Equal(want.At) && got.Precision == want.Precision &&
		got.Attribution == want.Attribution && got.Quote == want.Quote && got.Start == want.Start && got.End == want.End &&
		got.Review == want.Review && got.DecidedAt.Equal(want.DecidedAt) && got.Reason == want.Reason && got.Change == want.Change
}

func testArticleRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	if err := s.ImportChanges(ctx, "f", []*geo.Change{Change("before", "gn:1", geo.HTS, day(28, 0))}); err != nil {
		t.Fatal(err)
	}
	rev0, _ := s.Revision(ctx)
	a, ms, cs := Article("Outlet")
	if err := s.AddArticle(ctx, a, ms, cs); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.Ingested.IsZero() {
		t.Fatalf("AddArticle set id %d, ingested %v", a.ID, a.Ingested)
	}
	for i, c := range cs {
		if c.ID == 0 || c.Article != a.ID || c.Review != geo.Pending {
			t.Errorf("claim %d after AddArticle: id %d, article %d, review %q", i, c.ID, c.Article, c.Review)
		}
	}
	if cs[0].ID == cs[1].ID {
		t.Errorf("both claims got id %d", cs[0].ID)
	}
	if rev, _ := s.Revision(ctx); rev != rev0 {
		t.Errorf("AddArticle moved the revision from %s to %s", rev0, rev)
	}
	// A given ingestion instant is kept.
	b, bms, bcs := Article("Other")
	b.Ingested = time.Date(2024, 11, 30, 1, 2, 3, 4, local)
	if err := s.AddArticle(ctx, b, bms[:1], bcs[:1]); err != nil {
		t.Fatal(err)
	}
	if b.ID == a.ID || bcs[0].ID <= cs[1].ID {
		t.Errorf("the second article got id %d (first %d), its claim %d (first's last %d)", b.ID, a.ID, bcs[0].ID, cs[1].ID)
	}

	got, gms, gcs, err := s.Article(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || got.URL != a.URL || got.Outlet != a.Outlet || got.Text != a.Text ||
		!got.Published.Equal(a.Published) || !got.Ingested.Equal(a.Ingested) ||
		got.Published.Location() != time.UTC || got.Ingested.Location() != time.UTC {
		t.Errorf("article read back as %+v, want %+v", got, a)
	}
	if len(gms) != len(ms) {
		t.Fatalf("%d mentions read back, want %d", len(gms), len(ms))
	}
	for i := range ms {
		if gms[i] != ms[i] {
			t.Errorf("mention %d read back as %+v, want %+v", i, gms[i], ms[i])
		}
	}
	if len(gcs) != len(cs) {
		t.Fatalf("%d claims read back, want %d", len(gcs), len(cs))
	}
	for i := range cs {
		if !sameClaim(gcs[i], cs[i]) {
			t.Errorf("claim %d read back as %+v, want %+v", i, gcs[i], cs[i])
		}
	}
	if gcs[0].At.Location() != time.UTC || !gcs[1].At.IsZero() {
		t.Errorf("claim instants read back as %v and %v", gcs[0].At, gcs[1].At)
	}
	if c, err := s.Claim(ctx, cs[1].ID); err != nil || !sameClaim(c, cs[1]) {
		t.Errorf("Claim(%d) = %+v, %v", cs[1].ID, c, err)
	}
	if got, _, _, err := s.Article(ctx, b.ID); err != nil || !got.Ingested.Equal(b.Ingested) {
		t.Errorf("the second article read back as %+v, %v; want ingested %v", got, err, b.Ingested)
	}

	// An article without mentions or claims is an article too.
	c := &geo.Article{Outlet: "Bare", Published: day(30, 0), Text: "nothing here"}
	if err := s.AddArticle(ctx, c, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, gms, gcs, err := s.Article(ctx, c.ID); err != nil || got.URL != "" || len(gms) != 0 || len(gcs) != 0 {
		t.Errorf("a bare article read back as %+v with %d mentions and %d claims, %v", got, len(gms), len(gcs), err)
	}

	if _, _, _, err := s.Article(ctx, 9999); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("Article(9999): %v, want ENOTFOUND", err)
	}
	if _, err := s.Claim(ctx, 9999); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("Claim(9999): %v, want ENOTFOUND", err)
	}

	// The gazetteer may be swapped under the places an article names.
	if wrote, err := s.ReplacePlaces(ctx, Places[2:], "p2"); err != nil || !wrote {
		t.Fatalf("swapping the gazetteer: wrote=%v err=%v", wrote, err)
	}
	if _, gms, _, err := s.Article(ctx, a.ID); err != nil || len(gms) != 3 || gms[2].PlaceID != "gn:2" {
		t.Errorf("after swapping the gazetteer: %d mentions, %v", len(gms), err)
	}
}

func testAddArticleRefuses(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	cases := []struct {
		name   string
		change func(a *geo.Article, cs []*geo.Claim) []*geo.Claim
	}{
		{"NoPublished", func(a *geo.Article, cs []*geo.Claim) []*geo.Claim { a.Published = time.Time{}; return cs }},
		{"NoText", func(a *geo.Article, cs []*geo.Claim) []*geo.Claim { a.Text = ""; return cs }},
		{"NoStatus", func(a *geo.Article, cs []*geo.Claim) []*geo.Claim { cs[1].Status = ""; return cs }},
		{"UnknownStatus", func(a *geo.Article, cs []*geo.Claim) []*geo.Claim { cs[0].Status = "rumoured"; return cs }},
		{"NilClaim", func(a *geo.Article, cs []*geo.Claim) []*geo.Claim { return append(cs, nil) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, ms, cs := Article("Outlet")
			cs = tc.change(a, cs)
			if err := s.AddArticle(ctx, a, ms, cs); geo.ErrorCode(err) != geo.EINVALID {
				t.Errorf("%v, want EINVALID", err)
			}
			if a.ID != 0 {
				t.Errorf("a refused article got id %d", a.ID)
			}
		})
	}
	if got, err := s.Claims(ctx, store.ClaimFilter{}); err != nil || len(got) != 0 {
		t.Errorf("refused articles left %d claims, %v", len(got), err)
	}
}

func testClaimsFilter(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	a, acs := mustAddArticle(t, s, "A")
	b, bcs := mustAddArticle(t, s, "B")
	_, ccs := mustAddArticle(t, s, "C")
	all := append(append(append([]*geo.Claim{}, acs...), bcs...), ccs...)
	if _, err := s.AcceptClaim(ctx, acs[0].ID, day(30, 0), "review", Change("from-claim", "gn:1", geo.HTS, day(29, 0))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RejectClaim(ctx, bcs[1].ID, day(30, 1), "a rumour"); err != nil {
		t.Fatal(err)
	}
	want := func(cs ...*geo.Claim) string { return claimIDs(cs) }
	cases := []struct {
		name string
		f    store.ClaimFilter
		want string
	}{
		{"All", store.ClaimFilter{}, want(all...)},
		{"Pending", store.ClaimFilter{Review: geo.Pending}, want(acs[1], bcs[0], ccs[0], ccs[1])},
		{"Accepted", store.ClaimFilter{Review: geo.Accepted}, want(acs[0])},
		{"Rejected", store.ClaimFilter{Review: geo.Rejected}, want(bcs[1])},
		{"Article", store.ClaimFilter{Article: b.ID}, want(bcs...)},
		{"ArticlePending", store.ClaimFilter{Article: a.ID, Review: geo.Pending}, want(acs[1])},
		{"NoSuchArticle", store.ClaimFilter{Article: 9999}, ""},
		{"FirstPage", store.ClaimFilter{Limit: 4}, want(all[:4]...)},
		{"SecondPage", store.ClaimFilter{Limit: 4, After: all[3].ID}, want(all[4:]...)},
		{"PastTheEnd", store.ClaimFilter{Limit: 4, After: all[5].ID}, ""},
		{"PendingPaged", store.ClaimFilter{Review: geo.Pending, Limit: 2, After: acs[1].ID}, want(bcs[0], ccs[0])},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Claims(ctx, tc.f)
			if err != nil || claimIDs(got) != tc.want {
				t.Errorf("claims %q, %v; want %q", claimIDs(got), err, tc.want)
			}
		})
	}
	got, _ := s.Claims(ctx, store.ClaimFilter{Review: geo.Rejected})
	if len(got) != 1 || got[0].Reason != "a rumour" || !got[0].DecidedAt.Equal(day(30, 1)) {
		t.Errorf("the rejected claim read back as %+v", got)
	}
	if _, err := s.Claims(ctx, store.ClaimFilter{Review: "maybe"}); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("an unknown review state: %v, want EINVALID", err)
	}
}

func testAcceptClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	_, cs := mustAddArticle(t, s, "Outlet")
	rev0, _ := s.Revision(ctx)
	decided := time.Date(2024, 12, 1, 9, 15, 0, 987654321, local)
	change := Change("claim-1", "gn:1", geo.HTS, day(29, 13))
	change.Sources = []geo.Source{{Outlet: "Outlet", URL: "https://example.org/Outlet", Published: day(29, 14),
		Quote: "Rebels said they had captured One"}}
	got, err := s.AcceptClaim(ctx, cs[0].ID, decided, "review", change)
	if err != nil {
		t.Fatal(err)
	}
	want := *cs[0]
	want.Review, want.DecidedAt, want.Change = geo.Accepted, decided, "claim-1"
	if !sameClaim(got, &want) || got.DecidedAt.Location() != time.UTC {
		t.Errorf("AcceptClaim returned %+v, want %+v", got, &want)
	}
	if c, err := s.Claim(ctx, cs[0].ID); err != nil || !sameClaim(c, &want) {
		t.Errorf("the accepted claim read back as %+v, %v", c, err)
	}
	if c, _ := s.Claim(ctx, cs[1].ID); c.Review != geo.Pending {
		t.Errorf("the other claim of the article is %s", c.Review)
	}
	rev1, _ := s.Revision(ctx)
	if rev1 == rev0 {
		t.Errorf("accepting a claim left the revision at %s", rev1)
	}
	tl, err := s.Timeline(ctx)
	if err != nil || tl.Revision != rev1 || ids(tl.Changes) != "claim-1" {
		t.Fatalf("timeline at %s: %s, %v; want claim-1 at %s", tl.Revision, ids(tl.Changes), err, rev1)
	}
	if c := tl.Changes[0]; c.Place != "gn:1" || c.Faction != geo.HTS || !c.At.Equal(day(29, 13)) || len(c.Sources) != 1 ||
		c.Sources[0].Quote != "Rebels said they had captured One" || c.Sources[0].URL != "https://example.org/Outlet" {
		t.Errorf("the claim's change read back as %+v, sources %+v", c, c.Sources)
	}

	// Decided is decided.
	again := Change("claim-1-again", "gn:1", geo.HTS, day(29, 13))
	if _, err := s.AcceptClaim(ctx, cs[0].ID, decided, "review", again); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("accepting twice: %v, want ECONFLICT", err)
	}
	if _, err := s.RejectClaim(ctx, cs[0].ID, decided, "second thoughts"); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("rejecting an accepted claim: %v, want ECONFLICT", err)
	}
	if tl, _ := s.Timeline(ctx); ids(tl.Changes) != "claim-1" || tl.Revision != rev1 {
		t.Errorf("refused decisions left %s at revision %s", ids(tl.Changes), tl.Revision)
	}
	if _, err := s.AcceptClaim(ctx, 9999, decided, "review", Change("nobody", "gn:1", geo.HTS, day(29, 13))); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("accepting an unknown claim: %v, want ENOTFOUND", err)
	}

	// The accepted change is of its own origin: replacing the embedded
	// changes leaves it, and replacing its own origin is not blocked.
	if _, err := s.ReplaceChanges(ctx, "embedded", "e1", func() ([]*geo.Change, error) {
		return []*geo.Change{Change("seed", "gn:2", geo.Government, day(26, 0))}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if tl, _ := s.Timeline(ctx); ids(tl.Changes) != "seed claim-1" {
		t.Errorf("after replacing the embedded changes: %s, want seed claim-1", ids(tl.Changes))
	}
	if _, err := s.ReplaceChanges(ctx, "review", "r1", func() ([]*geo.Change, error) { return nil, nil }); err != nil {
		t.Errorf("replacing the origin of an accepted claim's change: %v", err)
	}
	if c, err := s.Claim(ctx, cs[0].ID); err != nil || c.Review != geo.Accepted || c.Change != "claim-1" {
		t.Errorf("after its change was replaced the claim reads %+v, %v", c, err)
	}
}

func testRejectClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	_, cs := mustAddArticle(t, s, "Outlet")
	rev0, _ := s.Revision(ctx)
	decided := time.Date(2024, 12, 2, 0, 0, 0, 1, local)
	got, err := s.RejectClaim(ctx, cs[1].ID, decided, "not what the text says — لا")
	if err != nil {
		t.Fatal(err)
	}
	want := *cs[1]
	want.Review, want.DecidedAt, want.Reason = geo.Rejected, decided, "not what the text says — لا"
	if !sameClaim(got, &want) {
		t.Errorf("RejectClaim returned %+v, want %+v", got, &want)
	}
	if c, err := s.Claim(ctx, cs[1].ID); err != nil || !sameClaim(c, &want) {
		t.Errorf("the rejected claim read back as %+v, %v", c, err)
	}
	if rev, _ := s.Revision(ctx); rev != rev0 {
		t.Errorf("rejecting moved the revision from %s to %s", rev0, rev)
	}
	if _, err := s.AcceptClaim(ctx, cs[1].ID, decided, "review", Change("late", "gn:1", geo.HTS, day(29, 0))); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("accepting a rejected claim: %v, want ECONFLICT", err)
	}
	if _, err := s.RejectClaim(ctx, cs[1].ID, decided, ""); geo.ErrorCode(err) != geo.ECONFLICT {
		t.Errorf("rejecting twice: %v, want ECONFLICT", err)
	}
	if tl, _ := s.Timeline(ctx); len(tl.Changes) != 0 || tl.Revision != rev0 {
		t.Errorf("refused decisions left %s at revision %s", ids(tl.Changes), tl.Revision)
	}
	if _, err := s.RejectClaim(ctx, 9999, decided, ""); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Errorf("rejecting an unknown claim: %v, want ENOTFOUND", err)
	}
	// An empty reason is a reason.
	if c, err := s.RejectClaim(ctx, cs[0].ID, decided, ""); err != nil || c.Review != geo.Rejected || c.Reason != "" {
		t.Errorf("rejecting without a reason: %+v, %v", c, err)
	}
}

func testAcceptAllOrNone(t *testing.T, s store.Store) {
	ctx := context.Background()
	mustFill(t, s)
	_, cs := mustAddArticle(t, s, "Outlet")
	if err := s.ImportChanges(ctx, "f", []*geo.Change{Change("taken", "gn:2", geo.SDF, day(28, 0))}); err != nil {
		t.Fatal(err)
	}
	rev0, _ := s.Revision(ctx)
	cases := []struct {
		name   string
		change *geo.Change
		code   string
	}{
		{"UnknownPlace", Change("nowhere", "gn:404", geo.HTS, day(29, 0)), geo.EINVALID},
		{"TakenID", Change("taken", "gn:1", geo.HTS, day(29, 0)), geo.ECONFLICT},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.AcceptClaim(ctx, cs[0].ID, day(30, 0), "review", tc.change); geo.ErrorCode(err) != tc.code {
				t.Errorf("%v, want %s", err, tc.code)
			}
			if c, err := s.Claim(ctx, cs[0].ID); err != nil || c.Review != geo.Pending || !c.DecidedAt.IsZero() || c.Change != "" {
				t.Errorf("the claim after a refused accept: %+v, %v", c, err)
			}
			if tl, _ := s.Timeline(ctx); ids(tl.Changes) != "taken" || tl.Revision != rev0 {
				t.Errorf("a refused accept left %s at revision %s, want taken at %s", ids(tl.Changes), tl.Revision, rev0)
			}
		})
	}
	// Still pending, so it can be accepted.
	if c, err := s.AcceptClaim(ctx, cs[0].ID, day(30, 0), "review", Change("good", "gn:1", geo.HTS, day(29, 0))); err != nil || c.Review != geo.Accepted {
		t.Errorf("accepting after refusals: %+v, %v", c, err)
	}
}

// testConcurrentAccepts races two handles, as two processes would, to
// accept each of several claims with changes of their own: exactly one
// wins each claim, and only its change is stored.
func testConcurrentAccepts(t *testing.T, open func() store.Store) {
	ctx := context.Background()
	a, b := open(), open()
	mustFill(t, a)
	var claims []*geo.Claim
	for i := range 5 {
		_, cs := mustAddArticle(t, a, fmt.Sprintf("Outlet %d", i))
		claims = append(claims, cs...)
	}
	type result struct {
		claim *geo.Claim
		err   error
	}
	results := make([][2]result, len(claims))
	var wg sync.WaitGroup
	for i, c := range claims {
		for h, s := range []store.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ch := Change(fmt.Sprintf("c%d-by-%d", c.ID, h), "gn:1", geo.HTS, day(28, i))
				got, err := s.AcceptClaim(ctx, c.ID, day(30, h), "review", ch)
				results[i][h] = result{got, err}
			}()
		}
	}
	wg.Wait()
	want := ""
	for i, c := range claims {
		won := -1
		for h, r := range results[i] {
			switch {
			case r.err == nil:
				if won >= 0 {
					t.Errorf("claim %d: both handles accepted it", c.ID)
				}
				won = h
			case geo.ErrorCode(r.err) != geo.ECONFLICT:
				t.Errorf("claim %d, handle %d: %v, want ECONFLICT", c.ID, h, r.err)
			}
		}
		if won < 0 {
			t.Errorf("claim %d: neither handle accepted it", c.ID)
			continue
		}
		id := fmt.Sprintf("c%d-by-%d", c.ID, won)
		if want != "" {
			want += " "
		}
		want += id
		if got, err := b.Claim(ctx, c.ID); err != nil || got.Review != geo.Accepted || got.Change != id || !got.DecidedAt.Equal(day(30, won)) {
			t.Errorf("claim %d reads %+v, %v; want accepted with %s", c.ID, got, err, id)
		}
	}
	if tl, err := a.Timeline(ctx); err != nil || ids(tl.Changes) != want {
		t.Errorf("after the races: %s, %v; want %s", ids(tl.Changes), err, want)
	}
}
