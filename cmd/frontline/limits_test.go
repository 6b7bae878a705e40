package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"frontline/internal/server"
)

// limitsRun starts a service whose servers take the work limits l.
func limitsRun(tb testing.TB, l server.WorkLimits) *Main {
	tb.Helper()
	saved := server.Limits
	server.Limits = l
	tb.Cleanup(func() { server.Limits = saved })
	return MustRun(tb, filepath.Join(tb.TempDir(), "f.db"), nil)
}

// limitsHeavyURL is the i-th of a set of distinct uncached heavy
// requests: control item pages (whole collections when whole is set,
// under boxes that differ but all hold Syria, as limits past the
// collection's size share one page; a few hundred KB to a few MB
// otherwise), or cold z14 tiles inside Syria.
func limitsHeavyURL(base string, i int, whole bool) string {
	if i%2 == 0 {
		if whole {
			return fmt.Sprintf("%s/ogc/collections/control/items?limit=10000&bbox=30,30,45,%.4f", base, 40+float64(i%9000)/1e4)
		}
		return fmt.Sprintf("%s/ogc/collections/control/items?limit=%d", base, 20+i%200)
	}
	return fmt.Sprintf("%s/tiles/14/%d/%d.mvt", base, 9900+i%64, 6400+i/64)
}

const limitsLightPath = "/api/controller?lon=37.1613&lat=36.2021&at=2024-12-01T00:00:00Z"

// limitsClient keeps enough idle connections for a flood to reuse them.
var limitsClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}, Timeout: time.Minute}

type limitsAnswer struct {
	status      int
	contentType string
	retryAfter  string
	err         error
}

// limitsGzipClient asks for gzip and reads the compressed bytes as they
// come, as a client on another machine costs the server: the flood's
// decoding does not take the CPU the service shares with it here.
var limitsGzipClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, DisableCompression: true}, Timeout: time.Minute}

func limitsGet(url string) limitsAnswer { return limitsDo(limitsClient, url) }

