package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"frontline/data"
	"frontline/internal/app"
	"frontline/internal/server"
	"frontline/internal/store/sqlite"
	"frontline/web"
)

// Config is what serve needs to start; flags and the environment fill it.
type Config struct {
	Addr     string // host:port to listen on
	DB       string // where the store is: a SQLite file, created on first start
	LogLevel slog.Level
	// Poll is how often the store is asked whether another process wrote
	// to it; zero means the store's default.
	Poll time.Duration
	// Token is the bearer token writes need (FRONTLINE_TOKEN); without
	// one the service is read-only. It is never logged.
	Token string
	// BaseURL is what every link starts with when the service is
	// published elsewhere than it listens, e.g. behind a proxy at
	// https://maps.example.org/frontline; "" builds them from the
	// address listened on (or, with TrustProxy, from the proxy's
	// headers), never from a request's Host. It wins over TrustProxy.
	BaseURL string
	// TrustProxy makes links follow the Forwarded or X-Forwarded-Proto
	// and X-Forwarded-Host headers of the proxy in front.
	TrustProxy bool
	// Timeouts bound how long a connection may hold the server; zero
	// fields take [DefaultTimeouts]' values.
	Timeouts Timeouts
	// MemoryLimit is the soft limit given to the Go runtime
	// (debug.SetMemoryLimit), in bytes; zero leaves the runtime's.
	MemoryLimit int64
	// RequestTimeout bounds the /api requests that use the store (see
	// [server.WithRequestTimeout]); zero keeps the server's default.
	RequestTimeout time.Duration
	// BuildsPerMinute is how many uncached answers one client may cause
	// per minute and kind (see [server.WorkLimits]); zero keeps the
	// default, negative turns the limit off.
	BuildsPerMinute int
}

// Timeouts are the connection limits of the HTTP server. The event stream
// is exempt from Write (it sets a deadline per event and heartbeat).
type Timeouts struct {
	ReadHeader time.Duration // to read a request's headers: ends slowloris
	Read       time.Duration // to read a whole request, body included
	// Write runs from the end of the headers to the end of the answer:
	// a client that reads too slowly is cut off, and what its answer
	// held is released.
	Write time.Duration
	Idle  time.Duration // a keep-alive connection waiting for its next request
	// MaxHeaderBytes bounds a request's headers (net/http's default is 1 MB).
	MaxHeaderBytes int
}

// DefaultTimeouts leave a slow mobile client a minute for the largest
// answer (the whole control collection, about 15 MB, or 1.5 MB gzipped),
// and close idle connections after 30 s, well before a flood of them
// could exhaust the file descriptors.
var DefaultTimeouts = Timeouts{
	ReadHeader:     10 * time.Second,
	Read:           30 * time.Second,
	Write:          60 * time.Second,
	Idle:           30 * time.Second,
	MaxHeaderBytes: 64 << 10,
}

