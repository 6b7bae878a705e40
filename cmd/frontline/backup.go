package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"frontline/internal/store/sqlite"
)

// runBackup copies the database into a new file with SQLite's online
// backup: a service may go on serving and writing the database meanwhile.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	var dbPath string
	dbFlag(fs, &dbPath)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("name the file to write: frontline backup [--db PATH] OUT.db")
	}
	out := fs.Arg(0)
	if _, err := os.Lstat(out); err == nil {
		return usageErrorf("%s exists: a backup never replaces a file; name a new one", out)
	}
	// A backup of nothing would make an empty database here and copy it.
	if _, err := os.Stat(dbPath); err != nil {
		return usageErrorf("--db %s: no database there (%v)", dbPath, errors.Unwrap(err))
	}
	st, err := openStore(ctx, dbPath)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := st.Backup(ctx, out); err != nil {
		if errors.Is(err, sqlite.ErrBackupExists) {
			return usageErrorf("%s exists: a backup never replaces a file; name a new one", out)
		}
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(out); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %.1f MB in %v, integrity checked\n", dbPath, out,
		float64(size)/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}
