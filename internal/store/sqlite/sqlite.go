// Package sqlite stores frontline's data in a SQLite file: the gazetteer
// now, the control timeline next. Migrations are embedded and applied at
// open; the database runs in WAL mode with foreign keys on.
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

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open frontline database.
type DB struct {
	db   *sql.DB
	Path string

	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Open opens (creating if needed) the database at path and applies any
// migration it lacks. ":memory:" gives a private in-memory database.
func Open(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	if path == ":memory:" {
		// One connection, or each would get its own empty database.
		dsn = "file::memory:?_foreign_keys=on"
	}
	sdb, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if path == ":memory:" {
		sdb.SetMaxOpenConns(1)
	}
	db := &DB{db: sdb, Path: path, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// migrate applies, in name order and each in its own transaction, the
// embedded migrations not yet recorded in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx,
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
	tx, err := db.db.BeginTx(ctx, nil)
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

// Meta returns the value stored under key, or "" when there is none.
func (db *DB) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := db.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: meta %s: %w", key, err)
	}
	return v, nil
}

// LoadPlaces replaces the stored gazetteer with places, unless the
// database already holds this version of it. It reports whether it wrote.
func (db *DB) LoadPlaces(ctx context.Context, places []*geo.Place, version string) (bool, error) {
	if v, err := db.Meta(ctx, "places_version"); err != nil || v == version {
		return false, err
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlite: load places: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM places`); err != nil {
		return false, fmt.Errorf("sqlite: load places: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO places
		(id, name, kind, country, admin1, lon, lat, population, names, anchor, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return false, fmt.Errorf("sqlite: load places: %w", err)
	}
	defer stmt.Close()
	for _, p := range places {
		names, _ := json.Marshal(nonNil(p.Names))
		if _, err := stmt.ExecContext(ctx, p.ID, p.Name, string(p.Kind), p.Country, p.Admin1,
			p.Point.Lon(), p.Point.Lat(), p.Population, string(names), p.Anchor, p.Source); err != nil {
			return false, fmt.Errorf("sqlite: load place %s: %w", p.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('places_version', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, version); err != nil {
		return false, fmt.Errorf("sqlite: load places: %w", err)
	}
	return true, tx.Commit()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CountPlaces returns how many places the database holds.
func (db *DB) CountPlaces(ctx context.Context) (int, error) {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM places`).Scan(&n)
	return n, err
}

// PlaceByID returns the stored place with the id.
// Returns ENOTFOUND if there is none.
func (db *DB) PlaceByID(ctx context.Context, id string) (*geo.Place, error) {
	var p geo.Place
	var kind, names string
	var lon, lat float64
	err := db.db.QueryRowContext(ctx, `SELECT id, name, kind, country, admin1, lon, lat, population, names, anchor, source
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
