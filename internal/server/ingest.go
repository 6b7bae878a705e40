package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"frontline/geo"
	"frontline/internal/app"
	"frontline/internal/ingest"

	"github.com/go-chi/chi/v5"
)

// Ingester is what the news routes need of the application core.
type Ingester interface {
	Geoparse(text string, published time.Time) (ingest.Result, error)
	Ingest(ctx context.Context, art *geo.Article) (*app.Ingested, error)
	Article(ctx context.Context, id int64) (*app.Ingested, error)
	Claims(ctx context.Context, f app.ClaimFilter) ([]*geo.Claim, error)
	Accept(ctx context.Context, id int64, fix geo.Correction) (*geo.Claim, *app.Snapshot, error)
	Reject(ctx context.Context, id int64, reason string) (*geo.Claim, error)
}

// maxJSONBody bounds a JSON request: an article of [app.MaxArticleBytes]
// with its escapes and other fields.
const maxJSONBody = 2*app.MaxArticleBytes + 64<<10

// readBody reads at most limit bytes of the request body; more is
// ETOOLARGE, so nothing larger is ever held.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, geo.Errorf(geo.ETOOLARGE, "the body is larger than the %d bytes accepted", limit)
	case err != nil:
		return nil, geo.Errorf(geo.EINVALID, "the body could not be read: %v", err)
	}
	return b, nil
}

// mediaType checks the request's Content-Type against the accepted ones
// (an absent one is taken as the first).
func mediaType(r *http.Request, accepted ...string) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, a := range accepted {
			if mt == a {
				if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
					return geo.Errorf(geo.EINVALID, "only UTF-8 text is read, not charset=%s", cs)
				}
				return nil
			}
		}
	}
	return geo.Errorf(geo.EINVALID, "Content-Type %q is not accepted here; send %s", ct, strings.Join(accepted, " or "))
}

// geoparse answers POST /api/geoparse?published=T: the places a text
// names, its focus and the claims it makes. It stores nothing.
func (s *Server) geoparse(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "published"); err != nil {
		return err
	}
	var published time.Time
	if v := r.URL.Query().Get("published"); v != "" {
		t, err := ParseInstant(v, "published", time.Time{})
		if err != nil {
			return err
		}
		published = t
	}
	if err := mediaType(r, "text/plain"); err != nil {
		return err
	}
	body, err := readBody(w, r, app.MaxArticleBytes)
	if err != nil {
		return err
	}
	res, err := s.geoparseBounded(w, r, string(body), published)
	if err == errAnswered {
		return nil
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, "application/json", res)
}

// ArticleRequest is the body of POST /api/articles.
type ArticleRequest struct {
	Text      string `json:"text"`
	URL       string `json:"url"`
	Outlet    string `json:"outlet"`
	Published string `json:"published"`
}

// ArticleJSON is a stored article with what was read from it.
type ArticleJSON struct {
	ID        int64         `json:"id"`
	URL       string        `json:"url,omitempty"`
	Outlet    string        `json:"outlet"`
	Published time.Time     `json:"published"`
	Ingested  time.Time     `json:"ingested"`
	Text      string        `json:"text,omitempty"`
	Focus     geo.Focus     `json:"focus"`
	Mentions  []geo.Mention `json:"mentions"`
	Claims    []*geo.Claim  `json:"claims"`
}

// ArticleOf is the answer of the article routes; withText adds the text.
func ArticleOf(in *app.Ingested, withText bool) ArticleJSON {
	a := ArticleJSON{ID: in.Article.ID, URL: in.Article.URL, Outlet: in.Article.Outlet, Published: in.Article.Published,
		Ingested: in.Article.Ingested, Focus: in.Focus, Mentions: in.Mentions, Claims: in.Claims}
	if withText {
		a.Text = in.Article.Text
	}
	if a.Mentions == nil {
		a.Mentions = []geo.Mention{}
	}
	if a.Claims == nil {
		a.Claims = []*geo.Claim{}
	}
	return a
}

// DecodeArticle reads an article request strictly: unknown fields,
// trailing data and malformed times are EINVALID.
func DecodeArticle(body []byte) (*geo.Article, error) {
	var req ArticleRequest
	if err := decodeStrict(body, &req); err != nil {
		return nil, err
	}
	art := &geo.Article{Text: req.Text, URL: req.URL, Outlet: req.Outlet}
	if req.Published == "" {
		return nil, geo.Errorf(geo.EINVALID, "give the article's publication time as published (RFC 3339)")
	}
	t, err := ParseInstant(req.Published, "published", time.Time{})
	if err != nil {
		return nil, err
	}
	art.Published = t
	return art, nil
}

func decodeStrict(body []byte, v any) error {
	// encoding/json would quietly turn invalid bytes into U+FFFD.
	if !utf8.Valid(body) {
		return geo.Errorf(geo.EINVALID, "the body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return geo.Errorf(geo.EINVALID, "the body is not the JSON expected: %v", err)
	}
	if dec.More() {
		return geo.Errorf(geo.EINVALID, "the body has data after its JSON object")
	}
	return nil
}

// postArticle answers POST /api/articles: the article stored with its
// mentions and proposed claims, 201.
func (s *Server) postArticle(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	if err := mediaType(r, "application/json"); err != nil {
		return err
	}
	body, err := readBody(w, r, maxJSONBody)
	if err != nil {
		return err
	}
	art, err := DecodeArticle(body)
	if err != nil {
		return err
	}
	in, err := s.App.Ingest(r.Context(), art)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("/api/articles/%d", in.Article.ID))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	return json.NewEncoder(w).Encode(ArticleOf(in, false))
}

