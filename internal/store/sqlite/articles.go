package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"frontline/geo"
	"frontline/internal/store"
)

// Articles, their mentions and their claims are not part of the revision:
// only AcceptClaim, which writes a change, bumps it.

// formatTime is how article and claim instants are stored: RFC 3339 with
// fractions, in UTC; the zero time is the empty string.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

// AddArticle implements [store.Store].
func (db *DB) AddArticle(ctx context.Context, a *geo.Article, mentions []geo.Mention, claims []*geo.Claim) error {
	switch {
	case a == nil:
		return geo.Errorf(geo.EINVALID, "no article")
	case a.Published.IsZero():
		return geo.Errorf(geo.EINVALID, "article: give the instant it was published")
	case a.Text == "":
		return geo.Errorf(geo.EINVALID, "article: the text is empty")
	}
	for i, c := range claims {
		if c == nil {
			return geo.Errorf(geo.EINVALID, "article: claim %d is missing", i+1)
		}
		if c.Status != geo.Claimed && c.Status != geo.Denied && c.Status != geo.Confirmed {
			return geo.Errorf(geo.EINVALID, "article: claim %d: status must be confirmed, claimed or denied, not %q", i+1, c.Status)
		}
	}
	ingested := a.Ingested
	if ingested.IsZero() {
		ingested = db.Now().UTC()
	}
	var articleID int64
	claimIDs := make([]int64, len(claims))
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO articles (url, outlet, published, text, ingested) VALUES (?, ?, ?, ?, ?)`,
			a.URL, a.Outlet, formatTime(a.Published), a.Text, formatTime(ingested))
		if err != nil {
			return fmt.Errorf("sqlite: article: %w", err)
		}
		if articleID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("sqlite: article: %w", err)
		}
		ms, err := tx.PrepareContext(ctx, `INSERT INTO mentions
			(article_id, ordinal, "start", "end", text, place_id, name, kind, country, lon, lat, score, in_org)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ms.Close()
		for i, m := range mentions {
			inOrg := 0
			if m.InOrg {
				inOrg = 1
			}
			if _, err := ms.ExecContext(ctx, articleID, i, m.Start, m.End, m.Text, m.PlaceID, m.Name, string(m.Kind),
				m.Country, m.Lon, m.Lat, m.Score, inOrg); err != nil {
				return fmt.Errorf("sqlite: article mention %d: %w", i+1, err)
			}
		}
		cs, err := tx.PrepareContext(ctx, `INSERT INTO claims
			(article_id, place_id, name, lon, lat, faction, action, actor, status, at, precision, attribution, quote, "start", "end")
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer cs.Close()
		for i, c := range claims {
			res, err := cs.ExecContext(ctx, articleID, c.PlaceID, c.Name, c.Lon, c.Lat, c.Faction, c.Action, c.Actor,
				string(c.Status), formatTime(c.At), string(c.Precision), c.Attribution, c.Quote, c.Start, c.End)
			if err != nil {
				return fmt.Errorf("sqlite: article claim %d: %w", i+1, err)
			}
			if claimIDs[i], err = res.LastInsertId(); err != nil {
				return fmt.Errorf("sqlite: article claim %d: %w", i+1, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Only a stored article gets its ids.
	a.ID, a.Ingested = articleID, ingested
	for i, c := range claims {
		c.ID, c.Article, c.Review = claimIDs[i], articleID, geo.Pending
		c.DecidedAt, c.Reason, c.Change = time.Time{}, "", ""
	}
	return nil
}

// Article implements [store.Store].
func (db *DB) Article(ctx context.Context, id int64) (*geo.Article, []geo.Mention, []*geo.Claim, error) {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sqlite: article %d: %w", id, err)
	}
	defer tx.Rollback()
	a := geo.Article{ID: id}
	var published, ingested string
	err = tx.QueryRowContext(ctx, `SELECT url, outlet, published, text, ingested FROM articles WHERE id = ?`, id).
		Scan(&a.URL, &a.Outlet, &published, &a.Text, &ingested)
	if err == sql.ErrNoRows {
		return nil, nil, nil, geo.Errorf(geo.ENOTFOUND, "no article %d", id)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sqlite: article %d: %w", id, err)
	}
	if a.Published, err = parseTime(published); err != nil {
		return nil, nil, nil, fmt.Errorf("sqlite: article %d published: %w", id, err)
	}
	if a.Ingested, err = parseTime(ingested); err != nil {
		return nil, nil, nil, fmt.Errorf("sqlite: article %d ingested: %w", id, err)
	}
	mentions, err := readMentions(ctx, tx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	claims, err := queryClaims(ctx, tx, `WHERE article_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, nil, nil, err
	}
	return &a, mentions, claims, nil
}

