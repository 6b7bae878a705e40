package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/chromedp/cdproto/cdp"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser drives the page in a real headless Chromium and records what
// it asks for and what it complains about. The page is opened with
// ?test=1, which gives it the read-only test hook window.frontlineTest.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	problems []string
	bytes    map[network.RequestID]float64 // bytes on the wire per response
	// intercepted holds the URLs a test took over with the Fetch domain
	// (to answer or to fail them itself): how they end is the test's to judge.
	intercepted map[string]bool
}

func newBrowser(t *testing.T, width, height int) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is missing: `make test` installs it")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{ctx: ctx, bytes: map[network.RequestID]float64{}, intercepted: map[string]bool{}}
	b.record(t)
	return b
}

// record starts recording what the browser's tab asks for and complains of.
func (b *browser) record(t *testing.T) {
	t.Helper()
	err := chromedp.Listen(b.ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				b.problems = append(b.problems, fmt.Sprintf("HTTP %d for %s", ev.Response.Status, ev.Response.URL))
			}
		case *network.EventLoadingFinished:
			b.bytes[ev.RequestID] = ev.EncodedDataLength
		case *cdpfetch.EventRequestPaused:
			b.intercepted[ev.Request.URL] = true
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, fmt.Sprint(string(a.Value), a.Description))
				}
				b.problems = append(b.problems, "console.error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.problems = append(b.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, msg))
		case *log.EventEntryAdded:
			// The browser's own errors, which no script sees: what the
			// Content-Security-Policy refused, a request CORS blocked, a
			// resource that failed to load.
			e := ev.Entry
			if e.Level != log.EntryLevelError || isStatusEntry(e) ||
				e.Source == log.EntrySourceNetwork && b.intercepted[e.URL] {
				return
			}
			b.problems = append(b.problems, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
}

// isStatusEntry reports whether a log entry only repeats an HTTP error
// status, which the network events record already as "HTTP status for
// URL" (the form tests that provoke one allow).
func isStatusEntry(e *log.Entry) bool {
	return e.Source == log.EntrySourceNetwork &&
		strings.HasPrefix(e.Text, "Failed to load resource: the server responded with a status of ")
}

func (b *browser) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// evaluate runs a JavaScript expression in the page and decodes its value;
// with chromedp.EvalAwaitPromise, the value a promise resolves to.
func evaluate[T any](t *testing.T, b *browser, expr string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// eval runs a JavaScript expression and decodes its value into out.
func (b *browser) eval(t *testing.T, out any, expr string, opts ...chromedp.EvaluateOption) {
	t.Helper()
	v := evaluate[any](t, b, expr, opts...)
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
}

// do runs JavaScript for its effect.
func do(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any]("(() => { "+expr+"; return true; })()")(ctx, t)
		return err
	})
}

// opened is true once the page has started and drawn its first keyframe.
const opened = `document.body.dataset.ready === '1' && window.frontlineTest.shownKeyframe >= 0`

// open loads a URL (with ?test=1) and waits until the page has drawn its
// first keyframe.
func (b *browser) open(t *testing.T, url string) {
	t.Helper()
	b.run(t, chromedp.Navigate(url), waitFor(opened))
}

// settled is true once the keyframe in force is the one drawn.
const settled = `window.frontlineTest.shownKeyframe === window.frontlineTest.k`

func waitFor(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(evaluate[string](t, b, fmt.Sprintf(`document.querySelector(%q).innerText`, sel)))
}

// checkClean fails the test on any request that left the service at base
// and on anything the browser complained of.
func (b *browser) checkClean(t *testing.T, base string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if !strings.HasPrefix(u, base+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("request left the service: %s", u)
		}
	}
	for _, p := range b.problems {
		t.Errorf("browser reported %s", p)
	}
}

// setInstant moves the slider as a user would: value, then an input event.
func (b *browser) setInstant(t *testing.T, iso string) {
	t.Helper()
	b.run(t, do(fmt.Sprintf(`const s = document.getElementById('slider');
		s.value = String(Date.parse(%q)); s.dispatchEvent(new Event('input', {bubbles: true}))`, iso)),
		waitFor(settled))
}

