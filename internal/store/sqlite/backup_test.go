package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/store/storetest"
)

// A backup taken while another handle (as another process would) keeps
// importing holds whole transactions only: each import adds perImport
// changes and one revision, so the copy's count of changes follows its
// revision exactly, whatever instant it caught.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "src.db")
	src, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.ReplacePlaces(ctx, storetest.Places, "p1"); err != nil {
		t.Fatal(err)
	}
	writer, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	rev0 := revision(t, src)

	const perImport = 20
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var imports int
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			batch := make([]*geo.Change, perImport)
			for j := range batch {
				batch[j] = storetest.Change(fmt.Sprintf("c%d-%d", i, j), "gn:1", geo.HTS,
					time.Date(2024, 11, 27, 0, 0, i*perImport+j, 0, time.UTC))
			}
			if writeErr = writer.ImportChanges(ctx, "w", batch); writeErr != nil {
				return
			}
			imports++
		}
	}()
	// Let a few imports land first, so the copy has something to disagree on.
	for deadline := time.Now().Add(5 * time.Second); revision(t, src)-rev0 < 3 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	var outs []string
	for i := range 3 {
		out := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		if err := src.Backup(ctx, out); err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		outs = append(outs, out)
	}
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("the writer failed during the backups: %v", writeErr)
	}

	for _, out := range outs {
		if _, err := os.Stat(out + "-wal"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: a -wal beside the backup (%v): it would not be one file", out, err)
		}
		b, err := Open(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Check(ctx); err != nil {
			t.Errorf("%s: %v", out, err)
		}
		tl, err := b.Timeline(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rev := revision(t, b)
		if len(tl.Changes) != perImport*(rev-rev0) {
			t.Errorf("%s: %d changes at revision %d: not %d whole imports", out, len(tl.Changes), rev, rev-rev0)
		}
		if n, _ := b.CountPlaces(ctx); n != len(storetest.Places) {
			t.Errorf("%s: %d places, want %d", out, n, len(storetest.Places))
		}
		b.Close()
	}
	t.Logf("%d imports of %d changes ran during 3 backups", imports, perImport)
	// Only the backups are left: no partial copy beside them.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".partial" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestBackupRefusesExistingFile(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	out := filepath.Join(t.TempDir(), "out.db")
	if err := os.WriteFile(out, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := db.Backup(ctx, out)
	if !errors.Is(err, ErrBackupExists) {
		t.Fatalf("backup over a file: %v, want ErrBackupExists", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "precious" {
		t.Errorf("the existing file was changed: %q", b)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("the refused backup left files: %v", entries)
	}
}

func TestBackupIntoMissingFolderFails(t *testing.T) {
	db := MustOpen(t)
	out := filepath.Join(t.TempDir(), "no", "such", "dir", "out.db")
	if err := db.Backup(context.Background(), out); err == nil {
		t.Fatal("a backup into a missing folder succeeded")
	}
}

// BenchmarkBackup copies a database of about 10k changes.
func BenchmarkBackup(b *testing.B) {
	ctx := context.Background()
	db := MustOpen(b)
	if _, err := db.ReplacePlaces(ctx, storetest.Places, "p1"); err != nil {
		b.Fatal(err)
	}
	batch := make([]*geo.Change, 10000)
	for i := range batch {
		batch[i] = storetest.Change("c"+strconv.Itoa(i), "gn:1", geo.HTS, time.Date(2024, 11, 27, 0, 0, i, 0, time.UTC))
	}
	if err := db.ImportChanges(ctx, "b", batch); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := db.Backup(ctx, filepath.Join(dir, fmt.Sprintf("%d.db", i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func revision(tb testing.TB, db *DB) int {
	tb.Helper()
	s, err := db.Revision(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
