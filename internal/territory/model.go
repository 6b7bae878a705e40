package territory

import (
	"fmt"
	"sort"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// OutlineAreas are the areas that belong to Syria's outline though
// Natural Earth draws them elsewhere: the occupied Golan lies inside its
// Israel outline.
var OutlineAreas = []string{"golan-occupied"}

// Model answers who held what, when: the timeline's changes, its
// keyframes and each grid class's history.
type Model struct {
	Grid      *Grid
	Changes   []*geo.Change // every change, in order
	Keyframes []geo.Keyframe
	Areas     []map[string]float64 // per keyframe: km² per faction; set by whoever has the territories

	places    func(id string) *geo.Place
	byID      map[string]*geo.Change
	histories [][]span // per grid class
	stateBase []int    // per grid class: the State of its first span
}

// span is an interval of a history with the run of same-faction control
// around it, precomputed so the point query only searches.
type span struct {
	geo.Interval
	runFrom, runTo time.Time
	previous       string
}

// Build makes the grid for changes within outline and the model on it.
func Build(outline orb.MultiPolygon, changes []*geo.Change, places func(string) *geo.Place) (*Model, error) {
	return BuildOn(nil, outline, changes, places)
}

// BuildOn is [Build] reusing prev's cover of the outline when prev was
// built, in this process, for the same outline: only the cells' classes
// and the histories are derived again, which takes a fraction of the
// second the cover takes.
func BuildOn(prev *Grid, outline orb.MultiPolygon, changes []*geo.Change, places func(string) *geo.Place) (*Model, error) {
	geo.SortChanges(changes)
	key := outlineKey(outline)
	base := prev
	if base == nil || base.geom == nil || base.geom.key != key {
		var err error
		if base, err = buildGeometry(outline); err != nil {
			return nil, err
		}
		base.geom.key = key
	}
	g, err := decide(base, changes, places)
	if err != nil {
		return nil, err
	}
	return New(g, changes, places)
}

// New returns the model of changes on a grid built for them.
func New(g *Grid, changes []*geo.Change, places func(string) *geo.Place) (*Model, error) {
	geo.SortChanges(changes)
	m := &Model{Grid: g, Changes: changes, places: places, byID: map[string]*geo.Change{}}
	byPlace := map[string][]*geo.Change{}
	bySlug := map[string][]*geo.Change{}
	for _, c := range changes {
		if m.byID[c.ID] != nil {
			return nil, geo.Errorf(geo.ECONFLICT, "two changes have the id %s", c.ID)
		}
		m.byID[c.ID] = c
		if !c.Status.Applies() {
			continue
		}
		if c.Place != "" {
			byPlace[c.Place] = append(byPlace[c.Place], c)
		} else {
			bySlug[c.Area] = append(bySlug[c.Area], c)
		}
	}
	m.Keyframes = keyframes(changes)
	m.histories = make([][]span, len(g.Classes))
	m.stateBase = make([]int, len(g.Classes))
	for i, cl := range g.Classes {
		h, err := m.history(cl, byPlace, bySlug)
		if err != nil {
			return nil, err
		}
		m.histories[i] = h
		if i+1 < len(g.Classes) {
			m.stateBase[i+1] = m.stateBase[i] + len(h)
		}
	}
	return m, nil
}

// keyframes groups the applied changes by instant. A denial joins the
// keyframe in force when it was recorded: it changes no ground.
func keyframes(changes []*geo.Change) []geo.Keyframe {
	var kfs []geo.Keyframe
	for _, c := range changes {
		if !c.Status.Applies() {
			continue
		}
		if n := len(kfs); n == 0 || !kfs[n-1].At.Equal(c.At) {
			kfs = append(kfs, geo.Keyframe{ID: len(kfs), At: c.At})
		}
		kfs[len(kfs)-1].Changes = append(kfs[len(kfs)-1].Changes, c)
	}
	for _, c := range changes {
		if c.Status.Applies() || len(kfs) == 0 {
			continue
		}
		i := sort.Search(len(kfs), func(i int) bool { return kfs[i].At.After(c.At) }) - 1
		if i < 0 {
			i = 0
		}
		kfs[i].Changes = append(kfs[i].Changes, c)
	}
	return kfs
}

// KeyframeAt returns the index of the keyframe in force at t, or -1
// before the first.
func (m *Model) KeyframeAt(t time.Time) int {
	return sort.Search(len(m.Keyframes), func(i int) bool { return m.Keyframes[i].At.After(t) }) - 1
}

// history merges a class's baseline place, its areas and the changes
// whose reach covers it into the intervals of control at its cells.
func (m *Model) history(cl Class, byPlace, bySlug map[string][]*geo.Change) ([]span, error) {
	type event struct {
		c     *geo.Change
		basis geo.Basis
	}
	var events []event
	for _, c := range byPlace[cl.Place] {
		if c.At.Equal(geo.TimelineStart) {
			basis := geo.BasisKept
			if cl.Within {
				basis = geo.BasisPlace
			}
			events = append(events, event{c, basis})
		}
	}
	holds := map[string]bool{}
	slugs := map[string]bool{}
	for _, id := range cl.Areas {
		holds[id] = true
		if c := m.byID[id]; c != nil {
			slugs[c.Area] = true
		}
	}
	for s := range slugs {
		for _, c := range bySlug[s] {
			events = append(events, event{c, geo.BasisArea})
		}
	}
	for _, id := range cl.Reach {
		if c := m.byID[id]; c != nil && c.Status.Applies() {
			events = append(events, event{c, geo.BasisPlace})
		}
	}
	// By instant; at one instant the baseline, then areas, then the
	// covering changes in the class's order (the nearest last).
	sort.SliceStable(events, func(i, j int) bool { return events[i].c.At.Before(events[j].c.At) })
	var out []span
	latest := map[string]*geo.Change{} // area slug: its version in force
	var place *geo.Change
	placeBasis := geo.BasisKept
	for i, e := range events {
		if e.basis == geo.BasisArea {
			latest[e.c.Area] = e.c
		} else {
			place, placeBasis = e.c, e.basis
		}
		if i+1 < len(events) && events[i+1].c.At.Equal(e.c.At) {
			continue // settle the instant first
		}
		decider, basis := place, placeBasis
		var area *geo.Change
		for _, a := range latest {
			if holds[a.ID] && (area == nil || a.At.After(area.At)) {
				area = a
			}
		}
		if area != nil {
			decider, basis = area, geo.BasisArea
		}
		if decider == nil {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Change == decider && out[n-1].Basis == basis {
			continue
		}
		if n := len(out); n > 0 {
			out[n-1].To = e.c.At
		}
		out = append(out, span{Interval: geo.Interval{From: e.c.At, Faction: decider.Faction, Change: decider, Basis: basis}})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("territory: class %s has no history", cl.Place)
	}
	out = endFactions(out)
	// Runs of the same faction, and who held the ground before each.
	for i := range out {
		j := i
		for j > 0 && out[j-1].Faction == out[i].Faction {
			j--
		}
		k := i
		for k+1 < len(out) && out[k+1].Faction == out[i].Faction {
			k++
		}
		out[i].runFrom, out[i].runTo = out[j].From, out[k].To
		if j > 0 {
			out[i].previous = out[j-1].Faction
		}
	}
	return out, nil
}

// endFactions hands the ground of a faction that ceased to exist to
// [geo.None] from its end on, whoever's report it rested on: nobody
// holds for a government that is gone.
func endFactions(h []span) []span {
	out := h[:0:0]
	for _, s := range h {
		f := geo.FactionByID(s.Faction)
		if f == nil || f.Ended.IsZero() || !s.To.IsZero() && !s.To.After(f.Ended) {
			out = append(out, s)
			continue
		}
		if s.From.Before(f.Ended) {
			before := s
			before.To = f.Ended
			out = append(out, before)
			s.From = f.Ended
		}
		s.Faction, s.Basis = geo.None, geo.BasisNone
		if n := len(out); n > 0 && out[n-1].Faction == geo.None && out[n-1].To.Equal(s.From) && out[n-1].Change == s.Change {
			out[n-1].To = s.To
			continue
		}
		out = append(out, s)
	}
	return out
}

// Control answers who controlled p at t.
func (m *Model) Control(p orb.Point, t time.Time) (geo.Control, error) {
	c, snapped := m.Grid.Find(p), 0.0
	if c < 0 {
		c, snapped = m.Grid.Nearest(p, SnapKm)
	}
	if c < 0 {
		return geo.Control{}, geo.Errorf(geo.ENOTFOUND,
			"the point (%g, %g) is outside Syria: frontline maps control inside Syria's outline (and up to %d km from it) only",
			p.Lon(), p.Lat(), SnapKm)
	}
	if t.Before(geo.TimelineStart) {
		return geo.Control{}, geo.Errorf(geo.ENOTFOUND, "the timeline starts at %s; nothing is recorded before it",
			geo.TimelineStart.Format(time.RFC3339))
	}
	class := m.Grid.Class[c]
	h := m.histories[class]
	i := sort.Search(len(h), func(i int) bool { return h[i].From.After(t) }) - 1
	if i < 0 {
		return geo.Control{}, geo.Errorf(geo.ENOTFOUND, "no control is recorded here before %s", h[0].From.Format(time.RFC3339))
	}
	s := h[i]
	out := geo.Control{
		Point: p, At: t, Faction: s.Faction, Since: s.runFrom, Until: s.runTo, Previous: s.previous,
		Change: s.Change, History: m.historyOf(class), State: m.stateBase[class] + i,
	}
	out.Basis, out.SnappedKm = s.Basis, snapped
	if s.Change.Area != "" {
		out.Area = s.Change
	} else if pl := m.places(s.Change.Place); pl != nil {
		out.Place = &geo.Nearby{Place: pl, DistanceKm: orbgeo.DistanceHaversine(p, pl.Point) / 1000}
	}
	return out, nil
}

// Faction returns the faction holding p at t, "" when none; the
// allocation-free core of [Model.Control].
func (m *Model) Faction(p orb.Point, t time.Time) string {
	c := m.Grid.Find(p)
	if c < 0 {
		if c, _ = m.Grid.Nearest(p, SnapKm); c < 0 {
			return ""
		}
	}
	h := m.histories[m.Grid.Class[c]]
	i := sort.Search(len(h), func(i int) bool { return h[i].From.After(t) }) - 1
	if i < 0 {
		return ""
	}
	return h[i].Faction
}

func (m *Model) historyOf(class int32) []geo.Interval {
	h := m.histories[class]
	out := make([]geo.Interval, len(h))
	for i, s := range h {
		out[i] = s.Interval
	}
	return out
}

// AreasAt returns the km² each faction held at a keyframe.
func (m *Model) AreasAt(keyframe int) map[string]float64 {
	if keyframe < 0 || keyframe >= len(m.Areas) {
		return nil
	}
	return m.Areas[keyframe]
}
