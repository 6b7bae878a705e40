package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser drives the page in a real headless Chromium and records what
// it asks for and what it complains about.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	problems []string
	bytes    map[network.RequestID]float64 // bytes on the wire per response
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
	b := &browser{ctx: ctx, bytes: map[network.RequestID]float64{}}
	err = chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		case *network.EventLoadingFinished:
			b.bytes[ev.RequestID] = ev.EncodedDataLength
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
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *browser) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// evaluate runs a JavaScript expression in the page and decodes its value.
func evaluate[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// eval runs a JavaScript expression and decodes its value into out.
func (b *browser) eval(t *testing.T, out any, expr string) {
	t.Helper()
	v := evaluate[any](t, b, expr)
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

// open loads a URL and waits until the page has drawn its first keyframe.
func (b *browser) open(t *testing.T, url string) {
	t.Helper()
	b.run(t, chromedp.Navigate(url), waitFor(`document.body.dataset.ready === '1' && window.frontline.shownKeyframe >= 0`))
}

func waitFor(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(evaluate[string](t, b, fmt.Sprintf(`document.querySelector(%q).innerText`, sel)))
}

// setInstant moves the slider as a user would: value, then an input event.
func (b *browser) setInstant(t *testing.T, iso string) {
	t.Helper()
	b.run(t, do(fmt.Sprintf(`const s = document.getElementById('slider');
		s.value = String(Date.parse(%q)); s.dispatchEvent(new Event('input', {bubbles: true}))`, iso)),
		waitFor(`window.frontline.shownKeyframe === window.frontline.k`))
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
	b.open(t, base+"/#t=2024-11-26T00:00:00Z&z=7&lat=35.00&lon=38.50")
	b.run(t, waitFor(`window.frontline.layers.size >= 2`), chromedp.Sleep(300*time.Millisecond))
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
	var start map[string]float64
	b.eval(t, &start, `window.frontline.shownAreas`)
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
	b.eval(t, &dec9, `window.frontline.shownAreas`)
	if dec9["government"] >= start["government"]/2 || dec9["hts"] <= start["hts"] {
		t.Errorf("areas on 26 Nov %v, on 9 Dec %v", start, dec9)
	}
	shot("2024-12-09.png")

	// Switching between keyframes already fetched: measured, reported.
	// The arrow keys step from change to change, as a user would press them.
	b.run(t, do(`window.frontline.switchTimes = []; document.activeElement.blur()`))
	for i := 0; i < 12; i++ {
		var t0 float64
		b.eval(t, &t0, `window.frontline.t`)
		b.run(t, chromedp.KeyEvent(kb.ArrowLeft), waitFor(fmt.Sprintf(
			`window.frontline.t < %f && window.frontline.t === window.frontline.keyframes[window.frontline.k].at && window.frontline.shownKeyframe === window.frontline.k`, t0)))
	}
	var times []float64
	b.eval(t, &times, `window.frontline.switchTimes`)
	sort.Float64s(times)
	if len(times) > 0 {
		t.Logf("keyframe switch in the browser: median %.1f ms, worst %.1f ms over %d switches",
			times[len(times)/2], times[len(times)-1], len(times))
		os.WriteFile(filepath.Join(screenshotDir(t), "switch-ms.txt"),
			[]byte(fmt.Sprintf("median %.1f ms, worst %.1f ms, %d switches\n", times[len(times)/2], times[len(times)-1], len(times))), 0o644)
	} else {
		t.Error("no keyframe switch was measured")
	}

	// A permalink restores the instant and the view.
	b.run(t, chromedp.Navigate(base+"/#t=2024-12-01T00:00:00Z&z=10&lat=36.20&lon=37.10"),
		waitFor(`document.body.dataset.ready === '1' && window.frontline.shownKeyframe >= 0`))
	if got := b.text(t, "#when"); got != "1 Dec 2024, 00:00 UTC" {
		t.Errorf("permalink instant: %q", got)
	}
	var view struct{ Z, Lat, Lon float64 }
	b.eval(t, &view, `(() => { const c = window.frontline.map.getCenter(); return {Z: window.frontline.map.getZoom(), Lat: c.lat, Lon: c.lng}; })()`)
	if view.Z != 10 || view.Lat < 36.19 || view.Lat > 36.21 || view.Lon < 37.09 || view.Lon > 37.11 {
		t.Errorf("permalink view: %+v", view)
	}

	// A click on Aleppo on 1 Dec: the HTS-led faction, with since and sources.
	var pt struct{ X, Y float64 }
	b.eval(t, &pt, `(() => { const p = window.frontline.map.latLngToContainerPoint([36.19, 37.14]);
		const r = document.getElementById('map').getBoundingClientRect(); return {X: p.x + r.left, Y: p.y + r.top}; })()`)
	b.run(t, chromedp.MouseClickXY(pt.X, pt.Y), waitFor(`!!document.querySelector('.leaflet-popup .popup[data-controller]')`))
	if got := b.text(t, ".leaflet-popup .popup"); !strings.Contains(got, "HTS-led") || !strings.Contains(got, "Held since") {
		t.Errorf("popup on Aleppo, 1 Dec: %q", got)
	}

	// Clicking an event in the list jumps to it.
	b.run(t, chromedp.Click(chromedp.CSS(`#events li.claimed`)), chromedp.Sleep(100*time.Millisecond))
	var evAt, tNow string
	b.eval(t, &evAt, `document.querySelector('#events li.claimed').dataset.at`)
	b.eval(t, &tNow, `new Date(window.frontline.t).toISOString().replace('.000Z', 'Z')`)
	if evAt != tNow {
		t.Errorf("clicked an event at %s, the instant is %s", evAt, tNow)
	}

	// Play advances the clock; space pauses.
	var before, after float64
	b.eval(t, &before, `window.frontline.t`)
	b.run(t, chromedp.Click(chromedp.ID("play")), chromedp.Sleep(1200*time.Millisecond))
	b.eval(t, &after, `window.frontline.t`)
	b.run(t, do(`document.activeElement.blur()`), chromedp.KeyEvent(" "), chromedp.Sleep(50*time.Millisecond))
	playing := evaluate[bool](t, b, `window.frontline.playing`)
	if after <= before || playing {
		t.Errorf("play: t from %v to %v; still playing after space: %v", before, after, playing)
	}

	// The search box finds a place and flies there.
	b.run(t, chromedp.SetValue(chromedp.ID("q"), "Deraa"), chromedp.Click(chromedp.CSS("#search button")),
		waitFor(`document.getElementById('search-status').textContent.length > 1 && document.getElementById('search-status').textContent !== '…'`),
		chromedp.Sleep(1200*time.Millisecond))
	var c struct{ Lat, Lon float64 }
	b.eval(t, &c, `(() => { const c = window.frontline.map.getCenter(); return {Lat: c.lat, Lon: c.lng}; })()`)
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

	// Embed mode: the map and the time control only.
	b.open(t, base+"/?embed=1#t=2024-12-08T12:00:00Z")
	var shown map[string]string
	b.eval(t, &shown, `Object.fromEntries(['header', '#side', '#map', '#timebar'].map((s) => [s, getComputedStyle(document.querySelector(s)).display]))`)
	if shown["header"] != "none" || shown["#side"] != "none" || shown["#map"] == "none" || shown["#timebar"] == "none" {
		t.Errorf("embed mode shows %v", shown)
	}
	if got := b.text(t, "#when"); got != "8 Dec 2024, 12:00 UTC" {
		t.Errorf("embed instant: %q", got)
	}

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

// On a phone-sized screen the page fits its width and keeps the map and
// the time control; controls have names for screen readers.
func TestPageOnAPhone(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	b := newBrowser(t, 390, 844)
	b.open(t, "http://"+m.Addr()+"/#t=2024-12-07T12:00:00Z")
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
}
