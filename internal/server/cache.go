package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"frontline/internal/app"
)

// response is an encoded answer (a tile, a page of features) with its
// validator; its gzipped form is made on the first request that accepts
// gzip. A nil body is an empty tile.
type response struct {
	body         []byte
	etag         string
	compressible bool

	gzOnce sync.Once
	gz     []byte
}

// newResponse wraps body made from snapshot version; the validator names
// both, so that no answer of one snapshot validates another's.
func newResponse(version string, body []byte, compressible bool) *response {
	t := &response{body: body, compressible: compressible && body != nil}
	if body != nil {
		sum := sha256.Sum256(body)
		t.etag = `"` + version + "-" + hex.EncodeToString(sum[:9]) + `"`
	}
	return t
}

func (t *response) gzipped() []byte {
	t.gzOnce.Do(func() {
		var buf bytes.Buffer
		// Made once per cached answer, so the default level's better
		// ratio costs little: item pages shrink by a seventh over BestSpeed.
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(t.body)
		zw.Close()
		t.gz = buf.Bytes()
	})
	return t.gz
}

// cost is what a response counts against the cache's bound: its bytes
// and, when it may be gzipped, room for that form.
func (t *response) cost(key string) int {
	n := len(t.body) + len(key) + 64
	if t.compressible {
		n += len(t.body) / 2
	}
	return n
}

// ResponseCacheBytes bounds the in-memory cache of tiles and item pages.
var ResponseCacheBytes = 64 << 20

// responseCache keeps recent encoded answers, bounded by their bytes,
// least recently used out first. Keys begin with the snapshot version, so
// nothing expires: an old version's entries are simply no longer asked
// for and age out.
type responseCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key string
	r   *response
}

func newResponseCache(maxBytes int) *responseCache {
	return &responseCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *responseCache) get(key string) (*response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).r, true
	}
	return nil, false
}

func (c *responseCache) put(key string, r *response) {
	n := r.cost(key)
	if n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key, r})
	c.size += n
	for c.size > c.max {
		e := c.order.Back()
		ce := e.Value.(*cacheEntry)
		c.order.Remove(e)
		delete(c.byKey, ce.key)
		c.size -= ce.r.cost(ce.key)
	}
}

// VersionHeader names, on every answer drawn from a snapshot, the
// snapshot's version.
const VersionHeader = "Frontline-Version"

// cacheFor sets the caching headers of an answer drawn from snap. A URL
// that names the snapshot's version (?v=) can never change and is
// immutable; any other URL may change after an import, so it is kept a
// minute and then revalidated by its ETag.
func cacheFor(w http.ResponseWriter, r *http.Request, snap *app.Snapshot) {
	h := w.Header()
	h.Set(VersionHeader, snap.Version)
	if r.URL.Query().Get("v") == snap.Version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=60")
	}
}

// serveBytes answers with t, 304 when the client has it, gzipped when the
// client accepts gzip.
func serveBytes(w http.ResponseWriter, r *http.Request, contentType string, t *response) error {
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
	body := t.body
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

// serveDoc answers with doc encoded as JSON, made from snapshot version:
// with an ETag and 304, as [serveBytes] answers.
func serveDoc(w http.ResponseWriter, r *http.Request, contentType, version string, doc any) error {
	resp, err := encodeResponse(version, doc)
	if err != nil {
		return err
	}
	return serveBytes(w, r, contentType, resp)
}
