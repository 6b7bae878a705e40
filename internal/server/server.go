// Package server is frontline's HTTP interface: the JSON API, the OGC API
// - Features, vector and raster tiles with TileJSON, health checks and the
// bundled page. Its one dependency is the application core ([App]); each
// request takes the snapshot in force once and is answered from it alone,
// and every cached answer and validator names the snapshot's version.
package server

import (
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"frontline/geo"
	"frontline/internal/app"
	"frontline/internal/geocode"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/paulmach/orb"
)

// Geocoder resolves names to places and points to what is near them.
type Geocoder interface {
	Geocode(q string, limit int) ([]geo.Match, error)
	Reverse(p orb.Point) (geo.Location, error)
	GovernorateName(code string) string
}

// App is what the server needs of the application core: the snapshot in
// force, the geocoder and the basemap. [app.App] is one.
type App interface {
	// Current returns the snapshot in force, nil while none is built.
	Current() *app.Snapshot
	Geocoder() *geocode.Index
	Basemap() ([]byte, error)
	Ingester
}

// Option sets up a server beyond its defaults.
type Option func(*Server)

// WithToken lets writes through with "Authorization: Bearer token"; a
// server without one is read-only.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// Server holds the HTTP handlers' one dependency, the app, and the
// caches of what it answered.
type Server struct {
	App         App
	Geocoder    Geocoder
	Assets      fs.FS // the page; nil serves none
	Attribution string
	Logger      *slog.Logger

	token          string        // bearer token for writes; "" makes the service read-only
	requestTimeout time.Duration // see [WithRequestTimeout]
	publicBaseURL  string        // what links start with, when set; see [WithBaseURL]
	trustProxy     bool          // links follow Forwarded and X-Forwarded-*; see [WithTrustProxy]
	streams        atomic.Int64  // open event streams
	closing        chan struct{} // closed by Close: event streams end
	closeOnce      sync.Once
	ready          atomic.Bool
	cache          *responseCache       // tiles and item pages, keyed by snapshot version
	view           atomic.Pointer[view] // per-snapshot caches of the snapshot in force
	basemapOnce    sync.Once
	basemapResp    *response
	basemapErr     error
	router         chi.Router
}

// New returns a server with its routes; it answers /healthz with 503
// until [Server.SetReady].
func New(a App, assets fs.FS, attribution string, logger *slog.Logger, opts ...Option) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{App: a, Geocoder: a.Geocoder(), Assets: assets, Attribution: attribution, Logger: logger,
		cache: newResponseCache(ResponseCacheBytes), closing: make(chan struct{}), requestTimeout: DefaultRequestTimeout}
	for _, o := range opts {
		o(s)
	}
	s.router = s.routes()
	return s
}

// Close ends the open event streams, which would otherwise hold a
// graceful shutdown until its deadline. Register it with
// [http.Server.RegisterOnShutdown].
func (s *Server) Close() { s.closeOnce.Do(func() { close(s.closing) }) }

// SetReady marks the service ready to answer.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Routes returns the router, so that tests and tools can list the routes
// ([chi.Walk]).
func (s *Server) Routes() chi.Routes { return s.router }

