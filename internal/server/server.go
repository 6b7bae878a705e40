// Package server is frontline's HTTP interface: the JSON and GeoJSON API,
// health checks and the bundled page.
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

// Server holds the HTTP handlers' dependencies.
type Server struct {
	Geocoder    Geocoder
	Timeline    Timeline                   // nil answers 503 on the timeline's routes
	Places      func(id string) *geo.Place // gazetteer lookup, for changes' points
	Tiles       TileRenderer               // nil: no tiles
	Territories func(keyframe int) ([]geo.Territory, error)
	TileLayers  []TileLayer
	Basemap     func() ([]byte, error) // the page's offline basemap, GeoJSON; made on first request
	Assets      fs.FS                  // the page; nil serves none
	Attribution string
	Logger      *slog.Logger

	ready        atomic.Bool
	controlCache sync.Map // geo.Control.State: *controlTemplate
	tiles        *tileCache
	features     sync.Map // OGC feature cache key: *cachedFeature
	basemapOnce  sync.Once
	basemapTile  *tile
	basemapErr   error
	router       chi.Router
}

// New returns a server with its routes; it answers /healthz with 503
// until [Server.SetReady].
func New(gc Geocoder, assets fs.FS, attribution string, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{Geocoder: gc, Assets: assets, Attribution: attribution, Logger: logger, tiles: newTileCache(TileCacheBytes)}
	s.router = s.routes()
	return s
}

// SetReady marks the service ready to answer.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

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

func (s *Server) needTimeline(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.Timeline == nil {
			return geo.Errorf(geo.EUNAVAILABLE, "the timeline is not loaded")
		}
		return h(w, r)
	}
}

// TileCacheBytes bounds the in-memory tile cache.
var TileCacheBytes = 64 << 20

func (s *Server) needTiles(h handler) handler {
	return s.needTimeline(func(w http.ResponseWriter, r *http.Request) error {
		if s.Tiles == nil {
			return geo.Errorf(geo.EUNAVAILABLE, "tiles are not loaded")
		}
		return h(w, r)
	})
}

func (s *Server) needOGC(h handler) handler {
	return s.needTimeline(func(w http.ResponseWriter, r *http.Request) error {
		if s.Territories == nil || s.Places == nil {
			return geo.Errorf(geo.EUNAVAILABLE, "the territory is not loaded")
		}
		return h(w, r)
	})
}

func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.recoverer, s.logRequests, readCORS, middleware.GetHead)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusNotFound, "no resource at "+r.URL.Path)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
	})

	r.Get("/healthz", s.healthz)
	r.Route("/api", func(r chi.Router) {
		// The point query stays uncompressed: its answers are small and
		// it is the hot path.
		r.Get("/controller", s.handle(s.needTimeline(s.controller)))
		r.Get("/basemap", s.handle(s.basemap))
		r.Group(func(r chi.Router) {
			r.Use(middleware.Compress(5, "application/json", "application/geo+json"))
			r.Get("/geocode", s.handle(s.geocode))
			r.Get("/reverse", s.handle(s.reverse))
			r.Get("/timeline", s.handle(s.needTimeline(s.timeline)))
			r.Get("/stats", s.handle(s.needTimeline(s.stats)))
		})
	})
	r.Route("/ogc", func(r chi.Router) {
		r.Get("/", s.handle(s.needOGC(s.ogcLanding)))
		r.Get("/conformance", s.handle(s.needOGC(s.ogcConformance)))
		r.Get("/api", s.handle(s.needOGC(s.ogcAPI)))
		r.Get("/collections", s.handle(s.needOGC(s.ogcCollections)))
		r.Get("/collections/{collection}", s.handle(s.needOGC(s.ogcCollection)))
		r.Get("/collections/{collection}/items", s.handle(s.needOGC(s.ogcItems)))
		r.Get("/collections/{collection}/items/{featureID}", s.handle(s.needOGC(s.ogcItem)))
	})
	r.Get("/tiles.json", s.handle(s.needTiles(s.tileJSON)))
	r.Get("/tiles/{z}/{x}/{y}.mvt", s.handle(s.needTiles(s.vectorTile)))
	r.Get("/tiles/{z}/{x}/{y}.png", s.handle(s.needTiles(s.rasterTile)))
	if s.Assets != nil {
		r.With(middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/javascript")).
			Handle("/*", http.FileServerFS(s.Assets))
	}
	return r
}

// basemap answers GET /api/basemap: the page's offline basemap.
func (s *Server) basemap(w http.ResponseWriter, r *http.Request) error {
	if s.Basemap == nil {
		return geo.Errorf(geo.ENOTFOUND, "no basemap is loaded")
	}
	s.basemapOnce.Do(func() {
		b, err := s.Basemap()
		if err != nil {
			s.basemapErr = err
			return
		}
		s.basemapTile = newTile(b, true)
	})
	if s.basemapErr != nil {
		return s.basemapErr
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	return serveBytes(w, r, "application/geo+json", s.basemapTile)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeProblem(w, r, http.StatusServiceUnavailable, "starting")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readCORS lets any page read the data: it is public and read-only.
func readCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		if s.Logger.Enabled(r.Context(), slog.LevelDebug) {
			s.Logger.Debug("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", ww.Status()), slog.Duration("took", time.Since(start)))
		}
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
