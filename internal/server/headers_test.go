package server_test

import (
	"slices"
	"strings"
	"testing"

	"frontline/internal/server"
)

// directives splits a Content-Security-Policy into its directives.
func directives(policy string) map[string][]string {
	d := map[string][]string{}
	for _, part := range strings.Split(policy, ";") {
		if f := strings.Fields(part); len(f) > 0 {
			d[f[0]] = f[1:]
		}
	}
	return d
}

func TestSecurityHeaders(t *testing.T) {
	ts := pageServer(t)
	for _, c := range []struct {
		method, path string
		framable     bool
	}{
		{"GET", "/", true},
		{"GET", "/?embed=1", true},
		{"HEAD", "/", true},
		{"GET", "/js/main.js", true},
		{"GET", "/ogc/collections", true}, // 503 while starting: errors carry the headers too
		{"GET", "/healthz", true},
		{"GET", "/no/such/page", true},
		{"GET", "/api/geocode?q=%zz", true}, // a query refused before routing
		{"GET", "/review", false},
		{"HEAD", "/review", false},
		{"GET", "/review.html", false},
		{"POST", "/api/articles", false},
		{"POST", "/api/claims/c1/accept", false},
		{"POST", "/api/claims/c1/reject", false},
		{"POST", "/api/geoparse", false},
		{"DELETE", "/", false},
	} {
		res, _ := do(t, ts, c.method, c.path, nil)
		h := res.Header
		what := c.method + " " + c.path
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", what, got)
		}
		if got := h.Get("Referrer-Policy"); got != server.ReferrerPolicy {
			t.Errorf("%s: Referrer-Policy %q", what, got)
		}
		csp := h.Values("Content-Security-Policy")
		if len(csp) != 1 {
			t.Errorf("%s: Content-Security-Policy %q, want one", what, csp)
			continue
		}
		d := directives(csp[0])
		for _, name := range []string{"default-src", "script-src", "style-src", "img-src", "connect-src"} {
			if src := d[name]; len(src) == 0 || src[0] != "'self'" || slices.ContainsFunc(src, func(s string) bool {
				return s == "*" || strings.Contains(s, ":") // a host, a scheme (data:, https:) or a URL
			}) {
				t.Errorf("%s: %s %q: want the service itself only", what, name, src)
			}
		}
		if slices.Contains(d["script-src"], "'unsafe-inline'") || slices.Contains(d["script-src"], "'unsafe-eval'") {
			t.Errorf("%s: script-src %q allows inline scripts", what, d["script-src"])
		}
		if got := d["object-src"]; !slices.Equal(got, []string{"'none'"}) {
			t.Errorf("%s: object-src %q", what, got)
		}
		ancestors, hasAncestors := d["frame-ancestors"]
		xfo := h.Get("X-Frame-Options")
		switch {
		case c.framable && (hasAncestors || xfo != ""):
			t.Errorf("%s: framing denied (frame-ancestors %q, X-Frame-Options %q), want allowed", what, ancestors, xfo)
		case !c.framable && (!slices.Equal(ancestors, []string{"'none'"}) || xfo != "DENY"):
			t.Errorf("%s: frame-ancestors %q, X-Frame-Options %q, want 'none' and DENY", what, ancestors, xfo)
		}
	}
}