// The recorder catches what the browser refuses on its own, which the
// page's scripts never see: a page whose Content-Security-Policy allows
// only its own scripts, with an inline script beside one of its own, is
// reported, and the inline script does not run.
func TestPageRecorderCatchesCSPRefusals(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>csp</title><script>window.inlineRan = true</script><script src="/own.js"></script>`)
	})
	mux.HandleFunc("GET /own.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `window.ownRan = true`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	b := newBrowser(t, 800, 600)
	b.run(t, chromedp.Navigate(srv.URL+"/"), waitFor(`window.ownRan === true`))
	if evaluate[bool](t, b, `window.inlineRan === true`) {
		t.Fatal("the inline script ran: the policy did not apply, so this test shows nothing")
	}
	var got []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		b.mu.Lock()
		got = slices.Clone(b.problems)
		b.mu.Unlock()
		if slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "Content Security Policy") }) {
			return
		}
	}
	t.Errorf("the refused inline script was not recorded; recorded: %q", got)
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv("FRONTLINE_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "var", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPageInBrowser(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	b := newBrowser(t, 1280, 820)

	// First load, with an empty cache: what it weighs on the wire.
	b.open(t, base+"/?test=1#t=2024-11-26T00:00:00Z&z=7&lat=35.00&lon=38.50")
	b.run(t, waitFor(`window.frontlineTest.cachedLayers >= 2`), chromedp.Sleep(300*time.Millisecond))
	b.mu.Lock()
	var weight float64
	for _, n := range b.bytes {
		weight += n
	}
	b.mu.Unlock()
	t.Logf("first load: %.0f KB on the wire in %d requests", weight/1024, len(b.bytes))
	if weight > 500*1024 {
		t.Errorf("first load weighs %.0f KB, over 500 KB", weight/1024)
	}

	if got := b.text(t, "#when"); got != "26 Nov 2024, 00:00 UTC" {
		t.Errorf("date shown at start: %q", got)
	}
	// The browser finds the favicon; the slider's range and the chart's
	// dates come from the timeline.
	var page struct {
		Icon, IconType       string
		IconOK               bool
		Min, Max, Start, End float64
		Ticks                []string
	}
	b.eval(t, &page, `(async () => {
		const icon = document.querySelector('link[rel=icon]'), res = await fetch(icon.href);
		const tl = await (await fetch('/api/timeline')).json(), s = document.getElementById('slider');
		return {Icon: new URL(icon.href).pathname, IconType: res.headers.get('content-type') || '', IconOK: res.ok,
			Min: Number(s.min), Max: Number(s.max), Start: Date.parse(tl.start), End: Date.parse(tl.end),
			Ticks: [...document.querySelectorAll('#chart svg text')].map((e) => e.textContent)};
	})()`, chromedp.EvalAwaitPromise)
	if page.Icon != "/favicon.svg" || !page.IconOK || !strings.HasPrefix(page.IconType, "image/svg+xml") {
		t.Errorf("favicon: %s, ok %v, %s", page.Icon, page.IconOK, page.IconType)
	}
	if page.Min != page.Start || page.Max != page.End-3600e3 {
		t.Errorf("slider from %v to %v; the timeline runs from %v to %v", page.Min, page.Max, page.Start, page.End)
	}
	if first := time.UnixMilli(int64(page.Start)).UTC().Format("2 Jan"); len(page.Ticks) < 3 || len(page.Ticks) > 6 || page.Ticks[0] != first {
		t.Errorf("chart dates %q for a timeline from %s", page.Ticks, first)
	}

	// Asking again for an unchanged snapshot reloads nothing; once the
	// service names versions, the timeline is revalidated (a 304).
	var again struct {
		Changed    bool
		Version    string
		Sent, Body float64
		Stats      int
	}
	b.eval(t, &again, `window.frontlineTest.refresh().then((r) => {
		const all = performance.getEntriesByType('resource'), path = (e) => new URL(e.name).pathname;
		const tl = all.filter((e) => path(e) === '/api/timeline').at(-1);
		return {Changed: r.changed, Version: r.version, Sent: tl.transferSize, Body: tl.encodedBodySize,
			Stats: all.filter((e) => path(e) === '/api/stats').length};
	})`, chromedp.EvalAwaitPromise)
	if again.Changed || again.Stats != 1 {
		t.Errorf("refresh of an unchanged snapshot: %+v", again)
	}
	if again.Version != "" && again.Sent >= again.Body {
		t.Errorf("the timeline of snapshot %s was sent again in full (%v bytes), not revalidated", again.Version, again.Sent)
	}

	var start map[string]float64
	b.eval(t, &start, `window.frontlineTest.shownAreas`)
	shot := func(name string) {
		b.run(t, chromedp.Sleep(200*time.Millisecond))
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(screenshotDir(t), name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shot("2024-11-26.png")
	var future, all int
	b.eval(t, &future, `document.querySelectorAll('#events li.future').length`)
	b.eval(t, &all, `document.querySelectorAll('#events li').length`)
	if all < 150 || future != all {
		t.Errorf("event list at the start: %d of %d in the future", future, all)
	}

	// The slider sets the instant, the date in words and the list.
	b.setInstant(t, "2024-12-05T10:00:00Z")
	if got := b.text(t, "#when"); got != "5 Dec 2024, 10:00 UTC" {
		t.Errorf("after the slider: %q", got)
	}
	var currentAt string
	b.eval(t, &currentAt, `(document.querySelector('#events li.current') || {dataset: {}}).dataset.at || ''`)
	if currentAt == "" || currentAt > "2024-12-05T10:00:00Z" {
		t.Errorf("current event at %q for 5 Dec 10:00", currentAt)
	}
	b.eval(t, &future, `document.querySelectorAll('#events li.future').length`)
	if future == 0 || future == all {
		t.Errorf("event list on 5 Dec: %d of %d in the future", future, all)
	}
	var hash string
	b.eval(t, &hash, `location.hash`)
	if !strings.Contains(hash, "t=2024-12-05T10:00:00Z") {
		t.Errorf("permalink not updated: %s", hash)
	}
	shot("2024-12-05.png")

	// The map changes: far less government ground on 9 Dec.
	b.setInstant(t, "2024-12-09T00:00:00Z")
	var dec9 map[string]float64
	b.eval(t, &dec9, `window.frontlineTest.shownAreas`)
	if dec9["government"] >= start["government"]/2 || dec9["hts"] <= start["hts"] {
		t.Errorf("areas on 26 Nov %v, on 9 Dec %v", start, dec9)
	}
	shot("2024-12-09.png")

	// Switching between keyframes already fetched: measured, reported.
	// The arrow keys step from change to change, as a user would press them.
	var switches int
	b.eval(t, &switches, `window.frontlineTest.switchTimes.length`)
	b.run(t, do(`document.activeElement.blur()`))
	for i := 0; i < 12; i++ {
		var t0 float64
		b.eval(t, &t0, `window.frontlineTest.t`)
		b.run(t, chromedp.KeyEvent(kb.ArrowLeft), waitFor(fmt.Sprintf(`(() => { const f = window.frontlineTest;
			return f.t < %f && f.t === f.keyframes[f.k] && f.shownKeyframe === f.k; })()`, t0)))
	}
	var times []float64
	b.eval(t, &times, fmt.Sprintf(`window.frontlineTest.switchTimes.slice(%d)`, switches))
	sort.Float64s(times)
	if len(times) > 0 {
		t.Logf("keyframe switch in the browser: median %.1f ms, worst %.1f ms over %d switches",
			times[len(times)/2], times[len(times)-1], len(times))
		os.WriteFile(filepath.Join(screenshotDir(t), "switch-ms.txt"),
			[]byte(fmt.Sprintf("median %.1f ms, worst %.1f ms, %d switches\n", times[len(times)/2], times[len(times)-1], len(times))), 0o644)
	} else {
		t.Error("no keyframe switch was measured")
	}

	// 9 Dec, 12:00: the government has ceased to exist; each piece of
	// ground is drawn as it is known. Confirmed ground within a report's
	// reach is solid, claimed ground hatched, kept ground pale, and ground
	// no single force holds hatched grey.
	const dec9noon = "2024-12-09T12:00:00Z"
	b.viewAt(t, dec9noon, orb.Point{38.5, 35.0}, 7)
	shot("2024-12-09T12.png")
	pieces := controlPieces(t, base, dec9noon)
	for _, p := range pieces {
		if p.Status == "" || p.Basis == "" {
			t.Errorf("the service sent %s ground without status or basis (%q, %q)", p.Controller, p.Status, p.Basis)
		}
	}
	var feats []drawn
	b.eval(t, &feats, `window.frontlineTest.shownFeatures`)
	if len(feats) != len(pieces) {
		t.Errorf("%d features drawn on 9 Dec 12:00, the service has %d", len(feats), len(pieces))
	}
	byFill := map[string][]drawn{}
	for _, d := range feats {
		want := "solid"
		switch {
		case d.Controller == "none" || d.Basis == "none":
			want = "grey-hatch"
		case d.Basis == "kept" && d.Status == "claimed":
			want = "pale-hatch"
		case d.Basis == "kept":
			want = "pale"
		case d.Status == "claimed":
			want = "hatch"
		}
		if d.Fill != want || d.Hatch != (want != "solid" && want != "pale") || d.Pale != (want == "pale" || want == "pale-hatch") {
			t.Errorf("%v, want %s", d, want)
		}
		byFill[d.Fill] = append(byFill[d.Fill], d)
	}
	for _, fill := range []string{"solid", "hatch", "pale", "grey-hatch"} {
		if len(byFill[fill]) == 0 {
			t.Errorf("no ground drawn %s on 9 Dec 12:00: %v", fill, feats)
		}
	}
	pairs := 0
	for _, k := range feats {
		for _, p := range feats {
			if k.Basis == "kept" && p.Controller == k.Controller && p.Status == k.Status && (p.Basis == "place" || p.Basis == "area") {
				pairs++
				if k.FillOpacity > 0.6*p.FillOpacity || k.Opacity >= p.Opacity {
					t.Errorf("kept ground %v is not paler than %v", k, p)
				}
			}
		}
	}
	if pairs == 0 {
		t.Errorf("no faction has kept ground beside ground a report reaches, of one status: %v", feats)
	}
	// The areas: per faction summed over status and basis, and per basis
	// as /api/stats has them for the keyframe.
	var areas struct {
		Faction, Basis map[string]float64
		At             string
	}
	b.eval(t, &areas, `(() => { const f = window.frontlineTest;
		return {Faction: f.shownAreas, Basis: f.shownBasisAreas, At: new Date(f.keyframes[f.k]).toISOString().replace('.000Z', 'Z')}; })()`)
	sums := map[string]float64{}
	for _, p := range pieces {
		sums[p.Controller] += p.AreaKm2
	}
	for id, km := range sums {
		if math.Abs(areas.Faction[id]-km) > 0.01 {
			t.Errorf("%s: %.1f km² shown, the pieces sum to %.1f", id, areas.Faction[id], km)
		}
	}
	var st struct {
		Keyframes []struct {
			At       string             `json:"at"`
			BasisKm2 map[string]float64 `json:"basis_km2"`
		} `json:"keyframes"`
	}
	if code, _, _ := getJSON(t, base+"/api/stats", &st); code != 200 {
		t.Fatalf("/api/stats: %d", code)
	}
	found := false
	for _, k := range st.Keyframes {
		if k.At != areas.At {
			continue
		}
		found = true
		for _, basis := range []string{"place", "area", "kept", "none"} {
			if math.Abs(k.BasisKm2[basis]-areas.Basis[basis]) > 1+0.1*float64(len(pieces)) {
				t.Errorf("%s ground at %s: %.1f km² drawn, %.1f in /api/stats", basis, k.At, areas.Basis[basis], k.BasisKm2[basis])
			}
		}
	}
	if !found {
		t.Errorf("/api/stats has no keyframe at %s", areas.At)
	}

	// The legend: a row per faction, "–" for the government, gone by
	// then, and a key to the four looks, each with its sample.
	var legend struct {
		Looks []struct {
			Fill, Text string
			Swatch     bool
		}
		Rows map[string]struct {
			Km    string
			Empty bool
		}
	}
	b.eval(t, &legend, `(() => ({
		Looks: [...document.querySelectorAll('#looks li')].map((li) => ({Fill: li.dataset.fill, Text: li.innerText, Swatch: !!li.querySelector('canvas')})),
		Rows: Object.fromEntries([...document.querySelectorAll('#legend li')].map((li) => [li.dataset.faction,
			{Km: li.querySelector('.km').textContent, Empty: li.classList.contains('empty')}])),
	}))()`)
	wantLooks := []struct{ fill, words string }{{"solid", "confirmed"}, {"hatch", "claimed"}, {"pale", "kept"}, {"grey-hatch", "no single force"}}
	if len(legend.Looks) != len(wantLooks) {
		t.Errorf("the legend's key: %+v", legend.Looks)
	} else {
		for i, w := range wantLooks {
			l := legend.Looks[i]
			if l.Fill != w.fill || !l.Swatch || !strings.Contains(strings.ToLower(l.Text), w.words) {
				t.Errorf("the key's row %d: %+v, want %s explained as %q", i, l, w.fill, w.words)
			}
		}
	}
	if r := legend.Rows["government"]; r.Km != "–" || !r.Empty {
		t.Errorf("the government's row on 9 Dec 12:00: %+v", r)
	}
	if r, ok := legend.Rows["none"]; !ok || r.Km == "–" || r.Empty {
		t.Errorf("the row of no single force on 9 Dec 12:00: %+v (present %v)", r, ok)
	}
	if _, ok := legend.Rows["russia"]; !ok {
		t.Errorf("no legend row for Russian forces: %v", legend.Rows)
	}
	b.run(t, do(`document.querySelector('.legend').scrollIntoView()`))
	if png, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS(".legend"))); err == nil {
		os.WriteFile(filepath.Join(screenshotDir(t), "legend-2024-12-09T12.png"), png, 0o644)
	}
	// The chart stacks every faction with ground; none's, hatched, on top.
	var chart struct {
		Factions []string
		TopFill  string
	}
	b.eval(t, &chart, `(() => { const ps = [...document.querySelectorAll('#chart svg polygon')];
		return {Factions: ps.map((p) => p.dataset.faction), TopFill: (ps.at(-1) || {getAttribute: () => ''}).getAttribute('fill')}; })()`)
	if len(chart.Factions) < 8 || chart.Factions[len(chart.Factions)-1] != "none" || chart.TopFill != "url(#chart-none)" {
		t.Errorf("the chart stacks %v, the top filled %q", chart.Factions, chart.TopFill)
	}
	b.run(t, do(`document.getElementById('chart').scrollIntoView()`))
	if png, err := chromedp.Run(b.ctx, chromedp.Screenshot(chromedp.CSS("#chart"))); err == nil {
		os.WriteFile(filepath.Join(screenshotDir(t), "chart-2024-12-09T12.png"), png, 0o644)
	}

	// The canvas agrees: stripes where ground is hatched, grey ones for no
	// single force; kept ground's colour fainter than that of ground of
	// the same faction and status a report reaches. Each is looked at
	// where it lies deepest, zoomed in until 12 pixels or more inside.
	type site struct {
		piece controlPiece
		pt    orb.Point
		r     float64
	}
	deepestOf := func(match func(p controlPiece) bool) (best site) {
		for _, p := range pieces {
			if match(p) {
				if pt, r := deepest(p.Shape); r > best.r {
					best = site{p, pt, r}
				}
			}
		}
		return best
	}
	look := func(s site, name string) pixels {
		b.viewAt(t, dec9noon, s.pt, zoomFor(s.r, 14))
		if name != "" {
			shot(name)
		}
		return b.sample(t, s.pt[1], s.pt[0], 6)
	}
	reportedBasis := func(p controlPiece) bool { return p.Basis == "place" || p.Basis == "area" }
	if s := deepestOf(func(p controlPiece) bool { return p.Status == "claimed" && reportedBasis(p) && p.Controller != "none" }); s.r > 0 {
		px := look(s, "2024-12-09T12-claimed.png")
		t.Logf("claimed %s ground at %.3f: %+v", s.piece.Controller, s.pt, px)
		if px.Range < 40 {
			t.Errorf("claimed %s ground at %v is not hatched: %+v", s.piece.Controller, s.pt, px)
		}
	} else {
		t.Errorf("no claimed ground a report reaches on 9 Dec 12:00: %v", feats)
	}
	var keptPx, placePx pixels
	var kept, reached site
	for _, k := range pieces {
		if k.Basis != "kept" || k.Controller == "none" {
			continue
		}
		kk := deepestOf(func(p controlPiece) bool {
			return p.Controller == k.Controller && p.Status == k.Status && p.Basis == "kept"
		})
		pp := deepestOf(func(p controlPiece) bool {
			return p.Controller == k.Controller && p.Status == k.Status && reportedBasis(p)
		})
		if pp.r > 0 && min(kk.r, pp.r) > min(kept.r, reached.r) {
			kept, reached = kk, pp
		}
	}
	if kept.r > 0 {
		keptPx, placePx = look(kept, ""), look(reached, "")
		t.Logf("%s %s ground, kept at %.3f: %v, %.0f from the basemap; %s at %.3f: %v, %.0f", kept.piece.Controller, kept.piece.Status,
			kept.pt, keptPx.Median, fromBasemap(keptPx.Median), reached.piece.Basis, reached.pt, placePx.Median, fromBasemap(placePx.Median))
		if fromBasemap(keptPx.Median) >= 0.75*fromBasemap(placePx.Median) {
			t.Errorf("kept %s ground (%v, %v) is not paler than %s ground (%v, %v)", kept.piece.Controller, kept.pt, keptPx.Median,
				reached.piece.Basis, reached.pt, placePx.Median)
		}
	}
	none := deepestOf(func(p controlPiece) bool { return p.Controller == "none" || p.Basis == "none" })
	if none.r == 0 {
		t.Errorf("no ground of no single force on 9 Dec 12:00: %v", feats)
	} else {
		px := look(none, "2024-12-09T12-none.png")
		t.Logf("ground of no single force at %.3f: %+v", none.pt, px)
		d := px.Darkest
		if px.Range < 40 || math.Max(math.Abs(d[0]-d[1]), math.Max(math.Abs(d[1]-d[2]), math.Abs(d[0]-d[2]))) > 24 {
			t.Errorf("ground of no single force at %v is not hatched grey: %+v", none.pt, px)
		}
		// Asked there, the popup says why no single force holds it.
		var at struct{ X, Y float64 }
		b.eval(t, &at, fmt.Sprintf(`(() => { const p = window.frontlineTest.pagePoint(%f, %f); return {X: p.x, Y: p.y}; })()`, none.pt[1], none.pt[0]))
		b.run(t, chromedp.MouseClickXY(at.X, at.Y), waitFor(`!!document.querySelector('.leaflet-popup .popup[data-basis]')`))
		var pop struct{ Basis, Text string }
		b.eval(t, &pop, `(() => { const p = document.querySelector('.leaflet-popup .popup[data-basis]'); return {Basis: p.dataset.basis, Text: p.innerText}; })()`)
		if pop.Basis != "none" || !strings.Contains(pop.Text, "no single force") {
			t.Errorf("popup on ground of no single force: %+v", pop)
		}
		shot("popup-none-2024-12-09T12.png")
		b.closePopup(t)
	}

	// A permalink restores the instant and the view.
	b.run(t, chromedp.Navigate(base+"/?test=1#t=2024-12-01T00:00:00Z&z=10&lat=36.20&lon=37.10"), waitFor(opened))
	if got := b.text(t, "#when"); got != "1 Dec 2024, 00:00 UTC" {
		t.Errorf("permalink instant: %q", got)
	}
	var view struct{ Z, Lat, Lon float64 }
	b.eval(t, &view, `(() => { const v = window.frontlineTest.view; return {Z: v.zoom, Lat: v.lat, Lon: v.lon}; })()`)
	if view.Z != 10 || view.Lat < 36.19 || view.Lat > 36.21 || view.Lon < 37.09 || view.Lon > 37.11 {
		t.Errorf("permalink view: %+v", view)
	}

	// A click on Aleppo on 1 Dec: the HTS-led faction, with since and sources.
	var pt struct{ X, Y float64 }
	b.eval(t, &pt, `(() => { const p = window.frontlineTest.pagePoint(36.19, 37.14); return {X: p.x, Y: p.y}; })()`)
	b.run(t, chromedp.MouseClickXY(pt.X, pt.Y), waitFor(`!!document.querySelector('.leaflet-popup .popup[data-controller]')`))
	if got := b.text(t, ".leaflet-popup .popup"); !strings.Contains(got, "HTS-led") || !strings.Contains(got, "Held since") {
		t.Errorf("popup on Aleppo, 1 Dec: %q", got)
	}
	// It says how the answer is known: the basis in words and the status,
	// as the service answered.
	var ans struct{ Basis, Status string }
	if code, _, _ := getJSON(t, base+"/api/controller?lon=37.14&lat=36.19&at=2024-12-01T00:00:00Z", &ans); code != 200 {
		t.Errorf("/api/controller on Aleppo: %d", code)
	}
	var pop struct{ Basis, Status, Text string }
	b.eval(t, &pop, `(() => { const p = document.querySelector('.leaflet-popup .popup[data-controller]');
		return {Basis: p.dataset.basis, Status: p.dataset.status, Text: p.innerText}; })()`)
	if ans.Basis == "" || pop.Basis != ans.Basis || pop.Status != ans.Status ||
		!strings.Contains(pop.Text, basisWords[ans.Basis]) || !strings.Contains(pop.Text, statusWords[ans.Status]) {
		t.Errorf("popup on Aleppo, 1 Dec: %+v; the service answered %+v", pop, ans)
	}

	// A point just off the coast is answered as the nearest ground, and
	// the popup says so.
	if off, ok := snappedPoint(t, base, "2024-12-09T12:00:00Z"); !ok {
		t.Error("no point off Latakia's coast is answered as the nearest ground")
	} else {
		b.viewAt(t, "2024-12-09T12:00:00Z", off, 11)
		b.eval(t, &pt, fmt.Sprintf(`(() => { const p = window.frontlineTest.pagePoint(%f, %f); return {X: p.x, Y: p.y}; })()`, off[1], off[0]))
		b.run(t, chromedp.MouseClickXY(pt.X, pt.Y), waitFor(`!!document.querySelector('.leaflet-popup .popup[data-snapped-km]')`))
		if got := b.text(t, ".leaflet-popup .popup[data-snapped-km]"); !strings.Contains(got, "(nearest ground, ") || !strings.Contains(got, " km away)") {
			t.Errorf("popup off the coast: %q", got)
		}
		shot("popup-snapped-2024-12-09T12.png")
		b.closePopup(t)
	}

	// An older service's answers and polygons, without status or basis,
	// read as confirmed and known by their place.
	var older struct{ Fill, Basis, Status, Text string }
	b.eval(t, &older, `Promise.all([import('/js/looks.js'), import('/js/popups.js')]).then(([l, p]) => {
		const el = document.createElement('div');
		el.innerHTML = p.controllerPopup({controller: 'hts', faction: 'HTS', at: '2024-12-01T00:00:00Z', since: '2024-11-30T00:00:00Z',
			previous: null, place: {id: 'x', name: 'Aleppo', distance_km: 2}, area: null, history: [], sources: []}, {faction: () => undefined});
		return {Fill: l.lookOf('hts', l.statusOf(undefined), l.basisOf(undefined)).fill,
			Basis: el.firstChild.dataset.basis, Status: el.firstChild.dataset.status, Text: el.textContent};
	})`, chromedp.EvalAwaitPromise)
	if older.Fill != "solid" || older.Basis != "place" || older.Status != "confirmed" || !strings.Contains(older.Text, "report on Aleppo") {
		t.Errorf("an answer without status or basis: %+v", older)
	}

	// Clicking an event in the list jumps to it.
	b.run(t, chromedp.Click(chromedp.CSS(`#events li.claimed`)), chromedp.Sleep(100*time.Millisecond))
	var evAt, tNow string
	b.eval(t, &evAt, `document.querySelector('#events li.claimed').dataset.at`)
	b.eval(t, &tNow, `new Date(window.frontlineTest.t).toISOString().replace('.000Z', 'Z')`)
	if evAt != tNow {
		t.Errorf("clicked an event at %s, the instant is %s", evAt, tNow)
	}

	// Play advances the clock; space pauses.
	var before, after float64
	b.eval(t, &before, `window.frontlineTest.t`)
	b.run(t, chromedp.Click(chromedp.ID("play")), chromedp.Sleep(1200*time.Millisecond))
	b.eval(t, &after, `window.frontlineTest.t`)
	b.run(t, do(`document.activeElement.blur()`), chromedp.KeyEvent(" "), chromedp.Sleep(50*time.Millisecond))
	playing := evaluate[bool](t, b, `window.frontlineTest.playing`)
	if after <= before || playing {
		t.Errorf("play: t from %v to %v; still playing after space: %v", before, after, playing)
	}

	// The search box finds a place and flies there.
	b.run(t, chromedp.SetValue(chromedp.ID("q"), "Deraa"), chromedp.Click(chromedp.CSS("#search button")),
		waitFor(`document.getElementById('search-status').textContent.length > 1 && document.getElementById('search-status').textContent !== '…'`),
		chromedp.Sleep(1200*time.Millisecond))
	var c struct{ Lat, Lon float64 }
	b.eval(t, &c, `(() => { const v = window.frontlineTest.view; return {Lat: v.lat, Lon: v.lon}; })()`)
	if c.Lat < 32.5 || c.Lat > 32.75 || c.Lon < 36.0 || c.Lon > 36.2 {
		t.Errorf("search for Deraa flew to %+v", c)
	}

	// The search put the place in the permalink; the embed code pins the
	// instant.
	b.eval(t, &hash, `location.hash`)
	if !strings.Contains(hash, "place=gn%3A170905") && !strings.Contains(hash, "place=gn:170905") {
		t.Errorf("permalink after searching Deraa: %s", hash)
	}
	b.run(t, chromedp.Click(chromedp.ID("copy-embed")), waitFor(`document.getElementById('embed-code').value.length > 0`))
	var code string
	b.eval(t, &code, `document.getElementById('embed-code').value`)
	if !strings.HasPrefix(code, `<iframe src="`+base+`/?embed=1#t=`) {
		t.Errorf("embed code: %s", code)
	}

	// Without ?test=1 the page exposes nothing of its state.
	b.run(t, chromedp.Navigate(base+"/#t=2024-12-03T00:00:00Z"),
		waitFor(`document.body.dataset.ready === '1' && document.body.dataset.keyframe !== undefined`))
	if exposed := evaluate[bool](t, b, `'frontlineTest' in window || 'frontline' in window`); exposed {
		t.Error("the page exposes its state without ?test=1")
	}

	// Embed mode: the map and the time control only.
	b.open(t, base+"/?embed=1&test=1#t=2024-12-08T12:00:00Z")
	var shown map[string]string
	b.eval(t, &shown, `Object.fromEntries(['header', '#side', '#map', '#timebar'].map((s) => [s, getComputedStyle(document.querySelector(s)).display]))`)
	if shown["header"] != "none" || shown["#side"] != "none" || shown["#map"] == "none" || shown["#timebar"] == "none" {
		t.Errorf("embed mode shows %v", shown)
	}
	if got := b.text(t, "#when"); got != "8 Dec 2024, 12:00 UTC" {
		t.Errorf("embed instant: %q", got)
	}

	b.checkClean(t, base)
}

