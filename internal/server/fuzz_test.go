package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"frontline/geo"
)

// The parsers of query parameters either refuse a value with EINVALID or
// read one that, written back in canonical form, reads again as the same
// thing. Seeds beyond those added here are in testdata/fuzz.

func isInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if code := geo.ErrorCode(err); code != geo.EINVALID {
		t.Fatalf("%s refused with code %s (%v), want EINVALID", what, code, err)
	}
}

func sameFilter(a, b timeFilter) bool {
	return a.set == b.set && a.openFrom == b.openFrom && a.openUntil == b.openUntil &&
		a.from.Equal(b.from) && a.to.Equal(b.to)
}

func FuzzParseDatetime(f *testing.F) {
	for _, s := range []string{
		"2024-12-05T10:00:00Z", "2024-12-05", "2024-12-05T10:00:00+03:00", "2024-12-05T10:00:00.123456789Z",
		"2024-11-27/2024-12-08", "../2024-12-05", "2024-12-05/..", "/2024-12-05", "2024-12-05/", "../..",
		"2024-12-08/2024-11-27", "2024-13-45", "2024-02-30", "2024-12-05T25:00:00Z", "0000-01-01", "9999-12-31T23:59:59Z",
		"2024-12-05T10:00:00Z/2024-12-05T10:00:00Z", "a/b/c", "", "\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		tf, err := parseDatetime(v)
		if err != nil {
			isInvalid(t, "datetime "+strconv.Quote(v), err)
			return
		}
		if v == "" {
			if tf.set {
				t.Fatal("empty datetime is a filter")
			}
			return
		}
		if !tf.openFrom && !tf.openUntil && tf.to.Before(tf.from) {
			t.Fatalf("%q: interval ends before it starts: %+v", v, tf)
		}
		canon := tf.String()
		again, err := parseDatetime(canon)
		if err != nil {
			t.Fatalf("%q reads, its canonical form %q does not: %v", v, canon, err)
		}
		if !sameFilter(tf, again) {
			t.Fatalf("%q reads as %+v, its canonical form %q as %+v", v, tf, canon, again)
		}
		if again.String() != canon {
			t.Fatalf("canonical form not stable: %q then %q", canon, again.String())
		}
	})
}

func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{"2024-12-05T10:00:00Z", "2024-12-05", "2024-12-05T10:00:00-05:30", "2024-13-45", "../..", "2024-12-05T10:00:00.5Z", "now", ""} {
		f.Add(s)
	}
	now := time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		at, err := ParseInstant(v, "datetime", now)
		if err != nil {
			isInvalid(t, "instant "+strconv.Quote(v), err)
			return
		}
		canon := formatInstant(at)
		again, err := ParseInstant(canon, "datetime", now)
		if err != nil || !again.Equal(at) {
			t.Fatalf("%q reads as %v, its canonical form %q as %v, %v", v, at, canon, again, err)
		}
	})
}

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{
		"36,35,38,37", "35.5,32.3,42.4,37.3", "-180,-90,180,90", "30,30,0,40,40,10", "1,2,3", "1,2,3,4,5",
		"38,35,36,37", "NaN,1,2,3", "Inf,1,2,3", "1e309,1,2,3", "1_0,1,20,3", "0x1p4,1,20,3", " 36 , 35 ,38,37", ",,,", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		b, ok, err := parseBBox(v)
		if err != nil {
			isInvalid(t, "bbox "+strconv.Quote(v), err)
			return
		}
		if ok != (v != "") {
			t.Fatalf("%q: set = %v", v, ok)
		}
		if !ok {
			return
		}
		if !(-180 <= b.Min[0] && b.Min[0] <= b.Max[0] && b.Max[0] <= 180 && -90 <= b.Min[1] && b.Min[1] <= b.Max[1] && b.Max[1] <= 90) {
			t.Fatalf("%q reads as %v, off the globe or inverted", v, b)
		}
		canon := formatBBox(b)
		again, _, err := parseBBox(canon)
		if err != nil || again != b {
			t.Fatalf("%q reads as %v, its canonical form %q as %v, %v", v, b, canon, again, err)
		}
	})
}

