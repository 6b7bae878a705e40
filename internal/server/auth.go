package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.token == "" {
			s.writeError(w, r, geo.Errorf(geo.EFORBIDDEN, "this service is read-only: start it with FRONTLINE_TOKEN set to accept writes"))
			return
		}
		given, ok := bearer(r.Header.Get("Authorization"))
		// Digests of equal length, compared in constant time, so neither
		// the token's bytes nor its length leak through timing.
		got := sha256.Sum256([]byte(given))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="frontline"`)
			s.writeError(w, r, geo.Errorf(geo.EUNAUTHORIZED, "this write needs the header Authorization: Bearer TOKEN, with the token the service was started with"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearer returns the token of an "Authorization: Bearer TOKEN" header.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
