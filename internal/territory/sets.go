package territory

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/peterstace/simplefeatures/geom"
)

// Exact polygon set operations come from simplefeatures; orb has none.
// Geometries cross between the two libraries as WKB.

func toSF(g orb.Geometry) (geom.Geometry, error) {
	b, err := wkb.Marshal(g)
	if err != nil {
		return geom.Geometry{}, err
	}
	return geom.UnmarshalWKB(b)
}

func fromSF(g geom.Geometry) (orb.MultiPolygon, error) {
	if g.IsEmpty() {
		return nil, nil
	}
	og, err := wkb.Unmarshal(g.AsBinary())
	if err != nil {
		return nil, err
	}
	var mp orb.MultiPolygon
	collect(og, &mp)
	return rightHand(mp), nil
}

// collect keeps the polygons of g; an intersection can also yield the
// lines and points where shapes only touch.
func collect(g orb.Geometry, mp *orb.MultiPolygon) {
	switch g := g.(type) {
	case orb.Polygon:
		*mp = append(*mp, g)
	case orb.MultiPolygon:
		*mp = append(*mp, g...)
	case orb.Collection:
		for _, x := range g {
			collect(x, mp)
		}
	}
}

// rightHand orients exterior rings counter-clockwise and holes clockwise,
// as RFC 7946 asks.
func rightHand(mp orb.MultiPolygon) orb.MultiPolygon {
	for _, poly := range mp {
		for k, r := range poly {
			ccw := ringKm2(r) > 0
			if (k == 0) != ccw {
				r.Reverse()
			}
		}
	}
	return mp
}

func intersect(a orb.Geometry, outline geom.Geometry) (orb.MultiPolygon, error) {
	sa, err := toSF(a)
	if err != nil {
		return nil, err
	}
	out, err := geom.Intersection(sa, outline)
	if err != nil {
		return nil, err
	}
	return fromSF(out)
}

// Union merges shapes into one multipolygon: Syria's outline is Natural
// Earth's country, the UNDOF zone and the occupied Golan.
func Union(shapes ...orb.MultiPolygon) (orb.MultiPolygon, error) {
	gs := make([]geom.Geometry, 0, len(shapes))
	for _, s := range shapes {
		g, err := toSF(s)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	out, err := geom.UnionMany(gs)
	if err != nil {
		return nil, err
	}
	return fromSF(out)
}

// Valid reports whether simplefeatures accepts mp as a valid
// multipolygon (closed, non-self-intersecting rings; holes inside).
func Valid(mp orb.MultiPolygon) error {
	g, err := toSF(mp)
	if err != nil {
		return err
	}
	return g.Validate()
}
