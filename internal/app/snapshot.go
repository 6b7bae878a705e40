package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"frontline/geo"
	"frontline/internal/geocode"
	"frontline/internal/store"
	"frontline/internal/territory"
	"frontline/internal/tiles"

	"github.com/paulmach/orb"
)

// Snapshot is the timeline and everything derived from it at one version
// of the store's data. It is built whole and never changed; the lazily
// filled caches inside it (the renderer's prepared geometry) are keyed by
// nothing outside it.
type Snapshot struct {
	// Version names the data and the build that serves them: every cache
	// entry and validator derived from the snapshot carries it.
	Version string
	// Revision is the store's revision the snapshot was read at.
	Revision string
	Built    time.Time

	Changes     []*geo.Change     // every change, in the order they apply
	Keyframes   []geo.Keyframe    // instants at which the map changes, with their changes
	Territories [][]geo.Territory // per keyframe: each faction's ground, in faction order
	Model       *territory.Model
	Renderer    *tiles.Renderer
	Bound       orb.Bound // the ground the territories cover

	gazetteer  *geocode.Gazetteer
	superseded chan struct{}
}

// Superseded is closed when a newer snapshot replaces this one.
func (s *Snapshot) Superseded() <-chan struct{} { return s.superseded }

// KeyframeAt returns the index of the keyframe in force at t, -1 before
// the first.
func (s *Snapshot) KeyframeAt(t time.Time) int {
	return sort.Search(len(s.Keyframes), func(i int) bool { return s.Keyframes[i].At.After(t) }) - 1
}

// Until returns the end of keyframe k's interval: the next keyframe's
// instant, zero for the last.
func (s *Snapshot) Until(k int) time.Time {
	if k+1 < len(s.Keyframes) {
		return s.Keyframes[k+1].At
	}
	return time.Time{}
}

// Areas returns the km² each faction held at keyframe k.
func (s *Snapshot) Areas(k int) map[string]float64 { return s.Model.AreasAt(k) }

// BasisAreas returns the km² of keyframe k's ground by how it is known.
func (s *Snapshot) BasisAreas(k int) map[geo.Basis]float64 {
	out := map[geo.Basis]float64{}
	for _, t := range s.Territories[k] {
		out[t.Basis] += t.AreaKm2
	}
	return out
}

// Place returns the gazetteer's place with the id, or nil.
func (s *Snapshot) Place(id string) *geo.Place { return s.gazetteer.Place(id) }

// Control answers who controlled p at t, and says who.
// Returns ENOTFOUND outside the mapped ground or before the timeline.
func (s *Snapshot) Control(p orb.Point, t time.Time) (geo.Control, error) {
	return s.Model.Control(p, t)
}

// Faction returns the faction holding p at t, "" where none is known.
func (s *Snapshot) Faction(p orb.Point, t time.Time) string { return s.Model.Faction(p, t) }

