package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/server"
)

const testToken = "t0ken-for-tests-only-5f2b"

// MustRunWith starts the service as MustRun does, with the config's other
// fields (the token) set.
func MustRunWith(tb testing.TB, cfg Config, logs io.Writer) *Main {
	tb.Helper()
	if logs == nil {
		logs = io.Discard
	}
	cfg.Addr = "127.0.0.1:0"
	m := &Main{Config: cfg, Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

// seedArticle is the wire report the project grew from; it stays in
// ../shared and is read, never copied.
func seedArticle(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{"../../../shared/seed/article.txt", "../../shared/seed/article.txt", "/work/shared/seed/article.txt"} {
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	tb.Fatal("the seed article (shared/seed/article.txt) is not beside the checkout")
	return ""
}

type call struct {
	method, path, token, contentType string
	body                             string
}

func (c call) do(tb testing.TB, base string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
	if err != nil {
		tb.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func articleBody(tb testing.TB, text, published string) string {
	b, err := json.Marshal(map[string]string{"text": text, "url": "https://example.org/wire/1", "outlet": "Example Wire", "published": published})
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

type articleAnswer struct {
	ID       int64         `json:"id"`
	Text     string        `json:"text"`
	Focus    geo.Focus     `json:"focus"`
	Mentions []geo.Mention `json:"mentions"`
	Claims   []*geo.Claim  `json:"claims"`
}

// The write routes' policy: without a token the service is read-only
// (403); with one, a missing or wrong token is 401; the token is never
// logged.
func TestWritesNeedTheToken(t *testing.T) {
	ro := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "ro.db")}, nil)
	var logs bytes.Buffer
	rw := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "rw.db"), Token: testToken}, &logs)
	body := articleBody(t, "Rebels said they had captured Homs on Saturday.", "2024-12-08T12:00:00Z")
	writes := []call{
		{method: "POST", path: "/api/articles", contentType: "application/json", body: body},
		{method: "POST", path: "/api/claims/1/accept"},
		{method: "POST", path: "/api/claims/1/reject"},
	}
	for _, w := range writes {
		for _, c := range []struct {
			name   string
			base   string
			token  string
			status int
		}{
			{"read-only service", "http://" + ro.Addr(), testToken, 403},
			{"no token", "http://" + rw.Addr(), "", 401},
			{"wrong token", "http://" + rw.Addr(), testToken + "x", 401},
			{"token's prefix", "http://" + rw.Addr(), testToken[:8], 401},
		} {
			w.token = c.token
			res, b := w.do(t, c.base)
			if res.StatusCode != c.status || res.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s (%s): %d %s %s", w.method, w.path, c.name, res.StatusCode, res.Header.Get("Content-Type"), b)
			}
			if c.status == 401 && !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s %s: 401 without WWW-Authenticate", w.method, w.path)
			}
		}
	}
	// Nothing was stored by the refused writes.
	_, b := (call{method: "GET", path: "/api/claims"}).do(t, "http://"+rw.Addr())
	if !strings.Contains(string(b), `"claims":[]`) {
		t.Errorf("refused writes stored claims: %s", b)
	}
	// The right token passes; then the token must not be in any log line,
	// debug ones included.
	w := writes[0]
	w.token = testToken
	if res, b := w.do(t, "http://"+rw.Addr()); res.StatusCode != 201 {
		t.Fatalf("with the token: %d %s", res.StatusCode, b)
	}
	// The right token takes each write route to its handler: claim 1
	// (Homs, from the article) is accepted, then rejecting it is a
	// conflict, not a refusal of the token.
	for _, c := range []struct {
		w      call
		status int
	}{
		{call{method: "POST", path: "/api/claims/1/accept", token: testToken, contentType: "application/json", body: `{}`}, 200},
		{call{method: "POST", path: "/api/claims/1/reject", token: testToken, contentType: "application/json", body: `{"reason":"test"}`}, 409},
	} {
		if res, b := c.w.do(t, "http://"+rw.Addr()); res.StatusCode != c.status {
			t.Errorf("%s with the token: %d %s, want %d", c.w.path, res.StatusCode, b, c.status)
		}
	}
	if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), testToken[:8]) {
		t.Error("the token appears in the service's logs")
	}
	if !strings.Contains(logs.String(), `"path":"/api/articles"`) {
		t.Error("the debug log did not record the request, so the check above proves nothing")
	}
}

