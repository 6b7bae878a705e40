package server

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"sync"
	"time"

	"frontline/geo"
	"frontline/internal/app"
	"frontline/internal/tiles"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/maptile"
)

// TileLayer describes a vector layer for TileJSON. Its fields give each
// field's type (String, Number, Boolean), as MBTiles metadata does: GDAL
// reads field types from them; the words are in the description.
type TileLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	Fields      map[string]string `json:"fields"`
}

var tileLayers = func() []TileLayer {
	var out []TileLayer
	for _, l := range tiles.Layers {
		out = append(out, TileLayer{ID: l.ID, Description: l.Description, Fields: l.Fields})
	}
	return out
}()

// vectorTile answers GET /tiles/{z}/{x}/{y}.mvt?datetime=INSTANT&v=VERSION.
func (s *Server) vectorTile(w http.ResponseWriter, r *http.Request) error {
	return s.serveTile(w, r, "mvt", "application/vnd.mapbox-vector-tile", (*tiles.Renderer).MVT, true)
}

// rasterTile answers GET /tiles/{z}/{x}/{y}.png?datetime=INSTANT&v=VERSION:
// the control layer for clients without vector support. PNG is
// compressed already, so it is never gzipped.
func (s *Server) rasterTile(w http.ResponseWriter, r *http.Request) error {
	return s.serveTile(w, r, "png", "image/png", (*tiles.Renderer).PNG, false)
}

func (s *Server) serveTile(w http.ResponseWriter, r *http.Request, ext, contentType string,
	render func(*tiles.Renderer, maptile.Tile, int) ([]byte, error), compress bool) error {
	t, err := tileParams(r)
	if err != nil {
		return err
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	k, err := keyframeParam(r, snap)
	if err != nil {
		return err
	}
	// By instant, not index: an index names other ground in another
	// snapshot.
	key := fmt.Sprintf("%s/%d/%d/%d/%d.%s", snap.Version, snap.Keyframes[k].At.Unix(), t.Z, t.X, t.Y, ext)
	lim := s.cache.work.vectorTiles
	if ext == "png" {
		lim = s.cache.work.rasterTiles
	}
	resp, err := s.cachedOrBuilt(w, r, key, lim, nil, func() (*response, error) {
		body, err := render(snap.Renderer, t, k)
		if err != nil {
			return nil, err
		}
		empty := body == nil
		if empty && ext == "png" {
			body = transparentPNG()
		}
		resp := newResponse(snap.Version, body, compress)
		resp.empty = empty
		return resp, nil
	})
	if err == errAnswered {
		return nil
	}
	if err != nil {
		return err
	}
	cacheFor(w, r, snap)
	if resp.body == nil {
		// An empty vector tile: MapLibre and OpenLayers take 204 as
		// "nothing here".
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return serveBytes(w, r, contentType, resp)
}

// rasterTileSize is the side of the renderer's raster tiles, in pixels.
const rasterTileSize = 256

// transparentPNG is the raster tile with nothing on it. Leaflet's
// L.tileLayer takes a 204 for a failed tile, so an empty raster tile is
// this image instead; its bytes are shared by every empty tile's answer.
var transparentPNG = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	// One transparent palette entry: a 1-bit image, about a hundred bytes.
	img := image.NewPaletted(image.Rect(0, 0, rasterTileSize, rasterTileSize), color.Palette{color.NRGBA{}})
	if err := enc.Encode(&buf, img); err != nil {
		panic(err) // an in-memory image of fixed size always encodes
	}
	return buf.Bytes()
})

