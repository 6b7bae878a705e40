package territory

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// dissolve returns the union of the cells whose faction is f, traced
// from the cell sides that face another faction or the outline. Sides
// are oriented counter-clockwise around their cell, so exteriors come out
// counter-clockwise and holes clockwise.
func (g *Grid) dissolve(faction []uint8, f uint8) orb.MultiPolygon {
	type seg struct{ a, b orb.Point }
	var segs []seg
	for i, es := range g.geom.edges {
		if faction[i] != f {
			continue
		}
		for _, e := range es {
			if e.nbr >= 0 && faction[e.nbr] == f {
				continue
			}
			segs = append(segs, seg{e.a, e.b})
		}
	}
	if len(segs) == 0 {
		return nil
	}
	from := make(map[orb.Point][]int32, len(segs))
	for i, s := range segs {
		from[s.a] = append(from[s.a], int32(i))
	}
	used := make([]bool, len(segs))
	var outers, holes []orb.Ring
	for start := range segs {
		if used[start] {
			continue
		}
		ring := orb.Ring{segs[start].a}
		cur := start
		for {
			used[cur] = true
			end := segs[cur].b
			ring = append(ring, end)
			if end == ring[0] {
				break
			}
			next := int32(-1)
			for _, k := range from[end] {
				if !used[k] {
					next = k
					break
				}
			}
			if next < 0 {
				// A cut point that did not meet its twin: close here.
				ring = append(ring, ring[0])
				break
			}
			cur = int(next)
		}
		ring = dropCollinear(ring)
		if len(ring) < 4 {
			continue
		}
		if a := ringKm2(ring); a > 0 {
			outers = append(outers, ring)
		} else if a < 0 {
			holes = append(holes, ring)
		}
	}
	// Each hole goes in the smallest exterior that holds it.
	sort.Slice(outers, func(i, j int) bool { return ringKm2(outers[i]) < ringKm2(outers[j]) })
	mp := make(orb.MultiPolygon, len(outers))
	bounds := make([]orb.Bound, len(outers))
	for i, o := range outers {
		mp[i] = orb.Polygon{o}
		bounds[i] = o.Bound()
	}
	for _, h := range holes {
		p := h[0]
		for i, o := range outers {
			if bounds[i].Contains(p) && planar.RingContains(o, p) {
				mp[i] = append(mp[i], h)
				break
			}
		}
	}
	// Largest first, so the polygon a reader sees first is the main one.
	for i, j := 0, len(mp)-1; i < j; i, j = i+1, j-1 {
		mp[i], mp[j] = mp[j], mp[i]
	}
	return mp
}

// dropCollinear removes vertices that lie on the straight line through
// their neighbours; they add bytes and nothing else.
func dropCollinear(r orb.Ring) orb.Ring {
	if len(r) < 4 {
		return r
	}
	pts := r[:len(r)-1]
	out := make(orb.Ring, 0, len(r))
	n := len(pts)
	for i := 0; i < n; i++ {
		a, b, c := pts[(i+n-1)%n], pts[i], pts[(i+1)%n]
		cross := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
		if math.Abs(cross) < 1e-14 {
			continue
		}
		out = append(out, b)
	}
	if len(out) < 3 {
		return nil
	}
	return append(out, out[0])
}
