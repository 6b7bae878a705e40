package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"frontline/geo"
	"frontline/internal/ingest"
	"frontline/internal/store"
)

// OriginClaims names the changes made by accepting claims: a new binary's
// embedded timeline replaces its own origin and leaves these alone.
const OriginClaims = "claims"

// MaxArticleBytes bounds one article's text: a long wire story is 20 KB,
// so a megabyte is a pasted page, not a report.
const MaxArticleBytes = 1 << 20

// Parser returns the geoparser and claim extractor over the gazetteer.
func (a *App) Parser() *ingest.Parser { return a.parser }

// Geoparse reads text published at the instant: the places it names, its
// focus and the control claims it makes. Nothing is stored.
// Returns EINVALID for text that is not UTF-8, ETOOLARGE beyond
// [MaxArticleBytes].
func (a *App) Geoparse(text string, published time.Time) (ingest.Result, error) {
	if err := CheckText(text); err != nil {
		return ingest.Result{}, err
	}
	return a.parser.Parse(text, published), nil
}

// CheckText refuses a text no reader takes: larger than
// [MaxArticleBytes] (ETOOLARGE) or not UTF-8 (EINVALID).
func CheckText(text string) error {
	if len(text) > MaxArticleBytes {
		return geo.Errorf(geo.ETOOLARGE, "the text is %d bytes; at most %d are read", len(text), MaxArticleBytes)
	}
	if !utf8.ValidString(text) {
		return geo.Errorf(geo.EINVALID, "the text is not valid UTF-8")
	}
	if strings.IndexByte(text, 0) >= 0 {
		return geo.Errorf(geo.EINVALID, "the text contains a NUL byte")
	}
	return nil
}

// Ingested is an article as stored, with what was read from it.
type Ingested struct {
	Article  *geo.Article
	Focus    geo.Focus
	Mentions []geo.Mention
	Claims   []*geo.Claim
}

// Ingest reads the article and stores it with its mentions and proposed
// claims, each pending review. The article's ID and Ingested are set.
// Returns EINVALID for an article without text or publication time, with
// a URL that is not a web address, or not UTF-8; ETOOLARGE for one too long.
func (a *App) Ingest(ctx context.Context, art *geo.Article) (*Ingested, error) {
	art.Text = strings.TrimSpace(art.Text)
	art.Outlet = strings.TrimSpace(art.Outlet)
	art.URL = strings.TrimSpace(art.URL)
	switch {
	case art.Text == "":
		return nil, geo.Errorf(geo.EINVALID, "the article has no text")
	case art.Published.IsZero():
		return nil, geo.Errorf(geo.EINVALID, "give the article's publication time (published, RFC 3339): relative times such as \"on Sunday\" are read against it")
	case art.URL != "" && !geo.IsWebURL(art.URL):
		return nil, geo.Errorf(geo.EINVALID, "the article's url must be an http or https address, got %q", art.URL)
	case utf8.RuneCountInString(art.Outlet) > 200:
		return nil, geo.Errorf(geo.EINVALID, "the outlet's name is longer than 200 characters")
	}
	if err := CheckText(art.Text); err != nil {
		return nil, err
	}
	art.Published = art.Published.UTC()
	res := a.parser.Parse(art.Text, art.Published)
	if err := a.store.AddArticle(ctx, art, res.Mentions, res.Claims); err != nil {
		return nil, err
	}
	return &Ingested{Article: art, Focus: res.Focus, Mentions: res.Mentions, Claims: res.Claims}, nil
}

// Article returns a stored article with its mentions, focus and claims.
// Returns ENOTFOUND if there is none.
func (a *App) Article(ctx context.Context, id int64) (*Ingested, error) {
	art, mentions, claims, err := a.store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	// The focus is not stored: reading the text again costs a few
	// milliseconds and follows the gazetteer in force.
	focus := a.parser.Parse(art.Text, art.Published).Focus
	return &Ingested{Article: art, Focus: focus, Mentions: mentions, Claims: claims}, nil
}

// ClaimFilter selects claims; zero fields select all.
type ClaimFilter = store.ClaimFilter

