package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"frontline/geo"

	"github.com/chromedp/cdproto/cdp"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// reviewToken is the token the review tests start the service with.
const reviewToken = "review-test-token-0123456789"

// homsID is the place the seed article's main claim is about.
const homsID = "gn:169577"

// newTab opens another tab in the browser, recording as the first does.
func (b *browser) newTab(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	tab := &browser{ctx: ctx, bytes: map[network.RequestID]float64{}}
	tab.record(t)
	return tab
}

// allow drops the problems the test expects (an HTTP status it provoked)
// before checkClean looks at the rest.
func (b *browser) allow(problems ...string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var kept []string
	for _, p := range b.problems {
		expected := false
		for _, a := range problems {
			expected = expected || p == a
		}
		if !expected {
			kept = append(kept, p)
		}
	}
	b.problems = kept
}

// screenshot saves what the tab shows in the screenshot folder.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir(t), name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// reviewReady is true once the review page has its factions and basemap.
const reviewReady = `document.body.dataset.ready === '1'`

// readArticle types the token, pastes text as a user would (inserted
// text, as a paste is), sets the publication time and presses Read.
func (b *browser) readArticle(t *testing.T, token, text, published string) {
	t.Helper()
	b.run(t,
		chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Click(chromedp.ID("token-use")),
		chromedp.Focus(chromedp.ID("text")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
			return err
		}),
		chromedp.SetValue(chromedp.ID("outlet"), "Gulf News (AFP)"),
		chromedp.SetValue(chromedp.ID("url"), "https://example.org/syria-live"),
		do(fmt.Sprintf(`const p = document.getElementById('published'); p.value = %q; p.dispatchEvent(new Event('input', {bubbles: true}))`, published)),
		chromedp.Click(chromedp.ID("read")),
	)
}

type apiClaim struct {
	ID        int64   `json:"id"`
	Article   int64   `json:"article"`
	PlaceID   string  `json:"place_id"`
	Name      string  `json:"name"`
	Faction   string  `json:"faction"`
	Status    string  `json:"status"`
	Quote     string  `json:"quote"`
	Start     int     `json:"start"`
	End       int     `json:"end"`
	Review    string  `json:"review"`
	Reason    string  `json:"reason"`
	Change    string  `json:"change"`
	Lon       float64 `json:"lon"`
	Lat       float64 `json:"lat"`
	DecidedAt string  `json:"decided_at"`
}

