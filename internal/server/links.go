package server

import (
	"context"
	"net/http"
)

// baseKey keys the request context's base URL, set by [Server.publicBase].
type baseKey struct{}

// baseURL is what every link of an answer starts with: the base the
// service is published under ([WithBaseURL], or what a trusted proxy
// says) when there is one, else the scheme and host the request came to.
// That last is for embedding in tests only: the serve command always
// gives a base (the address it listens on by default), as a Host header
// is the client's to choose and answers with links are cached.
func baseURL(r *http.Request) string {
	if b, ok := r.Context().Value(baseKey{}).(string); ok {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// withBaseURL returns r with base as the start of its links.
func withBaseURL(r *http.Request, base string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), baseKey{}, base))
}
