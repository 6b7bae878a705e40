package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"frontline/geo"
	"frontline/internal/ingest"

	"github.com/go-chi/httprate"
	"golang.org/x/sync/semaphore"
)

// WorkLimits bounds the expensive work the server does at once: building
// an answer the response cache does not hold (an items page, a cold
// tile) and geoparsing a text. A request finding no room waits up to
// Wait, behind at most Queue others of its kind, and is then answered
// 503 with Retry-After. Cached answers never wait. A zero field takes
// its default from [DefaultWorkLimits].
type WorkLimits struct {
	// ItemFeatures is how many features the items pages being built at
	// once may hold between them; a page weighs its features, so one
	// whole-collection page takes the room of many small ones.
	ItemFeatures int64
	VectorTiles  int64 // cold vector tiles rendered at once
	RasterTiles  int64 // cold PNG tiles rendered at once
	Geoparse     int64 // texts geoparsed at once
	// Queue is how many requests of each kind may wait for room; any
	// more are refused at once, so waiting never piles up without bound.
	Queue int64
	Wait  time.Duration // how long a request waits for room
	// BuildsPerMinute is how many cache misses one client (by IP) may
	// cause per minute on each kind; more get 429 with Retry-After.
	// Answers the cache holds do not count. Negative turns it off.
	BuildsPerMinute int
	// AnswerBytes bounds the large answers (1 MB or more: items pages)
	// being written at once, each counted once however many clients it
	// goes to; a new one past it is 503 with Retry-After.
	AnswerBytes int64
}

// DefaultWorkLimits are the bounds of a server on this machine. The work
// is CPU-bound, so each kind gets a slot per two cores (vector tiles, the
// quickest, one per core), which leaves cores for the cheap answers
// under a flood: on 2 cores this halved a light client's median latency
// (BenchmarkLightUnderHeavyFlood). Items pages may hold a thousand
// features per two cores, about one whole control collection (~16 MB
// encoded, and its gzip) in memory at once.
func DefaultWorkLimits() WorkLimits {
	n := int64(runtime.GOMAXPROCS(0))
	return WorkLimits{
		ItemFeatures: max(1, n/2) * 1000,
		VectorTiles:  n,
		RasterTiles:  max(1, n/2),
		Geoparse:     max(1, n/2),
		// A waiting request holds only a goroutine; the queue is there so
		// that waits stay bounded, and must fit a few maps filling their
		// screens with cold tiles at once.
		Queue: 128 * n,
		Wait:  2 * time.Second,
		// The page's animation over every keyframe asks for a thousand or
		// two cold tiles a minute, and users behind one NAT share an address.
		BuildsPerMinute: 6000,
		// Sixteen whole control collections (16 MB each without gzip):
		// beside the snapshot and the 64 MB cache, within the default
		// 512 MiB memory limit.
		AnswerBytes: 256 << 20,
	}
}

// Limits are the bounds servers made by [New] take from then on, unless
// given [WithWorkLimits]; tests lower them.
var Limits WorkLimits

// WithWorkLimits gives the server its own bounds (zero fields take the
// defaults) in place of [Limits].
func WithWorkLimits(l WorkLimits) Option {
	return func(s *Server) { s.cache.work = newWorkLimits(l) }
}

func (l WorkLimits) withDefaults() WorkLimits {
	d := DefaultWorkLimits()
	set := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.ItemFeatures, d.ItemFeatures)
	set(&l.VectorTiles, d.VectorTiles)
	set(&l.RasterTiles, d.RasterTiles)
	set(&l.Geoparse, d.Geoparse)
	set(&l.Queue, d.Queue)
	if l.Wait <= 0 {
		l.Wait = d.Wait
	}
	if l.BuildsPerMinute == 0 {
		l.BuildsPerMinute = d.BuildsPerMinute
	}
	set(&l.AnswerBytes, d.AnswerBytes)
	return l
}

// workLimits are a server's bounds, one per kind of work.
type workLimits struct {
	items, vectorTiles, rasterTiles, geoparse *workLimit
	answers                                   *inflight
}

func newWorkLimits(l WorkLimits) workLimits {
	l = l.withDefaults()
	mk := func(kind string, size int64) *workLimit {
		w := &workLimit{kind: kind, size: size, sem: semaphore.NewWeighted(size), queue: l.Queue, wait: l.Wait}
		if l.BuildsPerMinute > 0 {
			w.perClient = httprate.NewRateLimiter(l.BuildsPerMinute, time.Minute)
		}
		return w
	}
	return workLimits{
		items:       mk("items pages", l.ItemFeatures),
		vectorTiles: mk("vector tiles", l.VectorTiles),
		rasterTiles: mk("raster tiles", l.RasterTiles),
		geoparse:    mk("geoparse requests", l.Geoparse),
		answers:     newInflight(l.AnswerBytes),
	}
}

// workLimit is the room for one kind of expensive work.
type workLimit struct {
	kind      string
	size      int64
	sem       *semaphore.Weighted
	waiting   atomic.Int64
	queue     int64
	wait      time.Duration
	perClient *httprate.RateLimiter // nil: no per-client limit
}

