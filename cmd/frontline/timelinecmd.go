package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"frontline/data"
	"frontline/internal/geocode"
	"frontline/internal/server"
	"frontline/internal/store/sqlite"
	"frontline/internal/territory"
	"frontline/internal/timeline"

	"github.com/paulmach/orb"
)

// openModel opens the database at path, filling it on first use, and the
// territory model of its changes.
func openModel(ctx context.Context, path string, logger *slog.Logger) (*sqlite.DB, *geocode.Gazetteer, *territory.Model, error) {
	db, gz, err := openFilled(ctx, path, logger)
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := loadTerritory(ctx, db, gz, logger)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return db, gz, m, nil
}

// openFilled opens the database at path, filling it on first use.
func openFilled(ctx context.Context, path string, logger *slog.Logger) (*sqlite.DB, *geocode.Gazetteer, error) {
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	if err := fillDatabase(ctx, db, gz, logger); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, gz, nil
}

// runImport adds the changes in a GeoJSON-lines file, all or none, and
// rebuilds the territory.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	dbPath := fs.String("db", envOr("FRONTLINE_DB", "frontline.db"), "SQLite database file (env FRONTLINE_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("name one file: frontline import [--db PATH] FILE.geojsonl")
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	changes, err := timeline.Read(f)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The territory is built once, after the import, not also before it.
	db, gz, err := openFilled(ctx, *dbPath, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.ImportChanges(ctx, filepath.Base(name), changes); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	start := time.Now()
	m, err := loadTerritory(ctx, db, gz, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d changes from %s; %d keyframes rebuilt in %v\n", len(changes), name,
		len(m.Keyframes), time.Since(start).Round(time.Millisecond))
	return nil
}

// runController prints the answer /api/controller gives.
func runController(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("controller", stderr)
	dbPath := fs.String("db", envOr("FRONTLINE_DB", "frontline.db"), "SQLite database file (env FRONTLINE_DB)")
	lon := fs.String("lon", "", "longitude, decimal degrees")
	lat := fs.String("lat", "", "latitude, decimal degrees")
	at := fs.String("at", "", "instant, RFC 3339 or a date (default now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := server.PointOf(*lon, *lat)
	if err != nil {
		return err
	}
	t, err := server.ParseInstant(*at, "--at", time.Now())
	if err != nil {
		return err
	}
	db, _, m, err := openModel(ctx, *dbPath, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := m.Control(orb.Point(p), t)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(server.ControlOf(c))
}
