package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/store/sqlite"
)

// buildBinary builds frontline into the test's temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "frontline")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startServe runs `frontline serve` as its own process on a loopback port
// and returns its base URL and the process, killed when the test ends.
func startServe(t *testing.T, bin, db string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	addr := ""
	for addr == "" && sc.Scan() {
		var line struct{ Msg, Addr string }
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
			addr = line.Addr
		}
	}
	if addr == "" {
		t.Fatal("the service never said it was serving")
	}
	go io.Copy(io.Discard, stderr)
	return addr, cmd
}

type timelineAnswer struct {
	Version   string `json:"version"`
	Keyframes []struct {
		At      time.Time `json:"at"`
		Changes []struct {
			ID string `json:"id"`
		} `json:"changes"`
	} `json:"keyframes"`
}

func (tl timelineAnswer) has(id string) bool {
	for _, k := range tl.Keyframes {
		for _, c := range k.Changes {
			if c.ID == id {
				return true
			}
		}
	}
	return false
}

// Raqqa, where the test's made-up change happens.
const raqqaQuery = "lon=39.0069&lat=35.9528"

// A `frontline import` by another process into the database a running
// service serves is picked up without a restart: the timeline, the point
// query, the tiles (with new validators) and the OGC items all show it,
// and they agree with each other.
func TestImportIntoRunningService(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	base, _ := startServe(t, bin, db, "--poll", "200ms")

	var before timelineAnswer
	if code, _, body := getJSON(t, base+"/api/timeline", &before); code != 200 || before.Version == "" {
		t.Fatalf("timeline: %d %s", code, body)
	}
	var a controlAnswer
	getJSON(t, base+"/api/controller?"+raqqaQuery+"&at=2024-12-11", &a)
	if a.Controller != "sdf" {
		t.Fatalf("before the import Raqqa on 11 Dec is %s", a.Controller)
	}
	// z8 tile over Raqqa, as a browser would have it cached.
	tile := base + "/tiles/8/155/101.mvt?datetime=2024-12-11T00:00:00Z"
	res, oldTile := fetch(t, tile, nil)
	oldETag := res.Header.Get("ETag")
	if res.StatusCode != 200 || oldETag == "" {
		t.Fatalf("tile: %d %q", res.StatusCode, oldETag)
	}

	file := filepath.Join(dir, "raqqa.geojsonl")
	if err := os.WriteFile(file, []byte(strings.Replace(importGood, "gn:163915", findPlace(t, "Raqqa"), 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if out, err := exec.Command(bin, "import", "--db", db, file).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	imported := time.Since(start)

	var after timelineAnswer
	for deadline := time.Now().Add(30 * time.Second); ; {
		if code, _, _ := getJSON(t, base+"/api/timeline", &after); code == 200 && after.Version != before.Version {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("30 s after the import the service still serves version %s", before.Version)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("import took %v; the service served the new version %v after the import started", imported.Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond))
	if !after.has("test-raqqa-isis") || len(after.Keyframes) != len(before.Keyframes)+1 {
		t.Errorf("the new timeline has %d keyframes (before %d), the change: %v", len(after.Keyframes), len(before.Keyframes),
			after.has("test-raqqa-isis"))
	}
	var b controlAnswer
	getJSON(t, base+"/api/controller?"+raqqaQuery+"&at=2024-12-11", &b)
	if b.Controller != "isis" || b.Status != "claimed" {
		t.Errorf("after the import Raqqa on 11 Dec is %s (%s)", b.Controller, b.Status)
	}
	res, newTile := fetch(t, tile, nil)
	if res.Header.Get("ETag") == oldETag || string(newTile) == string(oldTile) {
		t.Errorf("the tile kept its ETag %s or its bytes after the import", oldETag)
	}
	if res, _ := fetch(t, tile, map[string]string{"If-None-Match": oldETag}); res.StatusCode != 200 {
		t.Errorf("the ETag from before the import still validates: %d", res.StatusCode)
	}
	if !strings.Contains(fmt.Sprint(layerNames(t, newTile)), "events") {
		t.Errorf("the new tile has no events layer: %v", layerNames(t, newTile))
	}
	var events struct {
		Features []struct {
			ID string `json:"id"`
		} `json:"features"`
	}
	getJSON(t, base+"/ogc/collections/events/items?datetime=2024-12-10T00:00:00Z", &events)
	if len(events.Features) != 1 || events.Features[0].ID != "test-raqqa-isis" {
		t.Errorf("events on 10 Dec: %+v", events.Features)
	}
	checkAreasAgree(t, base, "2024-12-11T00:00:00Z")
}

// checkAreasAgree compares the control items of an instant with the
// areas /api/stats gives for the keyframe in force then.
func checkAreasAgree(t *testing.T, base, at string) {
	t.Helper()
	var items struct {
		Features []struct {
			Properties struct {
				Controller string    `json:"controller"`
				ValidFrom  time.Time `json:"valid_from"`
				AreaKm2    float64   `json:"area_km2"`
			} `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, base+"/ogc/collections/control/items?datetime="+at, &items)
	var stats struct {
		Keyframes []struct {
			At      time.Time          `json:"at"`
			AreaKm2 map[string]float64 `json:"area_km2"`
		} `json:"keyframes"`
	}
	getJSON(t, base+"/api/stats", &stats)
	if len(items.Features) == 0 {
		t.Fatalf("no control items at %s", at)
	}
	// A faction's ground comes in pieces (status, basis): their sum.
	sums := map[string]float64{}
	from := items.Features[0].Properties.ValidFrom
	for _, f := range items.Features {
		sums[f.Properties.Controller] += f.Properties.AreaKm2
		if !f.Properties.ValidFrom.Equal(from) {
			t.Errorf("items of one instant valid from %s and %s", from, f.Properties.ValidFrom)
		}
	}
	found := false
	for _, k := range stats.Keyframes {
		if !k.At.Equal(from) {
			continue
		}
		found = true
		for faction, sum := range sums {
			if got := k.AreaKm2[faction]; math.Abs(got-sum) > 0.05*float64(len(items.Features)) {
				t.Errorf("%s at %s: items say %.1f km², stats %.1f", faction, at, sum, got)
			}
		}
		if len(k.AreaKm2) != len(sums) {
			t.Errorf("at %s: items for %v, stats for %v", at, sums, k.AreaKm2)
		}
	}
	if !found {
		t.Errorf("the items are valid from %s, which /api/stats does not list", from)
	}
}

// Reads from many goroutines while the data change under them, 20 times:
// every answer is whole and of one snapshot. Run with -race to make the
// point (make test does).
func TestReadsAcrossSwaps(t *testing.T) {
	if !raceDetector {
		t.Skip("its point is the race detector: make test runs it with -race")
	}
	path := filepath.Join(t.TempDir(), "f.db")
	m := MustRun(t, path, nil)
	base := "http://" + m.Addr()
	swaps := 20

	// Each version's keyframe instants, as /api/timeline lists them.
	var mu sync.Mutex
	instants := map[string]map[int64]bool{}
	learn := func() {
		var tl timelineAnswer
		if code, _, body := getJSON(t, base+"/api/timeline", &tl); code != 200 {
			t.Errorf("timeline: %d %s", code, body)
			return
		}
		set := map[int64]bool{}
		for _, k := range tl.Keyframes {
			set[k.At.Unix()] = true
		}
		mu.Lock()
		instants[tl.Version] = set
		mu.Unlock()
	}
	learn()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var reads, failures atomic.Int64
	type seen struct {
		version string
		starts  []int64 // valid_from of the control items answered
	}
	seenCh := make(chan seen, 1024)
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(url string) (*http.Response, []byte, error) {
		res, err := client.Get(url)
		if err != nil {
			return nil, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res, b, err
	}
	worker := func(i int) {
		defer wg.Done()
		days := []string{"2024-11-26T00:00:00Z", "2024-12-01T00:00:00Z", "2024-12-05T10:00:00Z", "2024-12-08T06:00:00Z", "2024-12-12T00:00:00Z"}
		for n := 0; ctx.Err() == nil; n++ {
			at := days[(n+i)%len(days)]
			var url string
			switch (n + i) % 3 {
			case 0:
				url = fmt.Sprintf("%s/tiles/7/%d/50.mvt?datetime=%s", base, 76+n%3, at)
			case 1:
				url = base + "/api/controller?" + raqqaQuery + "&at=" + at
			default:
				url = base + "/ogc/collections/control/items?datetime=" + at
			}
			res, body, err := get(url)
			if err != nil {
				if ctx.Err() == nil {
					t.Errorf("%s: %v", url, err)
					failures.Add(1)
				}
				return
			}
			reads.Add(1)
			if res.StatusCode != 200 {
				t.Errorf("%s: %d %s", url, res.StatusCode, body)
				failures.Add(1)
				continue
			}
			v := res.Header.Get("Frontline-Version")
			if v == "" || (strings.Contains(url, "/tiles/") && !strings.HasPrefix(res.Header.Get("ETag"), `"`+v+"-")) {
				t.Errorf("%s: version %q, ETag %s", url, v, res.Header.Get("ETag"))
			}
			if strings.Contains(url, "/items") {
				var fc struct {
					Features []struct {
						Properties struct {
							ValidFrom time.Time `json:"valid_from"`
						} `json:"properties"`
					} `json:"features"`
				}
				if err := json.Unmarshal(body, &fc); err != nil || len(fc.Features) == 0 {
					t.Errorf("%s: %v, %d features", url, err, len(fc.Features))
					continue
				}
				s := seen{version: v}
				for _, f := range fc.Features {
					s.starts = append(s.starts, f.Properties.ValidFrom.Unix())
				}
				select {
				case seenCh <- s:
				default:
				}
			}
		}
	}
	for i := range 6 {
		wg.Add(1)
		go worker(i)
	}
	// Check the items against their version's keyframes as they come.
	var checked atomic.Int64
	checkDone := make(chan struct{})
	var pending []seen
	go func() {
		defer close(checkDone)
		for s := range seenCh {
			pending = append(pending, s)
		}
	}()

	writer, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	raqqa := findPlace(t, "Raqqa")
	for i := range swaps {
		prev := m.App.Current().Version
		c := &geo.Change{ID: fmt.Sprintf("swap-%02d", i), Place: raqqa, Name: "Raqqa", Faction: []string{geo.ISIS, geo.SDF}[i%2],
			At: time.Date(2024, 12, 11, 1+i/2, 0, 0, 0, time.UTC), Precision: geo.Hour, Status: geo.Claimed,
			Summary: "A made-up change for the test.", Sources: []geo.Source{{Outlet: "test", Quote: "made up"}}}
		if err := writer.ImportChanges(context.Background(), "test", []*geo.Change{c}); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(60 * time.Second); m.App.Current().Version == prev; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("swap %d: no new snapshot 60 s after the import", i)
			}
		}
		learn()
	}
	cancel()
	wg.Wait()
	close(seenCh)
	<-checkDone
	for _, s := range pending {
		mu.Lock()
		known, ok := instants[s.version]
		mu.Unlock()
		if !ok {
			continue // a version that was in force between two looks
		}
		checked.Add(1)
		for _, at := range s.starts {
			if !known[at] {
				t.Errorf("an answer of version %s has a keyframe at %s, which that version does not have", s.version,
					time.Unix(at, 0).UTC().Format(time.RFC3339))
			}
		}
	}
	if len(instants) < swaps/2 {
		t.Errorf("saw %d versions over %d swaps", len(instants), swaps)
	}
	t.Logf("%d reads, %d failures, %d item pages checked against %d versions", reads.Load(), failures.Load(), checked.Load(), len(instants))
}
