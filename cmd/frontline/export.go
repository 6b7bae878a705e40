package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"time"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"
	"frontline/internal/server"
	"frontline/internal/store/sqlite"
	"frontline/internal/territory"
	"frontline/internal/tiles"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
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
	dbPath   *string
	datetime *string
}

func newExportFlags(name string, stderr io.Writer) *exportFlags {
	fs := newFlagSet("export "+name, stderr)
	return &exportFlags{
		fs:       fs,
		dbPath:   fs.String("db", envOr("FRONTLINE_DB", "frontline.db"), "SQLite database file (env FRONTLINE_DB)"),
		datetime: fs.String("datetime", "", "instant, RFC 3339 or a date (default: the last keyframe)"),
	}
}

// open parses the instant, before the slow part, then opens the model
// and finds the keyframe in force.
func (f *exportFlags) open(ctx context.Context, stderr io.Writer) (*sqlite.DB, *geocode.Gazetteer, *territory.Model, int, error) {
	var at time.Time
	if *f.datetime != "" {
		t, err := server.ParseInstant(*f.datetime, "--datetime", time.Now())
		if err != nil {
			return nil, nil, nil, 0, err
		}
		at = t
	}
	db, gz, m, err := openModel(ctx, *f.dbPath, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return nil, nil, nil, 0, err
	}
	k := len(m.Keyframes) - 1
	if !at.IsZero() {
		k = m.KeyframeAt(at)
	}
	if k < 0 {
		db.Close()
		return nil, nil, nil, 0, geo.Errorf(geo.ENOTFOUND, "the timeline starts at %s; nothing is mapped before it",
			geo.TimelineStart.Format(time.RFC3339))
	}
	return db, gz, m, k, nil
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
	db, _, m, k, err := ef.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	terr, err := db.Territories(ctx, m.Keyframes[k].ID)
	if err != nil {
		return err
	}
	validFrom := m.Keyframes[k].At.UTC().Format(time.RFC3339)
	var validTo any // null: still in force when the timeline ends
	if k+1 < len(m.Keyframes) {
		validTo = m.Keyframes[k+1].At.UTC().Format(time.RFC3339)
	}
	fc := geojson.NewFeatureCollection()
	for _, t := range terr {
		f := geojson.NewFeature(roundCoords(t.Shape))
		f.Properties["controller"] = t.Faction
		f.Properties["faction"] = t.Faction
		if fa := geo.FactionByID(t.Faction); fa != nil {
			f.Properties["faction"] = fa.Name
		}
		f.Properties["valid_from"] = validFrom
		f.Properties["valid_to"] = validTo
		// Rounded as /api/stats rounds, so the two agree.
		f.Properties["area_km2"] = math.Round(t.AreaKm2*10) / 10
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{"attribution": data.Attribution}
	return json.NewEncoder(stdout).Encode(fc)
}

// roundCoords copies a shape with coordinates to 6 decimals (about 10 cm),
// as RFC 7946 suggests: more digits only bloat the file.
func roundCoords(mp orb.MultiPolygon) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			for i := range r {
				r[i] = orb.Point{math.Round(r[i][0]*1e6) / 1e6, math.Round(r[i][1]*1e6) / 1e6}
			}
		}
	}
	return out
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
	// Checked before opening the model, which can take a while.
	if *minZoom < tiles.MinZoom || *maxZoom > tiles.MaxZoom || *minZoom > *maxZoom {
		return geo.Errorf(geo.EINVALID, "zooms must satisfy %d <= --minzoom <= --maxzoom <= %d, got %d and %d",
			tiles.MinZoom, tiles.MaxZoom, *minZoom, *maxZoom)
	}
	if _, err := os.Lstat(out); err == nil {
		return geo.Errorf(geo.ECONFLICT, "%s exists; remove it first or choose another name", out)
	}
	db, gz, m, k, err := ef.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	r := tileRenderer(m, db, gz)
	terr, err := r.Territories(k)
	if err != nil {
		return err
	}
	if len(terr) == 0 {
		return geo.Errorf(geo.ENOTFOUND, "keyframe %d has no territories", k)
	}
	// The ground the territories cover, Golan included, which Natural
	// Earth's outline of Syria leaves out; padded against rounding.
	bound := terr[0].Shape.Bound()
	for _, t := range terr[1:] {
		bound = bound.Union(t.Shape.Bound())
	}
	bound = bound.Pad(0.01)

	kf := m.Keyframes[k]
	tver, err := data.TimelineVersion()
	if err != nil {
		return err
	}
	meta := tiles.Metadata{
		Name: "frontline " + kf.At.UTC().Format(time.RFC3339),
		Description: fmt.Sprintf("Who controlled what in Syria at %s (keyframe %d of %d); frontline %s, timeline %s",
			kf.At.UTC().Format(time.RFC3339), k+1, len(m.Keyframes), version, tver),
		Attribution: data.Attribution,
	}

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
	err = tiles.WriteMBTiles(ctx, out, r, k, bound, *minZoom, *maxZoom, meta, progress)
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
	perZoom, err := tiles.CountMBTiles(ctx, out)
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
	st, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d tiles, zooms %d-%d, to %s (%s)\n", n, *minZoom, *maxZoom, out, humanBytes(st.Size()))
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
