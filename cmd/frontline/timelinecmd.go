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

	"frontline/internal/app"
	"frontline/internal/server"
	"frontline/internal/store/sqlite"
	"frontline/internal/timeline"
)

// openApp opens the store at path and the app on it; the store is filled
// on first use. It builds no snapshot.
func openApp(ctx context.Context, path string, stderr io.Writer) (*sqlite.DB, *app.App, error) {
	st, err := openStore(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(ctx, st, app.Config{Build: version, Logger: logger})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, a, nil
}

// openSnapshot opens the app at path and its current snapshot.
func openSnapshot(ctx context.Context, path string, stderr io.Writer) (*sqlite.DB, *app.App, *app.Snapshot, error) {
	st, a, err := openApp(ctx, path, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	snap, err := a.Refresh(ctx)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return st, a, snap, nil
}

// runImport adds the changes in a GeoJSON-lines file, all or none. A
// service serving the same database picks them up by itself.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	var dbPath string
	dbFlag(fs, &dbPath)
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
	st, a, err := openApp(ctx, dbPath, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	snap, err := a.Import(ctx, filepath.Base(name), changes)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fmt.Fprintf(stdout, "imported %d changes from %s; %d keyframes in %v (data version %s)\n", len(changes), name,
		len(snap.Keyframes), time.Since(start).Round(time.Millisecond), snap.Version)
	return nil
}

// runController prints the answer /api/controller gives.
func runController(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("controller", stderr)
	var dbPath string
	dbFlag(fs, &dbPath)
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
	st, _, snap, err := openSnapshot(ctx, dbPath, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := snap.Control(p, t)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(server.ControlOf(c))
}
