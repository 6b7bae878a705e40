package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// BenchmarkIdleAndSlowClients measures what the timeouts give back: 500
// idle keep-alive connections, each after one answer, and 200 slow
// readers of the whole control collection (16 MB each without gzip,
// never read), against a service with a 5 s idle and 10 s write timeout
// (the defaults are 30 s and 60 s; the figures scale with them). It
// reports when the last idle connection was closed and how many were,
// the service's open descriptors before and after, and the heap and RSS
// at their peak and once the slow readers were cut off.
func BenchmarkIdleAndSlowClients(b *testing.B) {
	const idle, slow = 500, 200
	timeouts := Timeouts{Idle: 5 * time.Second, Write: 10 * time.Second}
	for b.Loop() {
		m := MustRunWith(b, Config{DB: filepath.Join(b.TempDir(), "f.db"), Timeouts: timeouts}, nil)
		addr := m.Addr()
		fdsBefore := openFiles(b)

		// Idle: one answer each, then nothing.
		start := time.Now()
		closed := make(chan time.Duration, idle)
		for range idle {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: frontline\r\n\r\n")
			br := bufio.NewReader(c)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			go func() {
				defer c.Close()
				c.SetReadDeadline(time.Now().Add(4 * timeouts.Idle))
				if n, _ := io.Copy(io.Discard, br); n == 0 {
					closed <- time.Since(start)
				}
			}()
		}
		fdsIdle := openFiles(b)
		var last time.Duration
		n := 0
		for range idle {
			d := <-closed
			n++
			last = max(last, d)
		}
		b.ReportMetric(float64(n), "idle_closed")
		b.ReportMetric(last.Seconds(), "idle_last_closed_s")
		b.ReportMetric(float64(fdsIdle-fdsBefore), "idle_fds_open")

		// Slow readers: the whole collection, cached once, asked by 200
		// clients with a 4 KB receive window that never read. Each answer
		// shares the cached body: what a reader holds is its connection.
		if res, body := fetch(b, "http://"+addr+"/ogc/collections/control/items?limit=10000", nil); res.StatusCode != 200 || len(body) < 4<<20 {
			b.Fatalf("items: %d, %d bytes", res.StatusCode, len(body))
		}
		runtime.GC()
		heapBefore, rssBefore := heapMB(), limitsRSS(b)
		d := slowReaderDialer
		var wg sync.WaitGroup
		cut := make(chan struct{}, slow)
		sent := time.Now()
		for i := range slow {
			c, err := d.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			// Half the whole collection, half a keyframe's; no gzip.
			path := "/ogc/collections/control/items?limit=10000"
			if i%2 == 1 {
				path += "&datetime=2024-12-05T10:00:00Z"
			}
			io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: frontline\r\n\r\n")
			wg.Go(func() {
				defer c.Close()
				// Never read until the server has given up, then see that
				// it was a 200 and that it was closed before its end.
				time.Sleep(timeouts.Write + 2*time.Second)
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				head := make([]byte, 12)
				if _, err := io.ReadFull(c, head); err != nil || string(head) != "HTTP/1.1 200" {
					b.Errorf("slow reader: %q %v", head, err)
					return
				}
				if _, err := io.Copy(io.Discard, c); err == nil || !isTimeout(err) {
					cut <- struct{}{}
				}
			})
		}
		var heapPeak, rssPeak float64
		for time.Since(sent) < timeouts.Write+time.Second {
			heapPeak, rssPeak = max(heapPeak, heapMB()), max(rssPeak, limitsRSS(b))
			time.Sleep(200 * time.Millisecond)
		}
		wg.Wait()
		close(cut)
		runtime.GC()
		b.ReportMetric(float64(len(cut)), "slow_cut_off")
		b.ReportMetric(heapBefore, "heap_before_MB")
		b.ReportMetric(heapPeak, "heap_peak_MB")
		b.ReportMetric(heapMB(), "heap_after_MB")
		b.ReportMetric(rssBefore, "rss_before_MB")
		b.ReportMetric(rssPeak, "rss_peak_MB")
		b.ReportMetric(limitsRSS(b), "rss_after_MB")
		b.ReportMetric(float64(openFiles(b)-fdsBefore), "fds_left_open")
		m.Close()
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// heapMB is the Go heap's live and not yet swept objects, in MB.
func heapMB() float64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return float64(s[0].Value.Uint64()) / (1 << 20)
}

// openFiles counts this process's open file descriptors.
func openFiles(tb testing.TB) int {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Fatal(err)
	}
	return len(fds)
}
