package server

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"
)

// Every GET route answers HEAD too, through the same handler: net/http
// keeps the headers (Content-Length included, when the body is short
// enough to be measured) and drops the body, so HEAD says exactly what
// GET would. OPTIONS is answered before routing, by [Server.cors].

// read registers h for GET and HEAD at pattern.
func read(r chi.Router, pattern string, h http.HandlerFunc) {
	r.Get(pattern, h)
	r.Head(pattern, h)
}

// notFound answers a path no route has.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, http.StatusNotFound, "no resource at "+r.URL.Path)
}

// methodNotAllowed answers a method the path's route does not take, with
// the methods it does in Allow (RFC 9110 §15.5.6).
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allowed := s.allowedMethods(r)
	if len(allowed) == 0 { // a method chi does not know, on no route
		notFound(w, r)
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeProblem(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+"; it answers "+strings.Join(allowed, ", "))
}

// pageFiles are the page's files served at other paths than their own.
var pageFiles = map[string]string{
	"/":            "index.html",
	"/review":      "review.html",
	"/favicon.ico": "favicon.svg", // browsers and feed readers ask unprompted
}

// pageRoutes serves each of the page's files at its path, and those of
// pageFiles at theirs, as cached answers with validators. A route per
// file, not a file server: a folder or a missing file is then a 404
// problem like any other unknown path, and a wrong method a 405.
func (s *Server) pageRoutes(r chi.Router) {
	answers := map[string]*response{}
	answer := func(name string) *response {
		if a, ok := answers[name]; ok {
			return a
		}
		body, err := fs.ReadFile(s.Assets, name)
		if err != nil {
			return nil
		}
		// The page comes with the binary: its version is its bytes'.
		a := newResponse("page", body, compressibleFile(name))
		answers[name] = a
		return a
	}
	serve := func(urlPath, name string) {
		a := answer(name)
		if a == nil {
			return
		}
		contentType := fileType(name, a.body)
		read(r, urlPath, func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			// Revalidated on every use: the URLs name no version.
			h.Set("Cache-Control", "no-cache")
			h.Set("X-Content-Type-Options", "nosniff")
			serveBytes(w, r, contentType, a)
		})
	}
	fs.WalkDir(s.Assets, ".", func(name string, d fs.DirEntry, err error) error {
		// chi reads braces and stars in a pattern as parameters.
		if err == nil && !d.IsDir() && !strings.ContainsAny(name, "{}*") {
			serve("/"+name, name)
		}
		return nil
	})
	for urlPath, name := range pageFiles {
		serve(urlPath, name)
	}
}

// fileTypes are the page's files' content types, fixed here rather than
// read from the system's MIME tables, which differ between hosts.
var fileTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".txt":  "text/plain; charset=utf-8",
}

func fileType(name string, body []byte) string {
	if t, ok := fileTypes[path.Ext(name)]; ok {
		return t
	}
	return http.DetectContentType(body)
}

// compressibleFile reports whether gzip would shrink the file: text does,
// PNG is compressed already.
func compressibleFile(name string) bool {
	t, ok := fileTypes[path.Ext(name)]
	return !ok || strings.HasPrefix(t, "text/") || t == "application/json" || t == "image/svg+xml"
}
