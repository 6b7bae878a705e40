package tiles

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"
	"testing"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// rasterSquare is a counter-clockwise ring, the winding of an exterior.
func rasterSquare(minLon, minLat, maxLon, maxLat float64) orb.Ring {
	return orb.Ring{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}
}

// rasterTerritories: the government holds a square with a hole, HTS a
// square touching it at one corner.
func rasterTerritories() []geo.Territory {
	hole := rasterSquare(36.3, 34.3, 36.7, 34.7)
	hole.Reverse()
	return []geo.Territory{
		{Faction: geo.Government, AreaKm2: 9000, Shape: orb.MultiPolygon{{rasterSquare(36, 34, 37, 35), hole}}},
		{Faction: geo.HTS, AreaKm2: 9000, Shape: orb.MultiPolygon{{rasterSquare(37, 35, 38, 36)}}},
	}
}

func rasterRenderer(terr []geo.Territory) *Renderer {
	return &Renderer{
		Keyframes:   []geo.Keyframe{{ID: 0, At: geo.TimelineStart}},
		Territories: func(int) ([]geo.Territory, error) { return terr, nil },
	}
}

// renderPNG renders and decodes a tile, failing on nil.
func renderPNG(t *testing.T, r *Renderer, tile maptile.Tile) image.Image {
	t.Helper()
	raw, err := r.PNG(tile, 0)
	if err != nil {
		t.Fatal(err)
	}
	if raw == nil {
		t.Fatalf("tile %v: nil", tile)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b != image.Rect(0, 0, 256, 256) {
		t.Fatalf("tile %v is %v, want 256x256", tile, b)
	}
	return img
}

// pixel is the colour of the pixel holding a point.
func pixel(t *testing.T, img image.Image, tile maptile.Tile, lon, lat float64) color.NRGBA {
	t.Helper()
	px, py := tilePixel(orb.Point{lon, lat}, tile, rasterSize)
	x, y := int(px), int(py)
	if !(image.Point{x, y}).In(img.Bounds()) {
		t.Fatalf("%v,%v is off tile %v", lon, lat, tile)
	}
	return color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
}

func near(a, b uint8, tol int) bool { return math.Abs(float64(a)-float64(b)) <= float64(tol) }

func checkFill(t *testing.T, what string, got color.NRGBA, faction string) {
	t.Helper()
	want, _ := parseHex(geo.FactionByID(faction).Color)
	if !near(got.R, want.R, 3) || !near(got.G, want.G, 3) || !near(got.B, want.B, 3) || !near(got.A, 153, 2) {
		t.Errorf("%s: %v, want %s's %v at alpha 153", what, got, faction, want)
	}
}

func TestPNG(t *testing.T) {
	r := rasterRenderer(rasterTerritories())
	tile := maptile.At(orb.Point{37, 35}, 6)
	img := renderPNG(t, r, tile)

	checkFill(t, "government ground", pixel(t, img, tile, 36.15, 34.15), geo.Government)
	checkFill(t, "HTS ground", pixel(t, img, tile, 37.5, 35.5), geo.HTS)
	if c := pixel(t, img, tile, 36.5, 34.5); c.A != 0 {
		t.Errorf("hole: %v, want transparent", c)
	}
	if c := pixel(t, img, tile, 35.5, 35.5); c.A != 0 {
		t.Errorf("outside: %v, want transparent", c)
	}

	// The outline runs just inside the government's western edge, darker
	// and more opaque than the fill.
	x, py := tilePixel(orb.Point{36, 34.5}, tile, rasterSize)
	y := int(py)
	var edge color.NRGBA
	for _, px := range []int{int(math.Floor(x)), int(math.Ceil(x))} {
		if c := color.NRGBAModel.Convert(img.At(px, y)).(color.NRGBA); c.A > edge.A {
			edge = c
		}
	}
	fill, _ := parseHex(geo.FactionByID(geo.Government).Color)
	if edge.A < 180 || edge.R >= fill.R {
		t.Errorf("government outline: %v, want darker than %v and more opaque than the fill", edge, fill)
	}
	if c := color.NRGBAModel.Convert(img.At(int(math.Floor(x))-2, y)).(color.NRGBA); c.A != 0 {
		t.Errorf("west of the outline: %v, want transparent", c)
	}
}

// Holes must stay empty whatever the winding of the input.
func TestPNGWinding(t *testing.T) {
	terr := rasterTerritories()
	want, err := rasterRenderer(terr).PNG(maptile.At(orb.Point{37, 35}, 6), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range terr {
		for _, p := range tr.Shape {
			for _, rg := range p {
				rg.Reverse()
			}
		}
	}
	got, err := rasterRenderer(terr).PNG(maptile.At(orb.Point{37, 35}, 6), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("reversed rings render differently")
	}
}

func TestPNGZoom(t *testing.T) {
	r := rasterRenderer(rasterTerritories())

	renderPNG(t, r, maptile.New(0, 0, 0))

	// Deep inside the government's square: its fill on every pixel, no
	// outline, though the clipped ring runs outside the tile.
	tile := maptile.At(orb.Point{36.15, 34.15}, 12)
	img := renderPNG(t, r, tile).(*image.NRGBA)
	first := img.NRGBAAt(0, 0)
	checkFill(t, "inside", first, geo.Government)
	for y := range 256 {
		for x := range 256 {
			if c := img.NRGBAAt(x, y); c != first {
				t.Fatalf("pixel %d,%d: %v, want %v everywhere", x, y, c, first)
			}
		}
	}

	// A triangle's bound, not its ground, reaches the tile.
	tri := rasterRenderer([]geo.Territory{{Faction: geo.SDF, Shape: orb.MultiPolygon{{{{36, 34}, {38, 34}, {36, 36}, {36, 34}}}}}})
	if raw, err := tri.PNG(maptile.At(orb.Point{37.9, 35.9}, 10), 0); err != nil || raw != nil {
		t.Errorf("beyond the hypotenuse: %d bytes, %v; want nil", len(raw), err)
	}

	for _, tc := range []struct {
		name string
		tile maptile.Tile
	}{
		{"Atlantic", maptile.At(orb.Point{-40, 30}, 6)},
		{"inside the hole", maptile.At(orb.Point{36.5, 34.5}, 12)},
	} {
		raw, err := r.PNG(tc.tile, 0)
		if err != nil || raw != nil {
			t.Errorf("%s: %d bytes, %v; want nil", tc.name, len(raw), err)
		}
	}
}

// Renders share pooled canvases and encoder buffers.
func TestPNGConcurrent(t *testing.T) {
	r := rasterRenderer(rasterTerritories())
	tiles := []maptile.Tile{maptile.New(0, 0, 0), maptile.At(orb.Point{37, 35}, 6), maptile.At(orb.Point{36.15, 34.15}, 9)}
	want := make([][]byte, len(tiles))
	for i, tile := range tiles {
		want[i], _ = r.PNG(tile, 0)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 20 {
				i := (g + k) % len(tiles)
				if got, err := r.PNG(tiles[i], 0); err != nil || !bytes.Equal(got, want[i]) {
					t.Errorf("tile %v differs when rendered concurrently (%v)", tiles[i], err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestPNGErrors(t *testing.T) {
	r := rasterRenderer(nil)
	_, err := r.PNG(maptile.New(4, 0, 2), 0)
	if geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("tile off the world: %v, want %s", err, geo.EINVALID)
	}
	boom := errors.New("boom")
	r.Territories = func(int) ([]geo.Territory, error) { return nil, boom }
	if _, err := r.PNG(maptile.New(0, 0, 0), 0); !errors.Is(err, boom) {
		t.Errorf("got %v, want the store's error", err)
	}
}
