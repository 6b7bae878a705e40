package tiles

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"sync"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/maptile"
	"golang.org/x/image/vector"
)

const (
	rasterSize = 256
	// About 60% opaque, so that a basemap shows through.
	rasterFillAlpha = 153
	// Clipping this far outside the tile keeps the cut edges, and the
	// outline drawn along them, off the image.
	rasterPadPx = 4
	// Width of the outline, drawn on the inside of each faction's ground
	// so that two neighbours' outlines lie side by side.
	rasterLinePx = 1
	// A vertex nearer than this to the last one kept adds nothing visible
	// and only costs rasterizer work at low zoom.
	rasterStepPx = 0.3
)

// rasterStyle is a faction's fill and outline.
type rasterStyle struct{ fill, line color.NRGBA }

var (
	rasterStyles = map[string]rasterStyle{}
	// For a faction without a usable colour: a shape still shows.
	rasterUnknown = newRasterStyle(color.NRGBA{0x99, 0x99, 0x99, 0xff})
)

func init() {
	for _, f := range geo.Factions {
		if c, ok := parseHex(f.Color); ok {
			rasterStyles[f.ID] = newRasterStyle(c)
		}
	}
}

func newRasterStyle(c color.NRGBA) rasterStyle {
	dark := func(v uint8) uint8 { return uint8(uint16(v) * 7 / 10) }
	return rasterStyle{
		fill: color.NRGBA{c.R, c.G, c.B, rasterFillAlpha},
		line: color.NRGBA{dark(c.R), dark(c.G), dark(c.B), 0xff},
	}
}