// On a phone-sized screen the page fits its width and keeps the map and
// the time control; controls have names for screen readers.
func TestPageOnAPhone(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	b := newBrowser(t, 390, 844)
	b.open(t, "http://"+m.Addr()+"/?test=1#t=2024-12-07T12:00:00Z")
	var r struct {
		Overflow       bool
		MapH, TimebarH float64
		Unnamed        []string
	}
	b.eval(t, &r, `(() => ({
		Overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
		MapH: document.getElementById('map').getBoundingClientRect().height,
		TimebarH: document.getElementById('timebar').getBoundingClientRect().height,
		Unnamed: [...document.querySelectorAll('button, input, select')].filter((e) =>
			!(e.getAttribute('aria-label') || (e.labels && e.labels.length) || e.textContent.trim() || e.type === 'hidden')).map((e) => e.id || e.outerHTML),
	}))()`)
	if r.Overflow || r.MapH < 250 || r.TimebarH < 30 || len(r.Unnamed) > 0 {
		t.Errorf("phone layout: %+v", r)
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(screenshotDir(t), "phone-2024-12-07.png"), png, 0o644)

	// On 9 Dec, 12:00, the hatches and pale ground on the small map, and
	// the key below it, within the screen's width.
	b.setInstant(t, "2024-12-09T12:00:00Z")
	b.run(t, chromedp.Sleep(200*time.Millisecond))
	if png, err = chromedp.Run(b.ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(screenshotDir(t), "phone-2024-12-09T12.png"), png, 0o644)
	}
	var key struct {
		Rows     int
		Overflow bool
	}
	b.eval(t, &key, `(() => ({Rows: document.querySelectorAll('#looks li canvas').length,
		Overflow: [...document.querySelectorAll('#looks li, #legend li')].some((li) => li.getBoundingClientRect().right > window.innerWidth + 1)}))()`)
	if key.Rows != 4 || key.Overflow {
		t.Errorf("the key on a phone: %+v", key)
	}
	b.run(t, do(`document.getElementById('looks').scrollIntoView({block: 'end'})`), chromedp.Sleep(100*time.Millisecond))
	if png, err = chromedp.Run(b.ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(screenshotDir(t), "phone-legend-2024-12-09T12.png"), png, 0o644)
	}
}