// Claims returns the stored claims the filter selects.
func (a *App) Claims(ctx context.Context, f ClaimFilter) ([]*geo.Claim, error) {
	return a.store.Claims(ctx, f)
}

// Accept turns a pending claim, with the reviewer's corrections, into a
// control change whose source is its article, and refreshes: the returned
// snapshot holds the change.
// Returns ENOTFOUND for an unknown claim, ECONFLICT for one already
// decided, EINVALID when the corrected claim is not a valid change (an
// unknown place or faction, a time outside the timeline).
func (a *App) Accept(ctx context.Context, id int64, fix geo.Correction) (*geo.Claim, *Snapshot, error) {
	cl, err := a.store.Claim(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if cl.Review != geo.Pending {
		return nil, nil, geo.Errorf(geo.ECONFLICT, "claim %d is already %s", id, cl.Review)
	}
	art, _, _, err := a.store.Article(ctx, cl.Article)
	if err != nil {
		return nil, nil, err
	}
	change, err := a.changeOf(cl, art, fix)
	if err != nil {
		return nil, nil, err
	}
	decided, err := a.store.AcceptClaim(ctx, id, a.now().UTC(), OriginClaims, change)
	if err != nil {
		return nil, nil, err
	}
	snap, err := a.Refresh(ctx)
	if err != nil {
		// The change is stored; the watch builds it on its next report.
		return decided, snap, err
	}
	return decided, snap, nil
}

// Reject records that a pending claim was read and not taken, with the
// reason (which may be empty).
// Returns ENOTFOUND for an unknown claim, ECONFLICT for one already decided.
func (a *App) Reject(ctx context.Context, id int64, reason string) (*geo.Claim, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 2000 {
		return nil, geo.Errorf(geo.EINVALID, "the reason is longer than 2000 characters")
	}
	return a.store.RejectClaim(ctx, id, a.now().UTC(), reason)
}

// ChangeID is the id an accepted claim's change takes.
func ChangeID(claim int64) string { return fmt.Sprintf("claim-%d", claim) }

// changeOf is the control change the claim stands for once corrected.
func (a *App) changeOf(cl *geo.Claim, art *geo.Article, fix geo.Correction) (*geo.Change, error) {
	placeID, faction, at, prec, status := cl.PlaceID, cl.Faction, cl.At, cl.Precision, cl.Status
	if fix.PlaceID != "" {
		placeID = fix.PlaceID
	}
	if fix.Faction != "" {
		faction = fix.Faction
	}
	if !fix.At.IsZero() {
		at = fix.At.UTC()
	}
	if fix.Precision != "" {
		prec = fix.Precision
	}
	if fix.Status != "" {
		status = fix.Status
	}
	place := a.index.Gazetteer().Place(placeID)
	if place == nil {
		return nil, geo.Errorf(geo.EINVALID, "no place %q in the gazetteer", placeID)
	}
	f := geo.FactionByID(faction)
	if f == nil {
		return nil, geo.Errorf(geo.EINVALID, "unknown faction %q", faction)
	}
	if at.IsZero() {
		at = art.Published
	}
	if prec == "" {
		prec = geo.Day
	}
	outlet := art.Outlet
	if outlet == "" {
		outlet = outletOf(art.URL)
	}
	verb := map[geo.Status]string{geo.Confirmed: "reported", geo.Claimed: "reported a claim", geo.Denied: "reported a denial"}[status]
	if verb == "" {
		verb = "reported"
	}
	// The summary is ours; the quote beside it is the report's sentence,
	// cited as the source's own words.
	summary := fmt.Sprintf("%s %s that %s held %s (%s), read from article %d and accepted by a reviewer.",
		outlet, verb, f.Name, place.Name, nonEmpty(cl.Action, "control"), art.ID)
	c := &geo.Change{
		ID: ChangeID(cl.ID), Place: place.ID, Name: place.Name, Faction: f.ID, At: at, Precision: prec, Status: status,
		Summary: summary,
		Sources: []geo.Source{{Outlet: outlet, URL: art.URL, Published: art.Published, Quote: cl.Quote}},
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// outletOf names a report's outlet from its address when it gave none.
func outletOf(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		return strings.TrimPrefix(pu.Hostname(), "www.")
	}
	return "unnamed report"
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
