package server

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
)

// Every answer says what a page made of it may load: only the service's
// own scripts, styles, images and connections. Inline styles are allowed:
// Leaflet, the page and the OGC pages set style attributes (swatch
// colours, pane order) that a hash cannot name; inline scripts are not,
// but for the OGC pages' map script, named by its hash.
//
// Framing is a feature (the page's embed code, the OGC pages): it is
// denied only for the review page, which acts with the reviewer's token,
// and for writes.

// ReferrerPolicy sends other sites the service's origin, never a page's
// path and query (which name a place and an instant).
const ReferrerPolicy = "strict-origin-when-cross-origin"

// contentSecurityPolicy is the policy of answers that may be framed;
// noFramingPolicy adds frame-ancestors 'none'.
var contentSecurityPolicy, noFramingPolicy = func() (string, string) {
	policy := "default-src 'self'; script-src 'self'" + inlineScriptHashes(ogcTemplateFiles) +
		"; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'" +
		"; object-src 'none'; base-uri 'self'; form-action 'self'"
	return policy, policy + "; frame-ancestors 'none'"
}()

// inlineScript is a script element with no src and its text.
var inlineScript = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// inlineScriptHashes returns " 'sha256-...'" for each inline script of the
// templates in fsys. A script with template actions in it varies by page
// and cannot be hashed: it is left out, and the browser refuses it (the
// page tests then fail).
func inlineScriptHashes(fsys fs.FS) string {
	var b strings.Builder
	fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		for _, m := range inlineScript.FindAllSubmatch(src, -1) {
			if strings.Contains(string(m[1]), "{{") {
				continue
			}
			sum := sha256.Sum256(m[1])
			b.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
		}
		return nil
	})
	return b.String()
}

// framingDenied reports whether r's answer must not be shown in a frame:
// the review page and anything that writes.
func framingDenied(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		return true
	}
	p := r.URL.Path
	return p == "/review" || strings.HasPrefix(p, "/review/") || strings.HasPrefix(p, "/review.")
}

// securityHeaders sets the headers above on every answer, before the
// handler runs, so that errors and panics carry them too.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Canonical keys and shared values, assigned: Header.Set would
		// canonicalise and allocate for each, on every answer.
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = referrerPolicy
		if framingDenied(r) {
			h["Content-Security-Policy"] = noFramingPolicyValue
			h["X-Frame-Options"] = deny
		} else {
			h["Content-Security-Policy"] = contentSecurityPolicyValue
		}
		next.ServeHTTP(w, r)
	})
}

// The headers' values, shared by every answer; a slice of one element
// at full capacity, so an Add to it copies rather than writes into it.
var (
	nosniff                    = []string{"nosniff"}
	referrerPolicy             = []string{ReferrerPolicy}
	deny                       = []string{"DENY"}
	contentSecurityPolicyValue = []string{contentSecurityPolicy}
	noFramingPolicyValue       = []string{noFramingPolicy}
)