// snapshots stands in for a service that publishes new data snapshots:
// the browser's requests for /api/timeline are answered with the real
// timeline, given the version named here and changed by edit; the
// requests for control polygons go to the service without their v (the
// version is made up), and are recorded as the page asked for them.
type snapshots struct {
	mu      sync.Mutex
	version string
	edit    func(tl map[string]any)
	items   []string // the polygon URLs the page asked for, in order
}

func (s *snapshots) set(version string, edit func(tl map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version, s.edit = version, edit
}

func (s *snapshots) itemURLs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.items...)
}

// intercept starts answering for s; call it before the page opens.
func (b *browser) intercept(t *testing.T, s *snapshots) {
	t.Helper()
	err := chromedp.Listen(b.ctx, func(ev any) {
		if ev, ok := ev.(*cdpfetch.EventRequestPaused); ok {
			go s.answer(b.ctx, ev)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = chromedp.Call(b.ctx, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: []*cdpfetch.RequestPattern{
		{URLPattern: "*/api/timeline*"}, {URLPattern: "*/ogc/collections/control/items*"},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func (s *snapshots) answer(ctx context.Context, ev *cdpfetch.EventRequestPaused) {
	u, err := url.Parse(ev.Request.URL)
	if err != nil {
		chromedp.Call(ctx, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonFailed})
		return
	}
	if u.Path != "/api/timeline" {
		q := u.Query()
		q.Del("v")
		u.RawQuery = q.Encode()
		s.mu.Lock()
		s.items = append(s.items, ev.Request.URL)
		s.mu.Unlock()
		chromedp.Call(ctx, cdpfetch.ContinueRequest, cdpfetch.ContinueRequestParams{RequestID: ev.RequestID, URL: u.String()})
		return
	}
	fail := func() {
		chromedp.Call(ctx, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonFailed})
	}
	res, err := http.Get(ev.Request.URL)
	if err != nil {
		fail()
		return
	}
	defer res.Body.Close()
	var tl map[string]any
	if err := json.NewDecoder(res.Body).Decode(&tl); err != nil {
		fail()
		return
	}
	s.mu.Lock()
	tl["version"] = s.version
	if s.edit != nil {
		s.edit(tl)
	}
	s.mu.Unlock()
	body, _ := json.Marshal(tl)
	chromedp.Call(ctx, cdpfetch.FulfillRequest, cdpfetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200,
		ResponseHeaders: []*cdpfetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}}, Body: body})
}

// When the service names a new snapshot, the page loads it and redraws
// the instant it shows; its polygon URLs and cache follow the version.
// Sources whose URL is not a web address are shown as plain text.
func TestPageFollowsSnapshots(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	b := newBrowser(t, 1280, 820)
	snap := &snapshots{version: "snap-1"}
	b.intercept(t, snap)
	b.open(t, base+"/?test=1#t=2024-12-05T10:00:00Z")
	b.run(t, waitFor(`window.frontlineTest.cachedLayers >= 3`))

	type pageState struct {
		Version    string
		T          float64
		K          int
		Shown      int
		Keyframes  []float64
		Changes    int
		Areas      map[string]float64
		CacheKeys  []string
		When       string
		Range      string
		SliderMin  float64
		SliderMax  float64
		FirstTick  string
		StatsAsked int
	}
	state := func() pageState {
		var s pageState
		b.eval(t, &s, `(() => { const f = window.frontlineTest;
			return {Version: f.version, T: f.t, K: f.k, Shown: f.shownKeyframe, Keyframes: f.keyframes,
				Changes: f.changes, Areas: f.shownAreas, CacheKeys: f.cachedLayerKeys,
				When: document.getElementById('when').textContent, Range: document.getElementById('range').textContent,
				SliderMin: Number(document.getElementById('slider').min), SliderMax: Number(document.getElementById('slider').max),
				FirstTick: (document.querySelector('#chart svg text') || {}).textContent || '',
				StatsAsked: performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === '/api/stats').length}; })()`)
		return s
	}
	refresh := func() (r struct{ Changed bool }) {
		b.eval(t, &r, `window.frontlineTest.refresh().then((r) => ({Changed: r.changed}))`, chromedp.EvalAwaitPromise)
		return r
	}
	keyed := func(s pageState, version string) {
		t.Helper()
		for _, k := range s.CacheKeys {
			if !strings.HasPrefix(k, version+" ") {
				t.Errorf("layer %q cached with snapshot %s", k, version)
			}
		}
	}
	asked := func(version string, at float64) bool {
		want := "v=" + version
		dt := "datetime=" + time.UnixMilli(int64(at)).UTC().Format(time.RFC3339)
		for _, u := range snap.itemURLs() {
			if strings.Contains(u, want) && strings.Contains(u, dt) {
				return true
			}
		}
		return false
	}

	s1 := state()
	if s1.Version != "snap-1" || s1.Shown != s1.K || s1.When != "5 Dec 2024, 10:00 UTC" {
		t.Fatalf("first snapshot: %+v", s1)
	}
	keyed(s1, "snap-1")
	for _, u := range snap.itemURLs() {
		if !strings.Contains(u, "&v=snap-1") {
			t.Errorf("polygons asked for without the version: %s", u)
		}
	}

	// The same version again: nothing is loaded again.
	if r := refresh(); r.Changed {
		t.Error("an unchanged version reloaded the page's data")
	}
	if s := state(); s.StatsAsked != s1.StatsAsked || s.Version != "snap-1" {
		t.Errorf("after an unchanged refresh: %+v", s)
	}

	// A new snapshot: a shorter timeline without its last keyframe, and a
	// change whose sources are not what they should be.
	var evil string
	snap.set("snap-2", func(tl map[string]any) {
		tl["start"], tl["end"] = "2024-11-27T00:00:00Z", "2024-12-12T00:00:00Z"
		kfs := tl["keyframes"].([]any)
		tl["keyframes"] = kfs[:len(kfs)-1]
		for _, kf := range kfs[1:] {
			for _, c := range kf.(map[string]any)["changes"].([]any) {
				c := c.(map[string]any)
				if _, ok := c["point"]; ok && evil == "" {
					evil = c["id"].(string)
					c["sources"] = []any{
						map[string]any{"outlet": `<img src=x onerror=alert(1)>Evil`, "url": "javascript:alert(1)", "published": "2024-12-01T00:00:00Z", "quote": ""},
						map[string]any{"outlet": "Relative", "url": "/ogc", "published": "0001-01-01T00:00:00Z", "quote": ""},
						map[string]any{"outlet": "Good", "url": "https://example.org/report", "published": "0001-01-01T00:00:00Z", "quote": "<b>quoted</b>"},
					}
				}
			}
		}
	})
	refresh() // the page's own check, every 15 s, may have come first
	s2 := state()
	k := -1
	for i, at := range s2.Keyframes {
		if at <= s2.T {
			k = i
		}
	}
	if s2.Version != "snap-2" || s2.T != s1.T || s2.K != k || s2.Shown != s2.K || s2.When != s1.When {
		t.Errorf("after the new snapshot: %+v, before %+v", s2, s1)
	}
	if len(s2.Keyframes) != len(s1.Keyframes)-1 || s2.Changes >= s1.Changes || s2.StatsAsked <= s1.StatsAsked {
		t.Errorf("new snapshot: %d keyframes, %d changes, stats asked %d times; before %d, %d, %d",
			len(s2.Keyframes), s2.Changes, s2.StatsAsked, len(s1.Keyframes), s1.Changes, s1.StatsAsked)
	}
	if fmt.Sprint(s2.Areas) != fmt.Sprint(s1.Areas) {
		t.Errorf("areas drawn: %v, before %v", s2.Areas, s1.Areas)
	}
	keyed(s2, "snap-2")
	if !asked("snap-2", s2.Keyframes[s2.K]) {
		t.Errorf("the keyframe in force was not asked for as snap-2: %v", snap.itemURLs())
	}
	start := float64(time.Date(2024, 11, 27, 0, 0, 0, 0, time.UTC).UnixMilli())
	end := float64(time.Date(2024, 12, 12, 0, 0, 0, 0, time.UTC).UnixMilli())
	if s2.SliderMin != start || s2.SliderMax != end-3600e3 || s2.FirstTick != "27 Nov" || s2.Range != ", 27 Nov – 11 Dec 2024" {
		t.Errorf("the new span: slider %v to %v, chart from %q, header %q", s2.SliderMin, s2.SliderMax, s2.FirstTick, s2.Range)
	}

	// The change's popup: no link but to a web address, nothing unescaped.
	b.run(t, do(fmt.Sprintf(`document.getElementById(%q).click()`, "ev-"+evil)),
		waitFor(`!!document.querySelector('.leaflet-popup .popup h3')`))
	var popup struct {
		Links []string
		Text  string
		Tags  int
	}
	b.eval(t, &popup, `(() => { const p = document.querySelector('.leaflet-popup .popup');
		return {Links: [...p.querySelectorAll('a')].map((a) => a.getAttribute('href')), Text: p.textContent,
			Tags: p.querySelectorAll('img, blockquote *').length}; })()`)
	if len(popup.Links) != 1 || popup.Links[0] != "https://example.org/report" || popup.Tags != 0 ||
		!strings.Contains(popup.Text, "<img src=x onerror=alert(1)>Evil") || !strings.Contains(popup.Text, "Relative") {
		t.Errorf("popup of %s: %+v", evil, popup)
	}

	b.checkClean(t, base)
}

// A change imported while the page is open shows after the page's next
// look at the timeline: in the list of changes, on the map's areas, with
// polygons asked for at the new version.
func TestPageShowsAnImport(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	b := newBrowser(t, 1280, 820)
	b.open(t, base+"/?test=1#t=2024-12-11T12:00:00Z")
	b.run(t, waitFor(`window.frontlineTest.shownKeyframe === window.frontlineTest.k && window.frontlineTest.cachedLayers >= 1`))
	type pageState struct {
		Version string
		Areas   map[string]float64
		Events  string
		Keys    []string
	}
	state := func() (s pageState) {
		b.eval(t, &s, `(() => { const f = window.frontlineTest;
			return {Version: f.version, Areas: f.shownAreas, Keys: f.cachedLayerKeys,
				Events: document.getElementById('events').textContent}; })()`)
		return s
	}
	before := state()
	// Islamic State ground may be on the map already (the claim on
	// al-Kawm, 6 Dec); the import adds Raqqa's to it.
	if before.Version != m.App.Current().Version || strings.Contains(before.Events, "made-up import") {
		t.Fatalf("before the import: %+v", before)
	}

	raqqa := findPlace(t, "Raqqa")
	c := &geo.Change{ID: "test-page-import", Place: raqqa, Name: "Raqqa", Faction: geo.ISIS,
		At: time.Date(2024, 12, 11, 6, 0, 0, 0, time.UTC), Precision: geo.Hour, Status: geo.Claimed,
		Summary: "A made-up import for the page test.", Sources: []geo.Source{{Outlet: "test", Quote: "made up"}}}
	snap, err := m.App.Import(context.Background(), "test", []*geo.Change{c})
	if err != nil {
		t.Fatal(err)
	}
	// The event stream may have told the page first: then the check finds
	// the snapshot loaded already.
	var r struct {
		Changed bool
		Version string
	}
	b.eval(t, &r, `window.frontlineTest.refresh().then((r) => ({Changed: r.changed, Version: r.version}))`, chromedp.EvalAwaitPromise)
	b.run(t, waitFor(`window.frontlineTest.shownKeyframe === window.frontlineTest.k`))
	after := state()
	if r.Version != snap.Version || after.Version != snap.Version {
		t.Fatalf("after the import: refresh %+v, page at %s, service at %s", r, after.Version, snap.Version)
	}
	if !strings.Contains(after.Events, "made-up import") {
		t.Errorf("the change list does not show the import: %.300s", after.Events)
	}
	if after.Areas["isis"] <= before.Areas["isis"]+1 {
		t.Errorf("areas shown after the import: %v", after.Areas)
	}
	for _, k := range after.Keys {
		if !strings.HasPrefix(k, snap.Version+" ") {
			t.Errorf("layer %q kept from the old snapshot", k)
		}
	}
	b.checkClean(t, base)
}

// What the controller popup says of each basis and status.
var (
	basisWords = map[string]string{"place": "within the reach of the report on", "area": "inside the area",
		"kept": "kept: no newer report reaches", "none": "no single force"}
	statusWords = map[string]string{"confirmed": "confirmed", "claimed": "claimed, not confirmed"}
)

// snappedPoint walks west from Latakia into the sea and returns the first
// point the service answers as the nearest ground, a kilometre or more
// away (so that a click there, to a pixel, is too).
func snappedPoint(t *testing.T, base, at string) (orb.Point, bool) {
	t.Helper()
	for lon := 35.80; lon > 35.5; lon -= 0.005 {
		var a struct {
			SnappedKm *float64 `json:"snapped_km"`
		}
		if code, _, _ := getJSON(t, fmt.Sprintf("%s/api/controller?lon=%.4f&lat=35.52&at=%s", base, lon, at), &a); code != 200 {
			break
		}
		if a.SnappedKm != nil && *a.SnappedKm >= 1 {
			return orb.Point{lon, 35.52}, true
		}
	}
	return orb.Point{}, false
}

// drawn is what the test hook says of a feature the page draws.
type drawn struct {
	Controller, Status, Basis, Fill string
	Hatch, Pale, Grey               bool
	FillOpacity, Opacity, AreaKm2   float64
	Colour                          string
}

func (d drawn) String() string {
	return fmt.Sprintf("%s/%s/%s as %s (fill opacity %.2f, %.0f km²)", d.Controller, d.Status, d.Basis, d.Fill, d.FillOpacity, d.AreaKm2)
}

// controlPiece is a control polygon as the OGC API sends it.
type controlPiece struct {
	Controller, Status, Basis string
	AreaKm2                   float64
	Shape                     orb.MultiPolygon
}

// controlPieces fetches the control polygons in force at instant at.
func controlPieces(t *testing.T, base, at string) []controlPiece {
	t.Helper()
	code, _, raw := getJSON(t, base+"/ogc/collections/control/items?limit=1000&datetime="+url.QueryEscape(at), nil)
	if code != 200 {
		t.Fatalf("control items at %s: %d", at, code)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	var out []controlPiece
	for _, f := range fc.Features {
		p := controlPiece{Controller: f.Properties.MustString("controller", ""), Status: f.Properties.MustString("status", ""),
			Basis: f.Properties.MustString("basis", ""), AreaKm2: f.Properties.MustFloat64("area_km2", 0)}
		switch g := f.Geometry.(type) {
		case orb.MultiPolygon:
			p.Shape = g
		case orb.Polygon:
			p.Shape = orb.MultiPolygon{g}
		}
		out = append(out, p)
	}
	return out
}

// mercator maps lon/lat to Web Mercator, in degrees, where a map's pixels
// are square: x is the longitude, y grows as the map's latitude does.
func mercator(p orb.Point) orb.Point {
	return orb.Point{p[0], math.Log(math.Tan(math.Pi/4+p[1]*math.Pi/360)) * 180 / math.Pi}
}

func unmercator(p orb.Point) orb.Point {
	return orb.Point{p[0], math.Atan(math.Sinh(p[1]*math.Pi/180)) * 180 / math.Pi}
}

// deepest is a point of mp far from its edges (the best of a grid over
// each polygon) and that distance, in Web Mercator degrees: at zoom z a
// map shows it as r·256·2^z/360 pixels.
func deepest(mp orb.MultiPolygon) (pt orb.Point, r float64) {
	for _, poly := range mp {
		m := make(orb.Polygon, len(poly))
		for i, ring := range poly {
			m[i] = make(orb.Ring, len(ring))
			for j, p := range ring {
				m[i][j] = mercator(p)
			}
		}
		b := m.Bound()
		const n = 24
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				p := orb.Point{b.Min[0] + (b.Max[0]-b.Min[0])*(float64(i)+0.5)/n, b.Min[1] + (b.Max[1]-b.Min[1])*(float64(j)+0.5)/n}
				if !planar.PolygonContains(m, p) {
					continue
				}
				if d := planar.DistanceFrom(m, p); d > r {
					pt, r = unmercator(p), d
				}
			}
		}
	}
	return pt, r
}