// A reviewer reads the seed article on /review, in a second tab, and
// accepts its claim on Homs; the map open in the first tab hears of the
// new snapshot on its event stream and shows it without a reload, at the
// instant and view it was showing.
func TestReviewAcceptShowsOnTheMap(t *testing.T) {
	text := seedArticle(t)
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: reviewToken}, nil)
	base := "http://" + m.Addr()

	// Tab 1: the map, on 8 Dec at 06:00 over Homs.
	mapTab := newBrowser(t, 1280, 860)
	mapTab.open(t, base+"/?test=1#t=2024-12-08T06:00:00Z&z=8&lat=34.73&lon=36.72")
	mapTab.run(t, waitFor(`window.frontlineTest.stream.state === 'open' && window.frontlineTest.stream.events >= 1`),
		waitFor(settled), do(`window.__notReloaded = true`))
	type mapState struct {
		Version string
		T       float64
		K       int
		Shown   int
		View    struct{ Zoom, Lat, Lon float64 }
		Stream  struct {
			State, LastVersion string
			Events, Opened     int
			Polling            bool
		}
		Refreshes   int
		NotReloaded bool
		When        string
		Events      string
	}
	mapNow := func() (s mapState) {
		mapTab.eval(t, &s, `(() => { const f = window.frontlineTest;
			return {Version: f.version, T: f.t, K: f.k, Shown: f.shownKeyframe, View: f.view, Stream: f.stream,
				Refreshes: f.refreshes, NotReloaded: window.__notReloaded === true,
				When: document.getElementById('when').textContent, Events: document.getElementById('events').textContent}; })()`)
		return s
	}
	before := mapNow()
	if before.Version != m.App.Current().Version || before.Stream.Polling || before.Stream.LastVersion != before.Version {
		t.Fatalf("the map before the review: %+v (service at %s)", before, m.App.Current().Version)
	}

	// Tab 2: the review page.
	rev := mapTab.newTab(t)
	rev.run(t, chromedp.Navigate(base+"/review"), waitFor(reviewReady))
	rev.readArticle(t, reviewToken, text, "2024-12-08T12:00")
	rev.run(t, waitFor(`!!document.body.dataset.article || document.getElementById('article-status').className === 'error'`))
	if msg := rev.text(t, "#article-status"); !strings.HasPrefix(msg, "Article ") {
		t.Fatalf("reading the article: %q", msg)
	}

	// The token is kept for the tab only: not in localStorage, not in the address.
	var kept struct {
		Session, Local, URL string
		Field               string
	}
	rev.eval(t, &kept, `({Session: sessionStorage.getItem('frontline.review.token') || '', Local: JSON.stringify(localStorage),
		URL: location.href, Field: document.getElementById('token').value})`)
	if kept.Session != reviewToken || strings.Contains(kept.Local, reviewToken) || strings.Contains(kept.URL, reviewToken) || kept.Field != "" {
		t.Errorf("where the token is kept: %+v", kept)
	}

	// What the service stored, to compare the page with.
	var id int64
	rev.eval(t, &id, `Number(document.body.dataset.article)`)
	var art struct {
		Text      string
		Published time.Time
		Outlet    string
		Mentions  []geo.Mention
		Claims    []apiClaim
	}
	if code, _, _ := getJSON(t, fmt.Sprintf("%s/api/articles/%d", base, id), &art); code != 200 {
		t.Fatalf("GET /api/articles/%d: %d", id, code)
	}
	if !art.Published.Equal(time.Date(2024, 12, 8, 12, 0, 0, 0, time.UTC)) || art.Outlet != "Gulf News (AFP)" || art.Text != strings.TrimSpace(text) {
		t.Errorf("article stored: published %v, outlet %q, text of %d bytes (pasted %d)", art.Published, art.Outlet, len(art.Text), len(text))
	}

	// Every mention is marked, in order, on the words the service read
	// (offsets in code points); those inside an organisation's name apart.
	type mark struct {
		Text, Place, Title string
		InOrg              bool
	}
	var marks []mark
	rev.eval(t, &marks, `[...document.querySelectorAll('#article-text mark.mention')].map((m) => ({
		Text: m.textContent, Place: m.dataset.place, Title: m.title, InOrg: m.classList.contains('in-org')}))`)
	if len(marks) != len(art.Mentions) {
		t.Errorf("%d mentions marked, %d read", len(marks), len(art.Mentions))
	}
	named := map[string]bool{}
	for i, mk := range marks {
		if i < len(art.Mentions) {
			me := art.Mentions[i]
			if mk.Text != me.Text || mk.Place != me.PlaceID || mk.InOrg != me.InOrg || !strings.Contains(mk.Title, me.Name) || !strings.Contains(mk.Title, me.PlaceID) {
				t.Errorf("mark %d: %+v, mention %+v", i, mk, me)
			}
		}
		named[mk.Place] = true
	}
	for place, name := range map[string]string{homsID: "Homs", "gn:170654": "Damascus", "gn:170063": "Aleppo"} {
		if !named[place] {
			t.Errorf("%s (%s) is not marked in the text", name, place)
		}
	}
	if t.Failed() {
		rev.screenshot(t, "review-failed.png")
		t.FailNow()
	}

	// Every claim is listed and on the map; the one on Homs is picked by
	// its place (one that is not a denial when there are both).
	var cards []struct {
		ID            int64
		Place, Review string
		Faction       string
		Quote         string
	}
	rev.eval(t, &cards, `[...document.querySelectorAll('#claims li.claim')].map((li) => ({ID: Number(li.dataset.id),
		Place: li.dataset.placeId, Review: li.dataset.review, Faction: li.querySelector('select[id$="-faction"]').value,
		Quote: li.querySelector('.quote-text').textContent}))`)
	markers := evaluate[string](t, rev, `document.getElementById('claims-map').dataset.markers`)
	if len(cards) == 0 || len(cards) != len(art.Claims) || markers != fmt.Sprint(len(art.Claims)) {
		t.Fatalf("%d claims listed (%v markers), %d read: %+v", len(cards), markers, len(art.Claims), art.Claims)
	}
	var claim apiClaim
	for i, c := range art.Claims {
		if cards[i].ID != c.ID || cards[i].Place != c.PlaceID || cards[i].Review != "pending" || cards[i].Faction != c.Faction ||
			!strings.Contains(cards[i].Quote, c.Quote) {
			t.Errorf("card %d: %+v, claim %+v", i, cards[i], c)
		}
		if c.PlaceID == homsID && (claim.ID == 0 || claim.Status == "denied" && c.Status != "denied") {
			claim = c
		}
	}
	if claim.ID == 0 {
		t.Fatalf("no claim on Homs (%s) in %+v", homsID, art.Claims)
	}

	// Hovering the claim marks its sentence in the text; "Show in the
	// text" selects it and brings the sentence into view.
	card := fmt.Sprintf("#claim-%d", claim.ID)
	quoted := func(cls string) string {
		return evaluate[string](t, rev, fmt.Sprintf(`[...document.querySelectorAll('#article-text .quote.%s')].map((n) => n.textContent).join('')`, cls))
	}
	rev.run(t, do(fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new MouseEvent('mouseenter'))`, card)))
	if got := quoted("hover"); got != claim.Quote {
		t.Errorf("hovering claim %d marks %q in the text, not its quote %q", claim.ID, got, claim.Quote)
	}
	rev.run(t, chromedp.Sleep(500*time.Millisecond), do(`window.scrollTo({top: 0, behavior: 'instant'})`), waitFor(`window.scrollY === 0`), chromedp.Sleep(100*time.Millisecond))
	rev.screenshot(t, "review-read.png")
	rev.run(t, chromedp.ScrollIntoView(chromedp.CSS(card)), chromedp.Click(chromedp.CSS(card+" .show-quote")), chromedp.Sleep(600*time.Millisecond))
	if got := quoted("hl"); got != claim.Quote {
		t.Errorf("claim %d shown in the text: %q marked, not its quote %q", claim.ID, got, claim.Quote)
	}
	rev.screenshot(t, "review-claim-shown.png")

	// Accept it as read.
	rev.run(t, chromedp.Click(chromedp.CSS(card+" button.accept")),
		waitFor(fmt.Sprintf(`document.querySelector(%q).dataset.review !== 'pending' || document.querySelector(%q).classList.contains('error')`, card, card+" .result")))
	var decided struct {
		Review, Result, Version string
		Controls                bool
	}
	rev.eval(t, &decided, fmt.Sprintf(`(() => { const li = document.querySelector(%q), r = li.querySelector('.result');
		return {Review: li.dataset.review, Result: r.textContent, Version: r.dataset.version || '',
			Controls: !li.querySelector('.fix-box').hidden || !li.querySelector('.decide').hidden}; })()`, card))
	service := m.App.Current().Version
	if decided.Review != "accepted" || decided.Version != service || decided.Version == before.Version ||
		!strings.Contains(decided.Result, "version "+service) || decided.Controls {
		t.Fatalf("after accepting claim %d: %+v (service at %s, map was at %s)", claim.ID, decided, service, before.Version)
	}
	rev.run(t, chromedp.ScrollIntoView(chromedp.CSS(card)))
	rev.screenshot(t, "review-accepted.png")

	// The map, untouched, follows: the new version through the stream,
	// the same instant and view, no reload, the change in its list.
	if _, err := chromedp.Call(mapTab.ctx, page.BringToFront, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	mapTab.run(t, waitFor(fmt.Sprintf(`window.frontlineTest.version === %q`, service)), waitFor(settled))
	mapTab.screenshot(t, "map-after-accept.png")
	after := mapNow()
	if after.T != before.T || after.When != before.When || after.View != before.View || !after.NotReloaded || after.Refreshes < 1 {
		t.Errorf("the map after the accept: %+v, before %+v", after, before)
	}
	if after.Stream.State != "open" || after.Stream.LastVersion != service || after.Stream.Events < 2 || after.Stream.Polling {
		t.Errorf("the map's event stream: %+v", after.Stream)
	}
	change := "claim-" + fmt.Sprint(claim.ID)
	if c := timelineChange(t, base, change); c == nil {
		t.Errorf("change %s is not in /api/timeline", change)
	}
	if !strings.Contains(after.Events, fmt.Sprintf("read from article %d and accepted", id)) {
		t.Errorf("the map's list of changes does not show the accepted claim: %.300s", after.Events)
	}

	// The service has it accepted, with its change; no longer pending.
	var acceptedPage, pendingPage struct{ Claims []apiClaim }
	getJSON(t, base+"/api/claims?status=accepted", &acceptedPage)
	getJSON(t, base+"/api/claims?status=pending", &pendingPage)
	if len(acceptedPage.Claims) != 1 || acceptedPage.Claims[0].ID != claim.ID || acceptedPage.Claims[0].Change != change {
		t.Errorf("accepted claims: %+v", acceptedPage.Claims)
	}
	for _, c := range pendingPage.Claims {
		if c.ID == claim.ID {
			t.Errorf("claim %d is still pending", claim.ID)
		}
	}
	// The pending list on the page follows.
	rev.run(t, waitFor(fmt.Sprintf(`document.getElementById('pending-count').textContent === %q`, pendingCount(len(pendingPage.Claims)))))

	// Another claim, when there is one, rejected with a reason.
	var other apiClaim
	for _, c := range art.Claims {
		if c.ID != claim.ID && other.ID == 0 {
			other = c
		}
	}
	if other.ID != 0 {
		oc := fmt.Sprintf("#claim-%d", other.ID)
		rev.run(t, chromedp.SetValue(chromedp.CSS(oc+" input[id$='-reason']"), "the sentence reports a denial, not a change"),
			chromedp.Click(chromedp.CSS(oc+" button.reject")),
			waitFor(fmt.Sprintf(`document.querySelector(%q).dataset.review !== 'pending' || document.querySelector(%q).classList.contains('error')`, oc, oc+" .result")))
		var rejected struct{ Claims []apiClaim }
		getJSON(t, base+"/api/claims?status=rejected", &rejected)
		if got := rev.text(t, oc+" .result"); len(rejected.Claims) != 1 || rejected.Claims[0].Reason != "the sentence reports a denial, not a change" ||
			!strings.Contains(got, "Rejected") || !strings.Contains(got, "a denial, not a change") {
			t.Errorf("rejecting claim %d: page says %q, service %+v", other.ID, got, rejected.Claims)
		}
	}

	// Another, accepted with every correction: faction, place (found by
	// name), time and status.
	var fixed apiClaim
	for _, c := range art.Claims {
		if c.ID != claim.ID && c.ID != other.ID && c.PlaceID != "gn:170017" && fixed.ID == 0 {
			fixed = c
		}
	}
	if fixed.ID != 0 {
		fc := fmt.Sprintf("#claim-%d", fixed.ID)
		set := func(sel, value, event string) chromedp.Action[chromedp.Void] {
			return do(fmt.Sprintf(`const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event(%q, {bubbles: true}))`, sel, value, event))
		}
		rev.run(t, chromedp.ScrollIntoView(chromedp.CSS(fc)), chromedp.Click(chromedp.CSS(fc+" details.fix-box summary")),
			set(fc+" select[id$='-faction']", "sna", "change"),
			chromedp.SetValue(chromedp.CSS(fc+" input[id$='-place-q']"), "Hama"), chromedp.Click(chromedp.CSS(fc+" button.find")),
			waitFor(fmt.Sprintf(`[...document.querySelectorAll(%q)].some((o) => o.value === 'gn:170017')`, fc+" select[id$='-place'] option")),
			set(fc+" select[id$='-place']", "gn:170017", "change"),
			set(fc+" input[id$='-at']", "2024-12-08T05:00", "input"),
			set(fc+" select[id$='-status']", "confirmed", "change"),
			chromedp.Sleep(200*time.Millisecond))
		rev.screenshot(t, "review-correction.png")
		will := rev.text(t, fc+" .will")
		if !strings.Contains(will, "Syrian National Army") || !strings.Contains(will, "amāh") || !strings.Contains(will, "8 Dec 2024, 05:00 UTC") ||
			!strings.Contains(will, "confirmed") || !strings.Contains(will, "corrected: faction, place, at, precision, status") {
			t.Errorf("what accepting claim %d would record: %q", fixed.ID, will)
		}
		rev.run(t, chromedp.Click(chromedp.CSS(fc+" button.accept")),
			waitFor(fmt.Sprintf(`document.querySelector(%q).dataset.review !== 'pending' || document.querySelector(%q).classList.contains('error')`, fc, fc+" .result")))
		c := timelineChange(t, base, "claim-"+fmt.Sprint(fixed.ID))
		if c == nil || c.Place != "gn:170017" || c.Faction != "sna" || c.At != "2024-12-08T05:00:00Z" || c.Precision != "hour" || c.Status != "confirmed" {
			t.Errorf("claim %d accepted with corrections: page says %q; change %+v", fixed.ID, rev.text(t, fc+" .result"), c)
		}
		mapTab.run(t, waitFor(fmt.Sprintf(`window.frontlineTest.version === %q`, m.App.Current().Version)))
	}

	// Coming back later: the article opens from its address.
	rev.run(t, chromedp.Navigate(fmt.Sprintf("%s/review#article=%d", base, id)), waitFor(reviewReady),
		waitFor(fmt.Sprintf(`document.body.dataset.article === '%d'`, id)))
	if got := evaluate[string](t, rev, fmt.Sprintf(`document.querySelector(%q).dataset.review`, card)); got != "accepted" {
		t.Errorf("claim %d opened again: %s", claim.ID, got)
	}

	mapTab.checkClean(t, base)
	rev.checkClean(t, base)
}

type timelineChangeJSON struct {
	ID, Place, Faction, At, Precision, Status string
}

// timelineChange is the change id in /api/timeline, or nil.
func timelineChange(t *testing.T, base, id string) *timelineChangeJSON {
	t.Helper()
	var tl struct {
		Keyframes []struct{ Changes []timelineChangeJSON }
	}
	getJSON(t, base+"/api/timeline", &tl)
	for _, kf := range tl.Keyframes {
		for _, c := range kf.Changes {
			if c.ID == id {
				return &c
			}
		}
	}
	return nil
}

func pendingCount(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("(%d)", n)
}

// A wrong token is refused: the page shows the service's detail, asks for
// the token again, and nothing is stored. A service without a token says
// it is read-only.
func TestReviewWrongToken(t *testing.T) {
	text := seedArticle(t)
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: reviewToken}, nil)
	base := "http://" + m.Addr()
	b := newBrowser(t, 1280, 860)
	b.run(t, chromedp.Navigate(base+"/review"), waitFor(reviewReady))
	b.readArticle(t, "not-the-token", text, "2024-12-08T12:00")
	b.run(t, waitFor(`document.getElementById('article-status').className === 'error'`))
	var r struct {
		Status, TokenStatus, Invalid, Active, Kept string
		Reading                                    bool
	}
	read := func() {
		b.eval(t, &r, `({Status: document.getElementById('article-status').textContent,
			TokenStatus: document.getElementById('token-status').textContent,
			Invalid: document.getElementById('token').getAttribute('aria-invalid'),
			Active: document.activeElement.id, Kept: sessionStorage.getItem('frontline.review.token') || '',
			Reading: !document.getElementById('reading').hidden})`)
	}
	read()
	const detail = "this write needs the header Authorization: Bearer TOKEN"
	if !strings.Contains(r.Status, detail) || !strings.Contains(r.TokenStatus, "again") || r.Invalid != "true" || r.Active != "token" || r.Kept != "" || r.Reading {
		t.Errorf("after a wrong token: %+v", r)
	}
	b.screenshot(t, "review-wrong-token.png")
	var claims struct{ Claims []apiClaim }
	getJSON(t, base+"/api/claims", &claims)
	if len(claims.Claims) != 0 {
		t.Errorf("claims stored with a wrong token: %+v", claims.Claims)
	}
	if code, _ := httpGet(t, base+"/api/articles/1"); code != http.StatusNotFound {
		t.Errorf("GET /api/articles/1 after a wrong token: %d", code)
	}
	b.allow("HTTP 401 for " + base + "/api/articles")
	b.checkClean(t, base)

	// A read-only service.
	ro := MustRun(t, filepath.Join(t.TempDir(), "ro.db"), nil)
	roBase := "http://" + ro.Addr()
	b.run(t, chromedp.Navigate(roBase+"/review"), waitFor(reviewReady))
	b.readArticle(t, "any-token", text, "2024-12-08T12:00")
	b.run(t, waitFor(`document.getElementById('article-status').className === 'error'`))
	read()
	if !strings.Contains(r.Status, "read-only") || r.Reading {
		t.Errorf("on a read-only service: %+v", r)
	}
	b.allow("HTTP 403 for " + roBase + "/api/articles")
	b.mu.Lock()
	b.requests = nil // from the first service
	b.mu.Unlock()
	b.checkClean(t, roBase)
}

// On a phone the review page fits the screen's width, every control has
// a name, and an article read shows its text and claims one above the
// other.
func TestReviewOnAPhone(t *testing.T) {
	text := seedArticle(t)
	m := MustRunWith(t, Config{DB: filepath.Join(t.TempDir(), "f.db"), Token: reviewToken}, nil)
	base := "http://" + m.Addr()
	b := newBrowser(t, 390, 844)
	// A headless window is at least 500 px wide: the phone's width is emulated.
	b.run(t, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/review"), waitFor(reviewReady))
	b.screenshot(t, "phone-review-empty.png")
	b.readArticle(t, reviewToken, text, "2024-12-08T12:00")
	b.run(t, waitFor(`!!document.body.dataset.article`), chromedp.Sleep(400*time.Millisecond))
	var r struct {
		Overflow  bool
		Wide      []string
		Unnamed   []string
		Claims    int
		TextBelow bool
	}
	b.eval(t, &r, `(() => ({
		Overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
		Wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.leaflet-container') && e.offsetParent !== null).map((e) => e.tagName + '#' + e.id + '.' + e.className).slice(0, 10),
		Unnamed: [...document.querySelectorAll('button, input, select, textarea')].filter((e) =>
			!(e.getAttribute('aria-label') || (e.labels && e.labels.length) || e.textContent.trim() || e.type === 'hidden')).map((e) => e.id || e.outerHTML),
		Claims: document.querySelectorAll('#claims li.claim').length,
		TextBelow: document.querySelector('.col-claims').getBoundingClientRect().top >= document.querySelector('.col-text').getBoundingClientRect().bottom - 1,
	}))()`)
	if r.Overflow || len(r.Wide) > 0 || len(r.Unnamed) > 0 || r.Claims == 0 || !r.TextBelow {
		t.Errorf("review page on a phone: %+v", r)
	}
	b.screenshot(t, "phone-review-read.png")
	b.run(t, chromedp.ScrollIntoView(chromedp.CSS("#claims li.claim")), chromedp.Sleep(200*time.Millisecond))
	b.screenshot(t, "phone-review-claim.png")
	b.checkClean(t, base)
}

// With the event stream cut (a proxy that drops it), the map falls back
// to asking for the timeline every so often, and still shows a new
// snapshot, at the instant it was showing.
func TestPageFallsBackToPolling(t *testing.T) {
	m := MustRun(t, filepath.Join(t.TempDir(), "f.db"), nil)
	base := "http://" + m.Addr()
	b := newBrowser(t, 1280, 820)
	err := chromedp.Listen(b.ctx, func(ev any) {
		if ev, ok := ev.(*cdpfetch.EventRequestPaused); ok {
			go chromedp.Call(b.ctx, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionRefused})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(b.ctx, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: []*cdpfetch.RequestPattern{{URLPattern: "*/api/events/stream*"}}}); err != nil {
		t.Fatal(err)
	}
	b.open(t, base+"/?test=1&poll=300#t=2024-12-11T12:00:00Z")
	b.run(t, waitFor(settled), waitFor(`window.frontlineTest.stream.polling && window.frontlineTest.stream.state !== 'open'`))
	type pageState struct {
		Version string
		T       float64
		Stream  struct {
			State          string
			Events, Opened int
			Polling        bool
		}
	}
	state := func() (s pageState) {
		b.eval(t, &s, `(() => { const f = window.frontlineTest; return {Version: f.version, T: f.t, Stream: f.stream}; })()`)
		return s
	}
	before := state()

	c := &geo.Change{ID: "test-poll-import", Place: findPlace(t, "Raqqa"), Name: "Raqqa", Faction: geo.ISIS,
		At: time.Date(2024, 12, 11, 6, 0, 0, 0, time.UTC), Precision: geo.Hour, Status: geo.Claimed,
		Summary: "A made-up import for the polling test.", Sources: []geo.Source{{Outlet: "test", Quote: "made up"}}}
	snap, err := m.App.Import(context.Background(), "test", []*geo.Change{c})
	if err != nil {
		t.Fatal(err)
	}
	b.run(t, waitFor(fmt.Sprintf(`window.frontlineTest.version === %q`, snap.Version)), waitFor(settled))
	after := state()
	if after.T != before.T || after.Stream.Events != 0 || after.Stream.Opened != 0 || after.Stream.State == "open" || !after.Stream.Polling {
		t.Errorf("polling without the stream: %+v, before %+v", after, before)
	}
	b.checkClean(t, base)
}
