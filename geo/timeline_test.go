package geo

import (
	"testing"
	"time"
)

func TestChangeValidateSourceURL(t *testing.T) {
	cases := []struct {
		name, url string
		ok        bool
	}{
		{"none", "", true},
		{"https", "https://www.example.org/a?b=c", true},
		{"http upper case", "HTTP://example.org/", true},
		{"javascript", "javascript:alert(1)", false},
		{"data", "data:text/html,<b>x</b>", false},
		{"relative", "/news/1", false},
		{"no host", "https:///x", false},
		{"ftp", "ftp://example.org/x", false},
		{"protocol-relative", "//example.org/x", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &Change{ID: "c", Place: "gn:1", Faction: HTS, At: TimelineStart.Add(time.Hour), Precision: Hour, Status: Claimed,
				Sources: []Source{{Outlet: "Outlet", URL: tc.url}}}
			err := c.Validate()
			if tc.ok && err != nil {
				t.Errorf("%q refused: %v", tc.url, err)
			}
			if !tc.ok && ErrorCode(err) != EINVALID {
				t.Errorf("%q: %v, want EINVALID", tc.url, err)
			}
		})
	}
}
