package server

import "net/http"

// baseURL is the scheme and host every link of an answer starts with.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