// Guessing the token is slow: after ten failed writes in a minute a
// client is refused 429, even with the right token (else the refusals
// would tell it when it guessed right); another client is not.
func TestFailedTokensAreLimited(t *testing.T) {
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: testToken}, nil)
	base := "http://" + m.Addr()
	reject := call{method: "POST", path: "/api/claims/1/reject", contentType: "application/json", body: `{"reason":"test"}`}
	for i := range 10 {
		reject.token = fmt.Sprintf("guess-%d", i)
		if res, b := reject.do(t, base); res.StatusCode != 401 {
			t.Fatalf("guess %d: %d %s", i, res.StatusCode, b)
		}
	}
	for _, token := range []string{"guess-10", testToken} {
		reject.token = token
		res, b := reject.do(t, base)
		if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("after ten failures, token %q: %d Retry-After %q %s", token, res.StatusCode, res.Header.Get("Retry-After"), b)
		}
	}
	// 127.0.0.2 is loopback too, and another client to the limit.
	other := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	req, _ := http.NewRequest("POST", base+reject.path, strings.NewReader(reject.body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := other.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 404 { // no claim 1: past the token, to the handler
		t.Errorf("another client with the right token: %d %s", res.StatusCode, b)
	}
}

// Ingest, list, accept, reject over HTTP, with the seed article; an
// accepted claim is in the next snapshot, at once.
func TestArticlesAndClaimsAPI(t *testing.T) {
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: testToken}, nil)
	base := "http://" + m.Addr()
	text := seedArticle(t)
	res, b := call{method: "POST", path: "/api/articles", token: testToken, contentType: "application/json",
		body: articleBody(t, text, "2024-12-08T12:00:00Z")}.do(t, base)
	if res.StatusCode != 201 {
		t.Fatalf("POST /api/articles: %d %s", res.StatusCode, b)
	}
	var art articleAnswer
	if err := json.Unmarshal(b, &art); err != nil {
		t.Fatal(err)
	}
	if res.Header.Get("Location") != fmt.Sprintf("/api/articles/%d", art.ID) || art.ID <= 0 {
		t.Errorf("Location %q for article %d", res.Header.Get("Location"), art.ID)
	}
	if art.Focus.Country != "SY" {
		t.Errorf("focus %+v", art.Focus)
	}
	runes := []rune(strings.TrimSpace(text))
	for _, mt := range art.Mentions {
		if mt.Start < 0 || mt.End > len(runes) || string(runes[mt.Start:mt.End]) != mt.Text {
			t.Errorf("mention %+v does not locate its text", mt)
		}
	}
	var homs *geo.Claim
	for _, c := range art.Claims {
		if c.ID <= 0 || c.Review != geo.Pending || c.Article != art.ID {
			t.Errorf("claim %+v: not stored as pending", c)
		}
		if c.PlaceID == "gn:169577" && c.Status == geo.Claimed && homs == nil {
			homs = c
		}
	}
	if homs == nil {
		t.Fatalf("no claimed Homs claim among %d claims", len(art.Claims))
	}

	var got articleAnswer
	if code, _, b := getJSON(t, fmt.Sprintf("%s/api/articles/%d", base, art.ID), &got); code != 200 || got.Text == "" ||
		len(got.Claims) != len(art.Claims) || len(got.Mentions) != len(art.Mentions) {
		t.Errorf("GET article: %d %.200s", code, b)
	}
	var pending server.ClaimsJSON
	getJSON(t, fmt.Sprintf("%s/api/claims?status=pending&article=%d", base, art.ID), &pending)
	if len(pending.Claims) != len(art.Claims) {
		t.Errorf("pending claims: %d, article has %d", len(pending.Claims), len(art.Claims))
	}

	// Accept the Homs claim, corrected to a day before the curated
	// capture, so the map must change to show it.
	var before server.ControlJSON
	getJSON(t, base+"/api/controller?lon=36.72&lat=34.73&at=2024-12-06T12:00:00Z", &before)
	tileURL := base + "/tiles/8/153/102.mvt?datetime=2024-12-06T12:00:00Z"
	tres, _ := call{method: "GET", path: strings.TrimPrefix(tileURL, base)}.do(t, base)
	res, b = call{method: "POST", path: fmt.Sprintf("/api/claims/%d/accept", homs.ID), token: testToken, contentType: "application/json",
		body: `{"faction":"hts","at":"2024-12-06T00:00:00Z","precision":"day"}`}.do(t, base)
	if res.StatusCode != 200 {
		t.Fatalf("accept: %d %s", res.StatusCode, b)
	}
	var dec server.DecisionJSON
	json.Unmarshal(b, &dec)
	if dec.Claim == nil || dec.Claim.Review != geo.Accepted || dec.Claim.Change == "" || dec.Claim.DecidedAt.IsZero() || dec.Version == "" {
		t.Fatalf("accept answered %s", b)
	}
	var after server.ControlJSON
	getJSON(t, base+"/api/controller?lon=36.72&lat=34.73&at=2024-12-06T12:00:00Z", &after)
	if before.Controller != "government" || after.Controller != "hts" || after.Change.ID != dec.Claim.Change {
		t.Errorf("Homs on 6 Dec: before %s, after %s by %s (claim's change %s)", before.Controller, after.Controller, after.Change.ID, dec.Claim.Change)
	}
	if len(after.Sources) != 1 || after.Sources[0].URL != "https://example.org/wire/1" || after.Sources[0].Outlet != "Example Wire" ||
		!strings.Contains(after.Sources[0].Quote, "Homs") {
		t.Errorf("the change's source is not the article: %+v", after.Sources)
	}
	tres2, _ := call{method: "GET", path: strings.TrimPrefix(tileURL, base)}.do(t, base)
	if tres.Header.Get("ETag") == tres2.Header.Get("ETag") || !strings.HasPrefix(tres2.Header.Get("ETag"), `"`+dec.Version+"-") {
		t.Errorf("tile ETag %s before, %s after (version %s)", tres.Header.Get("ETag"), tres2.Header.Get("ETag"), dec.Version)
	}

	// Decided claims stay decided.
	for _, path := range []string{"accept", "reject"} {
		res, b := call{method: "POST", path: fmt.Sprintf("/api/claims/%d/%s", homs.ID, path), token: testToken}.do(t, base)
		if res.StatusCode != 409 {
			t.Errorf("%s an accepted claim: %d %s", path, res.StatusCode, b)
		}
	}
	// Reject another, with a reason.
	var other *geo.Claim
	for _, c := range art.Claims {
		if c.ID != homs.ID {
			other = c
			break
		}
	}
	if other != nil {
		res, b := call{method: "POST", path: fmt.Sprintf("/api/claims/%d/reject", other.ID), token: testToken, contentType: "application/json",
			body: `{"reason":"the same report says so twice"}`}.do(t, base)
		if res.StatusCode != 200 || !strings.Contains(string(b), `"review":"rejected"`) || !strings.Contains(string(b), "twice") {
			t.Errorf("reject: %d %s", res.StatusCode, b)
		}
		var rejected server.ClaimsJSON
		getJSON(t, base+"/api/claims?status=rejected", &rejected)
		if len(rejected.Claims) != 1 || rejected.Claims[0].ID != other.ID {
			t.Errorf("rejected claims: %+v", rejected.Claims)
		}
	}
	var accepted server.ClaimsJSON
	getJSON(t, base+"/api/claims?status=accepted", &accepted)
	if len(accepted.Claims) != 1 || accepted.Claims[0].ID != homs.ID {
		t.Errorf("accepted claims: %+v", accepted.Claims)
	}
}