func tileParams(r *http.Request) (maptile.Tile, error) {
	parse := func(name string) (int, error) {
		v := chi.URLParam(r, name)
		n, err := parseWhole(v)
		if err != nil || n < 0 {
			return 0, geo.Errorf(geo.EINVALID, "tile %s must be a whole number, got %q", name, v)
		}
		return n, nil
	}
	z, err := parse("z")
	if err != nil {
		return maptile.Tile{}, err
	}
	x, err := parse("x")
	if err != nil {
		return maptile.Tile{}, err
	}
	y, err := parse("y")
	if err != nil {
		return maptile.Tile{}, err
	}
	if z < tiles.MinZoom || z > tiles.MaxZoom {
		return maptile.Tile{}, geo.Errorf(geo.EINVALID, "zoom %d is beyond the served range %d-%d", z, tiles.MinZoom, tiles.MaxZoom)
	}
	if n := 1 << z; x >= n || y >= n {
		return maptile.Tile{}, geo.Errorf(geo.EINVALID, "tile %d/%d/%d does not exist: x and y must be below %d at zoom %d", z, x, y, n, z)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// tileJSON answers GET /tiles.json (TileJSON 3.0.0). Its tile URLs name
// the snapshot's version, so clients may cache the tiles for good.
func (s *Server) tileJSON(w http.ResponseWriter, r *http.Request) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	ext := "mvt"
	switch f := r.URL.Query().Get("format"); f {
	case "", "mvt", "pbf":
	case "png":
		ext = "png"
	default:
		return geo.Errorf(geo.EINVALID, "format=%s: the tiles are mvt (vector) or png (raster)", f)
	}
	pinned := "" // the keyframe the tile URLs pin, when ?datetime= names one
	if r.URL.Query().Get("datetime") != "" {
		k, err := keyframeParam(r, snap)
		if err != nil {
			return err
		}
		pinned = snap.Keyframes[k].At.UTC().Format(time.RFC3339)
	}
	// The links start with the base, so the base is part of the key: an
	// answer through a proxy never serves a direct request, nor shares
	// its validator.
	base := s.baseURL(r)
	key := snap.Version + "|tiles.json|" + ext + "|" + pinned + "|" + base
	if resp, ok := s.cache.get(key); ok {
		cacheFor(w, r, snap)
		return serveBytes(w, r, "application/json", resp)
	}
	instants := make([]string, len(snap.Keyframes))
	for i, kf := range snap.Keyframes {
		instants[i] = kf.At.UTC().Format(time.RFC3339)
	}
	tmpl := base + "/tiles/{z}/{x}/{y}." + ext + "?v=" + snap.Version
	if pinned != "" {
		tmpl += "&datetime=" + pinned
	}
	b := snap.Bound
	doc := map[string]any{
		"tilejson":      "3.0.0",
		"name":          "frontline",
		"version":       snap.Version,
		"description":   "Who controlled what in Syria, 26 Nov - 12 Dec 2024; add ?datetime=INSTANT to the tile URL.",
		"attribution":   s.Attribution,
		"scheme":        "xyz",
		"tiles":         []string{tmpl},
		"minzoom":       tiles.MinZoom,
		"maxzoom":       tiles.MaxZoom,
		"bounds":        []float64{floor2(b.Min[0]), floor2(b.Min[1]), ceil2(b.Max[0]), ceil2(b.Max[1])},
		"center":        []float64{math.Round(b.Center()[0]*100) / 100, math.Round(b.Center()[1]*100) / 100, 6},
		"vector_layers": tileLayers,
		"keyframes":     instants,
	}
	if ext == "png" {
		delete(doc, "vector_layers") // raster tiles have none
	}
	resp, err := encodeResponse(snap.Version, doc)
	if err != nil {
		return err
	}
	s.cache.put(key, resp)
	cacheFor(w, r, snap)
	return serveBytes(w, r, "application/json", resp)
}

// floor2 and ceil2 round a bound outward to 2 decimals, so that it still
// holds all the ground.
func floor2(v float64) float64 { return math.Floor(v*100) / 100 }
func ceil2(v float64) float64  { return math.Ceil(v*100) / 100 }

// keyframeParam resolves ?datetime= to the keyframe of snap in force then;
// the last keyframe when it is absent.
func keyframeParam(r *http.Request, snap *app.Snapshot) (int, error) {
	v := r.URL.Query().Get("datetime")
	if v == "" {
		return len(snap.Keyframes) - 1, nil
	}
	t, err := ParseInstant(v, "datetime", time.Now())
	if err != nil {
		return 0, err
	}
	return snap.KeyframeFor(t)
}