// buildSnapshot reads the store and derives the snapshot of its data; it
// returns cur itself when the data are those cur was built from, and the
// revision it read either way. persist, when not nil, stores what was
// derived: the caller runs it after the swap, so readers need not wait
// for the write.
func (a *App) buildSnapshot(ctx context.Context, cur *Snapshot) (*Snapshot, string, func(), error) {
	tl, err := a.store.Timeline(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	version := a.versionOf(tl.Changes)
	if cur != nil && cur.Version == version {
		return cur, tl.Revision, nil, nil
	}
	gz := a.index.Gazetteer()
	outline, err := outlineFor(gz, tl.Changes)
	if err != nil {
		return nil, "", nil, err
	}
	digest := territory.Digest(tl.Changes, outline, gz.Place)
	model, terr, persist, err := a.territory(ctx, cur, tl.Changes, outline, digest)
	if err != nil {
		return nil, "", nil, fmt.Errorf("app: territory: %w", err)
	}
	// A model that dissolved its ground summed the areas then; one on a
	// stored grid sums them here.
	summed := len(model.Areas) == len(terr)
	if !summed {
		model.Areas = make([]map[string]float64, len(terr))
	}
	var bound orb.Bound
	first := true
	for k, ts := range terr {
		if !summed {
			model.Areas[k] = map[string]float64{}
		}
		for _, t := range ts {
			if !summed {
				model.Areas[k][t.Faction] += t.AreaKm2
			}
			if first {
				bound, first = t.Shape.Bound(), false
			} else {
				bound = bound.Union(t.Shape.Bound())
			}
		}
	}
	s := &Snapshot{
		Version: version, Revision: tl.Revision, Built: time.Now().UTC(),
		Changes: model.Changes, Keyframes: model.Keyframes, Territories: terr, Model: model, Bound: bound,
		gazetteer: gz, superseded: make(chan struct{}),
	}
	s.Renderer = &tiles.Renderer{
		Keyframes: model.Keyframes, Changes: model.Changes, Places: gz.Place,
		Territories: func(k int) ([]geo.Territory, error) {
			if k < 0 || k >= len(terr) {
				return nil, geo.Errorf(geo.ENOTFOUND, "no keyframe %d", k)
			}
			return terr[k], nil
		},
		ControllerAt: func(p orb.Point, k int) string { return model.Faction(p, model.Keyframes[k].At) },
	}
	return s, tl.Revision, persist, nil
}

// territory returns the model of changes and each keyframe's ground: from
// the store when it holds them for digest, else derived (on cur's grid
// when it serves), with persist to store them.
func (a *App) territory(ctx context.Context, cur *Snapshot, changes []*geo.Change, outline orb.MultiPolygon, digest string) (*territory.Model, [][]geo.Territory, func(), error) {
	gz := a.index.Gazetteer()
	stored, err := a.store.Territory(ctx, digest)
	if err != nil {
		return nil, nil, nil, err
	}
	if stored != nil {
		m, err := reuse(stored, changes, gz)
		if err == nil {
			return m, stored.Territories, nil, nil
		}
		a.logger.Warn("stored territory unusable; rebuilding", slog.Any("err", err))
	}
	start := time.Now()
	var prev *territory.Grid
	var prevModel *territory.Model
	var prevTerr [][]geo.Territory
	if cur != nil {
		prev, prevModel, prevTerr = cur.Model.Grid, cur.Model, cur.Territories
	}
	m, err := territory.BuildOn(prev, outline, changes, gz.Place)
	if err != nil {
		return nil, nil, nil, err
	}
	// Beside the snapshot in force only the ground a change moved is
	// dissolved again.
	terr, err := m.TerritoriesOn(prevModel, prevTerr)
	if err != nil {
		return nil, nil, nil, err
	}
	a.logger.Info("territory derived", slog.Int("changes", len(changes)), slog.Int("keyframes", len(m.Keyframes)),
		slog.Int("cells", len(m.Grid.Cells)), slog.Bool("cover_reused", prev != nil && m.Grid.SameCover(prev)),
		slog.Duration("took", time.Since(start)))
	persist := func() {
		// A store that cannot keep it costs the next start a rebuild, no
		// more; a request that ends meanwhile does not stop the write.
		blob, err := m.Grid.Encode()
		if err == nil {
			kfs := make([]geo.Keyframe, len(m.Keyframes))
			for i, kf := range m.Keyframes {
				kfs[i] = geo.Keyframe{ID: kf.ID, At: kf.At}
			}
			err = a.store.SaveTerritory(context.WithoutCancel(ctx), &store.Territory{Digest: digest, Grid: blob, Keyframes: kfs, Territories: terr})
		}
		if err != nil {
			a.logger.Warn("derived territory not stored", slog.Any("err", err))
		}
	}
	return m, terr, persist, nil
}

// reuse makes the model on a stored grid, checking that the stored
// keyframes are the model's.
func reuse(stored *store.Territory, changes []*geo.Change, gz *geocode.Gazetteer) (*territory.Model, error) {
	g, err := territory.DecodeGrid(stored.Grid)
	if err != nil {
		return nil, err
	}
	m, err := territory.New(g, changes, gz.Place)
	if err != nil {
		return nil, err
	}
	if len(m.Keyframes) != len(stored.Keyframes) {
		return nil, fmt.Errorf("%d keyframes stored, %d derived", len(stored.Keyframes), len(m.Keyframes))
	}
	for i, kf := range m.Keyframes {
		if !kf.At.Equal(stored.Keyframes[i].At) {
			return nil, fmt.Errorf("keyframe %d is stored at %s, derived at %s", i, stored.Keyframes[i].At, kf.At)
		}
	}
	return m, nil
}

// outlineFor is the ground the map covers for these changes.
func outlineFor(gz *geocode.Gazetteer, changes []*geo.Change) (orb.MultiPolygon, error) {
	country := gz.Shape("ne:SY")
	if country == nil {
		return nil, fmt.Errorf("app: the gazetteer has no outline of Syria")
	}
	return territory.SyriaOutline(country, gz.Shape("ne:SY.UNDOF"), changes)
}

// versionOf digests everything a snapshot shows: the build, the gazetteer
// and every field of every change and source.
func (a *App) versionOf(changes []*geo.Change) string {
	h := sha256.New()
	fmt.Fprintf(h, "build %q places %q\n", a.build, a.placesVer)
	for _, c := range changes {
		fmt.Fprintf(h, "%q %q %q %q %q %s %q %q %q %d\n", c.ID, c.Place, c.Area, c.Name, c.Faction,
			c.At.UTC().Format(time.RFC3339Nano), c.Precision, c.Status, c.Summary, len(c.Shape))
		for _, poly := range c.Shape {
			for _, r := range poly {
				fmt.Fprintln(h, r)
			}
		}
		for _, src := range c.Sources {
			fmt.Fprintf(h, "  %q %q %s %q\n", src.Outlet, src.URL, src.Published.UTC().Format(time.RFC3339Nano), src.Quote)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