// orDefault fills t's zero fields from [DefaultTimeouts].
func (t Timeouts) orDefault() Timeouts {
	d := DefaultTimeouts
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	t.ReadHeader = pick(t.ReadHeader, d.ReadHeader)
	t.Read = pick(t.Read, d.Read)
	t.Write = pick(t.Write, d.Write)
	t.Idle = pick(t.Idle, d.Idle)
	if t.MaxHeaderBytes <= 0 {
		t.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return t
}

// Main is a running service. Tests start it on 127.0.0.1:0 with a
// temporary database, as the serve command does on its real address.
type Main struct {
	Config Config
	Logger *slog.Logger

	Store  *sqlite.DB
	App    *app.App
	Server *server.Server
	http   *http.Server
	ln     net.Listener
	done   chan error
	stop   context.CancelFunc // ends the store watch
	wg     sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// Addr returns the address the service listens on, once running.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Run opens the store (the app fills it from the embedded data on first
// start), builds the first snapshot, watches the store for changes and
// starts serving. It returns once the service answers; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	st, err := openStore(ctx, m.Config.DB)
	if err != nil {
		return err
	}
	m.Store = st
	if m.Config.Poll > 0 {
		st.PollInterval = m.Config.Poll
	}
	if m.App, err = app.New(ctx, st, app.Config{Build: version, Logger: m.Logger}); err != nil {
		return err
	}
	if _, err := m.App.Refresh(ctx); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	watchCtx, stop := context.WithCancel(context.Background())
	m.stop = stop
	m.wg.Add(1)
	go func() { defer m.wg.Done(); m.App.Watch(watchCtx) }()

	m.ln, err = net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	base, err := m.linkBase()
	if err != nil {
		return err
	}
	opts := []server.Option{server.WithToken(m.Config.Token), server.WithTrustProxy(m.Config.TrustProxy),
		server.WithRequestTimeout(m.Config.RequestTimeout)}
	if base != "" {
		opts = append(opts, server.WithBaseURL(base))
	}
	if m.Config.BuildsPerMinute != 0 {
		limits := server.Limits
		limits.BuildsPerMinute = m.Config.BuildsPerMinute
		opts = append(opts, server.WithWorkLimits(limits))
	}
	m.Server = server.New(m.App, web.FS, data.Attribution, m.Logger, opts...)
	if m.Config.MemoryLimit > 0 {
		debug.SetMemoryLimit(m.Config.MemoryLimit)
	}
	t := m.Config.Timeouts.orDefault()
	m.http = &http.Server{
		Handler:           m.Server,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    t.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	m.http.RegisterOnShutdown(m.Server.Close)
	m.done = make(chan error, 1)
	go func() { m.done <- m.http.Serve(m.ln) }()
	m.Server.SetReady(true)
	m.Logger.Info("serving", slog.String("addr", "http://"+m.Addr()), slog.Duration("startup", time.Since(start)),
		slog.String("version", version), slog.String("data_version", m.App.Current().Version),
		slog.Bool("writes", m.Config.Token != ""), slog.Int64("memory_limit", debug.SetMemoryLimit(-1)))
	return nil
}

// linkBase is what the links of answers start with: --base-url, else
// nothing when a trusted proxy says it per request, else the address
// the service listens on. Never the request's Host header: answers with
// links are cached, here and by others, so a client choosing its Host
// would choose other clients' links. A service listening on every
// address is linked as localhost, and says so once: clients reaching it
// by another name need --base-url.
func (m *Main) linkBase() (string, error) {
	if m.Config.BaseURL != "" {
		base, err := server.ParseBaseURL(m.Config.BaseURL)
		if err != nil {
			return "", usageErrorf("--base-url: %v", err)
		}
		return base, nil
	}
	if m.Config.TrustProxy {
		return "", nil
	}
	host, port, err := net.SplitHostPort(m.ln.Addr().String())
	if err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
		m.Logger.Warn("links name localhost: clients reaching the service by another address need --base-url",
			slog.String("addr", m.Config.Addr))
	}
	return server.ParseBaseURL("http://" + net.JoinHostPort(host, port))
}

// openStore opens the SQLite store at path, making its folder.
func openStore(ctx context.Context, path string) (*sqlite.DB, error) {
	if strings.Contains(path, "://") {
		return nil, usageErrorf("--db %s: only a SQLite file path is supported in this version", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	return sqlite.Open(ctx, path)
}

// Close stops accepting requests, lets those under way finish (up to 10 s),
// stops watching the store and closes it. Calling it again returns the
// first result.
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
	if m.stop != nil {
		m.stop()
		m.wg.Wait()
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var cfg Config
	fs.StringVar(&cfg.Addr, "addr", envOr("FRONTLINE_ADDR", "127.0.0.1:8080"), "address to listen on (env FRONTLINE_ADDR)")
	dbFlag(fs, &cfg.DB)
	level := fs.String("log-level", envOr("FRONTLINE_LOG_LEVEL", "info"), "debug, info, warn or error (env FRONTLINE_LOG_LEVEL)")
	fs.DurationVar(&cfg.Poll, "poll", sqlite.DefaultPollInterval, "how often to look for imports by other processes")
	fs.StringVar(&cfg.BaseURL, "base-url", envOr("FRONTLINE_BASE_URL", ""),
		"the public URL every link starts with, path prefix included, when a proxy publishes the service\n"+
			"elsewhere than it listens, e.g. https://maps.example.org/frontline (env FRONTLINE_BASE_URL)")
	trustProxy := false
	if v := os.Getenv("FRONTLINE_TRUST_PROXY"); v != "" {
		var err error
		if trustProxy, err = strconv.ParseBool(v); err != nil {
			return usageErrorf("FRONTLINE_TRUST_PROXY=%s: want true or false", v)
		}
	}
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", trustProxy,
		"build links from the proxy's Forwarded (proto=, host=) or X-Forwarded-Proto and X-Forwarded-Host\n"+
			"headers; only behind a proxy that sets or replaces them, or any client picks its links (env FRONTLINE_TRUST_PROXY)")
	fs.DurationVar(&cfg.Timeouts.Read, "read-timeout", DefaultTimeouts.Read, "longest time to read a request, body included")
	fs.DurationVar(&cfg.Timeouts.Write, "write-timeout", DefaultTimeouts.Write,
		"longest time to answer a request: a client reading slower is cut off (the event stream is exempt)")
	fs.DurationVar(&cfg.RequestTimeout, "request-timeout", server.DefaultRequestTimeout,
		"longest time an /api request may wait on the database or a rebuild before it is answered 503")
	fs.DurationVar(&cfg.Timeouts.Idle, "idle-timeout", DefaultTimeouts.Idle, "how long an idle keep-alive connection is kept open")
	memoryLimitDefault := defaultMemoryLimit
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		memoryLimitDefault = v
	}
	memoryLimit := fs.String("memory-limit", memoryLimitDefault,
		"soft memory limit of the Go runtime, e.g. 512MiB or 2GiB, or off; the garbage collector works harder\n"+
			"as the heap nears it (env GOMEMLIMIT)")
	fs.IntVar(&cfg.BuildsPerMinute, "builds-per-minute", server.DefaultWorkLimits().BuildsPerMinute,
		"uncached answers (items pages, cold tiles, geoparse) one client address may cause per minute and kind,\n"+
			"then 429; 0 turns the limit off, for a load test from one address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case cfg.BuildsPerMinute < 0:
		return usageErrorf("--builds-per-minute must be 0 (off) or more, got %d", cfg.BuildsPerMinute)
	case cfg.BuildsPerMinute == 0:
		cfg.BuildsPerMinute = -1
	}
	var err error
	if cfg.MemoryLimit, err = parseMemoryLimit(*memoryLimit); err != nil {
		return usageErrorf("--memory-limit: %v", err)
	}
	for name, d := range map[string]time.Duration{"read": cfg.Timeouts.Read, "write": cfg.Timeouts.Write, "idle": cfg.Timeouts.Idle,
		"request": cfg.RequestTimeout} {
		if d <= 0 {
			return usageErrorf("--%s-timeout must be positive, got %v", name, d)
		}
	}
	if cfg.BaseURL != "" {
		if _, err := server.ParseBaseURL(cfg.BaseURL); err != nil {
			return usageErrorf("--base-url: %v", err)
		}
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return usageErrorf("bad --log-level %q", *level)
	}
	if cfg.Poll <= 0 {
		return usageErrorf("--poll must be positive, got %v", cfg.Poll)
	}
	cfg.Token = os.Getenv("FRONTLINE_TOKEN")
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

// defaultMemoryLimit keeps the heap of the service, under a flood of
// heavy requests, within a 1 GB machine.
const defaultMemoryLimit = "512MiB"

// parseMemoryLimit reads a size as GOMEMLIMIT writes it: bytes with an
// optional B, KiB, MiB, GiB or TiB suffix, or "off" for no limit.
func parseMemoryLimit(s string) (int64, error) {
	if s == "off" {
		return math.MaxInt64, nil
	}
	num, mult := s, int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			num, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size like 512MiB, 2GiB or off", s)
	}
	return n * mult, nil
}
