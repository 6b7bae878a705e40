package server

import (
	"math"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"36.2", 36.2, true},
		{"-0.5", -0.5, true},
		{"10", 10, true},
		{"007", 7, true},
		{".5", 0.5, true},
		{"5.", 5, true},
		{"1e3", 1000, true},
		{"1E-3", 0.001, true},
		{"1e+21", 1e21, true},
		{"1e-400", 0, true}, // below the smallest float64: 0
		{"1_0", 0, false},
		{"0x1p4", 0, false},
		{"0x10", 0, false},
		{"+5", 0, false},
		{"NaN", 0, false},
		{"nan", 0, false},
		{"Inf", 0, false},
		{"-Infinity", 0, false},
		{"1e309", 0, false},
		{"-1e309", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{".", 0, false},
		{"1e", 0, false},
		{"1e+", 0, false},
		{"1.2.3", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1,5", 0, false},
		{"١٢", 0, false}, // Arabic-Indic digits
	}
	for _, c := range cases {
		got, ok := parseDecimal(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("parseDecimal(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestParseWhole(t *testing.T) {
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true},
		{"42", 42, true},
		{"-3", -3, true},
		{"0042", 42, true},
		{"9223372036854775807", math.MaxInt, true},
		{"9223372036854775808", 0, false},
		{"+5", 0, false},
		{"1_0", 0, false},
		{"0x10", 0, false},
		{"1e3", 0, false},
		{"1.0", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{" 5", 0, false},
	}
	for _, c := range cases {
		got, err := parseWhole(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseWhole(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

// Every numeric parameter goes through the decimal parsers.
func TestNumericParamsDecimalOnly(t *testing.T) {
	for _, v := range []string{"1_0", "0x1p4", "NaN", "Inf", "1e309", "+5"} {
		if _, err := PointOf(v, "35"); err == nil {
			t.Errorf("lon=%s accepted", v)
		}
		if _, err := PointOf("36", v); err == nil {
			t.Errorf("lat=%s accepted", v)
		}
		if _, _, err := parseBBox(v + ",35,37,36"); err == nil {
			t.Errorf("bbox with %s accepted", v)
		}
		if _, err := intParam(v, "limit", 1); err == nil {
			t.Errorf("limit=%s accepted", v)
		}
		if _, err := parseOGCQuery(httptest.NewRequest("GET", "/ogc/collections/control/items?offset="+v, nil), true); err == nil {
			t.Errorf("offset=%s accepted", v)
		}
	}
}

func TestOGCQueryPaging(t *testing.T) {
	cases := []struct {
		query         string
		limit, offset int
		err           string
	}{
		{"", defaultLimit, 0, ""},
		{"limit=5&offset=10", 5, 10, ""},
		{"offset=1000000", defaultLimit, maxOffset, ""},
		{"limit=99999&offset=1000000", maxLimit, maxOffset, ""},
		{"offset=1000001", 0, 0, "offset must be within"},
		{"offset=9223372036854775807", 0, 0, "offset must be within"},
		{"offset=9223372036854775808", 0, 0, "offset must be a whole number"},
		{"offset=-1", 0, 0, "offset must be within"},
		{"limit=0", 0, 0, "limit must be at least 1"},
		{"limit=-9223372036854775808", 0, 0, "limit must be at least 1"},
		{"limit=9223372036854775807", maxLimit, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			q, err := parseOGCQuery(httptest.NewRequest("GET", "/ogc/collections/control/items?"+c.query, nil), true)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || q.limit != c.limit || q.offset != c.offset {
				t.Fatalf("limit %d offset %d, %v; want %d %d", q.limit, q.offset, err, c.limit, c.offset)
			}
			// The page's end is where encodeItems slices to: no overflow.
			if end := q.offset + q.limit; end < q.offset {
				t.Fatalf("offset+limit overflows: %d", end)
			}
		})
	}
}
