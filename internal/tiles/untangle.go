package tiles

import "slices"

// Untangling rings that rounding or clipping made share points: a ring
// that comes back to a point it passed, a hole that now touches its
// exterior at two points, two rings that run along the same edge in
// opposite directions (a sliver rounded to nothing). OGC validity wants
// rings that only touch, at single points, without cutting an interior
// in two.

// untangle rebuilds closed rings, each with the interior on its left
// (exteriors with positive ringArea, holes negative), as the boundaries
// of the faces they enclose. Edges that run both ways between two points
// cancel; at a point several rings pass, each arriving edge continues
// with the first leaving edge clockwise from where it came, which walks
// round one face keeping it on the left. A face's walk passes a point
// twice where its boundary touches itself, a hole its exterior, say:
// there it is cut into rings that only touch. It returns the rings with
// positive area (exteriors) and negative (holes); rings without area go.
func untangle(rings [][][2]int64) (exteriors, holes [][][2]int64) {
	type edge struct {
		from, to [2]int64
		gone     bool
	}
	var edges []edge
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			if r[i] != r[i+1] {
				edges = append(edges, edge{from: r[i], to: r[i+1]})
			}
		}
	}
	// Cancel opposite edges pairwise.
	open := map[[2][2]int64][]int{}
	for i := range edges {
		back := [2][2]int64{edges[i].to, edges[i].from}
		if js := open[back]; len(js) > 0 {
			edges[js[len(js)-1]].gone, edges[i].gone = true, true
			open[back] = js[:len(js)-1]
			continue
		}
		k := [2][2]int64{edges[i].from, edges[i].to}
		open[k] = append(open[k], i)
	}
	leaving := map[[2]int64][]int{}
	for i, e := range edges {
		if !e.gone {
			leaving[e.from] = append(leaving[e.from], i)
		}
	}
	used := make([]bool, len(edges))
	seen := map[[2]int64]int{}
	for first := range edges {
		if edges[first].gone || used[first] {
			continue
		}
		var ring [][2]int64
		for e := first; ; {
			used[e] = true
			ring = append(ring, edges[e].from)
			at := edges[e].to
			next := -1
			if outs := leaving[at]; len(outs) == 1 {
				next = outs[0]
			} else {
				back := [2]int64{edges[e].from[0] - at[0], edges[e].from[1] - at[1]}
				for _, o := range outs {
					d := [2]int64{edges[o].to[0] - at[0], edges[o].to[1] - at[1]}
					if next < 0 || clockwiseBefore(back, d, [2]int64{edges[next].to[0] - at[0], edges[next].to[1] - at[1]}) {
						next = o
					}
				}
			}
			if next == first || next < 0 || used[next] {
				break // closed (or, on broken input, stuck)
			}
			e = next
		}
		for _, part := range cutAtRepeats(ring, seen) {
			switch a := ringArea(part); {
			case a > 0:
				exteriors = append(exteriors, part)
			case a < 0:
				holes = append(holes, part)
			}
		}
	}
	return exteriors, holes
}

// cutAtRepeats cuts the closed walk round one face, given without its
// closing point, where it comes back to a point: into closed rings that
// each pass every point once. A face's walk never crosses itself, so its
// returns nest and each cut piece is a ring of the face. seen is
// scratch space.
func cutAtRepeats(walk [][2]int64, seen map[[2]int64]int) [][][2]int64 {
	clear(seen)
	var out [][][2]int64
	stack := make([][2]int64, 0, len(walk)+1)
	for _, p := range walk {
		if i, ok := seen[p]; ok {
			if part := append(slices.Clone(stack[i:]), p); len(part) >= 4 {
				out = append(out, part)
			}
			for _, q := range stack[i+1:] {
				delete(seen, q)
			}
			stack = stack[:i+1]
			continue
		}
		seen[p] = len(stack)
		stack = append(stack, p)
	}
	if len(stack) >= 3 {
		out = append(out, append(stack, stack[0]))
	}
	return out
}

// clockwiseBefore reports whether direction u comes before v turning
// clockwise from ref; ref itself comes last.
func clockwiseBefore(ref, u, v [2]int64) bool {
	hu, hv := clockwiseHalf(ref, u), clockwiseHalf(ref, v)
	if hu != hv {
		return hu < hv
	}
	return crossProduct(u, v) < 0
}

// clockwiseHalf places d turning clockwise from ref: 0 within the first
// half turn, 1 opposite ref, 2 within the second half turn, 3 along ref.
func clockwiseHalf(ref, d [2]int64) int {
	switch c := crossProduct(ref, d); {
	case c < 0:
		return 0
	case c > 0:
		return 2
	case ref[0]*d[0]+ref[1]*d[1] < 0:
		return 1
	}
	return 3
}