// Bad input to the news routes is a clear 4xx problem, never a 5xx, and
// stores nothing.
func TestNewsRoutesRefuseBadInput(t *testing.T) {
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: testToken}, nil)
	base := "http://" + m.Addr()
	big := strings.Repeat("Homs. ", (1<<20)/6+10)
	for _, c := range []struct {
		name   string
		call   call
		status int
	}{
		{"geoparse too large", call{method: "POST", path: "/api/geoparse", contentType: "text/plain", body: big}, 413},
		{"geoparse not UTF-8", call{method: "POST", path: "/api/geoparse", contentType: "text/plain", body: "Homs \xff\xfe"}, 400},
		{"geoparse latin-1", call{method: "POST", path: "/api/geoparse", contentType: "text/plain; charset=iso-8859-1", body: "Homs"}, 400},
		{"geoparse bad published", call{method: "POST", path: "/api/geoparse?published=yesterday", body: "Homs"}, 400},
		{"geoparse unknown parameter", call{method: "POST", path: "/api/geoparse?lang=en", body: "Homs"}, 400},
		{"geoparse GET", call{method: "GET", path: "/api/geoparse"}, 405},
		{"article not JSON", call{method: "POST", path: "/api/articles", token: testToken, contentType: "application/json", body: "text=Homs"}, 400},
		{"article form", call{method: "POST", path: "/api/articles", token: testToken, contentType: "application/x-www-form-urlencoded", body: "text=Homs"}, 400},
		{"article unknown field", call{method: "POST", path: "/api/articles", token: testToken, body: `{"text":"Homs","published":"2024-12-08T12:00:00Z","body":"x"}`}, 400},
		{"article no published", call{method: "POST", path: "/api/articles", token: testToken, body: `{"text":"Homs fell."}`}, 400},
		{"article bad published", call{method: "POST", path: "/api/articles", token: testToken, body: `{"text":"Homs fell.","published":"Sunday"}`}, 400},
		{"article no text", call{method: "POST", path: "/api/articles", token: testToken, body: `{"text":"  ","published":"2024-12-08T12:00:00Z"}`}, 400},
		{"article javascript url", call{method: "POST", path: "/api/articles", token: testToken, body: `{"text":"Homs fell.","url":"javascript:alert(1)","published":"2024-12-08T12:00:00Z"}`}, 400},
		{"article too large", call{method: "POST", path: "/api/articles", token: testToken, body: articleBody(t, big, "2024-12-08T12:00:00Z")}, 413},
		{"article trailing data", call{method: "POST", path: "/api/articles", token: testToken, body: `{"text":"Homs fell.","published":"2024-12-08T12:00:00Z"} {}`}, 400},
		{"unknown article", call{method: "GET", path: "/api/articles/999"}, 404},
		{"article id not a number", call{method: "GET", path: "/api/articles/abc"}, 404},
		{"article id overflows", call{method: "GET", path: "/api/articles/99999999999999999999999"}, 404},
		{"claims bad status", call{method: "GET", path: "/api/claims?status=maybe"}, 400},
		{"claims bad limit", call{method: "GET", path: "/api/claims?limit=0"}, 400},
		{"claims bad article", call{method: "GET", path: "/api/claims?article=-1"}, 400},
		{"accept unknown claim", call{method: "POST", path: "/api/claims/999/accept", token: testToken}, 404},
		{"reject unknown claim", call{method: "POST", path: "/api/claims/999/reject", token: testToken}, 404},
		{"accept GET", call{method: "GET", path: "/api/claims/1/accept"}, 405},
		{"events POST", call{method: "POST", path: "/api/events/stream"}, 405},
	} {
		res, b := c.call.do(t, base)
		if res.StatusCode != c.status || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s %s", c.name, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
	}
	// A claim whose correction makes no valid change is 400, and stays
	// pending.
	res, b := call{method: "POST", path: "/api/articles", token: testToken, body: articleBody(t,
		"Rebels said on Saturday they had captured the city of Homs.", "2024-12-08T12:00:00Z")}.do(t, base)
	if res.StatusCode != 201 {
		t.Fatalf("article: %d %s", res.StatusCode, b)
	}
	var art articleAnswer
	json.Unmarshal(b, &art)
	if len(art.Claims) == 0 {
		t.Fatalf("no claim read from %q", "Rebels said on Saturday they had captured the city of Homs.")
	}
	id := art.Claims[0].ID
	for _, body := range []string{`{"faction":"rebels"}`, `{"place_id":"gn:0"}`, `{"at":"2025-06-01T00:00:00Z"}`, `{"status":"rumoured"}`,
		`{"precision":"minute"}`, `{"at":"soon"}`, `{"colour":"red"}`, `[]`} {
		res, b := call{method: "POST", path: fmt.Sprintf("/api/claims/%d/accept", id), token: testToken, body: body}.do(t, base)
		if res.StatusCode != 400 {
			t.Errorf("accept with %s: %d %s", body, res.StatusCode, b)
		}
	}
	var pending server.ClaimsJSON
	getJSON(t, fmt.Sprintf("%s/api/claims?status=pending&article=%d", base, art.ID), &pending)
	if len(pending.Claims) != len(art.Claims) {
		t.Errorf("after refused accepts %d of %d claims pending", len(pending.Claims), len(art.Claims))
	}
}

