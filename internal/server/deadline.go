package server

import (
	"context"
	"net/http"
	"time"
)

// DefaultRequestTimeout is how long a request may take over work that
// waits (SQL, room for a build, a rebuild after an accepted claim): well
// inside the serve command's 60 s write timeout, so the client hears why.
const DefaultRequestTimeout = 20 * time.Second

// WithRequestTimeout sets the deadline of requests that do I/O or wait
// for work; zero or less keeps [DefaultRequestTimeout].
func WithRequestTimeout(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.requestTimeout = d
		}
	}
}

// deadline gives each request a context that ends after the server's
// request timeout; what waits on it (a query, the store's write lock, a
// rebuild, room to geoparse) gives up with context.DeadlineExceeded,
// answered 503. It is on the /api routes that use the store and on
// geoparse. The geocoder and the timeline answer from memory; tiles and
// OGC pages wait only for room to build, which has its own bound
// ([WorkLimits.Wait]), and their cached answers, like the point query,
// would pay for a timer that could never fire. The event stream lives
// as long as its client.
func (s *Server) deadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
