package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Cross-origin policy. Reads are public and carry no credentials: any
// page may make them, with any request headers (a custom header,
// If-None-Match, Range), and read the validators. Writes (POST
// /api/articles, /api/claims/{id}/accept|reject) and the token-less POST
// /api/geoparse are for the service's own pages: a preflight there is
// refused with 403, so the browser never sends the request. (A form-like
// POST needs no preflight, but the browser then hides the answer, and
// writes need an Authorization header, which always asks first.)

const (
	// maxPreflightHeaders bounds the Access-Control-Request-Headers a
	// preflight may name, in bytes: browsers send a short list.
	maxPreflightHeaders = 1024
	// preflightMaxAge is how long, in seconds, a browser may keep a
	// granted preflight (Chromium keeps at most 2 hours, Firefox a day).
	preflightMaxAge = "86400"
)

// Header values set on every read, made once.
var (
	anyOrigin     = []string{"*"}
	exposeHeaders = []string{"ETag, " + VersionHeader + ", Content-Length, Content-Range, Retry-After"}
)

// cors answers every OPTIONS request, a CORS preflight or not, and marks
// every read as readable by any origin. It runs before routing, so that
// no route need know of it.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			h := w.Header()
			h["Access-Control-Allow-Origin"] = anyOrigin
			h["Access-Control-Expose-Headers"] = exposeHeaders
			next.ServeHTTP(w, r)
		case http.MethodOptions:
			s.options(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// options answers OPTIONS on r's path: 404 where there is no resource, a
// preflight by the policy above, anything else with the methods allowed.
func (s *Server) options(w http.ResponseWriter, r *http.Request) {
	allowed := s.allowedMethods(r)
	if len(allowed) == 0 {
		writeProblem(w, r, http.StatusNotFound, "no resource at "+r.URL.Path)
		return
	}
	h := w.Header()
	h.Set("Allow", strings.Join(allowed, ", "))
	method := r.Header.Get("Access-Control-Request-Method")
	if r.Header.Get("Origin") == "" || method == "" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if (method != http.MethodGet && method != http.MethodHead) || allowed[0] != http.MethodGet {
		writeProblem(w, r, http.StatusForbidden, "a cross-origin "+method+" is not allowed on "+r.URL.Path+
			": other origins may only read (GET, HEAD); writes are for the service's own pages")
		return
	}
	asked := strings.TrimSpace(r.Header.Get("Access-Control-Request-Headers"))
	if !validHeaderList(asked) {
		writeProblem(w, r, http.StatusBadRequest, "Access-Control-Request-Headers must be a comma-separated list of header names, at most 1024 bytes")
		return
	}
	h["Access-Control-Allow-Origin"] = anyOrigin
	h.Set("Access-Control-Allow-Methods", "GET, HEAD")
	if asked != "" {
		// Reads carry no credentials, so whatever headers a client sends
		// with them may come: echoing the list is the one answer every
		// browser accepts (a "*" would not cover Authorization).
		h.Set("Access-Control-Allow-Headers", asked)
	}
	h.Set("Access-Control-Max-Age", preflightMaxAge)
	h.Set("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
	w.WriteHeader(http.StatusNoContent)
}

// routeMethods are the methods the router may have a route for, in the
// order Allow lists them.
var routeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowedMethods lists the methods r's path answers, OPTIONS included;
// none when no route has the path.
func (s *Server) allowedMethods(r *http.Request) []string {
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	var out []string
	for _, m := range routeMethods {
		if s.router.Match(chi.NewRouteContext(), m, path) {
			out = append(out, m)
		}
	}
	if out != nil {
		out = append(out, http.MethodOptions)
	}
	return out
}

// validHeaderList reports whether v is empty or a comma-separated list
// of header names (RFC 9110 tokens), short enough to echo.
func validHeaderList(v string) bool {
	if len(v) > maxPreflightHeaders {
		return false
	}
	if v == "" {
		return true
	}
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return false
		}
		for i := 0; i < len(name); i++ {
			if !isTokenChar(name[i]) {
				return false
			}
		}
	}
	return true
}

// isTokenChar reports whether c may appear in an RFC 9110 token.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
