package server

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
)

// Query parameters are parsed here, at the edge, into typed values; a
// malformed one is EINVALID, which the client sees as 400.

// ParseInstant reads an instant: RFC 3339, or a date meaning 00:00 UTC.
// Empty means now.
func ParseInstant(v, name string, now time.Time) (time.Time, error) {
	if v == "" {
		return now.UTC(), nil
	}
	if t, err := geo.ParseTime(v); err == nil {
		return t, nil
	}
	return time.Time{}, geo.Errorf(geo.EINVALID,
		"%s must be an RFC 3339 instant (2024-12-05T10:00:00Z) or a date (2024-12-05), got %q", name, v)
}

// checkParams answers 400 for a query parameter the endpoint does not
// define, as the standard requires.
func checkParams(r *http.Request, allowed ...string) error {
	for k := range r.URL.Query() {
		ok := k == "f"
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return geo.Errorf(geo.EINVALID, "unknown query parameter %q; this endpoint takes %s", k, strings.Join(append(allowed, "f"), ", "))
		}
	}
	if f := r.URL.Query().Get("f"); f != "" && f != "json" && f != "geojson" {
		return geo.Errorf(geo.EINVALID, "f=%s: only json is served", f)
	}
	return nil
}

// timeFilter is a datetime parameter: an instant (From == To) or an
// interval, either end possibly open.
type timeFilter struct {
	set                 bool
	from, to            time.Time
	openFrom, openUntil bool
}

func parseDatetime(v string) (timeFilter, error) {
	if v == "" {
		return timeFilter{}, nil
	}
	one := func(s string) (time.Time, error) {
		if t, err := geo.ParseTime(s); err == nil {
			return t, nil
		}
		return time.Time{}, geo.Errorf(geo.EINVALID,
			"datetime %q: give an RFC 3339 instant (2024-12-05T10:00:00Z), or an interval a/b where either end may be '..'", v)
	}
	f := timeFilter{set: true}
	a, b, isInterval := strings.Cut(v, "/")
	if !isInterval {
		t, err := one(v)
		f.from, f.to = t, t
		return f, err
	}
	var err error
	if a == ".." || a == "" {
		f.openFrom = true
	} else if f.from, err = one(a); err != nil {
		return f, err
	}
	if b == ".." || b == "" {
		f.openUntil = true
	} else if f.to, err = one(b); err != nil {
		return f, err
	}
	if f.openFrom && f.openUntil {
		return f, geo.Errorf(geo.EINVALID, "datetime %q: an interval needs at least one end", v)
	}
	if !f.openFrom && !f.openUntil && f.to.Before(f.from) {
		return f, geo.Errorf(geo.EINVALID, "datetime %q: the interval ends before it starts", v)
	}
	return f, nil
}

// overlaps reports whether validity [from, until) meets the filter;
// a zero until is open.
func (f timeFilter) overlaps(from, until time.Time) bool {
	if !f.set {
		return true
	}
	if !f.openUntil && from.After(f.to) {
		return false
	}
	if !until.IsZero() && !f.openFrom && !until.After(f.from) {
		return false
	}
	return true
}

// instant is the one moment a filter names for "controller at": an
// instant, else an interval's end (or start when the end is open);
// unset means the end of the timeline.
func (f timeFilter) instant() time.Time {
	switch {
	case !f.set:
		return geo.TimelineEnd.Add(-time.Second)
	case !f.openUntil:
		return f.to
	default:
		return f.from
	}
}

func parseBBox(v string) (orb.Bound, bool, error) {
	if v == "" {
		return orb.Bound{}, false, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, false, geo.Errorf(geo.EINVALID, "bbox %q: give 4 numbers, minlon,minlat,maxlon,maxlat (CRS84)", v)
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		f, ok := parseDecimal(strings.TrimSpace(p))
		if !ok {
			return orb.Bound{}, false, geo.Errorf(geo.EINVALID, "bbox %q: %q is not a number", v, p)
		}
		n[i] = f
	}
	var b orb.Bound
	if len(n) == 4 {
		b = orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	} else {
		b = orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[3], n[4]}}
	}
	if b.Min[1] > b.Max[1] || b.Min[1] < -90 || b.Max[1] > 90 || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[0] > b.Max[0] {
		return orb.Bound{}, false, geo.Errorf(geo.EINVALID,
			"bbox %q: need -180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90", v)
	}
	return b, true, nil
}

// versionParam is the query parameter naming the snapshot a URL was made
// for; such a URL may be cached for good.
const versionParam = "v"

func intParam(v, name string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := parseWhole(v)
	if err != nil {
		return 0, geo.Errorf(geo.EINVALID, "%s must be a whole number in decimal digits, got %q", name, v)
	}
	return n, nil
}

func floatParam(v, name string) (float64, error) {
	if v == "" {
		return 0, geo.Errorf(geo.EINVALID, "%s is required", name)
	}
	f, ok := parseDecimal(v)
	if !ok {
		return 0, geo.Errorf(geo.EINVALID, "%s must be a number in decimal degrees, got %q", name, v)
	}
	return f, nil
}

// pointParam reads lon and lat, checking they are on the globe.
func pointParam(q url.Values) (orb.Point, error) {
	return PointOf(q.Get("lon"), q.Get("lat"))
}

// PointOf reads a point from its longitude and latitude as written.
func PointOf(lonText, latText string) (orb.Point, error) {
	lon, err := floatParam(lonText, "lon")
	if err != nil {
		return orb.Point{}, err
	}
	lat, err := floatParam(latText, "lat")
	if err != nil {
		return orb.Point{}, err
	}
	if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return orb.Point{}, geo.Errorf(geo.EINVALID, "lon must be within -180..180 and lat within -90..90")
	}
	return orb.Point{lon, lat}, nil
}

// Numbers in a query are read as plain decimal only. strconv alone also
// takes underscores (ParseFloat reads 1_0 as 10), hex (0x1p4 is 16), a
// leading plus, Inf and NaN, and turns 1e309 into infinity: none of them
// is a number a client means, and each would be one more spelling of the
// same answer to cache.

// parseDecimal reads a finite number written as an optional minus, digits
// with at most one point among them, and an optional exponent (e or E, an
// optional sign, digits). A value too small to represent reads as 0.
func parseDecimal(s string) (float64, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := skipDigits(s, &i)
	if i < len(s) && s[i] == '.' {
		i++
		digits += skipDigits(s, &i)
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if skipDigits(s, &i) == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) { // ErrRange: beyond float64
		return 0, false
	}
	return f, true
}

// parseWhole reads a whole number written as an optional minus and
// decimal digits, as [strconv.Atoi] does but refusing a plus sign; a
// number beyond int is an error too.
func parseWhole(s string) (int, error) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if skipDigits(s, &i) == 0 || i != len(s) {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.Atoi(s)
	if err != nil { // out of range: Atoi would give the nearest int
		return 0, err
	}
	return n, nil
}

// skipDigits advances *i past the ASCII digits at s[*i:] and returns
// how many there were.
func skipDigits(s string, i *int) int {
	start := *i
	for *i < len(s) && '0' <= s[*i] && s[*i] <= '9' {
		*i++
	}
	return *i - start
}
