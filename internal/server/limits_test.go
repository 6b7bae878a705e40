package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontline/geo"

	"github.com/go-chi/httprate"
)

// TestCacheEntryOverhead measures what a cached answer costs beyond its
// body and key, and checks that the cache counts at least that.
func TestCacheEntryOverhead(t *testing.T) {
	const n = 20000
	keys := make([]string, n)
	bodies := make([][]byte, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("v123456789abc/1733011200/14/%d/%d.mvt", 9000+i, 6000+i)
		bodies[i] = []byte(fmt.Sprintf("tile %08d", i))
	}
	var payload int
	for i := range keys {
		payload += len(keys[i]) + len(bodies[i])
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := newResponseCache(1 << 30)
	for i := range keys {
		c.put(keys[i], newResponse("v123456789abc", bodies[i], false))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(c)
	// The keys and bodies were made before; what grew is the overhead.
	perEntry := (int(after.HeapAlloc) - int(before.HeapAlloc)) / n
	t.Logf("measured %d bytes of overhead per entry; counted %d", perEntry, entryOverhead)
	if perEntry > entryOverhead {
		t.Errorf("an entry costs %d bytes beyond body and key, the cache counts %d", perEntry, entryOverhead)
	}
	if c.size != payload+n*entryOverhead {
		t.Errorf("cache size %d, want %d", c.size, payload+n*entryOverhead)
	}
}

func TestEmptyAnswersAreNotCached(t *testing.T) {
	c := newResponseCache(1 << 20)
	empty := newResponse("v1", nil, true)
	empty.empty = true
	c.put("v1/0/0/0/0.mvt", empty)
	full := newResponse("v1", []byte("tile"), true)
	c.put("v1/0/0/0/1.mvt", full)
	if _, ok := c.get("v1/0/0/0/0.mvt"); ok {
		t.Error("an empty tile was cached")
	}
	if _, ok := c.get("v1/0/0/0/1.mvt"); !ok {
		t.Error("a tile with data was not cached")
	}
}

func TestWorkLimitRefusesWhenFull(t *testing.T) {
	l := newWorkLimits(WorkLimits{VectorTiles: 2, Queue: 1, Wait: 50 * time.Millisecond, BuildsPerMinute: -1}).vectorTiles
	release, err := l.acquire(context.Background(), 5) // more than all of it: takes all
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error)
	go func() {
		_, err := l.acquire(context.Background(), 1)
		waited <- err
	}()
	// The queue holds one: once the goroutine waits, a third is refused at once.
	for l.waiting.Load() == 0 {
		runtime.Gosched()
	}
	if _, err := l.acquire(context.Background(), 1); geo.ErrorCode(err) != geo.EUNAVAILABLE {
		t.Errorf("with the queue full: %v, want unavailable", err)
	}
	if err := <-waited; geo.ErrorCode(err) != geo.EUNAVAILABLE {
		t.Errorf("after waiting: %v, want unavailable", err)
	}
	release()
	again, err := l.acquire(context.Background(), 2)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}

func limitsTestServer(l WorkLimits) *Server {
	s := &Server{cache: newResponseCache(1 << 20)}
	s.cache.work = newWorkLimits(l)
	return s
}

func TestConcurrentMissesBuildOnce(t *testing.T) {
	s := limitsTestServer(WorkLimits{ItemFeatures: 1, Queue: 1, BuildsPerMinute: -1})
	var builds atomic.Int32
	build := func() (*response, error) {
		builds.Add(1)
		time.Sleep(50 * time.Millisecond)
		return newResponse("v1", []byte("page"), true), nil
	}
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := range statuses {
		wg.Go(func() {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/ogc/collections/control/items", nil)
			resp, err := s.cachedOrBuilt(w, r, "v1|items", s.cache.work.items, nil, build)
			if err != nil {
				statuses[i] = 503
				return
			}
			serveBytes(w, r, "application/geo+json", resp)
			statuses[i] = w.Code
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("50 concurrent misses built the page %d times", n)
	}
	for i, st := range statuses {
		if st != 200 {
			t.Errorf("request %d: %d", i, st)
		}
	}
	if s.Builds() != 1 {
		t.Errorf("Builds() = %d", s.Builds())
	}
}

func TestBusyBuildGetsRetryAfter(t *testing.T) {
	s := limitsTestServer(WorkLimits{VectorTiles: 1, Queue: 1, Wait: 20 * time.Millisecond, BuildsPerMinute: -1})
	release, err := s.cache.work.vectorTiles.acquire(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/tiles/14/9000/6000.mvt", nil)
	_, err = s.cachedOrBuilt(w, r, "v1/tile", s.cache.work.vectorTiles, nil, func() (*response, error) {
		t.Error("built with no room")
		return nil, nil
	})
	if geo.ErrorCode(err) != geo.EUNAVAILABLE || w.Header().Get("Retry-After") == "" {
		t.Errorf("err %v, Retry-After %q; want unavailable with Retry-After", err, w.Header().Get("Retry-After"))
	}
	// A cached answer never waits for room.
	s.cache.put("v1/cached", newResponse("v1", []byte("tile"), false))
	if _, err := s.cachedOrBuilt(httptest.NewRecorder(), r, "v1/cached", s.cache.work.vectorTiles, nil, nil); err != nil {
		t.Errorf("cached answer: %v", err)
	}
}

func TestMissesAreRateLimitedPerClient(t *testing.T) {
	s := limitsTestServer(WorkLimits{BuildsPerMinute: 3})
	build := func() (*response, error) { return newResponse("v1", []byte("tile"), false), nil }
	ask := func(remote string, i int) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/tiles/14/1/1.mvt", nil)
		r.RemoteAddr = remote
		_, err := s.cachedOrBuilt(w, r, fmt.Sprintf("v1/%s/%d", remote, i), s.cache.work.vectorTiles, nil, build)
		if err != nil && err != errAnswered {
			t.Fatal(err)
		}
		return w
	}
	for i := range 3 {
		if w := ask("192.0.2.1:1000", i); w.Code != 200 {
			t.Fatalf("miss %d: %d", i, w.Code)
		}
	}
	w := ask("192.0.2.1:1001", 3) // another port, the same client
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("fourth miss: %d %q %q; want 429 problem+json with Retry-After", w.Code, w.Header().Get("Retry-After"), w.Header().Get("Content-Type"))
	}
	if w := ask("192.0.2.2:1000", 0); w.Code != 200 {
		t.Errorf("another client: %d", w.Code)
	}
	// Cached answers do not count.
	if _, err := s.cachedOrBuilt(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), "v1/192.0.2.1:1000/0", s.cache.work.vectorTiles, nil, build); err != nil {
		t.Errorf("cached answer over the limit: %v", err)
	}
}

func TestClientKey(t *testing.T) {
	cases := []struct {
		name  string
		trust bool
		xff   []string
		want  string
	}{
		{"direct", false, nil, "192.0.2.1"},
		{"forwarded for, untrusted", false, []string{"198.51.100.7"}, "192.0.2.1"},
		{"trusted proxy", true, []string{"203.0.113.9, 198.51.100.7"}, "198.51.100.7"},
		{"trusted, several headers", true, []string{"203.0.113.9", "198.51.100.8"}, "198.51.100.8"},
		{"trusted, not an address", true, []string{"nonsense"}, "192.0.2.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &Server{trustProxy: c.trust}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = "192.0.2.1:5000"
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientKey(r); got != httprate.CanonicalizeIP(c.want) {
				t.Errorf("clientKey = %q, want %q", got, c.want)
			}
		})
	}
}