func readMentions(ctx context.Context, q querier, article int64) ([]geo.Mention, error) {
	rows, err := q.QueryContext(ctx, `SELECT "start", "end", text, place_id, name, kind, country, lon, lat, score, in_org
		FROM mentions WHERE article_id = ? ORDER BY ordinal`, article)
	if err != nil {
		return nil, fmt.Errorf("sqlite: article %d mentions: %w", article, err)
	}
	defer rows.Close()
	out := []geo.Mention{}
	for rows.Next() {
		var m geo.Mention
		var kind string
		var inOrg int
		if err := rows.Scan(&m.Start, &m.End, &m.Text, &m.PlaceID, &m.Name, &kind, &m.Country, &m.Lon, &m.Lat,
			&m.Score, &inOrg); err != nil {
			return nil, fmt.Errorf("sqlite: article %d mentions: %w", article, err)
		}
		m.Kind, m.InOrg = geo.Kind(kind), inOrg != 0
		out = append(out, m)
	}
	return out, rows.Err()
}

const claimColumns = `id, article_id, place_id, name, lon, lat, faction, action, actor, status, at, precision,
	attribution, quote, "start", "end", review, decided_at, reason, change_id`

// queryClaims reads the claims that the rest of the query (a WHERE, an
// ORDER BY) selects.
func queryClaims(ctx context.Context, q querier, rest string, args ...any) ([]*geo.Claim, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+claimColumns+` FROM claims `+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: claims: %w", err)
	}
	defer rows.Close()
	out := []*geo.Claim{}
	for rows.Next() {
		var c geo.Claim
		var status, at, precision, review, decided string
		if err := rows.Scan(&c.ID, &c.Article, &c.PlaceID, &c.Name, &c.Lon, &c.Lat, &c.Faction, &c.Action, &c.Actor,
			&status, &at, &precision, &c.Attribution, &c.Quote, &c.Start, &c.End, &review, &decided, &c.Reason, &c.Change); err != nil {
			return nil, fmt.Errorf("sqlite: claims: %w", err)
		}
		c.Status, c.Precision, c.Review = geo.Status(status), geo.Precision(precision), geo.Review(review)
		if c.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("sqlite: claim %d at: %w", c.ID, err)
		}
		if c.DecidedAt, err = parseTime(decided); err != nil {
			return nil, fmt.Errorf("sqlite: claim %d decided_at: %w", c.ID, err)
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}

func readClaim(ctx context.Context, q querier, id int64) (*geo.Claim, error) {
	cs, err := queryClaims(ctx, q, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, geo.Errorf(geo.ENOTFOUND, "no claim %d", id)
	}
	return cs[0], nil
}

// Claim implements [store.Store].
func (db *DB) Claim(ctx context.Context, id int64) (*geo.Claim, error) {
	return readClaim(ctx, db.r, id)
}

