package tiles

import "math"

// Clipping of polygons in integer world units, for vector tiles. Every
// tile of a zoom cuts the same projected rings, so neighbours agree on
// each vertex and on where an edge leaves them.

// ringClipper clips closed rings to a box (Sutherland-Hodgman, one edge
// at a time), reusing its scratch space between rings.
type ringClipper struct {
	a, b [][2]int64
}

// clip returns ring, whose bounding box is rb, clipped to box and moved to
// tile units (minus the tile's origin o), or nil when nothing with area
// is left. Only the box's edges that rb crosses cut: a ring wholly on the
// inner side of an edge passes it unchanged.
func (c *ringClipper) clip(ring [][2]int64, rb, box [4]int64, o [2]int64) [][2]int32 {
	c.a = append(c.a[:0], ring[:len(ring)-1]...)
	crosses := [4]bool{rb[0] < box[0], rb[1] < box[1], rb[2] > box[2], rb[3] > box[3]}
	for edge := 0; edge < 4 && len(c.a) > 0; edge++ {
		if !crosses[edge] {
			continue
		}
		c.b = c.b[:0]
		for i := range c.a {
			cur, prev := c.a[i], c.a[(i+len(c.a)-1)%len(c.a)]
			cin, pin := in(cur, box, edge), in(prev, box, edge)
			if cin != pin {
				c.b = append(c.b, cross(prev, cur, box, edge))
			}
			if cin {
				c.b = append(c.b, cur)
			}
		}
		c.a, c.b = c.b, c.a
	}
	if len(c.a) < 3 {
		return nil
	}
	out := make([][2]int32, 0, len(c.a)+1)
	for _, p := range c.a {
		q := [2]int32{int32(p[0] - o[0]), int32(p[1] - o[1])}
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	if len(out) < 3 {
		return nil
	}
	out = append(out, out[0])
	if ringArea(out) == 0 {
		return nil
	}
	return out
}

// in reports whether p is on the inner side of the box's edge: 0 left,
// 1 top, 2 right, 3 bottom.
func in(p [2]int64, box [4]int64, edge int) bool {
	switch edge {
	case 0:
		return p[0] >= box[0]
	case 1:
		return p[1] >= box[1]
	case 2:
		return p[0] <= box[2]
	}
	return p[1] <= box[3]
}

// cross is where segment a-b meets the line of the box's edge.
func cross(a, b [2]int64, box [4]int64, edge int) [2]int64 {
	switch edge {
	case 0, 2:
		x := box[edge]
		f := float64(x-a[0]) / float64(b[0]-a[0])
		return [2]int64{x, a[1] + int64(math.Round(f*float64(b[1]-a[1])))}
	default:
		y := box[edge]
		f := float64(y-a[1]) / float64(b[1]-a[1])
		return [2]int64{a[0] + int64(math.Round(f*float64(b[0]-a[0]))), y}
	}
}

// ringArea is twice the signed area of a closed ring, positive when the
// ring turns clockwise with y down, as on screen.
func ringArea[T int32 | int64](r [][2]T) int64 {
	var s int64
	for i := 0; i+1 < len(r); i++ {
		s += int64(r[i][0])*int64(r[i+1][1]) - int64(r[i+1][0])*int64(r[i][1])
	}
	return s
}
