package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"frontline/internal/store"
	"frontline/internal/store/storetest"
)

// MustOpen opens a fresh database file in the test's temporary folder.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "frontline.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// The store contract, on real files: each handle is its own *DB, as
// another process's would be.
func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) func() (store.Store, error) {
		path := filepath.Join(tb.TempDir(), "frontline.db")
		return func() (store.Store, error) {
			db, err := Open(context.Background(), path)
			if err != nil {
				return nil, err
			}
			db.PollInterval = 20 * time.Millisecond
			return db, nil
		}
	})
}

func TestOpenSetsWALAndForeignKeys(t *testing.T) {
	db := MustOpen(t)
	for _, pool := range []string{"writer", "reader"} {
		conn := db.w
		if pool == "reader" {
			conn = db.r
		}
		var mode string
		if err := conn.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("%s: journal_mode = %q, %v", pool, mode, err)
		}
		var fk int
		if err := conn.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("%s: foreign_keys = %d, %v", pool, fk, err)
		}
	}
}

func TestMigrationsApplyOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	for i := 0; i < 2; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var applied, files int
		if err := db.r.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		names, _ := migrationFS.ReadDir("migrations")
		files = len(names)
		db.Close()
		if applied != files {
			t.Fatalf("open %d: %d migrations recorded, %d embedded", i, applied, files)
		}
	}
}
