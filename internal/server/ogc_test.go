package server

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPrefersHTML(t *testing.T) {
	cases := []struct {
		name, accept string
		want         bool
	}{
		{"none", "", false},
		{"anything", "*/*", false},
		{"JSON", "application/json", false},
		{"GeoJSON", "application/geo+json, application/json", false},
		{"GDAL", "application/geo+json, application/json", false},
		{"Chromium", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", true},
		{"Firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
		{"HTML", "text/html", true},
		{"JSON first, equal", "application/json, text/html", false},
		{"JSON preferred", "text/html;q=0.5, application/json", false},
		{"HTML preferred", "application/json;q=0.5, text/html", true},
		{"HTML refused", "text/html;q=0", false},
		{"malformed", "text/html;q=x, ;;", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := prefersHTML(c.accept); got != c.want {
				t.Errorf("prefersHTML(%q) = %v, want %v", c.accept, got, c.want)
			}
		})
	}
}

// A datetime is written back in one form, which parses to the same
// filter: links built from it select what the request selected.
func TestTimeFilterCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"2024-12-05T10:00:00Z", "2024-12-05T10:00:00Z"},
		{"2024-12-05T13:00:00+03:00", "2024-12-05T10:00:00Z"},
		{"2024-12-05", "2024-12-05T00:00:00Z"},
		{"2024-12-05T10:00:00.250Z", "2024-12-05T10:00:00.25Z"},
		{"2024-12-01T00:00:00Z/2024-12-05T00:00:00Z", "2024-12-01T00:00:00Z/2024-12-05T00:00:00Z"},
		{"../2024-12-05T00:00:00Z", "../2024-12-05T00:00:00Z"},
		{"2024-12-05T00:00:00Z/", "2024-12-05T00:00:00Z/.."},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			f, err := parseDatetime(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.String(); got != c.want {
				t.Errorf("%q written as %q, want %q", c.in, got, c.want)
			}
			again, err := parseDatetime(f.String())
			if err != nil || again != f {
				t.Errorf("%q does not read back: %+v, %v", f.String(), again, err)
			}
		})
	}
}

// GDAL finds the query it was given in a link only if the link writes it
// the same way: ':' '/' and ',' stay as they are, the rest is escaped.
func TestLinkQuery(t *testing.T) {
	q := linkQuery(nil).with("datetime", "2024-12-05T10:00:00Z/..").with("bbox", "36,35,38,37").with("v", "a b&c").format(false)
	want := "?datetime=2024-12-05T10:00:00Z/..&bbox=36,35,38,37&v=a+b%26c&f=json"
	if q.String() != want {
		t.Errorf("got %s, want %s", q, want)
	}
	if (linkQuery(nil)).String() != "" {
		t.Errorf("an empty query writes %q", linkQuery(nil).String())
	}
}

func TestParseOGCQuery(t *testing.T) {
	cases := []struct {
		name, query string
		paged       bool
		err         string // "" for none
		check       func(ogcQuery) bool
	}{
		{"repeated datetime", "datetime=2024-12-05T10:00:00Z&datetime=2024-12-05", false, "", func(q ogcQuery) bool { return len(q.when) == 2 }},
		{"repeated bbox", "bbox=36,35,38,37&bbox=30,30,0,40,40,10", false, "", func(q ogcQuery) bool {
			return len(q.bboxes) == 2 && q.bboxes[1].Max[0] == 40
		}},
		{"html by f", "f=html", false, "", func(q ogcQuery) bool { return q.html }},
		{"limit cut", "limit=99999", true, "", func(q ogcQuery) bool { return q.limit == maxLimit }},
		{"limit on a document", "limit=5", false, "unknown query parameter", nil},
		{"bad f", "f=xml", false, "f=xml", nil},
		{"bad bbox", "bbox=1,2,3", false, "bbox", nil},
		{"bad datetime", "datetime=soon", false, "datetime", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := parseOGCQuery(httptest.NewRequest("GET", "/ogc?"+c.query, nil), c.paged)
			switch {
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("error %v, want one naming %s", err, c.err)
			case c.err == "" && err != nil:
				t.Errorf("error %v", err)
			case c.check != nil && !c.check(q):
				t.Errorf("parsed as %+v", q)
			}
		})
	}
	// Places answer for one instant.
	q, _ := parseOGCQuery(httptest.NewRequest("GET", "/ogc?datetime=2024-12-05&datetime=2024-12-05T00:00:00Z", nil), false)
	if at, err := q.when.instant(); err != nil || !at.Equal(time.Date(2024, 12, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("one instant twice: %v, %v", at, err)
	}
	q, _ = parseOGCQuery(httptest.NewRequest("GET", "/ogc?datetime=2024-12-05&datetime=2024-12-06", nil), false)
	if _, err := q.when.instant(); err == nil {
		t.Error("two instants: no error")
	}
}
