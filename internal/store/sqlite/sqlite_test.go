package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"frontline/geo"

	"github.com/paulmach/orb"
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

func TestOpenSetsWALAndForeignKeys(t *testing.T) {
	db := MustOpen(t)
	var mode string
	if err := db.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := db.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
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
		if err := db.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
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

func TestLoadPlacesFillsOncePerVersion(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	places := []*geo.Place{
		{ID: "gn:1", Name: "One", Kind: geo.City, Country: "SY", Point: orb.Point{36, 35}, Names: []string{"Wahid"}},
		{ID: "fl:two", Name: "Two", Kind: geo.Prison, Country: "SY", Point: orb.Point{36.3, 33.6}},
	}
	filled, err := db.LoadPlaces(ctx, places, "v1")
	if err != nil || !filled {
		t.Fatalf("first load: filled=%v err=%v", filled, err)
	}
	filled, err = db.LoadPlaces(ctx, places[:1], "v1")
	if err != nil || filled {
		t.Fatalf("same version loaded again: filled=%v err=%v", filled, err)
	}
	if n, _ := db.CountPlaces(ctx); n != 2 {
		t.Fatalf("places after reuse = %d, want 2", n)
	}
	filled, err = db.LoadPlaces(ctx, places[:1], "v2")
	if err != nil || !filled {
		t.Fatalf("new version: filled=%v err=%v", filled, err)
	}
	if n, _ := db.CountPlaces(ctx); n != 1 {
		t.Fatalf("places after v2 = %d, want 1", n)
	}
	p, err := db.PlaceByID(ctx, "gn:1")
	if err != nil || p.Name != "One" || len(p.Names) != 1 || p.Point != (orb.Point{36, 35}) {
		t.Fatalf("PlaceByID = %+v, %v", p, err)
	}
	if _, err := db.PlaceByID(ctx, "fl:two"); geo.ErrorCode(err) != geo.ENOTFOUND {
		t.Fatalf("removed place: %v", err)
	}
}