// parseHex reads a CSS colour of the form #RRGGBB.
func parseHex(s string) (color.NRGBA, bool) {
	if len(s) != 7 || s[0] != '#' {
		return color.NRGBA{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.NRGBA{}, false
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, true
}

// rasterRing is a span of canvas.xy, in pairs: [lo, hi).
type rasterRing struct{ lo, hi int }

// rasterLayer is one territory projected onto the tile.
type rasterLayer struct {
	style  rasterStyle
	rings  []rasterRing
	bounds image.Rectangle // pixels it may touch, within the tile
}

// canvas holds what a render needs, kept between renders so that a tile
// allocates little more than its PNG.
type canvas struct {
	img    *image.NRGBA // what PNG stores: no conversion when encoding
	ras    vector.Rasterizer
	mask   image.Alpha // coverage of the layer being drawn, over its bounds
	ink    bool        // whether anything has been painted
	xy     []float32   // projected vertices, x y pairs
	rings  []rasterRing
	layers []rasterLayer
	clip   orb.Ring // a copy for the clipper, which overwrites its input
	out    bytes.Buffer
}

var canvases = sync.Pool{New: func() any {
	return &canvas{img: image.NewNRGBA(image.Rect(0, 0, rasterSize, rasterSize))}
}}

// pngBuffers reuses the encoder's zlib state, which dwarfs a tile.
type pngBuffers struct{ sync.Pool }

func (p *pngBuffers) Get() *png.EncoderBuffer {
	b, _ := p.Pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngBuffers) Put(b *png.EncoderBuffer) { p.Pool.Put(b) }

var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

// PNG renders the control layer of a keyframe as a 256x256 PNG tile in the faction colours; nil bytes when nothing is drawn.
func (r *Renderer) PNG(t maptile.Tile, keyframe int) ([]byte, error) {
	if !t.Valid() {
		return nil, geo.Errorf(geo.EINVALID, "there is no tile %d/%d/%d", t.Z, t.X, t.Y)
	}
	terr, err := r.Territories(keyframe)
	if err != nil {
		return nil, err
	}
	padded := t.Bound(rasterPadPx / float64(rasterSize))

	c := canvases.Get().(*canvas)
	defer canvases.Put(c)
	c.xy, c.rings, c.layers = c.xy[:0], c.rings[:0], c.layers[:0]
	for _, tr := range terr {
		if len(tr.Shape) == 0 || !tr.Shape.Bound().Intersects(padded) {
			continue
		}
		style, ok := rasterStyles[tr.Faction]
		if !ok {
			style = rasterUnknown
		}
		if tr.Basis == geo.BasisKept || tr.Basis == geo.BasisNone {
			// Ground no newer report reaches is drawn paler.
			style.fill.A = rasterFillAlpha / 2
		}
		first := len(c.rings)
		for _, poly := range tr.Shape {
			c.addPolygon(poly, padded, t)
		}
		if len(c.rings) == first {
			continue
		}
		c.layers = append(c.layers, rasterLayer{style: style, rings: c.rings[first:]})
	}
	tile := image.Rect(0, 0, rasterSize, rasterSize)
	drawn := c.layers[:0]
	for _, l := range c.layers {
		l.bounds = c.bounds(l.rings).Intersect(tile)
		if !l.bounds.Empty() {
			drawn = append(drawn, l)
		}
	}
	if len(drawn) == 0 {
		return nil, nil
	}

	clear(c.img.Pix)
	c.ink = false
	// Every fill before any outline, so that no neighbour's fill dims an
	// outline.
	for _, l := range drawn {
		c.fill(l)
	}
	for _, l := range drawn {
		c.outline(l)
	}
	if !c.ink {
		return nil, nil // e.g. a tile inside a hole
	}
	c.out.Reset()
	if err := pngEncoder.Encode(&c.out, c.img); err != nil {
		return nil, err
	}
	return bytes.Clone(c.out.Bytes()), nil
}

// addPolygon clips a polygon to the padded tile and projects its rings
// onto t's pixels. Exteriors are wound one way and holes the other on the
// image, whatever the input did, which the fill and the outline rely on.
func (c *canvas) addPolygon(poly orb.Polygon, padded orb.Bound, t maptile.Tile) {
	for i, rg := range poly {
		b := rg.Bound()
		switch {
		case !b.Intersects(padded):
			// A hole off the tile changes nothing on it.
			if i == 0 {
				return
			}
			continue
		case !padded.Contains(b.Min) || !padded.Contains(b.Max):
			// The clipper works in place; clip a copy.
			c.clip = append(c.clip[:0], rg...)
			rg = clip.Ring(padded, c.clip)
		}
		if !c.addRing(rg, t, i > 0) && i == 0 {
			return
		}
	}
}

// addRing projects a clipped ring onto t's pixels and reports whether
// anything is left of it.
func (c *canvas) addRing(rg orb.Ring, t maptile.Tile, hole bool) bool {
	if len(rg) > 1 && rg[0] == rg[len(rg)-1] {
		rg = rg[:len(rg)-1] // the rasterizer closes paths itself
	}
	lo := len(c.xy)
	var px, py float32
	for i, ll := range rg {
		x64, y64 := tilePixel(ll, t, rasterSize)
		x, y := float32(x64), float32(y64)
		if i > 0 && abs32(x-px)+abs32(y-py) < rasterStepPx {
			continue
		}
		c.xy = append(c.xy, x, y)
		px, py = x, y
	}
	pts := c.xy[lo:]
	n := len(pts) / 2
	if n < 3 {
		c.xy = c.xy[:lo]
		return false
	}
	// Twice the signed area. With y pointing down it is negative for a
	// ring counter-clockwise as seen, as exteriors are on the map.
	var area float64
	for i := range n {
		j := (i + 1) % n
		area += float64(pts[2*i])*float64(pts[2*j+1]) - float64(pts[2*j])*float64(pts[2*i+1])
	}
	if area == 0 {
		c.xy = c.xy[:lo]
		return false
	}
	// Exteriors negative, holes positive: the ground is then on the same
	// side of every edge.
	if (area > 0) != hole {
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			pts[2*i], pts[2*j] = pts[2*j], pts[2*i]
			pts[2*i+1], pts[2*j+1] = pts[2*j+1], pts[2*i+1]
		}
	}
	c.rings = append(c.rings, rasterRing{lo / 2, len(c.xy) / 2})
	return true
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// bounds returns the pixels that rings may touch.
func (c *canvas) bounds(rings []rasterRing) image.Rectangle {
	minX, minY := float32(math.Inf(1)), float32(math.Inf(1))
	maxX, maxY := float32(math.Inf(-1)), float32(math.Inf(-1))
	for _, rg := range rings {
		for i := rg.lo; i < rg.hi; i++ {
			x, y := c.xy[2*i], c.xy[2*i+1]
			minX, maxX = min(minX, x), max(maxX, x)
			minY, maxY = min(minY, y), max(maxY, y)
		}
	}
	// Pixel bounds stay within a few pixels of the tile: the rings are
	// clipped to it.
	return image.Rect(int(math.Floor(float64(minX))), int(math.Floor(float64(minY))),
		int(math.Ceil(float64(maxX))), int(math.Ceil(float64(maxY))))
}

// fill draws a layer's ground. The rasterizer accumulates signed
// coverage, so holes, wound against their exterior, cancel it.
func (c *canvas) fill(l rasterLayer) {
	c.begin(l.bounds)
	ox, oy := float32(l.bounds.Min.X), float32(l.bounds.Min.Y)
	for _, rg := range l.rings {
		pts := c.xy[2*rg.lo : 2*rg.hi]
		c.ras.MoveTo(pts[0]-ox, pts[1]-oy)
		for i := 2; i < len(pts); i += 2 {
			c.ras.LineTo(pts[i]-ox, pts[i+1]-oy)
		}
		c.ras.ClosePath()
	}
	c.paint(l.bounds, l.style.fill)
}

// outline draws a band along each edge on its inner side. The bands all
// wind the same way, so where they overlap coverage saturates instead of
// cancelling. Edges along the clip lie in the padding, off the image.
func (c *canvas) outline(l rasterLayer) {
	c.begin(l.bounds)
	ox, oy := float32(l.bounds.Min.X), float32(l.bounds.Min.Y)
	for _, rg := range l.rings {
		pts := c.xy[2*rg.lo : 2*rg.hi]
		n := len(pts)
		for i := 0; i < n; i += 2 {
			j := (i + 2) % n
			ax, ay := pts[i]-ox, pts[i+1]-oy
			bx, by := pts[j]-ox, pts[j+1]-oy
			dx, dy := bx-ax, by-ay
			d := float32(math.Sqrt(float64(dx*dx + dy*dy)))
			if d == 0 {
				continue
			}
			// The normal toward the ground, given addRing's winding.
			nx, ny := dy/d*rasterLinePx, -dx/d*rasterLinePx
			c.ras.MoveTo(ax, ay)
			c.ras.LineTo(bx, by)
			c.ras.LineTo(bx+nx, by+ny)
			c.ras.LineTo(ax+nx, ay+ny)
			c.ras.ClosePath()
		}
	}
	c.paint(l.bounds, l.style.line)
}

// begin readies the rasterizer for paths over r, in coordinates relative
// to r.Min. Sized to r, it touches only those pixels.
func (c *canvas) begin(r image.Rectangle) {
	c.ras.Reset(r.Dx(), r.Dy())
	c.ras.DrawOp = draw.Src
}

// paint composites colour s through the rasterized coverage onto the
// image over r. The rasterizer writes its coverage straight into an
// alpha mask; compositing here skips uncovered pixels, most of them for
// an outline. vector's own path blends every pixel of r, and only into
// premultiplied RGBA, which the PNG encoder then converts pixel by pixel.
func (c *canvas) paint(r image.Rectangle, s color.NRGBA) {
	w, h := r.Dx(), r.Dy()
	if cap(c.mask.Pix) < w*h {
		c.mask.Pix = make([]uint8, w*h)
	}
	c.mask = image.Alpha{Pix: c.mask.Pix[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	c.ras.Draw(&c.mask, c.mask.Rect, image.Opaque, image.Point{})

	// Alphas are in units of 1/255².
	const one = 0xff * 0xff
	sr, sg, sb, sa := uint32(s.R), uint32(s.G), uint32(s.B), uint32(s.A)
	for y := range h {
		cover := c.mask.Pix[y*w : (y+1)*w]
		pix := c.img.Pix[c.img.PixOffset(r.Min.X, r.Min.Y+y):]
		for x := 0; x < len(cover); x++ {
			if x+8 <= len(cover) && binary.NativeEndian.Uint64(cover[x:]) == 0 {
				x += 7
				continue
			}
			m := uint32(cover[x])
			if m == 0 {
				continue
			}
			c.ink = true
			p := pix[4*x : 4*x+4 : 4*x+4]
			if m == 0xff && (sa == 0xff || p[3] == 0) {
				p[0], p[1], p[2], p[3] = s.R, s.G, s.B, s.A
				continue
			}
			// Porter-Duff over, with the source's alpha scaled by the
			// coverage; colours are not premultiplied, so each is the
			// alpha-weighted mean of source and destination.
			as := sa * m
			ad := uint32(p[3]) * 0xff * (one - as) / one
			a := as + ad
			if a == 0 {
				continue
			}
			p[0] = uint8((sr*as + uint32(p[0])*ad + a/2) / a)
			p[1] = uint8((sg*as + uint32(p[1])*ad + a/2) / a)
			p[2] = uint8((sb*as + uint32(p[2])*ad + a/2) / a)
			p[3] = uint8((a + 0x7f) / 0xff)
		}
	}
}
