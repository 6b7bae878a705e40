package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Links behind a proxy. A service published at https://maps.example.org/
// behind a TLS-terminating proxy receives plain HTTP for another host:
// its links must name the public address, or clients follow them to
// where they cannot go.

// WithBaseURL makes every link start with base, an absolute http or
// https URL that may end in a path prefix (see [ParseBaseURL]); it wins
// over what the request or a proxy says.
func WithBaseURL(base string) Option { return func(s *Server) { s.publicBaseURL = base } }

// WithTrustProxy makes links follow what the proxy in front says the
// client asked for: RFC 7239 Forwarded (proto=, host=) first, else
// X-Forwarded-Proto and X-Forwarded-Host. Only for a service that every
// request reaches through a proxy that sets or replaces these headers:
// otherwise any client could choose the links of its own answers.
func WithTrustProxy(trust bool) Option { return func(s *Server) { s.trustProxy = trust } }

// ParseBaseURL checks a public base URL and returns it without its
// trailing slash, ready to have paths appended: an absolute http or https
// URL with a host, an optional path prefix, no query, fragment or
// credentials.
func ParseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base URL %q: %v", raw, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("base URL %q: must start with http:// or https://", raw)
	case u.Host == "" || !validHost(u.Host):
		return "", fmt.Errorf("base URL %q: needs a host name, with a port or not", raw)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("base URL %q: no credentials, query or fragment, only scheme, host and path", raw)
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// baseURL is what every link of r's answer starts with: the base the
// service is published under ([WithBaseURL]), else the scheme and host
// the client asked a trusted proxy for ([WithTrustProxy]), else those
// the request came to. That last is for embedding in tests only: the
// serve command always gives a base (the address it listens on by
// default), as a Host header is the client's to choose and answers with
// links are cached.
func (s *Server) baseURL(r *http.Request) string {
	if s.publicBaseURL != "" {
		return s.publicBaseURL
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if s.trustProxy {
		proto, fwdHost := forwarded(r)
		if proto != "" {
			scheme = proto
		}
		if fwdHost != "" {
			host = fwdHost
		}
	}
	return scheme + "://" + host
}

// forwarded returns the scheme and host the client asked a proxy for,
// each "" when no header says it validly. Of RFC 7239 Forwarded it reads
// the first element, the one the proxy facing the client added; of the
// X-Forwarded-* headers the first value, for the same reason.
func forwarded(r *http.Request) (proto, host string) {
	if v := r.Header.Get("Forwarded"); v != "" {
		for _, pair := range splitUnquoted(firstElement(v), ';') {
			name, value, _ := strings.Cut(pair, "=")
			value = unquote(strings.TrimSpace(value))
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "proto":
				if p := strings.ToLower(value); p == "http" || p == "https" {
					proto = p
				}
			case "host":
				if validHost(value) {
					host = value
				}
			}
		}
	}
	if proto == "" {
		first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
		if p := strings.ToLower(strings.TrimSpace(first)); p == "http" || p == "https" {
			proto = p
		}
	}
	if host == "" {
		first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Host"), ",")
		if h := strings.TrimSpace(first); validHost(h) {
			host = h
		}
	}
	return proto, host
}

// firstElement returns the first comma-separated element of a Forwarded
// value; a comma inside a quoted string does not end it.
func firstElement(v string) string {
	if parts := splitUnquoted(v, ','); len(parts) > 0 {
		return parts[0]
	}
	return ""
}

// splitUnquoted splits v at each sep outside a quoted string.
func splitUnquoted(v string, sep byte) []string {
	var out []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case !quoted && c == sep:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// unquote returns a quoted-string's content; a value with an escape in it
// is not a host or scheme and comes back as it is, to fail validation.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && !strings.Contains(v, `\`) {
		return v[1 : len(v)-1]
	}
	return v
}

// validHost reports whether h is a host a link may name: a DNS name or
// IPv4 address of letters, digits, hyphens and dots, or a bracketed IPv6
// address, with an optional port.
func validHost(h string) bool {
	if h == "" || len(h) > 261 {
		return false
	}
	name, port := h, ""
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		name, port = h[:end+1], h[end+1:]
		for _, c := range name[1:end] {
			if !(c == ':' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		if end < 3 {
			return false
		}
	} else if i := strings.IndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i:]
	}
	if port != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(port, ":"))
		if !strings.HasPrefix(port, ":") || err != nil || n < 1 || n > 65535 || strings.HasPrefix(port, ":+") {
			return false
		}
	}
	if strings.HasPrefix(name, "[") {
		return true
	}
	if name == "" || len(name) > 253 || name[0] == '.' || name[0] == '-' || strings.Contains(name, "..") {
		return false
	}
	for _, c := range name {
		if !(c == '.' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