// sseEvent is one event read from a stream.
type sseEvent struct{ id, event, data string }

// readEvents sends the stream's events (not its comments) on the channel.
func readEvents(body io.Reader, out chan<- sseEvent) {
	sc := bufio.NewScanner(body)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.event != "" || ev.data != "" {
				out <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			ev.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			ev.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			ev.data = line[6:]
		}
	}
	close(out)
}

func openStream(t *testing.T, base, lastID string) (chan sseEvent, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/events/stream", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent, 8)
	go readEvents(res.Body, ch)
	return ch, func() { cancel(); res.Body.Close() }
}

func next(t *testing.T, ch <-chan sseEvent, within time.Duration) (sseEvent, bool) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		return ev, ok
	case <-time.After(within):
		return sseEvent{}, false
	}
}

// The event stream says which version is in force, honours Last-Event-ID,
// and tells every open stream of a new snapshot.
func TestEventStream(t *testing.T) {
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: testToken}, nil)
	base := "http://" + m.Addr()
	v0 := m.App.Current().Version

	fresh, closeFresh := openStream(t, base, "")
	defer closeFresh()
	ev, ok := next(t, fresh, 5*time.Second)
	if !ok || ev.event != "timeline" || ev.id != v0 || !strings.Contains(ev.data, `"version":"`+v0+`"`) {
		t.Fatalf("first event %+v, want the version in force %s", ev, v0)
	}
	// A client that saw v0 hears nothing until there is news.
	caughtUp, closeCaughtUp := openStream(t, base, v0)
	defer closeCaughtUp()
	if ev, ok := next(t, caughtUp, 300*time.Millisecond); ok {
		t.Fatalf("a caught-up client was sent %+v", ev)
	}
	// One that saw an older version hears the current one at once.
	behind, closeBehind := openStream(t, base, "0123456789ab")
	defer closeBehind()
	if ev, ok := next(t, behind, 5*time.Second); !ok || ev.id != v0 {
		t.Fatalf("a client behind got %+v", ev)
	}

	res, b := call{method: "POST", path: "/api/articles", token: testToken, body: articleBody(t,
		"Rebels said on Saturday they had captured the city of Homs.", "2024-12-08T12:00:00Z")}.do(t, base)
	var art articleAnswer
	json.Unmarshal(b, &art)
	if res.StatusCode != 201 || len(art.Claims) == 0 {
		t.Fatalf("article: %d %s", res.StatusCode, b)
	}
	res, b = call{method: "POST", path: fmt.Sprintf("/api/claims/%d/accept", art.Claims[0].ID), token: testToken}.do(t, base)
	var dec server.DecisionJSON
	json.Unmarshal(b, &dec)
	if res.StatusCode != 200 || dec.Version == v0 {
		t.Fatalf("accept: %d %s", res.StatusCode, b)
	}
	for name, ch := range map[string]chan sseEvent{"fresh": fresh, "caught up": caughtUp, "behind": behind} {
		ev, ok := next(t, ch, 5*time.Second)
		if !ok || ev.id != dec.Version || ev.event != "timeline" {
			t.Errorf("%s stream after the accept: %+v, want version %s", name, ev, dec.Version)
		}
	}
	// Shutting down ends the streams rather than waiting on them.
	start := time.Now()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown with open streams took %v", d)
	}
	if _, ok := next(t, fresh, 5*time.Second); ok {
		t.Error("the stream stayed open after shutdown")
	}
}

