// Package app is frontline's application core. It fills a [store.Store]
// from the embedded data, derives the territory of the stored changes,
// and holds the result as an immutable [Snapshot]. When the store's data
// change (an import by another process, an accepted claim) it builds a new
// snapshot beside the current one and swaps it in atomically: a request
// takes [App.Current] once and is answered from that snapshot to its end,
// never from half of two.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"
	"frontline/internal/ingest"
	"frontline/internal/store"
	"frontline/internal/timeline"
)

// OriginEmbedded names the changes that come with the binary: a new
// binary replaces them and leaves imported ones alone.
const OriginEmbedded = "embedded"

// Config is what the core needs besides its store.
type Config struct {
	// Build names the binary (its version): it is part of every snapshot
	// version, since another build may render the same data otherwise.
	Build  string
	Logger *slog.Logger
}

// App is the application core; its methods are safe for concurrent use.
type App struct {
	store  store.Store
	build  string
	logger *slog.Logger

	index        *geocode.Index
	parser       *ingest.Parser
	now          func() time.Time
	placesVer    string
	current      atomic.Pointer[Snapshot]
	rebuild      sync.Mutex // one build at a time; guards checked
	checked      string     // the store revision the current snapshot was last found up to date at
	basemapOnce  sync.Once
	basemap      []byte
	basemapError error
}

// New loads the embedded gazetteer and fills st with the embedded data
// where it holds another version of it. It builds no snapshot yet:
// [App.Refresh] does.
func New(ctx context.Context, st store.Store, cfg Config) (*App, error) {
	a := &App{store: st, build: cfg.Build, logger: cfg.Logger, now: time.Now}
	if a.logger == nil {
		a.logger = slog.New(slog.DiscardHandler)
	}
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		return nil, fmt.Errorf("app: gazetteer: %w", err)
	}
	a.index = geocode.NewIndex(gz)
	a.parser = ingest.NewParser(gz)
	if err := a.fill(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// fill copies the embedded gazetteer and timeline into the store where it
// holds another version of them.
func (a *App) fill(ctx context.Context) error {
	ver, err := data.Version()
	if err != nil {
		return err
	}
	a.placesVer = ver
	gz := a.index.Gazetteer()
	wrote, err := a.store.ReplacePlaces(ctx, gz.Places, ver)
	if err != nil {
		return err
	}
	if wrote {
		a.logger.Info("database filled from embedded data", slog.String("data_version", ver), slog.Int("places", len(gz.Places)))
	}
	tver, err := data.TimelineVersion()
	if err != nil {
		return err
	}
	n, err := a.store.ReplaceChanges(ctx, OriginEmbedded, tver, func() ([]*geo.Change, error) {
		return timeline.ReadFS(data.FS, data.TimelineFiles...)
	})
	if err != nil {
		return err
	}
	if n > 0 {
		a.logger.Info("timeline loaded from embedded data", slog.String("timeline_version", tver), slog.Int("changes", n))
	}
	return nil
}

// Geocoder returns the gazetteer's name index.
func (a *App) Geocoder() *geocode.Index { return a.index }

// Current returns the snapshot in force, nil before the first
// [App.Refresh]. Take it once per request.
func (a *App) Current() *Snapshot { return a.current.Load() }

// Refresh reads the store and, when its data differ from the current
// snapshot's, builds a new snapshot and swaps it in. It returns the
// snapshot in force afterwards. Readers keep the old one meanwhile.
func (a *App) Refresh(ctx context.Context) (*Snapshot, error) {
	a.rebuild.Lock()
	defer a.rebuild.Unlock()
	cur := a.current.Load()
	if cur != nil {
		rev, err := a.store.Revision(ctx)
		if err != nil {
			return cur, err
		}
		if rev == a.checked {
			return cur, nil
		}
	}
	start := time.Now()
	next, rev, persist, err := a.buildSnapshot(ctx, cur)
	if err != nil {
		return cur, err
	}
	a.checked = rev
	if next == cur {
		return cur, nil
	}
	a.current.Store(next)
	if cur != nil {
		close(cur.superseded)
	}
	if persist != nil {
		persist()
	}
	a.logger.Info("snapshot in force", slog.String("version", next.Version), slog.String("revision", next.Revision),
		slog.Int("changes", len(next.Changes)), slog.Int("keyframes", len(next.Keyframes)),
		slog.Duration("took", time.Since(start)))
	return next, nil
}

// Watch refreshes whenever the store reports a change, until ctx ends. A
// failed build is logged and the snapshot in force stays; the next report
// tries again.
func (a *App) Watch(ctx context.Context) {
	for range a.store.Watch(ctx) {
		if _, err := a.Refresh(ctx); err != nil && ctx.Err() == nil {
			a.logger.Error("rebuild failed; the previous snapshot stays in force", slog.Any("err", err))
		}
	}
}

// Import adds changes under origin, all or none, then refreshes.
// Returns EINVALID for a change that fails [geo.Change.Validate] or names
// an unknown place, ECONFLICT for an id already recorded.
func (a *App) Import(ctx context.Context, origin string, changes []*geo.Change) (*Snapshot, error) {
	for _, c := range changes {
		if err := c.Validate(); err != nil {
			return nil, err
		}
		if c.Place != "" && a.index.Gazetteer().Place(c.Place) == nil {
			return nil, geo.Errorf(geo.EINVALID, "change %s: no place %q in the gazetteer", c.ID, c.Place)
		}
	}
	if err := a.store.ImportChanges(ctx, origin, changes); err != nil {
		return nil, err
	}
	return a.Refresh(ctx)
}