// zoomFor is the zoom, from 7 to 12, at which a point r Web Mercator
// degrees from the edges of its ground lies at least px pixels inside it.
func zoomFor(r, px float64) int {
	if r <= 0 {
		return 12
	}
	return max(7, min(12, int(math.Ceil(math.Log2(px*360/(256*r))))))
}

// pixels is what the map's canvas shows in a square 2·radius+1 CSS pixels
// wide around the point (lat, lon): the largest range of any of the red,
// green and blue channels (a hatch has light and dark pixels, a solid or
// pale fill almost none), the median colour, and the darkest pixel.
type pixels struct {
	Range           float64
	Median, Darkest [3]float64
}

func (b *browser) sample(t *testing.T, lat, lon float64, radius int) pixels {
	t.Helper()
	var p pixels
	b.eval(t, &p, fmt.Sprintf(`((lat, lon, R) => {
		const c = document.querySelector('.leaflet-overlay-pane canvas'), r = c.getBoundingClientRect();
		const at = window.frontlineTest.pagePoint(lat, lon), s = c.width / r.width, rr = Math.round(R * s);
		const x = Math.round((at.x - r.left) * s), y = Math.round((at.y - r.top) * s);
		const d = c.getContext('2d').getImageData(x - rr, y - rr, 2 * rr + 1, 2 * rr + 1).data;
		const ch = [[], [], []];
		let darkest = null, dark = Infinity;
		for (let i = 0; i < d.length; i += 4) {
			for (let k = 0; k < 3; k++) ch[k].push(d[i + k]);
			const l = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
			if (l < dark) { dark = l; darkest = [d[i], d[i + 1], d[i + 2]]; }
		}
		const range = Math.max(...ch.map((v) => Math.max(...v) - Math.min(...v)));
		const median = ch.map((v) => v.sort((a, b) => a - b)[v.length >> 1]);
		return {Range: range, Median: median, Darkest: darkest};
	})(%f, %f, %d)`, lat, lon, radius))
	return p
}