func idParam(r *http.Request, name string) (int64, error) {
	v := chi.URLParam(r, name)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != v {
		return 0, geo.Errorf(geo.ENOTFOUND, "no %s %q: ids are positive whole numbers", name, v)
	}
	return id, nil
}

// getArticle answers GET /api/articles/{id}.
func (s *Server) getArticle(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	id, err := idParam(r, "article")
	if err != nil {
		return err
	}
	in, err := s.App.Article(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	return writeJSON(w, "application/json", ArticleOf(in, true))
}

// ClaimsJSON is a page of claims.
type ClaimsJSON struct {
	Claims []*geo.Claim `json:"claims"`
	// Next is the link to the following page, when there may be one.
	Next string `json:"next,omitempty"`
}

// MaxClaimsPage bounds one page of /api/claims.
const MaxClaimsPage = 1000

// listClaims answers GET /api/claims?status=&article=&limit=&after=.
func (s *Server) listClaims(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r, "status", "article", "limit", "after"); err != nil {
		return err
	}
	q := r.URL.Query()
	f := app.ClaimFilter{Review: geo.Review(q.Get("status"))}
	switch f.Review {
	case "", geo.Pending, geo.Accepted, geo.Rejected:
	default:
		return geo.Errorf(geo.EINVALID, "status must be pending, accepted or rejected, got %q", q.Get("status"))
	}
	var err error
	if f.Article, err = int64Param(q.Get("article"), "article"); err != nil {
		return err
	}
	if f.After, err = int64Param(q.Get("after"), "after"); err != nil {
		return err
	}
	if f.Limit, err = intParam(q.Get("limit"), "limit", 100); err != nil {
		return err
	}
	if f.Limit < 1 || f.Limit > MaxClaimsPage {
		return geo.Errorf(geo.EINVALID, "limit must be between 1 and %d, got %d", MaxClaimsPage, f.Limit)
	}
	claims, err := s.App.Claims(r.Context(), f)
	if err != nil {
		return err
	}
	out := ClaimsJSON{Claims: claims}
	if out.Claims == nil {
		out.Claims = []*geo.Claim{}
	}
	if len(claims) == f.Limit {
		next := r.URL.Query()
		next.Set("after", strconv.FormatInt(claims[len(claims)-1].ID, 10))
		out.Next = "/api/claims?" + next.Encode()
	}
	w.Header().Set("Cache-Control", "no-cache")
	return writeJSON(w, "application/json", out)
}

func int64Param(v, name string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, geo.Errorf(geo.EINVALID, "%s must be a whole number of at least 0, got %q", name, v)
	}
	return n, nil
}

// CorrectionRequest is the optional body of POST /api/claims/{id}/accept.
type CorrectionRequest struct {
	Faction   string `json:"faction"`
	PlaceID   string `json:"place_id"`
	At        string `json:"at"`
	Precision string `json:"precision"`
	Status    string `json:"status"`
}

// DecisionJSON answers a review decision.
type DecisionJSON struct {
	Claim *geo.Claim `json:"claim"`
	// Version is the snapshot in force after the decision: an accepted
	// claim's change is in it.
	Version string `json:"version,omitempty"`
}

// decision reads a review decision's claim id and its optional JSON body
// into v; an empty body leaves v as it is.
func decision(w http.ResponseWriter, r *http.Request, v any) (id int64, given bool, err error) {
	if err := checkParams(r); err != nil {
		return 0, false, err
	}
	if id, err = idParam(r, "claim"); err != nil {
		return 0, false, err
	}
	if err := mediaType(r, "application/json"); err != nil {
		return 0, false, err
	}
	body, err := readBody(w, r, 64<<10)
	if err != nil {
		return 0, false, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return id, false, nil
	}
	return id, true, decodeStrict(body, v)
}

// acceptClaim answers POST /api/claims/{id}/accept.
func (s *Server) acceptClaim(w http.ResponseWriter, r *http.Request) error {
	var req CorrectionRequest
	id, given, err := decision(w, r, &req)
	if err != nil {
		return err
	}
	var fix geo.Correction
	if given {
		fix = geo.Correction{Faction: req.Faction, PlaceID: req.PlaceID, Precision: geo.Precision(req.Precision), Status: geo.Status(req.Status)}
		if req.At != "" {
			if fix.At, err = ParseInstant(req.At, "at", time.Time{}); err != nil {
				return err
			}
		}
	}
	claim, snap, err := s.App.Accept(r.Context(), id, fix)
	if err != nil {
		if claim == nil {
			return err
		}
		// Stored, not yet built: the store's watch builds it next.
		s.Logger.Error("accepted claim not yet in a snapshot", slog.Int64("claim", id), slog.Any("err", err))
		snap = nil
	}
	out := DecisionJSON{Claim: claim}
	if snap != nil {
		out.Version = snap.Version
	}
	return writeJSON(w, "application/json", out)
}

// rejectClaim answers POST /api/claims/{id}/reject, with an optional
// body {"reason": "..."}.
func (s *Server) rejectClaim(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Reason string `json:"reason"`
	}
	id, _, err := decision(w, r, &req)
	if err != nil {
		return err
	}
	claim, err := s.App.Reject(r.Context(), id, req.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, "application/json", DecisionJSON{Claim: claim})
}