// retryAfter is what a refused client is told to wait, in seconds: about
// the time a slot takes to free up under load.
const retryAfter = "2"

// acquire takes weight of l's room (at least 1, at most all of it),
// waiting up to l.wait; the error is EUNAVAILABLE when there is none.
func (l *workLimit) acquire(ctx context.Context, weight int64) (release func(), err error) {
	n := min(max(weight, 1), l.size)
	release = func() { l.sem.Release(n) }
	if l.sem.TryAcquire(n) {
		return release, nil
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return nil, l.busy()
	}
	defer l.waiting.Add(-1)
	ctx, cancel := context.WithTimeout(ctx, l.wait)
	defer cancel()
	if l.sem.Acquire(ctx, n) != nil {
		return nil, l.busy()
	}
	return release, nil
}

func (l *workLimit) busy() error {
	return geo.Errorf(geo.EUNAVAILABLE, "too many %s are being made at once; try again in %s seconds", l.kind, retryAfter)
}

// errAnswered says the request has been answered already (a 429): the
// handler returns nil.
var errAnswered = errors.New("server: answered")

// rateLimited reports whether r's client has caused more of lim's work
// than it may, answering it 429 if so.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, lim *workLimit) bool {
	if lim.perClient == nil {
		return false
	}
	// httprate's X-RateLimit-* headers would make a miss's headers differ
	// from a hit's; only the refusal's Retry-After is kept.
	sink := headerSink{}
	if !lim.perClient.OnLimit(sink, r, s.clientKey(r)) {
		return false
	}
	w.Header().Set("Retry-After", http.Header(sink).Get("Retry-After"))
	writeProblem(w, r, http.StatusTooManyRequests, "this client has asked for too many "+lim.kind+" that had to be made; try again in a minute")
	return true
}

// headerSink is a ResponseWriter that only collects headers.
type headerSink http.Header

func (h headerSink) Header() http.Header       { return http.Header(h) }
func (headerSink) Write(b []byte) (int, error) { return len(b), nil }
func (headerSink) WriteHeader(int)             {}

// clientKey names r's client for rate limits: its IP, or, behind a
// trusted proxy ([WithTrustProxy]), the last X-Forwarded-For address, the
// one that proxy added (earlier ones are the client's own say).
func (s *Server) clientKey(r *http.Request) string {
	if s.trustProxy {
		if v := r.Header.Values("X-Forwarded-For"); len(v) > 0 {
			parts := strings.Split(v[len(v)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return httprate.CanonicalizeIP(ip)
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return httprate.CanonicalizeIP(host)
}

// cachedOrBuilt returns the answer the cache holds under key, or builds
// it within lim's room: weight (nil for 1) says how much room the build
// takes. Concurrent misses of one key build once and share the answer.
// A refused request gets Retry-After and an EUNAVAILABLE error;
// errAnswered when it has been answered 429.
func (s *Server) cachedOrBuilt(w http.ResponseWriter, r *http.Request, key string, lim *workLimit,
	weight func() int64, build func() (*response, error)) (*response, error) {
	if resp, ok := s.cache.get(key); ok {
		return resp, nil
	}
	if s.rateLimited(w, r, lim) {
		return nil, errAnswered
	}
	gz := acceptsGzip(r)
	v, err, _ := s.cache.flight.Do(key, func() (any, error) {
		if resp, ok := s.cache.get(key); ok { // built since the miss above
			return resp, nil
		}
		n := int64(1)
		if weight != nil {
			n = weight()
		}
		// Not cancelled with the first client: the others share the build.
		release, err := lim.acquire(context.WithoutCancel(r.Context()), n)
		if err != nil {
			return nil, err
		}
		defer release()
		resp, err := build()
		if err != nil {
			return nil, err
		}
		if gz && resp.compressible {
			// Within the slot: gzip of a large page costs more than its build.
			resp.gzipped()
		}
		s.cache.builds.Add(1)
		s.cache.put(key, resp)
		return resp, nil
	})
	if err != nil {
		if geo.ErrorCode(err) == geo.EUNAVAILABLE {
			w.Header().Set("Retry-After", retryAfter)
		}
		return nil, err
	}
	return v.(*response), nil
}

// Builds is how many answers the server has built for its response
// cache (items pages, tiles, TileJSON...); concurrent misses of one
// answer count once.
func (s *Server) Builds() int64 { return s.cache.builds.Load() }

// geoparseBounded is App.Geoparse within the geoparse room.
// Every geoparse is work (nothing is cached), so each counts against the
// client's builds a minute; errAnswered when it was answered 429.
func (s *Server) geoparseBounded(w http.ResponseWriter, r *http.Request, text string, published time.Time) (ingest.Result, error) {
	if s.rateLimited(w, r, s.cache.work.geoparse) {
		return ingest.Result{}, errAnswered
	}
	release, err := s.cache.work.geoparse.acquire(r.Context(), 1)
	if err != nil {
		w.Header().Set("Retry-After", retryAfter)
		return ingest.Result{}, err
	}
	defer release()
	return s.App.Geoparse(text, published)
}
