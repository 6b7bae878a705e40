package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"frontline/geo"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/maptile"
)

// TileRenderer draws tiles of a keyframe, vector or raster; nil bytes for
// an empty tile.
type TileRenderer interface {
	MVT(t maptile.Tile, keyframe int) ([]byte, error)
	PNG(t maptile.Tile, keyframe int) ([]byte, error)
}

// TileLayer describes a vector layer for TileJSON.
type TileLayer struct {
	ID     string            `json:"id"`
	Fields map[string]string `json:"fields"`
}

// tile is an encoded answer (a tile, a page of features) with its
// validator; its gzipped form is made on the first request that accepts
// gzip.
type tile struct {
	raw          []byte
	etag         string
	compressible bool

	gzOnce sync.Once
	gz     []byte
}

func newTile(raw []byte, compressible bool) *tile {
	t := &tile{raw: raw, compressible: compressible && raw != nil}
	if raw != nil {
		sum := sha256.Sum256(raw)
		t.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
	}
	return t
}

func (t *tile) gzipped() []byte {
	t.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		zw.Write(t.raw)
		zw.Close()
		t.gz = buf.Bytes()
	})
	return t.gz
}

// cost is what a tile counts against the cache's bound: its bytes and,
// when it may be gzipped, room for that form.
func (t *tile) cost(key string) int {
	n := len(t.raw) + len(key) + 64
	if t.compressible {
		n += len(t.raw) / 2
	}
	return n
}

// tileCache keeps recent tiles, bounded by their bytes, least recently
// used out first. Tiles of a keyframe never change, so nothing expires.
type tileCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *tileEntry, most recent first
	byKey map[string]*list.Element
}

type tileEntry struct {
	key string
	t   *tile
}

func newTileCache(maxBytes int) *tileCache {
	return &tileCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *tileCache) get(key string) (*tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*tileEntry).t, true
	}
	return nil, false
}

func (c *tileCache) put(key string, t *tile) {
	n := t.cost(key)
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&tileEntry{key, t})
	c.size += n
	for c.size > c.max {
		e := c.order.Back()
		te := e.Value.(*tileEntry)
		c.order.Remove(e)
		delete(c.byKey, te.key)
		c.size -= te.t.cost(te.key)
	}
}

// keyframeParam resolves ?datetime= to the keyframe in force, and says
// whether the instant is the keyframe's own (the canonical URL).
func (s *Server) keyframeParam(r *http.Request) (int, bool, error) {
	v := r.URL.Query().Get("datetime")
	kfs := s.Timeline.KeyframeList()
	if v == "" {
		return len(kfs) - 1, false, nil
	}
	t, err := ParseInstant(v, "datetime", time.Now())
	if err != nil {
		return 0, false, err
	}
	k := s.Timeline.KeyframeAt(t)
	if k < 0 {
		return 0, false, geo.Errorf(geo.ENOTFOUND, "the timeline starts at %s; nothing is mapped before it",
			geo.TimelineStart.Format(time.RFC3339))
	}
	return k, kfs[k].At.Equal(t), nil
}

// vectorTile answers GET /tiles/{z}/{x}/{y}.mvt?datetime=INSTANT.
func (s *Server) vectorTile(w http.ResponseWriter, r *http.Request) error {
	return s.serveTile(w, r, "mvt", "application/vnd.mapbox-vector-tile", s.Tiles.MVT, true)
}

// rasterTile answers GET /tiles/{z}/{x}/{y}.png?datetime=INSTANT: the
// control layer for clients without vector support. PNG is compressed
// already, so it is never gzipped.
func (s *Server) rasterTile(w http.ResponseWriter, r *http.Request) error {
	return s.serveTile(w, r, "png", "image/png", s.Tiles.PNG, false)
}

