package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"frontline/geo"
	"frontline/internal/app"
	"frontline/internal/export"
	"frontline/internal/server"
	"frontline/internal/store/sqlite"
	"frontline/internal/tiles"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

const exportUsage = "name what to export: frontline export geojson [--datetime T] [--db PATH] > OUT.geojson, " +
	"or frontline export mbtiles [--datetime T] [--minzoom 0] [--maxzoom 10] [--db PATH] OUT.mbtiles"

// runExport writes the map of an instant as GeoJSON or MBTiles.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErrorf("%s", exportUsage)
	}
	switch args[0] {
	case "geojson":
		return runExportGeoJSON(ctx, args[1:], stdout, stderr)
	case "mbtiles":
		return runExportMBTiles(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, exportUsage)
		return flag.ErrHelp
	}
	return usageErrorf("unknown export %q; %s", args[0], exportUsage)
}

// exportFlags are the flags both exports take.
type exportFlags struct {
	fs       *flag.FlagSet
	dbPath   string
	datetime *string
}

func newExportFlags(name string, stderr io.Writer) *exportFlags {
	ef := &exportFlags{fs: newFlagSet("export "+name, stderr)}
	dbFlag(ef.fs, &ef.dbPath)
	ef.datetime = ef.fs.String("datetime", "", "instant, RFC 3339 or a date (default: the last keyframe)")
	return ef
}

// open parses the instant, before the slow part, then opens the snapshot
// and finds the keyframe in force.
func (f *exportFlags) open(ctx context.Context, stderr io.Writer) (*sqlite.DB, *app.App, *app.Snapshot, int, error) {
	var at time.Time
	if *f.datetime != "" {
		t, err := server.ParseInstant(*f.datetime, "--datetime", time.Now())
		if err != nil {
			return nil, nil, nil, 0, err
		}
		at = t
	}
	st, a, snap, err := openSnapshot(ctx, f.dbPath, stderr)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	k, err := snap.KeyframeFor(at)
	if err != nil {
		st.Close()
		return nil, nil, nil, 0, err
	}
	return st, a, snap, k, nil
}

// runExportGeoJSON prints each faction's ground at the keyframe as one
// feature of a FeatureCollection.
func runExportGeoJSON(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	ef := newExportFlags("geojson", stderr)
	if err := ef.fs.Parse(args); err != nil {
		return err
	}
	if ef.fs.NArg() != 0 {
		return usageErrorf("export geojson writes to stdout and takes no file: %s", exportUsage)
	}
	st, _, snap, k, err := ef.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	return snap.ExportGeoJSON(stdout, k)
}

// runExportMBTiles writes the keyframe's vector tiles over Syria to an
// MBTiles file.
func runExportMBTiles(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	ef := newExportFlags("mbtiles", stderr)
	minZoom := ef.fs.Int("minzoom", 0, fmt.Sprintf("lowest zoom (%d-%d)", tiles.MinZoom, tiles.MaxZoom))
	maxZoom := ef.fs.Int("maxzoom", 10, fmt.Sprintf("highest zoom (%d-%d)", tiles.MinZoom, tiles.MaxZoom))
	if err := ef.fs.Parse(args); err != nil {
		return err
	}
	if ef.fs.NArg() != 1 {
		return usageErrorf("name one output file, after the flags: frontline export mbtiles [--datetime T] " +
			"[--minzoom 0] [--maxzoom 10] [--db PATH] OUT.mbtiles")
	}
	out := ef.fs.Arg(0)
	// Checked before opening the snapshot, which can take a while.
	if *minZoom < tiles.MinZoom || *maxZoom > tiles.MaxZoom || *minZoom > *maxZoom {
		return geo.Errorf(geo.EINVALID, "zooms must satisfy %d <= --minzoom <= --maxzoom <= %d, got %d and %d",
			tiles.MinZoom, tiles.MaxZoom, *minZoom, *maxZoom)
	}
	if _, err := os.Lstat(out); err == nil {
		return geo.Errorf(geo.ECONFLICT, "%s exists; remove it first or choose another name", out)
	}
	st, a, snap, k, err := ef.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer st.Close()

	// A bar only for a person watching; logs and pipes get one line.
	start := time.Now()
	f, ok := stderr.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	var bar *progressbar.ProgressBar
	rendered := 0
	progress := func(done, total int) {
		rendered = done
		if !tty {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("tiles"),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		bar.Set(done)
	}
	err = a.ExportMBTiles(ctx, snap, k, out, *minZoom, *maxZoom, progress)
	if bar != nil && err != nil {
		// Keep the bar where it stopped; the error goes below it.
		bar.Exit()
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	if bar != nil {
		bar.Finish()
	}
	perZoom, err := export.CountMBTiles(ctx, out)
	if err != nil {
		return err
	}
	n := 0
	for _, c := range perZoom {
		n += c
	}
	if bar == nil {
		fmt.Fprintf(stderr, "rendered %d tiles, %d of them empty and left out, in %v\n", rendered, rendered-n, took.Round(time.Millisecond))
	}
	st2, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d tiles, zooms %d-%d, to %s (%s)\n", n, *minZoom, *maxZoom, out, humanBytes(st2.Size()))
	return nil
}

// humanBytes is a size in B, KB or MB, powers of 1000 as file managers show.
func humanBytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