func limitsDo(c *http.Client, url string) limitsAnswer {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return limitsAnswer{err: err}
	}
	if c == limitsGzipClient {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	res, err := c.Do(req)
	if err != nil {
		return limitsAnswer{err: err}
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return limitsAnswer{res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Retry-After"), err}
}

func TestHeavyFloodIsBounded(t *testing.T) {
	m := limitsRun(t, server.WorkLimits{ItemFeatures: 1, VectorTiles: 1, Queue: 2, Wait: 100 * time.Millisecond, BuildsPerMinute: -1})
	base := "http://" + m.Addr()

	const heavy = 64
	answers := make([]limitsAnswer, heavy)
	var wg sync.WaitGroup
	for i := range heavy {
		wg.Go(func() { answers[i] = limitsGet(limitsHeavyURL(base, i, false)) })
	}
	// A light request during the flood is answered, and not refused.
	if a := limitsGet(base + limitsLightPath); a.err != nil || a.status != 200 {
		t.Errorf("light request during the flood: %d %v", a.status, a.err)
	}
	wg.Wait()

	counts := map[int]int{}
	for i, a := range answers {
		if a.err != nil {
			t.Fatalf("%s: %v", limitsHeavyURL(base, i, false), a.err)
		}
		counts[a.status]++
		switch a.status {
		case 200:
		case 503:
			if a.retryAfter == "" || a.contentType != "application/problem+json" {
				t.Errorf("%s: 503 with Retry-After %q, type %q", limitsHeavyURL(base, i, false), a.retryAfter, a.contentType)
			}
		default:
			t.Errorf("%s: %d", limitsHeavyURL(base, i, false), a.status)
		}
	}
	t.Logf("%d heavy requests at once: %v", heavy, counts)
	if counts[503] == 0 || counts[200] == 0 {
		t.Errorf("answers %v: want some built and some refused", counts)
	}

	// The same uncached page asked 50 times at once is built once, and
	// every asker gets it: they wait for the one build, not for room.
	url := base + "/ogc/collections/control/items?limit=77&offset=3"
	before := m.Server.Builds()
	same := make([]limitsAnswer, 50)
	for i := range same {
		wg.Go(func() { same[i] = limitsGet(url) })
	}
	wg.Wait()
	for i, a := range same {
		if a.err != nil || a.status != 200 {
			t.Errorf("same page, request %d: %d %v", i, a.status, a.err)
		}
	}
	if n := m.Server.Builds() - before; n != 1 {
		t.Errorf("50 concurrent requests for one uncached page built it %d times", n)
	}
}

// limitsRSS is this process's resident set, in MB; the service runs in
// it.
func limitsRSS(tb testing.TB) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkLightUnderHeavyFlood measures a light client's latency while
// 256 connections keep asking for distinct uncached heavy answers (whole
// control collections, cold tiles), with the default limits and with
// the per-client rate limit off (the flood comes from one address); it
// reports the light client's p50/p99, RSS before and at the end of the
// flood, and logs the heavy answers by status. The flood's clients share
// the process and its two cores with the service, so its RSS and
// latencies are worse than a real flood's: bench/flood.sh (make flood)
// runs the service in its own process, as the figures of record.
func BenchmarkLightUnderHeavyFlood(b *testing.B) {
	b.Run("defaults", func(b *testing.B) { limitsFlood(b, server.WorkLimits{}) })
	b.Run("no-rate-limit", func(b *testing.B) { limitsFlood(b, server.WorkLimits{BuildsPerMinute: -1}) })
}

func limitsFlood(b *testing.B, l server.WorkLimits) {
	m := limitsRun(b, l)
	base := "http://" + m.Addr()
	rssBefore := limitsRSS(b)
	stop := make(chan struct{})
	var mu sync.Mutex
	heavyCounts := map[int]int{}
	var wg sync.WaitGroup
	for c := range 256 {
		wg.Go(func() {
			for i := c; ; i += 256 {
				select {
				case <-stop:
					return
				default:
				}
				a := limitsDo(limitsGzipClient, limitsHeavyURL(base, i%20000, true))
				mu.Lock()
				heavyCounts[a.status]++
				mu.Unlock()
			}
		})
	}
	time.Sleep(500 * time.Millisecond) // the flood under way
	b.ReportAllocs()
	b.ResetTimer()
	took := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if a := limitsGet(base + limitsLightPath); a.status != 200 {
			b.Fatalf("light request: %d %v", a.status, a.err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	rssFlood := limitsRSS(b)
	close(stop)
	wg.Wait()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(rssBefore, "rss_before_MB")
	b.ReportMetric(rssFlood, "rss_flood_MB")
	var counts bytes.Buffer
	fmt.Fprint(&counts, heavyCounts)
	b.Logf("heavy answers by status: %s", counts.String())
}

// Large answers being written are bounded in bytes: a slow reader that
// holds a whole collection (16 MB without gzip) leaves no room, under a
// 20 MB bound, for another large page, which is 503 with Retry-After;
// the same page for another client shares what is held; once the slow
// reader is gone the other page is served.
func TestLargeAnswersInFlightAreBounded(t *testing.T) {
	m := limitsRun(t, server.WorkLimits{AnswerBytes: 20 << 20, BuildsPerMinute: -1})
	base := "http://" + m.Addr()
	const whole = "/ogc/collections/control/items?limit=10000"
	const other = whole + "&bbox=30,30,45,41"
	if a := limitsGet(base + whole); a.status != 200 {
		t.Fatalf("whole collection: %d %v", a.status, a.err)
	}
	// A client with a small receive window that never reads.
	d := slowReaderDialer
	slow, err := d.Dial("tcp", m.Addr())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(slow, "GET "+whole+" HTTP/1.1\r\nHost: frontline\r\n\r\n")
	time.Sleep(300 * time.Millisecond) // its answer under way, stuck
	if a := limitsGet(base + other); a.status != 503 || a.retryAfter == "" || a.contentType != "application/problem+json" {
		t.Errorf("another large page while 16 MB are held: %d Retry-After %q %s", a.status, a.retryAfter, a.contentType)
	}
	if a := limitsGet(base + whole); a.status != 200 {
		t.Errorf("the held page for another client: %d %v", a.status, a.err)
	}
	if a := limitsGet(base + "/ogc/collections/control/items?limit=5"); a.status != 200 {
		t.Errorf("a small page: %d %v", a.status, a.err)
	}
	slow.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		a := limitsGet(base + other)
		if a.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other page after the slow reader left: %d %v", a.status, a.err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Geoparse is work every time (nothing is cached): it counts against the
// client's builds a minute like a cache miss.
func TestGeoparseIsRateLimitedPerClient(t *testing.T) {
	m := limitsRun(t, server.WorkLimits{BuildsPerMinute: 3})
	url := "http://" + m.Addr() + "/api/geoparse?published=2024-12-08T12:00:00Z"
	for i := range 4 {
		res, err := http.Post(url, "text/plain; charset=utf-8", strings.NewReader("Rebels said they had captured Homs."))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want := 200
		if i == 3 {
			want = 429
		}
		if res.StatusCode != want || (want == 429 && res.Header.Get("Retry-After") == "") {
			t.Errorf("geoparse %d: %d Retry-After %q %s, want %d", i+1, res.StatusCode, res.Header.Get("Retry-After"), b, want)
		}
	}
}
