package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"frontline/internal/server"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
)

// syncBuffer is a log sink the service writes from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// shortTimeouts are small enough for a test to see each one at work.
var shortTimeouts = Timeouts{
	ReadHeader: 300 * time.Millisecond,
	Read:       time.Second,
	Write:      2 * time.Second,
	Idle:       500 * time.Millisecond,
}

// slowReaderDialer dials with a 4 KB receive window: a client that does
// not read fills it at once, and the server's writes block.
var slowReaderDialer = net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
	return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
}}

// runLogged starts the service with cfg on loopback with a database of
// its own, logging at debug level to logs.
func runLogged(t *testing.T, cfg Config, logs io.Writer) *Main {
	t.Helper()
	cfg.Addr, cfg.DB = "127.0.0.1:0", filepath.Join(t.TempDir(), "f.db")
	m := &Main{
		Config: cfg,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// closedWithin reads c until the server closes it, and fails if that
// takes longer than d. It returns the number of bytes read.
func closedWithin(t *testing.T, c net.Conn, d time.Duration) int {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(d))
	n, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %v (read %d bytes)", d, n)
	}
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read: %v", err)
	}
	return int(n)
}

func TestTimeouts(t *testing.T) {
	defer func(d time.Duration) { server.HeartbeatInterval = d }(server.HeartbeatInterval)
	server.HeartbeatInterval = 200 * time.Millisecond
	logs := &syncBuffer{}
	// The memory limit is the process's: put back what it was.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	const memoryLimit = 3 << 30
	m := runLogged(t, Config{Timeouts: shortTimeouts, MemoryLimit: memoryLimit}, logs)
	addr := m.Addr()
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Errorf("memory limit %d, want %d", got, memoryLimit)
	}

	t.Run("idle keep-alive connections are closed", func(t *testing.T) {
		const n = 20
		conns := make([]net.Conn, n)
		for i := range conns {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: frontline\r\n\r\n")
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Close {
				t.Fatalf("healthz: %d, close %v: want 200 on a kept-alive connection", res.StatusCode, res.Close)
			}
			conns[i] = c
		}
		for _, c := range conns {
			if n := closedWithin(t, c, 10*shortTimeouts.Idle); n != 0 {
				t.Errorf("idle connection got %d bytes before closing", n)
			}
		}
	})

	t.Run("a slow reader is cut off", func(t *testing.T) {
		const path = "/ogc/collections/control/items?limit=10000"
		// The whole answer, read as it should be. Building it may take
		// longer than the short write timeout on a loaded machine; once
		// built it is cached, and the next attempt has it at once.
		var full int64
		attempts := 0
		for {
			attempts++
			res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Get("http://" + addr + path)
			if err == nil {
				full, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err == nil && (res.StatusCode != 200 || full < 4<<20) {
					t.Fatalf("items: %d, %d bytes: want a large answer", res.StatusCode, full)
				}
			}
			if err == nil {
				break
			}
			if attempts == 5 {
				t.Fatal(err)
			}
		}

		// Every request is logged once answered: once those so far are,
		// the next line is the slow reader's.
		const itemsLogged = `"msg":"request","method":"GET","path":"/ogc/collections/control/items"`
		for strings.Count(logs.String(), itemsLogged) < attempts {
			time.Sleep(10 * time.Millisecond)
		}

		// A client with a small receive window that never reads.
		d := slowReaderDialer
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: frontline\r\n\r\n")
		// The handler returns, releasing what it held, within the write
		// timeout: the request is logged once it has.
		deadline := time.Now().Add(5 * shortTimeouts.Write)
		for strings.Count(logs.String(), itemsLogged) < attempts+1 {
			if time.Now().After(deadline) {
				t.Fatalf("the slow reader's request was still being answered after %v", 5*shortTimeouts.Write)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n := closedWithin(t, c, 10*time.Second); int64(n) >= full {
			t.Errorf("slow reader got %d bytes, the whole answer (%d)", n, full)
		}
	})

	t.Run("the event stream outlives the write timeout", func(t *testing.T) {
		res, err := http.Get("http://" + addr + "/api/events/stream")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("stream: %d", res.StatusCode)
		}
		start := time.Now()
		past := shortTimeouts.Write + shortTimeouts.Read + time.Second
		lines := bufio.NewScanner(res.Body)
		beats := 0
		for time.Since(start) < past {
			if !lines.Scan() {
				t.Fatalf("stream ended after %v: %v", time.Since(start).Round(time.Millisecond), lines.Err())
			}
			if lines.Text() == ": heartbeat" {
				beats++
			}
		}
		if min := int(past / server.HeartbeatInterval / 2); beats < min {
			t.Errorf("%d heartbeats in %v, want at least %d", beats, past, min)
		}
	})

	t.Run("a client that leaves is not an error", func(t *testing.T) { clientDisconnectIsNotAnError(t, m, logs) })

	t.Run("slowloris is closed by the header timeout", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			// Headers byte by byte, never finished.
			req := "GET /healthz HTTP/1.1\r\nHost: frontline\r\nX-Slow: " + strings.Repeat("a", 1000)
			for i := range len(req) {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
				if _, err := c.Write([]byte{req[i]}); err != nil {
					return
				}
			}
		}()
		closedWithin(t, c, 10*shortTimeouts.ReadHeader)
	})

	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != 200 {
		t.Errorf("healthz after the timeouts: %d", code)
	}
	// Clients cut off are no fault of the service's.
	if loud := loudLines(t, logs.String(), slog.LevelWarn); len(loud) > 0 {
		t.Errorf("timeouts logged as warnings or errors:\n%s", strings.Join(loud, "\n"))
	}
}

