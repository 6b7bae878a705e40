package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"frontline/internal/app"

	"golang.org/x/sync/singleflight"
)

// response is an encoded answer (a tile, a page of features) with its
// validator; its gzipped form is made on the first request that accepts
// gzip. A nil body is an empty tile.
type response struct {
	body         []byte
	compressible bool
	// empty marks an answer with nothing on it (an empty tile): cheap to
	// make again, so never cached, where it would cost far more than its
	// bytes.
	empty bool
	// Header values made once, so that a cached answer costs no
	// allocation for them; never modified once made.
	etagHeader, lengthHeader []string

	gzOnce sync.Once
	gz     []byte
	// The gzipped form is another representation: it has a strong
	// validator of its own (RFC 9110 §8.8.3), the identity tag with -gz.
	gzETagHeader, gzLengthHeader []string
}

// newResponse wraps body made from snapshot version; the validator names
// both, so that no answer of one snapshot validates another's.
func newResponse(version string, body []byte, compressible bool) *response {
	t := &response{body: body, compressible: compressible && body != nil}
	if body != nil {
		sum := sha256.Sum256(body)
		tag := version + "-" + hex.EncodeToString(sum[:9])
		t.etagHeader = []string{`"` + tag + `"`}
		t.lengthHeader = []string{strconv.Itoa(len(body))}
		t.gzETagHeader = []string{`"` + tag + `-gz"`}
	}
	return t
}

func (t *response) gzipped() []byte {
	t.gzOnce.Do(func() {
		var buf bytes.Buffer
		// Made once per cached answer, so the default level's better
		// ratio costs little: item pages shrink by a seventh over
		// BestSpeed. Not so for the largest (the whole control collection,
		// ~16 MB, takes 2.3 s at the default level).
		level := gzip.DefaultCompression
		if len(t.body) > bestSpeedAbove {
			level = gzip.BestSpeed
		}
		zw, _ := gzip.NewWriterLevel(&buf, level)
		zw.Write(t.body)
		zw.Close()
		t.gz = buf.Bytes()
		t.gzLengthHeader = []string{strconv.Itoa(len(t.gz))}
	})
	return t.gz
}

// bestSpeedAbove is the body size above which gzip trades ratio for
// speed: at the default level a body costs about 140 ms a megabyte.
const bestSpeedAbove = 1 << 20

// entryOverhead is what a cached answer costs beyond its body and key:
// the response with its header values and validator, the list element,
// the cache entry and the map's share. TestCacheEntryOverhead measures it.
const entryOverhead = 480

// cost is what a response counts against the cache's bound: its bytes
// and, when it may be gzipped, room for that form.
func (t *response) cost(key string) int {
	n := len(t.body) + len(key) + entryOverhead
	if t.compressible {
		n += len(t.body) / 2
	}
	return n
}

// ResponseCacheBytes bounds the in-memory cache of tiles, item pages and
// the other answers built once per snapshot: one bound for all of them.
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

	// Misses are built here, within bounds: flight makes concurrent
	// misses of one key build once; work bounds the builds of each kind.
	flight singleflight.Group
	work   workLimits
	builds atomic.Int64 // answers built, for tests
}

type cacheEntry struct {
	key string
	r   *response
}

