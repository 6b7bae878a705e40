package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrBackupExists is returned by [DB.Backup] when its output already
// exists: a backup never replaces a file.
var ErrBackupExists = errors.New("sqlite: the backup's file already exists")

// Backup writes a copy of the database, as it was at one instant, to the
// file out, with SQLite's online backup: the copy is read in one step
// inside one read transaction, so writers (this process's or another's)
// go on meanwhile and none of their transactions is half in the copy.
// The copy is made under a temporary name beside out and linked to out
// only once complete and synced, so out never names half a backup.
// Returns [ErrBackupExists] (wrapping [fs.ErrExist]) if out exists.
func (db *DB) Backup(ctx context.Context, out string) (err error) {
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("%w: %s", ErrBackupExists, out)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.partial")
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	tmp := f.Name()
	f.Close()
	// The copy is as readable as its source, not CreateTemp's 0600.
	if fi, err := os.Stat(db.Path); err == nil {
		os.Chmod(tmp, fi.Mode().Perm())
	}
	defer func() {
		// A journal left by a failed copy goes with it.
		for _, p := range []string{tmp, tmp + "-journal"} {
			if e := os.Remove(p); e != nil && !errors.Is(e, fs.ErrNotExist) && err == nil {
				err = fmt.Errorf("sqlite: backup: %w", e)
			}
		}
	}()
	if err := db.copyTo(ctx, tmp); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if err := checkFile(ctx, tmp); err != nil {
		return fmt.Errorf("sqlite: backup: the copy: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	// A hard link, unlike a rename, refuses to replace a file that
	// appeared meanwhile.
	if err := os.Link(tmp, out); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s", ErrBackupExists, out)
		}
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return syncFile(filepath.Dir(out))
}

// copyTo copies the database page by page into the empty file at path,
// then takes the copy out of WAL mode, so that it is one self-contained
// file.
func (db *DB) copyTo(ctx context.Context, path string) error {
	dst, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=DELETE")
	if err != nil {
		return err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := db.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return fmt.Errorf("not a go-sqlite3 connection")
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			for {
				// -1: every page in one step, so one snapshot of the source.
				done, err := b.Step(-1)
				if err != nil {
					b.Finish()
					return err
				}
				if done {
					return b.Finish()
				}
				// The source or the copy was busy: try again shortly.
				select {
				case <-ctx.Done():
					b.Finish()
					return ctx.Err()
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
	})
	if err != nil {
		return err
	}
	// The pages copied carry the source's WAL flag; the copy is read by
	// whoever opens it, so it drops the flag and keeps no -wal beside it.
	var mode string
	if err := dconn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		return err
	}
	if mode != "delete" {
		return fmt.Errorf("the copy stayed in journal mode %q", mode)
	}
	return nil
}

// Check runs SQLite's integrity check over the whole database.
// Returns an error naming the first problems it finds.
func (db *DB) Check(ctx context.Context) error {
	return integrityCheck(ctx, db.r)
}

func checkFile(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	return integrityCheck(ctx, c)
}

func integrityCheck(ctx context.Context, c *sql.DB) error {
	rows, err := c.QueryContext(ctx, `PRAGMA integrity_check(5)`)
	if err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("sqlite: integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: integrity check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