// handler is an HTTP handler that returns its error for one place to
// turn into a problem answer.
type handler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) handle(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// snapshot returns the snapshot in force; a handler takes it once and
// answers from it alone. Returns EUNAVAILABLE while none is built.
func (s *Server) snapshot() (*app.Snapshot, error) {
	if snap := s.App.Current(); snap != nil {
		return snap, nil
	}
	return nil, geo.Errorf(geo.EUNAVAILABLE, "the timeline is still being loaded; try again in a few seconds")
}

// current returns the snapshot in force with the server's caches for it.
func (s *Server) current() (*view, error) {
	snap, err := s.snapshot()
	if err != nil {
		return nil, err
	}
	for {
		v := s.view.Load()
		if v != nil && v.snap == snap {
			return v, nil
		}
		if v != nil && v.snap.Built.After(snap.Built) {
			// A request that took the older snapshot gets caches of its own.
			return newView(snap), nil
		}
		if nv := newView(snap); s.view.CompareAndSwap(v, nv) {
			return nv, nil
		}
	}
}

func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.securityHeaders, s.recoverer, s.logRequests)
	// A query that cannot be read is a 400 before any handler sees it;
	// after cors, so that a browser on another site can read the problem.
	r.Use(s.cors, checkQuery)
	r.NotFound(notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	// Routes are flat, full paths in groups, not mounted subrouters: chi
	// matches a mount's own path ("/ogc") for every method, which would
	// make the methods a path allows (Allow, preflights) wrong.
	read(r, "/healthz", s.healthz)
	r.Group(func(r chi.Router) {
		// The point query stays uncompressed: its answers are small and
		// it is the hot path.
		read(r, "/api/controller", s.handle(s.controller))
		read(r, "/api/basemap", s.handle(s.basemap))
		read(r, "/api/events/stream", s.handle(s.eventStream))
	})
	r.Group(func(r chi.Router) {
		r.Use(middleware.Compress(5, "application/json", "application/geo+json"))
		read(r, "/api/geocode", s.handle(s.geocode))
		read(r, "/api/reverse", s.handle(s.reverse))
		read(r, "/api/timeline", s.handle(s.timeline))
		read(r, "/api/stats", s.handle(s.stats))
		// What waits on the store, a rebuild or room to geoparse.
		r.Group(func(r chi.Router) {
			r.Use(s.deadline)
			r.Post("/api/geoparse", s.handle(s.geoparse))
			read(r, "/api/articles/{article}", s.handle(s.getArticle))
			read(r, "/api/claims", s.handle(s.listClaims))
			r.Group(func(r chi.Router) {
				r.Use(s.requireToken)
				r.Post("/api/articles", s.handle(s.postArticle))
				r.Post("/api/claims/{claim}/accept", s.handle(s.acceptClaim))
				r.Post("/api/claims/{claim}/reject", s.handle(s.rejectClaim))
			})
		})
	})
	read(r, "/ogc", s.handle(s.ogcLanding))
	read(r, "/ogc/", s.handle(s.ogcLanding))
	read(r, "/ogc/conformance", s.handle(s.ogcConformance))
	read(r, "/ogc/api", s.handle(s.ogcAPI))
	read(r, "/ogc/collections", s.handle(s.ogcCollections))
	read(r, "/ogc/collections/{collection}", s.handle(s.ogcCollection))
	read(r, "/ogc/collections/{collection}/items", s.handle(s.ogcItems))
	read(r, "/ogc/collections/{collection}/items/{featureID}", s.handle(s.ogcItem))
	read(r, "/tiles.json", s.handle(s.tileJSON))
	read(r, "/tiles/{z}/{x}/{y}.mvt", s.handle(s.vectorTile))
	read(r, "/tiles/{z}/{x}/{y}.png", s.handle(s.rasterTile))
	if s.Assets != nil {
		s.pageRoutes(r)
	}
	return r
}

// basemap answers GET /api/basemap: the page's offline basemap.
func (s *Server) basemap(w http.ResponseWriter, r *http.Request) error {
	s.basemapOnce.Do(func() {
		b, err := s.App.Basemap()
		if err != nil {
			s.basemapErr = err
			return
		}
		// The basemap comes with the binary: its version is the build's.
		s.basemapResp = newResponse("basemap", b, true)
	})
	if s.basemapErr != nil {
		return s.basemapErr
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	return serveBytes(w, r, "application/geo+json", s.basemapResp)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeProblem(w, r, http.StatusServiceUnavailable, "starting")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.Logger.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r) // the wrapper costs the hot path an allocation
			return
		}
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.Logger.Debug("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", ww.Status()), slog.Duration("took", time.Since(start)))
	})
}

// recoverer turns a panic into a 500 problem, logged, instead of a dropped
// connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				s.Logger.Error("panic", slog.String("path", r.URL.Path), slog.Any("panic", v))
				writeProblem(w, r, http.StatusInternalServerError, "Internal error.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, contentType string, v any) error {
	w.Header().Set("Content-Type", contentType)
	return json.NewEncoder(w).Encode(v)
}