func newResponseCache(maxBytes int) *responseCache {
	return &responseCache{max: maxBytes, order: list.New(), byKey: map[string]*list.Element{}, work: newWorkLimits(Limits)}
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
	if r.empty || n > c.max {
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
	h[VersionHeader] = []string{snap.Version}
	if queryValue(r.URL.RawQuery, "v") == snap.Version {
		h["Cache-Control"] = cacheImmutable
	} else {
		h["Cache-Control"] = cacheAMinute
	}
}

// Header values shared by every answer that has them.
var (
	cacheImmutable     = []string{"public, max-age=31536000, immutable"}
	cacheAMinute       = []string{"public, max-age=60"}
	varyAcceptEncoding = []string{"Accept-Encoding"}
	gzipEncoding       = []string{"gzip"}
)

// serveBytes answers with t: gzipped when the client accepts gzip, 304
// when the client has the representation selected, only the range asked
// for when it asks for one. HEAD gets the same headers and no body.
func serveBytes(w http.ResponseWriter, r *http.Request, contentType string, t *response) error {
	h := w.Header()
	gz := t.compressible && acceptsGzip(r)
	body, etag := t.body, t.etagHeader
	if gz {
		body, etag = t.gzipped(), t.gzETagHeader
	}
	var tag string
	if etag != nil {
		tag = etag[0]
		h["Etag"] = etag
	}
	if t.compressible {
		if v := h["Vary"]; v == nil {
			h["Vary"] = varyAcceptEncoding
		} else if !slices.Contains(v, "Accept-Encoding") {
			h["Vary"] = append(v, "Accept-Encoding")
		}
	}
	// If-None-Match compares with the representation selected: the
	// identity tag does not validate the gzipped body, nor the reverse.
	if match := r.Header.Get("If-None-Match"); match != "" && tag != "" && etagMatches(match, tag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", contentType)
	if gz {
		h["Content-Encoding"] = gzipEncoding
	}
	// Ranges are served without an Accept-Ranges header (the RFC makes
	// it optional): a ninth header would make every tile's header map
	// grow.
	if spec := r.Header.Get("Range"); spec != "" {
		switch first, last, ok := byteRange(r, spec, tag, len(body)); {
		case !ok:
			h.Del("Content-Encoding")
			h.Set("Content-Range", "bytes */"+strconv.Itoa(len(body)))
			writeProblem(w, r, http.StatusRequestedRangeNotSatisfiable,
				"Range: "+spec+" is not one byte range within this answer's "+strconv.Itoa(len(body))+" bytes")
			return nil
		case last >= first:
			h.Set("Content-Range", "bytes "+strconv.Itoa(first)+"-"+strconv.Itoa(last)+"/"+strconv.Itoa(len(body)))
			h.Set("Content-Length", strconv.Itoa(last-first+1))
			w.WriteHeader(http.StatusPartialContent)
			if r.Method == http.MethodHead {
				return nil
			}
			_, err := w.Write(body[first : last+1])
			return err
		}
	}
	if gz {
		h["Content-Length"] = t.gzLengthHeader
	} else {
		h["Content-Length"] = t.lengthHeader
	}
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	return err
}

// byteRange reads a Range header asking for one byte range (RFC 9110
// §14.1.2) of a body of size bytes. It returns the range to serve, last
// below first to serve the whole body, and ok false when the range does
// not parse or lies beyond the body (a 416). A range in another unit,
// several ranges, or an If-Range that does not name the selected
// representation strongly (a date never does: answers have no
// Last-Modified) get the whole body, as the RFC allows.
func byteRange(r *http.Request, spec, etag string, size int) (first, last int, ok bool) {
	whole := func() (int, int, bool) { return 0, -1, true }
	if ir := r.Header.Get("If-Range"); ir != "" && ir != etag {
		return whole()
	}
	unit, set, found := strings.Cut(spec, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(unit), "bytes") || strings.Contains(set, ",") {
		return whole()
	}
	from, to, found := strings.Cut(strings.TrimSpace(set), "-")
	if !found {
		return 0, 0, false
	}
	if from == "" { // the last n bytes
		n, err := strconv.Atoi(to)
		if err != nil || n <= 0 || size == 0 {
			return 0, 0, false
		}
		return max(0, size-n), size - 1, true
	}
	first, err := strconv.Atoi(from)
	if err != nil || first < 0 || first >= size {
		return 0, 0, false
	}
	last = size - 1
	if to != "" {
		l, err := strconv.Atoi(to)
		if err != nil || l < first {
			return 0, 0, false
		}
		last = min(l, size-1)
	}
	return first, last, true
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