func (s *Server) serveTile(w http.ResponseWriter, r *http.Request, ext, contentType string,
	render func(maptile.Tile, int) ([]byte, error), compress bool) error {
	z, x, y, err := tileParams(r)
	if err != nil {
		return err
	}
	k, canonical, err := s.keyframeParam(r)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%d/%d/%d/%d.%s", k, z, x, y, ext)
	t, ok := s.tiles.get(key)
	if !ok {
		raw, err := render(maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), k)
		if err != nil {
			return err
		}
		t = newTile(raw, compress)
		s.tiles.put(key, t)
	}
	cacheControl(w, canonical)
	if t.raw == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return serveBytes(w, r, contentType, t)
}

// cacheControl marks the answers of a keyframe's own instant immutable:
// history does not change. Other instants map to a keyframe that a later
// import could move, so they are cached for an hour.
func cacheControl(w http.ResponseWriter, canonical bool) {
	if canonical {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=3600")
	}
}

// serveBytes answers with t, 304 when the client has it, gzipped when the
// client accepts gzip.
func serveBytes(w http.ResponseWriter, r *http.Request, contentType string, t *tile) error {
	h := w.Header()
	h.Set("ETag", t.etag)
	if t.compressible {
		h.Add("Vary", "Accept-Encoding")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, t.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", contentType)
	body := t.raw
	if t.compressible && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = t.gzipped()
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	return err
}

func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || v == etag || strings.TrimPrefix(v, "W/") == etag {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func tileParams(r *http.Request) (z, x, y int, err error) {
	parse := func(name string) (int, error) {
		v := chi.URLParam(r, name)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, geo.Errorf(geo.EINVALID, "tile %s must be a whole number, got %q", name, v)
		}
		return n, nil
	}
	if z, err = parse("z"); err != nil {
		return
	}
	if x, err = parse("x"); err != nil {
		return
	}
	if y, err = parse("y"); err != nil {
		return
	}
	if z > 14 {
		return 0, 0, 0, geo.Errorf(geo.EINVALID, "zoom %d is beyond the served range 0-14", z)
	}
	if n := 1 << z; x >= n || y >= n {
		return 0, 0, 0, geo.Errorf(geo.EINVALID, "tile %d/%d/%d does not exist: x and y must be below %d at zoom %d", z, x, y, n, z)
	}
	return z, x, y, nil
}

// tileJSON answers GET /tiles.json (TileJSON 3.0.0).
func (s *Server) tileJSON(w http.ResponseWriter, r *http.Request) error {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	kfs := s.Timeline.KeyframeList()
	instants := make([]string, len(kfs))
	for i, kf := range kfs {
		instants[i] = kf.At.UTC().Format(time.RFC3339)
	}
	ext := "mvt"
	switch f := r.URL.Query().Get("format"); f {
	case "", "mvt", "pbf":
	case "png":
		ext = "png"
	default:
		return geo.Errorf(geo.EINVALID, "format=%s: the tiles are mvt (vector) or png (raster)", f)
	}
	tmpl := base + "/tiles/{z}/{x}/{y}." + ext
	if k, _, err := s.keyframeParam(r); err == nil && r.URL.Query().Get("datetime") != "" {
		tmpl += "?datetime=" + instants[k]
	} else if err != nil {
		return err
	}
	doc := map[string]any{
		"tilejson":      "3.0.0",
		"name":          "frontline",
		"description":   "Who controlled what in Syria, 26 Nov - 12 Dec 2024; add ?datetime=INSTANT to the tile URL.",
		"attribution":   s.Attribution,
		"scheme":        "xyz",
		"tiles":         []string{tmpl},
		"minzoom":       0,
		"maxzoom":       14,
		"bounds":        []float64{35.5, 32.2, 42.5, 37.4},
		"center":        []float64{38.5, 35.0, 6},
		"vector_layers": s.TileLayers,
		"keyframes":     instants,
	}
	if ext == "png" {
		delete(doc, "vector_layers") // raster tiles have none
	}
	return writeJSON(w, "application/json", doc)
}