// Claims implements [store.Store].
func (db *DB) Claims(ctx context.Context, f store.ClaimFilter) ([]*geo.Claim, error) {
	var where []string
	var args []any
	switch f.Review {
	case "":
	case geo.Pending, geo.Accepted, geo.Rejected:
		where, args = append(where, `review = ?`), append(args, string(f.Review))
	default:
		return nil, geo.Errorf(geo.EINVALID, "claims: review must be pending, accepted or rejected, not %q", f.Review)
	}
	if f.Limit < 0 {
		return nil, geo.Errorf(geo.EINVALID, "claims: the limit must not be negative, got %d", f.Limit)
	}
	if f.Article != 0 {
		where, args = append(where, `article_id = ?`), append(args, f.Article)
	}
	if f.After != 0 {
		where, args = append(where, `id > ?`), append(args, f.After)
	}
	rest := ""
	if len(where) > 0 {
		rest = `WHERE ` + strings.Join(where, ` AND `)
	}
	rest += ` ORDER BY id`
	if f.Limit > 0 {
		rest, args = rest+` LIMIT ?`, append(args, f.Limit)
	}
	return queryClaims(ctx, db.r, rest, args...)
}

// pending checks, inside a write transaction, that the claim exists and
// is undecided.
func pending(ctx context.Context, tx *sql.Tx, id int64) error {
	var review string
	err := tx.QueryRowContext(ctx, `SELECT review FROM claims WHERE id = ?`, id).Scan(&review)
	if err == sql.ErrNoRows {
		return geo.Errorf(geo.ENOTFOUND, "no claim %d", id)
	}
	if err != nil {
		return fmt.Errorf("sqlite: claim %d: %w", id, err)
	}
	if geo.Review(review) != geo.Pending {
		return geo.Errorf(geo.ECONFLICT, "claim %d is already %s", id, review)
	}
	return nil
}

// decide moves a pending claim to its decision; the write lock held since
// BEGIN makes the check in pending and this update one step, and the
// review condition keeps it so should that ever change.
func decide(ctx context.Context, tx *sql.Tx, id int64, review geo.Review, decidedAt time.Time, reason, change string) error {
	res, err := tx.ExecContext(ctx, `UPDATE claims SET review = ?, decided_at = ?, reason = ?, change_id = ?
		WHERE id = ? AND review = 'pending'`, string(review), formatTime(decidedAt), reason, change, id)
	if err != nil {
		return fmt.Errorf("sqlite: claim %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: claim %d: %w", id, err)
	} else if n != 1 {
		return geo.Errorf(geo.ECONFLICT, "claim %d is already decided", id)
	}
	return nil
}

// AcceptClaim implements [store.Store].
func (db *DB) AcceptClaim(ctx context.Context, id int64, decidedAt time.Time, origin string, change *geo.Change) (*geo.Claim, error) {
	switch {
	case change == nil:
		return nil, geo.Errorf(geo.EINVALID, "claim %d: accepting needs the change it makes", id)
	case change.ID == "":
		return nil, geo.Errorf(geo.EINVALID, "claim %d: the change needs an id", id)
	case decidedAt.IsZero():
		return nil, geo.Errorf(geo.EINVALID, "claim %d: give the instant of the decision", id)
	}
	var out *geo.Claim
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := pending(ctx, tx, id); err != nil {
			return err
		}
		if err := insertChanges(ctx, tx, origin, []*geo.Change{change}); err != nil {
			return err
		}
		if err := decide(ctx, tx, id, geo.Accepted, decidedAt, "", change.ID); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx); err != nil {
			return err
		}
		var err error
		out, err = readClaim(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RejectClaim implements [store.Store].
func (db *DB) RejectClaim(ctx context.Context, id int64, decidedAt time.Time, reason string) (*geo.Claim, error) {
	if decidedAt.IsZero() {
		return nil, geo.Errorf(geo.EINVALID, "claim %d: give the instant of the decision", id)
	}
	var out *geo.Claim
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := pending(ctx, tx, id); err != nil {
			return err
		}
		if err := decide(ctx, tx, id, geo.Rejected, decidedAt, reason, ""); err != nil {
			return err
		}
		var err error
		out, err = readClaim(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
