// Package sqlite is frontline's embedded store: a [store.Store] in one
// SQLite file. Migrations are embedded and applied at open; the database
// runs in WAL mode with foreign keys on, so one process can serve while
// another imports into the same file, and [DB.Watch] tells the server.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"time"

	"frontline/geo"
	"frontline/internal/store"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DefaultPollInterval is how often [DB.Watch] asks SQLite whether another
// connection committed.
const DefaultPollInterval = 500 * time.Millisecond

// DB is an open frontline database.
type DB struct {
	w    *sql.DB // writes: transactions take the write lock at BEGIN
	r    *sql.DB // reads: deferred transactions, each a consistent snapshot
	Path string

	// Now returns the current time; tests replace it.
	Now func() time.Time
	// PollInterval is how often Watch polls; set before calling it.
	PollInterval time.Duration
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the database at path and applies any
// migration it lacks. ":memory:" gives a private in-memory database.
func Open(ctx context.Context, path string) (*DB, error) {
	dsn := func(txlock string) string {
		q := url.Values{}
		q.Set("_journal_mode", "WAL")
		q.Set("_foreign_keys", "on")
		q.Set("_busy_timeout", "5000")
		q.Set("_synchronous", "NORMAL")
		q.Set("_txlock", txlock)
		return "file:" + path + "?" + q.Encode()
	}
	db := &DB{Path: path, Now: time.Now, PollInterval: DefaultPollInterval}
	var err error
	if path == ":memory:" {
		// One connection, or each would get its own empty database.
		if db.w, err = sql.Open("sqlite3", "file::memory:?_foreign_keys=on"); err != nil {
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		db.w.SetMaxOpenConns(1)
		db.r = db.w
	} else {
		if db.w, err = sql.Open("sqlite3", dsn("immediate")); err != nil {
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		if db.r, err = sql.Open("sqlite3", dsn("deferred")); err != nil {
			db.w.Close()
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		if e := db.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// migrate applies, in name order and each in its own transaction, the
// embedded migrations not yet recorded in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, db.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// querier is what reads need of a database or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func meta(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: meta %s: %w", key, err)
	}
	return v, nil
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// revisionKey counts the writes to places and changes; readers compare
// it to learn whether anything changed.
const revisionKey = "revision"

// bumpRevision is part of every transaction that writes places or
// changes.
func bumpRevision(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`, revisionKey)
	return err
}

// Revision implements [store.Store].
func (db *DB) Revision(ctx context.Context) (string, error) {
	v, err := meta(ctx, db.r, revisionKey)
	if v == "" && err == nil {
		v = "0"
	}
	return v, err
}

// ReplacePlaces implements [store.Store].
func (db *DB) ReplacePlaces(ctx context.Context, places []*geo.Place, version string) (bool, error) {
	if v, err := meta(ctx, db.r, "places_version"); err != nil || v == version {
		return false, err
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		// Another process may have written it meanwhile.
		if v, err := meta(ctx, tx, "places_version"); err != nil || v == version {
			return errUnchanged
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM places WHERE id NOT IN (SELECT place FROM changes WHERE place IS NOT NULL)`); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO places
			(id, name, kind, country, admin1, lon, lat, population, names, anchor, source)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, country = excluded.country,
				admin1 = excluded.admin1, lon = excluded.lon, lat = excluded.lat, population = excluded.population,
				names = excluded.names, anchor = excluded.anchor, source = excluded.source`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		keep := make(map[string]bool, len(places))
		for _, p := range places {
			keep[p.ID] = true
			names, _ := json.Marshal(nonNil(p.Names))
			if _, err := stmt.ExecContext(ctx, p.ID, p.Name, string(p.Kind), p.Country, p.Admin1,
				p.Point.Lon(), p.Point.Lat(), p.Population, string(names), p.Anchor, p.Source); err != nil {
				return fmt.Errorf("sqlite: place %s: %w", p.ID, err)
			}
		}
		// Places still named by a change but gone from the gazetteer stay:
		// the deferred foreign key would refuse the commit otherwise.
		return setMeta(ctx, tx, "places_version", version)
	})
	if err == errUnchanged {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: replace places: %w", err)
	}
	return true, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CountPlaces implements [store.Store].
func (db *DB) CountPlaces(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM places`).Scan(&n)
	return n, err
}

// Place implements [store.Store].
func (db *DB) Place(ctx context.Context, id string) (*geo.Place, error) {
	var p geo.Place
	var kind, names string
	var lon, lat float64
	err := db.r.QueryRowContext(ctx, `SELECT id, name, kind, country, admin1, lon, lat, population, names, anchor, source
		FROM places WHERE id = ?`, id).Scan(&p.ID, &p.Name, &kind, &p.Country, &p.Admin1, &lon, &lat,
		&p.Population, &names, &p.Anchor, &p.Source)
	if err == sql.ErrNoRows {
		return nil, geo.Errorf(geo.ENOTFOUND, "no place with id %q", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: place %s: %w", id, err)
	}
	p.Kind = geo.Kind(kind)
	p.Point[0], p.Point[1] = lon, lat
	if err := json.Unmarshal([]byte(names), &p.Names); err != nil {
		return nil, fmt.Errorf("sqlite: place %s names: %w", id, err)
	}
	return &p, nil
}

// Watch implements [store.Store]: it polls PRAGMA data_version on a
// connection of its own, which changes whenever another connection, of
// this process or another, commits; then it compares the revision. The
// first report comes at once, so that a caller who read the store before
// calling Watch misses no write made in between.
func (db *DB) Watch(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	ch <- struct{}{}
	interval := db.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	// The baseline is read before Watch returns: a write after the call
	// is reported even if the goroutine has not run yet.
	var conn *sql.Conn
	lastData, lastRev, known, late := int64(-1), "", false, false
	poll := func() {
		if conn == nil {
			c, err := db.r.Conn(ctx)
			if err != nil {
				return
			}
			conn = c
		}
		var dv int64
		if err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&dv); err != nil {
			conn.Close()
			conn, lastData = nil, -1
			return
		}
		if dv == lastData {
			return
		}
		lastData = dv
		rev, err := meta(ctx, conn, revisionKey)
		if err != nil || known && rev == lastRev {
			return
		}
		if known || late {
			select {
			case ch <- struct{}{}:
			default: // a report is pending already
			}
		}
		lastRev, known = rev, true
	}
	poll()
	late = true // a baseline read only later reports, as writes may precede it
	go func() {
		defer close(ch)
		defer func() {
			if conn != nil {
				conn.Close()
			}
		}()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				poll()
			}
		}
	}()
	return ch
}

// errUnchanged ends a write transaction that found nothing to do.
var errUnchanged = fmt.Errorf("sqlite: unchanged")
