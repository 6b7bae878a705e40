package server

import (
	"context"
	"net/http"
)

// baseKey keys the request context's base URL, set by [Server.publicBase].
type baseKey struct{}

// baseURL is what every link of an answer starts with: the base the
// service is published under (--base-url, or what a trusted proxy says)
// when there is one, else the scheme and host the request came to.
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
