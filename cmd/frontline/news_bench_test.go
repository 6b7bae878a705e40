package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/server"
)

// pendingClaim stores an article with one claim that HTS took Homs at the
// instant, for a benchmark to accept.
func pendingClaim(tb testing.TB, m *Main, at time.Time) int64 {
	tb.Helper()
	art := &geo.Article{Text: "Rebels said they had captured Homs.", Outlet: "Bench Wire", Published: at.Add(time.Hour)}
	c := &geo.Claim{PlaceID: "gn:169577", Name: "Homs", Lon: 36.72, Lat: 34.73, Faction: geo.HTS, Action: "captured",
		Actor: "rebels", Status: geo.Claimed, At: at, Precision: geo.Hour, Quote: art.Text, End: len(art.Text)}
	if err := m.Store.AddArticle(context.Background(), art, nil, []*geo.Claim{c}); err != nil {
		tb.Fatal(err)
	}
	return c.ID
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// From POST /api/claims/{id}/accept to the change visible in
// /api/controller (polled every 2 ms from the moment the accept is sent)
// and in a new tile ETag; the goal is under 1 s. Reports the
// median and the slowest.
func BenchmarkAcceptVisible(b *testing.B) {
	m := MustRunWith(b, Config{DB: filepath.Join(b.TempDir(), "f.db"), Token: testToken}, nil)
	base := "http://" + m.Addr()
	var took []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		at := time.Date(2024, 12, 6, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 10 * time.Minute)
		id := pendingClaim(b, m, at)
		want := fmt.Sprintf("claim-%d", id)
		point := fmt.Sprintf("%s/api/controller?lon=36.72&lat=34.73&at=%s", base, at.Add(5*time.Minute).Format(time.RFC3339))
		tile := fmt.Sprintf("%s/tiles/8/153/102.mvt?datetime=%s", base, at.Add(5*time.Minute).Format(time.RFC3339))
		_, h, _ := getJSON(b, tile, nil)
		oldTag := h.Get("ETag")
		b.StartTimer()

		start := time.Now()
		seen := make(chan time.Duration, 1)
		go func() {
			for {
				var c server.ControlJSON
				if code, _, _ := getJSON(b, point, &c); code == 200 && c.Change.ID == want {
					seen <- time.Since(start)
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
		res, body := call{method: "POST", path: fmt.Sprintf("/api/claims/%d/accept", id), token: testToken}.do(b, base)
		if res.StatusCode != 200 {
			b.Fatalf("accept: %d %s", res.StatusCode, body)
		}
		var d time.Duration
		select {
		case d = <-seen:
		case <-time.After(10 * time.Second):
			b.Fatal("the accepted claim never showed in /api/controller")
		}
		b.StopTimer()
		if _, h, _ := getJSON(b, tile, nil); h.Get("ETag") == oldTag {
			b.Fatalf("the tile's ETag did not change after the accept")
		}
		b.StartTimer()
		took = append(took, d)
		i++
	}
	b.ReportMetric(float64(median(took).Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(slowest(took).Microseconds())/1000, "max-ms")
	b.ReportMetric(0, "ns/op")
}

func slowest(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

// A new snapshot told to 100 open event streams: from the accept sent to
// the last stream's event (rebuild included), and from the first stream's
// event to the last (the fan-out alone). The goal is under 1 s.
func BenchmarkEventFanout(b *testing.B) {
	const streams = 100
	m := MustRunWith(b, Config{DB: filepath.Join(b.TempDir(), "f.db"), Token: testToken}, nil)
	base := "http://" + m.Addr()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: streams}}
	chans := make([]chan sseEvent, streams)
	v0 := m.App.Current().Version
	for i := range chans {
		req, _ := http.NewRequest("GET", base+"/api/events/stream", nil)
		req.Header.Set("Last-Event-ID", v0)
		res, err := client.Do(req)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("stream %d: %v", i, err)
		}
		b.Cleanup(func() { res.Body.Close() })
		chans[i] = make(chan sseEvent, 4)
		go readEvents(res.Body, chans[i])
	}
	var total, spread []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		id := pendingClaim(b, m, time.Date(2024, 12, 6, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*10*time.Minute))
		b.StartTimer()
		start := time.Now()
		var mu sync.Mutex
		var first, last time.Duration
		var wg sync.WaitGroup
		for _, ch := range chans {
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case <-ch:
				case <-time.After(20 * time.Second):
					b.Error("a stream heard nothing")
					return
				}
				d := time.Since(start)
				mu.Lock()
				if first == 0 || d < first {
					first = d
				}
				last = max(last, d)
				mu.Unlock()
			}()
		}
		if res, body := (call{method: "POST", path: fmt.Sprintf("/api/claims/%d/accept", id), token: testToken}).do(b, base); res.StatusCode != 200 {
			b.Fatalf("accept: %d %s", res.StatusCode, body)
		}
		wg.Wait()
		total = append(total, last)
		spread = append(spread, last-first)
		i++
	}
	b.ReportMetric(float64(median(total).Microseconds())/1000, "median-ms-to-all")
	b.ReportMetric(float64(median(spread).Microseconds())/1000, "median-fanout-ms")
	b.ReportMetric(0, "ns/op")
}