func TestParseMemoryLimit(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GiB": 2 << 30, "1048576": 1 << 20, "64KiB": 64 << 10, "100B": 100} {
		if got, err := parseMemoryLimit(in); err != nil || got != want {
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if got, err := parseMemoryLimit("off"); err != nil || got < 1<<62 {
		t.Errorf("off: %d, %v", got, err)
	}
	for _, in := range []string{"", "MiB", "-1MiB", "0", "1.5GiB", "512MB", "0x10", "9999999TiB"} {
		if _, err := parseMemoryLimit(in); err == nil {
			t.Errorf("parseMemoryLimit(%q): no error", in)
		}
	}
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--memory-limit", "lots"}, {"--write-timeout", "0s"}, {"--idle-timeout", "-1s"},
		{"--request-timeout", "0s"}, {"--builds-per-minute", "-1"}} {
		var stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"serve", "--db", filepath.Join(t.TempDir(), "f.db")}, args...), io.Discard, &stderr); code != 2 {
			t.Errorf("serve %v: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}

// A request that outlives its deadline waiting on the store is a 503
// with Retry-After, and its write is not half done; the point query and
// tiles, which wait on nothing, have no deadline to miss.
func TestRequestDeadline(t *testing.T) {
	db := filepath.Join(t.TempDir(), "f.db")
	m := MustRunWith(t, Config{DB: db, Token: testToken, RequestTimeout: time.Nanosecond}, nil)
	base := "http://" + m.Addr()
	post := call{method: "POST", path: "/api/articles", token: testToken, contentType: "application/json",
		body: articleBody(t, "Rebels said they had captured Homs on Saturday.", "2024-12-08T12:00:00Z")}
	for _, c := range []call{{method: "GET", path: "/api/claims"}, {method: "GET", path: "/api/articles/1"}, post} {
		res, b := c.do(t, base)
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "took longer") {
			t.Errorf("%s %s past its deadline: %d Retry-After %q %s", c.method, c.path, res.StatusCode, res.Header.Get("Retry-After"), b)
		}
	}
	for _, path := range []string{"/api/controller?lon=37.16&lat=36.2", "/tiles/7/77/50.mvt", "/ogc/collections/control/items?limit=1"} {
		if res, b := fetch(t, base+path, nil); res.StatusCode != 200 {
			t.Errorf("%s: %d %s", path, res.StatusCode, b)
		}
	}
	m.Close()
	again := MustRunWith(t, Config{DB: db}, nil)
	if res, b := (call{method: "GET", path: "/api/claims"}).do(t, "http://"+again.Addr()); res.StatusCode != 200 || !strings.Contains(string(b), `"claims":[]`) {
		t.Errorf("the write that missed its deadline left: %d %s", res.StatusCode, b)
	}
}

// cspLog records what Chromium says of the Content Security Policy: every
// refusal (of a script, a style, a frame...) is logged with its text.
type cspLog struct {
	mu      sync.Mutex
	refusal []string
}

func (l *cspLog) listen(t *testing.T, b *browser) {
	t.Helper()
	err := chromedp.Listen(b.ctx, func(ev any) {
		if ev, ok := ev.(*cdplog.EventEntryAdded); ok && strings.Contains(ev.Entry.Text, "Content Security Policy") {
			l.mu.Lock()
			l.refusal = append(l.refusal, ev.Entry.Text)
			l.mu.Unlock()
		}
	})
	if err == nil {
		_, err = chromedp.Call(b.ctx, cdplog.Enable, cdp.Empty{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (l *cspLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.refusal)
}

func TestPagesKeepToTheirSecurityPolicy(t *testing.T) {
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: "csp-test-token"}, nil)
	base := "http://" + m.Addr()
	b := newBrowser(t, 1200, 900)
	var csp cspLog
	csp.listen(t, b)

	// Every page works under its policy: nothing refused.
	b.open(t, base+"/?test=1#t=2024-12-08T06:00:00Z")
	b.open(t, base+"/?embed=1&test=1")
	b.run(t, chromedp.Navigate(base+"/review"), waitFor(reviewReady))
	b.run(t, chromedp.Navigate(base+"/ogc/collections/control/items?limit=25"),
		waitFor(`document.getElementById('map') && document.getElementById('map').dataset.drawn === '25'`))
	b.run(t, chromedp.Navigate(base+"/ogc"), waitFor(`document.readyState === 'complete'`))
	for _, r := range csp.all() {
		t.Errorf("refused: %s", r)
	}
	b.checkClean(t, base)

	// Framed by another site (another port is another origin): the map
	// shows, the review page does not.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>embedding</title>
<iframe src="%[1]s/?embed=1" width="600" height="400"></iframe>
<iframe src="%[1]s/review" width="600" height="400"></iframe>`, base)
	}))
	defer other.Close()
	b.mu.Lock()
	seen := len(b.requests) // what the pages above asked for
	b.mu.Unlock()
	framedRequests := func() []string {
		b.mu.Lock()
		defer b.mu.Unlock()
		return slices.Clone(b.requests[seen:])
	}
	b.run(t, chromedp.Navigate(other.URL), waitFor(`document.readyState === 'complete'`))
	// Chromium names only the framed origin: the one refusal is the
	// review page's, since the map page's scripts load.
	framedReview := func() bool { return len(csp.all()) > 0 }
	embedLoads := func() bool { return slices.Contains(framedRequests(), base+"/js/main.js") } // only a shown page runs its scripts
	for deadline := time.Now().Add(30 * time.Second); !framedReview() || !embedLoads(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("framed: review refused %v, embedded map loading %v; refusals %q", framedReview(), embedLoads(), csp.all())
		}
	}
	if r := csp.all(); len(r) != 1 || !strings.Contains(r[0], "frame-ancestors 'none'") {
		t.Errorf("refusals %q, want the review page's framing alone", r)
	}
	if slices.Contains(framedRequests(), base+"/js/review.js") {
		t.Errorf("the framed review page ran")
	}
}

// loudLines returns the JSON log lines at min level or above.
func loudLines(t *testing.T, logs string, min slog.Level) []string {
	t.Helper()
	var loud []string
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var l struct{ Level slog.Level }
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if l.Level >= min {
			loud = append(loud, line)
		}
	}
	return loud
}

// clientDisconnectIsNotAnError: a client that leaves mid-answer, by
// closing or by resetting its connection, is logged at debug level only.
func clientDisconnectIsNotAnError(t *testing.T, m *Main, logs *syncBuffer) {
	started := len(logs.String())
	const path = "/ogc/collections/control/items?limit=10000"
	const logged = `"msg":"request","method":"GET","path":"/ogc/collections/control/items"`
	for i, reset := range []bool{false, true} {
		d := slowReaderDialer
		c, err := d.Dial("tcp", m.Addr())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: frontline\r\n\r\n")
		// Mid-answer: the headers and the first bytes have come.
		if _, err := io.ReadFull(c, make([]byte, 16<<10)); err != nil {
			t.Fatal(err)
		}
		if reset {
			c.(*net.TCPConn).SetLinger(0) // "connection reset by peer" rather than "broken pipe"
		}
		c.Close()
		for deadline := time.Now().Add(30 * time.Second); strings.Count(logs.String()[started:], logged) <= i; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the request of the client that left was not answered in 30 s")
			}
		}
	}
	if loud := loudLines(t, logs.String()[started:], slog.LevelInfo); len(loud) > 0 {
		t.Errorf("client disconnects logged at info or above:\n%s", strings.Join(loud, "\n"))
	}
	if !strings.Contains(logs.String(), `"msg":"client gone"`) {
		t.Errorf("no debug line for the clients that left:\n%s", logs.String()[started:])
	}
}
