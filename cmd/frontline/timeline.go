package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"
	"frontline/internal/server"
	"frontline/internal/store/sqlite"
	"frontline/internal/territory"
	"frontline/internal/tiles"
	"frontline/internal/timeline"

	"github.com/paulmach/orb"
)

// fillDatabase copies the embedded gazetteer and timeline into db where
// it holds another version of them.
func fillDatabase(ctx context.Context, db *sqlite.DB, gz *geocode.Gazetteer, logger *slog.Logger) error {
	ver, err := data.Version()
	if err != nil {
		return err
	}
	filled, err := db.LoadPlaces(ctx, gz.Places, ver)
	if err != nil {
		return err
	}
	if filled {
		logger.Info("database filled from embedded data", slog.String("db", db.Path), slog.String("data_version", ver),
			slog.Int("places", len(gz.Places)))
	}
	tver, err := data.TimelineVersion()
	if err != nil {
		return err
	}
	n, err := db.ReplaceChanges(ctx, sqlite.OriginEmbedded, tver, func() ([]*geo.Change, error) {
		return timeline.ReadFS(data.FS, data.TimelineFiles...)
	})
	if err != nil {
		return err
	}
	if n > 0 {
		logger.Info("timeline loaded from embedded data", slog.String("timeline_version", tver), slog.Int("changes", n))
	}
	return nil
}

// outlineFor is the ground the map covers for these changes.
func outlineFor(gz *geocode.Gazetteer, changes []*geo.Change) (orb.MultiPolygon, error) {
	country := gz.Shape("ne:SY")
	if country == nil {
		return nil, fmt.Errorf("the gazetteer has no outline of Syria")
	}
	return territory.SyriaOutline(country, gz.Shape("ne:SY.UNDOF"), changes)
}

// loadTerritory returns the model of the stored changes, from the stored
// grid when it was built for them, else rebuilding and storing it.
func loadTerritory(ctx context.Context, db *sqlite.DB, gz *geocode.Gazetteer, logger *slog.Logger) (*territory.Model, error) {
	changes, err := db.Changes(ctx)
	if err != nil {
		return nil, err
	}
	outline, err := outlineFor(gz, changes)
	if err != nil {
		return nil, err
	}
	digest := territory.Digest(changes, outline)
	stored, blob, err := db.Grid(ctx)
	if err != nil {
		return nil, err
	}
	if stored == digest {
		g, err := territory.DecodeGrid(blob)
		if err == nil {
			m, err := territory.New(g, changes, gz.Place)
			if err != nil {
				return nil, err
			}
			areas, err := db.Areas(ctx)
			if err != nil {
				return nil, err
			}
			m.Areas = make([]map[string]float64, len(m.Keyframes))
			for i := range m.Keyframes {
				m.Areas[i] = areas[i]
			}
			return m, nil
		}
		logger.Warn("stored grid unreadable; rebuilding", slog.Any("err", err))
	}
	return rebuildTerritory(ctx, db, gz, changes, outline, digest, logger)
}

// rebuildTerritory derives the grid, keyframes and territories from the
// changes and stores them.
func rebuildTerritory(ctx context.Context, db *sqlite.DB, gz *geocode.Gazetteer, changes []*geo.Change,
	outline orb.MultiPolygon, digest string, logger *slog.Logger) (*territory.Model, error) {
	start := time.Now()
	m, err := territory.Build(outline, changes, gz.Place)
	if err != nil {
		return nil, err
	}
	terr, err := m.Territories()
	if err != nil {
		return nil, err
	}
	blob, err := m.Grid.Encode()
	if err != nil {
		return nil, err
	}
	if err := db.SaveTerritory(ctx, digest, m.Keyframes, terr, blob); err != nil {
		return nil, err
	}
	logger.Info("territory rebuilt", slog.Int("changes", len(changes)), slog.Int("keyframes", len(m.Keyframes)),
		slog.Int("cells", len(m.Grid.Cells)), slog.Duration("took", time.Since(start)))
	return m, nil
}

// storedTerritories reads keyframes' territories from the database once
// each and keeps them: they change only when the timeline does.
type storedTerritories struct {
	db    *sqlite.DB
	mu    sync.Mutex
	byKey map[int][]geo.Territory
}

func (s *storedTerritories) get(keyframe int) ([]geo.Territory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.byKey[keyframe]; ok {
		return t, nil
	}
	t, err := s.db.Territories(context.Background(), keyframe)
	if err != nil {
		return nil, err
	}
	s.byKey[keyframe] = t
	return t, nil
}

// tileRenderer draws tiles from the model and the stored territories.
func tileRenderer(m *territory.Model, db *sqlite.DB, gz *geocode.Gazetteer) *tiles.Renderer {
	st := &storedTerritories{db: db, byKey: map[int][]geo.Territory{}}
	return &tiles.Renderer{
		Keyframes: m.Keyframes, Changes: m.Changes, Territories: st.get, Places: gz.Place,
		ControllerAt: func(p orb.Point, k int) string { return m.Faction(p, m.Keyframes[k].At) },
	}
}

// tileLayers describes the tiles' layers for TileJSON.
func tileLayers() []server.TileLayer {
	var out []server.TileLayer
	for _, l := range tiles.Layers {
		out = append(out, server.TileLayer{ID: l.ID, Fields: l.Fields})
	}
	return out
}
