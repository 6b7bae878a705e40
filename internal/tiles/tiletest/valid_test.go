package tiletest

import (
	"testing"

	"github.com/paulmach/orb"
)

// rect is a closed rectangle, counter-clockwise with y up.
func rect(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func path(xy ...float64) orb.Ring {
	var r orb.Ring
	for i := 0; i+1 < len(xy); i += 2 {
		r = append(r, orb.Point{xy[i], xy[i+1]})
	}
	return append(r, r[0])
}

func TestValid(t *testing.T) {
	cases := []struct {
		name  string
		mp    orb.MultiPolygon
		valid bool
	}{
		{"square", orb.MultiPolygon{{rect(0, 0, 4, 4)}}, true},
		{"clockwise square", orb.MultiPolygon{{path(0, 0, 0, 4, 4, 4, 4, 0)}}, true},
		{"collinear and repeated points", orb.MultiPolygon{{path(0, 0, 2, 0, 2, 0, 4, 0, 4, 4, 0, 4)}}, true},
		{"hole", orb.MultiPolygon{{rect(0, 0, 10, 10), rect(2, 2, 4, 4)}}, true},
		{"hole touching the shell at a vertex", orb.MultiPolygon{{rect(0, 0, 10, 10), path(0, 5, 3, 3, 3, 7)}}, true},
		{"hole touching the shell mid-edge", orb.MultiPolygon{{rect(0, 0, 10, 10), path(5, 0, 6, 3, 4, 3)}}, true},
		{"holes touching at a point", orb.MultiPolygon{{rect(0, 0, 10, 10), rect(2, 2, 4, 4), rect(4, 4, 6, 6)}}, true},
		{"polygons touching at a point", orb.MultiPolygon{{rect(0, 0, 2, 2)}, {rect(2, 2, 4, 4)}}, true},
		{"island in a hole", orb.MultiPolygon{{rect(0, 0, 10, 10), rect(2, 2, 8, 8)}, {rect(4, 4, 6, 6)}}, true},
		{"island touching its hole", orb.MultiPolygon{{rect(0, 0, 10, 10), rect(2, 2, 8, 8)}, {path(2, 5, 5, 4, 5, 6)}}, true},

		{"too few points", orb.MultiPolygon{{orb.Ring{{0, 0}, {1, 0}, {0, 0}}}}, false},
		{"not closed", orb.MultiPolygon{{orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}, false},
		{"no area", orb.MultiPolygon{{path(0, 0, 2, 0, 4, 0)}}, false},
		{"off the grid", orb.MultiPolygon{{path(0, 0, 2.5, 0, 2, 2)}}, false},
		{"bow tie", orb.MultiPolygon{{path(0, 0, 4, 4, 4, 0, 0, 4)}}, false},
		{"spike", orb.MultiPolygon{{path(0, 0, 4, 0, 4, 4, 4, 8, 4, 4, 0, 4)}}, false},
		{"spike along an edge", orb.MultiPolygon{{path(0, 0, 4, 0, 2, 0, 2, 4)}}, false},
		{"ring touching itself at a vertex", orb.MultiPolygon{{path(0, 0, 4, 0, 2, 2, 4, 4, 0, 4, 2, 2)}}, false},
		{"ring touching itself mid-edge", orb.MultiPolygon{{path(0, 0, 4, 0, 4, 4, 2, 0, 0, 4)}}, false},
		{"ring running twice along a line", orb.MultiPolygon{{path(0, 0, 6, 0, 6, 4, 4, 4, 4, 0, 2, 0, 2, 4, 0, 4)}}, false},
		{"hole outside", orb.MultiPolygon{{rect(0, 0, 4, 4), rect(6, 6, 8, 8)}}, false},
		{"hole crossing the shell", orb.MultiPolygon{{rect(0, 0, 4, 4), rect(2, 2, 6, 6)}}, false},
		{"hole sharing an edge with the shell", orb.MultiPolygon{{rect(0, 0, 4, 4), rect(0, 1, 2, 3)}}, false},
		{"hole touching the shell from outside", orb.MultiPolygon{{rect(0, 0, 4, 4), path(4, 2, 6, 1, 6, 3)}}, false},
		{"hole cutting the interior", orb.MultiPolygon{{rect(0, 0, 4, 4), path(0, 2, 2, 1, 4, 2, 2, 3)}}, false},
		{"holes cutting the interior", orb.MultiPolygon{{rect(0, 0, 6, 6), path(0, 3, 1, 2, 3, 3, 1, 4), path(3, 3, 5, 2, 6, 3, 5, 4)}}, false},
		{"nested holes", orb.MultiPolygon{{rect(0, 0, 10, 10), rect(1, 1, 9, 9), rect(3, 3, 5, 5)}}, false},
		{"overlapping polygons", orb.MultiPolygon{{rect(0, 0, 4, 4)}, {rect(2, 2, 6, 6)}}, false},
		{"polygons sharing an edge", orb.MultiPolygon{{rect(0, 0, 2, 2)}, {rect(2, 0, 4, 2)}}, false},
		{"polygon inside another", orb.MultiPolygon{{rect(0, 0, 10, 10)}, {rect(2, 2, 4, 4)}}, false},
		{"polygon inside another, touching", orb.MultiPolygon{{rect(0, 0, 10, 10)}, {path(0, 5, 3, 3, 3, 7)}}, false},
		{"same polygon twice", orb.MultiPolygon{{rect(0, 0, 2, 2)}, {rect(0, 0, 2, 2)}}, false},
		// Every contact is at a vertex of one of them, and they pass
		// through each other there.
		{"crossing at vertices", orb.MultiPolygon{{path(0, 0, 4, 0, 4, 2, 4, 4, 2, 4, 0, 4)}, {rect(2, 2, 6, 6)}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Valid(c.mp)
			if (err == nil) != c.valid {
				t.Errorf("Valid = %v, want valid %v", err, c.valid)
			}
		})
	}
}
