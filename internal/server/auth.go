package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/httprate"

	"frontline/geo"
)

// requireToken lets a write through only with the bearer token the
// service was started with. Without one the service is read-only: every
// write is 403, so a forgotten FRONTLINE_TOKEN never opens it to all.
func (s *Server) requireToken(next http.Handler) http.Handler {
	var want [sha256.Size]byte
	if s.token != "" {
		want = sha256.Sum256([]byte(s.token))
	}
	failures := httprate.NewRateLimiter(failedWritesPerMinute, time.Minute)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.token == "" {
			s.writeError(w, r, geo.Errorf(geo.EFORBIDDEN, "this service is read-only: start it with FRONTLINE_TOKEN set to accept writes"))
			return
		}
		// A client that has failed too often is refused whatever it
		// sends now, the right token too: were the right one let
		// through, the refusals would still tell a guesser when it
		// guessed right.
		client := s.clientKey(r)
		if _, rate, _ := failures.Status(client); rate >= failedWritesPerMinute {
			w.Header().Set("Retry-After", "60")
			writeProblem(w, r, http.StatusTooManyRequests, "too many writes with a missing or wrong token from this client; try again in a minute")
			return
		}
		given, ok := bearer(r.Header.Get("Authorization"))
		// Digests of equal length, compared in constant time, so neither
		// the token's bytes nor its length leak through timing.
		got := sha256.Sum256([]byte(given))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			failures.OnLimit(headerSink{}, r, client) // counts the failure
			w.Header().Set("WWW-Authenticate", `Bearer realm="frontline"`)
			s.writeError(w, r, geo.Errorf(geo.EUNAUTHORIZED, "this write needs the header Authorization: Bearer TOKEN, with the token the service was started with"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// failedWritesPerMinute is how many writes with a missing or wrong token
// a client may send in a (sliding) minute: plenty for someone mistyping,
// too few to guess a token.
const failedWritesPerMinute = 10

// bearer returns the token of an "Authorization: Bearer TOKEN" header.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
