package geo

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// ParseTime reads an instant as the API, the CLI and the timeline files
// write it: RFC 3339, or a date meaning 00:00 UTC. The result is UTC.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2024-12-05T10:00:00Z) nor a date (2024-12-05)", s)
}

// AsMultiPolygon returns a Polygon or MultiPolygon as a MultiPolygon, and
// false for any other geometry.
func AsMultiPolygon(g orb.Geometry) (orb.MultiPolygon, bool) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, true
	case orb.MultiPolygon:
		return g, true
	}
	return nil, false
}
