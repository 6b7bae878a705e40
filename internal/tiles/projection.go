package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// The package's one Web Mercator projection. orb's maptile projects
// lon/lat onto the tile grid of a zoom (maptile.Fraction) and gives a
// tile's lon/lat bounds (Tile.Bound); orb's project, in metres, has
// nothing tiles need. This file adds what maptile lacks: the integer grid
// vector tiles share across the world at a zoom, and where a point falls
// within one tile at any resolution.

// Extent is the side of a vector tile in the units of its geometry.
const Extent = 4096

// maxLat is maptile's latitude limit; beyond it maptile.Fraction puts a
// southern point a tile short of the world's edge, so points are held
// within it first. frontline's ground is far from either pole.
const maxLat = 85.0511

// fraction is where p falls on the tile grid at zoom z: tile x and y with
// their fractions, y down.
func fraction(p orb.Point, z maptile.Zoom) orb.Point {
	return maptile.Fraction(orb.Point{p[0], min(max(p[1], -maxLat), maxLat)}, z)
}

// worldPoint is p in the world units of zoom z, Extent per tile and
// rounded: the grid every vector tile of the zoom shares, so that
// neighbouring tiles cut the same edge at the same points.
func worldPoint(p orb.Point, z maptile.Zoom) [2]int64 {
	f := fraction(p, z)
	return [2]int64{int64(math.Round(f[0] * Extent)), int64(math.Round(f[1] * Extent))}
}

// tileOrigin is the north-west corner of t in world units.
func tileOrigin(t maptile.Tile) [2]int64 {
	return [2]int64{int64(t.X) * Extent, int64(t.Y) * Extent}
}

// tilePixel is where p falls in t on a grid of size units a side: (0, 0)
// at the tile's north-west corner, y down, unrounded; beyond [0, size)
// off the tile.
func tilePixel(p orb.Point, t maptile.Tile, size float64) (x, y float64) {
	f := fraction(p, t.Z)
	return (f[0] - float64(t.X)) * size, (f[1] - float64(t.Y)) * size
}

// tilePoint is p in the units of t's vector geometry, rounded.
func tilePoint(p orb.Point, t maptile.Tile) [2]int32 {
	x, y := tilePixel(p, t, Extent)
	return [2]int32{int32(math.Round(x)), int32(math.Round(y))}
}