// viewAt shows instant at, centred on pt at zoom z, as a permalink would,
// and waits until it is drawn.
func (b *browser) viewAt(t *testing.T, at string, pt orb.Point, z int) {
	t.Helper()
	b.run(t, do(fmt.Sprintf(`location.hash = %q`, fmt.Sprintf("t=%s&z=%d&lat=%.5f&lon=%.5f", at, z, pt[1], pt[0]))),
		waitFor(fmt.Sprintf(`window.frontlineTest.t === Date.parse(%q) && window.frontlineTest.view.zoom === %d && %s`, at, z, settled)),
		chromedp.Sleep(300*time.Millisecond))
}

// closePopup closes the popup open on the map, as a user would, and
// waits until it is gone.
func (b *browser) closePopup(t *testing.T) {
	t.Helper()
	b.run(t, waitFor(`(() => { const c = document.querySelector('.leaflet-popup-close-button'), m = document.getElementById('map');
		const r = c && c.getBoundingClientRect(), w = m.getBoundingClientRect();
		return !!r && r.top >= w.top && r.bottom <= w.bottom && r.left >= w.left && r.right <= w.right; })()`),
		chromedp.Click(chromedp.CSS(".leaflet-popup-close-button")))
	b.run(t, waitFor(`!document.querySelector('.leaflet-popup')`))
}

// fromBasemap is how far colour c lies from Syria's ground on the basemap.
func fromBasemap(c [3]float64) float64 {
	return math.Sqrt((c[0]-0xf4)*(c[0]-0xf4) + (c[1]-0xf1)*(c[1]-0xf1) + (c[2]-0xe8)*(c[2]-0xe8))
}
