package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"frontline/data"
	"frontline/internal/server"
	"frontline/internal/store/sqlite"
	"frontline/internal/territory"
	"frontline/web"
)

// Config is what serve needs to start; flags and the environment fill it.
type Config struct {
	Addr     string // host:port to listen on
	DB       string // path of the SQLite file, created on first start
	LogLevel slog.Level
}

// Main is a running service. Tests start it on 127.0.0.1:0 with a
// temporary database, as the serve command does on its real address.
type Main struct {
	Config Config
	Logger *slog.Logger

	DB     *sqlite.DB
	Model  *territory.Model
	Server *server.Server
	http   *http.Server
	ln     net.Listener
	done   chan error

	closeOnce sync.Once
	closeErr  error
}

// Addr returns the address the service listens on, once running.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Run opens the database (filling it from the embedded data on first
// start), builds the indexes and starts serving. It returns once the
// service answers; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	ix, err := loadIndex()
	if err != nil {
		return fmt.Errorf("load gazetteer: %w", err)
	}
	if dir := filepath.Dir(m.Config.DB); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	m.DB, err = sqlite.Open(ctx, m.Config.DB)
	if err != nil {
		return err
	}
	gz := ix.Gazetteer()
	if err := fillDatabase(ctx, m.DB, gz, m.Logger); err != nil {
		return err
	}
	m.Model, err = loadTerritory(ctx, m.DB, gz, m.Logger)
	if err != nil {
		return fmt.Errorf("territory: %w", err)
	}

	m.Server = server.New(ix, web.FS, data.Attribution, m.Logger)
	m.Server.Timeline = m.Model
	m.Server.Places = gz.Place
	tr := tileRenderer(m.Model, m.DB, gz)
	m.Server.Tiles = tr
	m.Server.Territories = tr.Territories
	m.Server.TileLayers = tileLayers()
	m.Server.Basemap = func() ([]byte, error) { return basemapJSON(gz) }
	m.ln, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.http = &http.Server{
		Handler:           m.Server,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.done = make(chan error, 1)
	go func() { m.done <- m.http.Serve(m.ln) }()
	m.Server.SetReady(true)
	m.Logger.Info("serving", slog.String("addr", "http://"+m.Addr()), slog.Duration("startup", time.Since(start)),
		slog.String("version", version))
	return nil
}

// Close stops accepting requests, lets those under way finish (up to 10 s)
// and closes the database. Calling it again returns the first result.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.http != nil {
		m.Server.SetReady(false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		errs = append(errs, m.http.Shutdown(ctx))
		if err := <-m.done; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var cfg Config
	fs.StringVar(&cfg.Addr, "addr", envOr("FRONTLINE_ADDR", "127.0.0.1:8080"), "address to listen on (env FRONTLINE_ADDR)")
	fs.StringVar(&cfg.DB, "db", envOr("FRONTLINE_DB", "frontline.db"), "SQLite database file, created and filled on first start (env FRONTLINE_DB)")
	level := fs.String("log-level", envOr("FRONTLINE_LOG_LEVEL", "info"), "debug, info, warn or error (env FRONTLINE_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return usageErrorf("bad --log-level %q", *level)
	}
	m := &Main{Config: cfg, Logger: slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case err := <-m.done:
		m.done <- err // for Close
	}
	return m.Close()
}