// FuzzNumbers checks the decimal parsers every numeric parameter uses
// (lon, lat, bbox, limit, offset, tile z/x/y).
func FuzzNumbers(f *testing.F) {
	for _, s := range []string{"0", "-1", "36.25", "1e3", "1E-3", ".5", "5.", "007", "9223372036854775807", "9223372036854775808",
		"1_0", "0x1p4", "+5", "NaN", "Inf", "1e309", "1e-400", "", "-", "1e+", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		plain := v != "" && strings.Trim(v, "0123456789.eE+-") == ""
		if x, ok := parseDecimal(v); ok {
			if !plain {
				t.Fatalf("parseDecimal(%q) = %v: not plain decimal", v, x)
			}
			canon := strconv.FormatFloat(x, 'g', -1, 64)
			if again, ok := parseDecimal(canon); !ok || again != x {
				t.Fatalf("%q reads as %v, its canonical form %q as %v, %v", v, x, canon, again, ok)
			}
		}
		n, err := parseWhole(v)
		if err != nil {
			if n != 0 {
				t.Fatalf("parseWhole(%q) = %d with an error", v, n)
			}
			return
		}
		if strings.Trim(strings.TrimPrefix(v, "-"), "0123456789") != "" {
			t.Fatalf("parseWhole(%q) = %d: not decimal digits", v, n)
		}
		if again, err := parseWhole(strconv.Itoa(n)); err != nil || again != n {
			t.Fatalf("%q reads as %d, its canonical form as %d, %v", v, n, again, err)
		}
		if x, ok := parseDecimal(v); !ok || (x != float64(n)) {
			t.Fatalf("%q is whole %d but decimal %v, %v", v, n, x, ok)
		}
	})
}

// FuzzOGCQuery feeds raw items queries through the query check and the
// OGC parser as a request does: a query is answered 400 problem+json or
// read into a page whose canonical query reads back as the same page.
func FuzzOGCQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=5&offset=10", "offset=9223372036854775807", "offset=1000000&limit=10000", "limit=%zz", "limit=5;offset=1",
		"datetime=2024-12-05T10:00:00Z&bbox=36,35,38,37", "datetime=../2024-12-05&datetime=2024-12-01/..", "bbox=1,2,3",
		"f=html", "f=json&v=abc", "q=%00", "datetime=%FF", "limit=1_0", "offset=0x10", "limit=+5", "x=1", "bbox=1e309,0,1,1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.ContainsAny(raw, "#\x00\r\n\t ") || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x20 || r >= 0x7f }) {
			return // not a query a request line can carry
		}
		var parsed ogcQuery
		var perr error
		h := checkQuery(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if parsed, perr = parseOGCQuery(r, true); perr != nil {
				writeProblem(w, r, http.StatusBadRequest, perr.Error())
				return
			}
			w.WriteHeader(http.StatusOK)
		}))
		req := httptest.NewRequest("GET", "/ogc/collections/control/items", nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
		case http.StatusBadRequest:
			if perr != nil {
				isInvalid(t, "query "+strconv.Quote(raw), perr)
			}
			var p Problem
			if rec.Header().Get("Content-Type") != "application/problem+json" || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != 400 {
				t.Fatalf("%q: 400 without a problem: %q %s", raw, rec.Header().Get("Content-Type"), rec.Body)
			}
			return
		default:
			t.Fatalf("%q answered %d", raw, rec.Code)
		}
		if parsed.limit < 1 || parsed.limit > maxLimit || parsed.offset < 0 || parsed.offset > maxOffset {
			t.Fatalf("%q: limit %d offset %d out of bounds", raw, parsed.limit, parsed.offset)
		}
		// The canonical query, as the page's links write it, is the same page.
		canon := parsed.filters(parsed.when.canonical(), parsed.version).
			with("limit", strconv.Itoa(parsed.limit)).with("offset", strconv.Itoa(parsed.offset)).format(parsed.html).String()
		req2 := httptest.NewRequest("GET", "/ogc/collections/control/items"+canon, nil)
		again, err := parseOGCQuery(req2, true)
		if err != nil {
			t.Fatalf("%q reads, its canonical form %q does not: %v", raw, canon, err)
		}
		if again.limit != parsed.limit || again.offset != parsed.offset || again.html != parsed.html || again.version != parsed.version ||
			!slices.Equal(again.when.canonical(), parsed.when.canonical()) || !slices.Equal(canonicalBBoxes(again.bboxes), canonicalBBoxes(parsed.bboxes)) {
			t.Fatalf("%q reads as %+v, its canonical form %q as %+v", raw, parsed, canon, again)
		}
	})
}