// The CLI's geoparse prints what the API answers; ingest and claims work
// against the database the way the API does.
func TestNewsCommands(t *testing.T) {
	text := seedArticle(t)
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: testToken}, nil)
	res, apiBody := call{method: "POST", path: "/api/geoparse?published=2024-12-08T12:00:00Z", contentType: "text/plain; charset=utf-8", body: text}.do(t, "http://"+m.Addr())
	if res.StatusCode != 200 {
		t.Fatalf("geoparse: %d %s", res.StatusCode, apiBody)
	}
	var out, errb bytes.Buffer
	stdin = strings.NewReader(text)
	defer func() { stdin = os.Stdin }()
	if code := run(context.Background(), []string{"geoparse", "--published", "2024-12-08T12:00:00Z"}, &out, &errb); code != 0 {
		t.Fatalf("geoparse: %d %s", code, errb.String())
	}
	var fromAPI, fromCLI any
	if err := json.Unmarshal(apiBody, &fromAPI); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out.Bytes(), &fromCLI); err != nil {
		t.Fatalf("geoparse printed no JSON: %v", err)
	}
	a, _ := json.Marshal(fromAPI)
	c, _ := json.Marshal(fromCLI)
	if !bytes.Equal(a, c) {
		t.Errorf("CLI and API differ:\nAPI %.300s\nCLI %.300s", a, c)
	}

	db := filepath.Join(t.TempDir(), "cli.db")
	file := filepath.Join(t.TempDir(), "article.txt")
	os.WriteFile(file, []byte(text), 0o644)
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"ingest", "--db", db, "--published", "2024-12-08T12:00:00Z", "--url", "https://example.org/a", "--outlet", "Example", file}, &out, &errb); code != 0 {
		t.Fatalf("ingest: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "article 1:") || !strings.Contains(out.String(), "gn:169577") {
		t.Errorf("ingest printed %s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"ingest", "--json", "--db", db, "--published", "2024-12-08T12:00:00Z", file}, &out, &errb); code != 0 {
		t.Fatalf("ingest --json: %d %s", code, errb.String())
	}
	var printed articleAnswer
	if err := json.Unmarshal(out.Bytes(), &printed); err != nil || printed.ID != 2 || len(printed.Claims) == 0 || printed.Focus.Country != "SY" {
		t.Errorf("ingest --json does not print the API's article: %v %.200s", err, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"claims", "--db", db, "--status", "pending", "--article", "1", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("claims: %d %s", code, errb.String())
	}
	var listed server.ClaimsJSON
	if err := json.Unmarshal(out.Bytes(), &listed); err != nil || len(listed.Claims) == 0 {
		t.Fatalf("claims --json: %v %s", err, out.String())
	}
	var homs, other int64
	for _, c := range listed.Claims {
		if c.PlaceID == "gn:169577" && c.Status == geo.Claimed && homs == 0 {
			homs = c.ID
		} else if other == 0 {
			other = c.ID
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"claims", "accept", fmt.Sprint(homs), "--db", db, "--at", "2024-12-06T00:00:00Z"}, &out, &errb); code != 0 {
		t.Fatalf("claims accept: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "accepted as change claim-") {
		t.Errorf("accept printed %s", out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"claims", "accept", fmt.Sprint(homs), "--db", db}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "already accepted") {
		t.Errorf("accepting twice: %d %s", code, errb.String())
	}
	if code := run(context.Background(), []string{"claims", "reject", fmt.Sprint(other), "--db", db, "--reason", "duplicate"}, &out, &errb); code != 0 {
		t.Errorf("claims reject: %d %s", code, errb.String())
	}
	for _, args := range [][]string{{"claims", "accept"}, {"claims", "accept", "x"}, {"claims", "frobnicate"}, {"claims", "--status", "maybe"}, {"ingest", file}} {
		if code := run(context.Background(), append(args, "--db", db), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want a usage error", args, code)
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"controller", "--db", db, "--lon", "36.72", "--lat", "34.73", "--at", "2024-12-06T12:00:00Z"}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), `"controller": "hts"`) {
		t.Errorf("controller after the CLI accept: %d %s", code, out.String())
	}
}

// An idle stream sends heartbeat comments, so proxies keep it open.
func TestEventStreamHeartbeat(t *testing.T) {
	defer func(d time.Duration) { server.HeartbeatInterval = d }(server.HeartbeatInterval)
	server.HeartbeatInterval = 50 * time.Millisecond
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db")}, nil)
	req, _ := http.NewRequest("GET", "http://"+m.Addr()+"/api/events/stream", nil)
	req.Header.Set("Last-Event-ID", m.App.Current().Version)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	beats := 0
	deadline := time.After(5 * time.Second)
	for beats < 2 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the stream ended")
			}
			if strings.HasPrefix(l, "event:") {
				t.Fatalf("a caught-up idle stream sent an event: %s", l)
			}
			if l == ": heartbeat" {
				beats++
			}
		case <-deadline:
			t.Fatalf("%d heartbeats in 5 s at a 50 ms interval", beats)
		}
	}
}
