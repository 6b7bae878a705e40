// Package export writes frontline's maps to files: MBTiles, GeoJSON...
// It renders nothing itself: the tiles of an MBTiles file come from a
// [tiles.Renderer].
package export

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"frontline/geo"
	"frontline/internal/tiles"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
)

// Metadata names and credits an MBTiles file; WriteMBTiles adds the
// bounds, centre, zooms and layers itself.
type Metadata struct {
	Name        string
	Description string
	Attribution string
	Version     string // of the tile set, not of the spec; "1" when empty
}

// maxLat is the latitude where Web Mercator tiles end.
const maxLat = 85.05112878

// WriteMBTiles writes the vector tiles of one keyframe covering bound,
// zooms minZoom..maxZoom, to a new MBTiles 1.3 file at path.
//
// It writes a temporary file beside path and moves it into place, so a
// failure or a cancelled ctx leaves nothing at path. It never replaces an
// existing file. progress, when not nil, is called after each tile with
// the tiles rendered so far and the tiles in the cover, empty ones
// included. Tiles render on every CPU: r must bear concurrent calls, as
// it does for the server.
func WriteMBTiles(ctx context.Context, path string, r *tiles.Renderer, keyframe int, bound orb.Bound, minZoom, maxZoom int,
	meta Metadata, progress func(done, total int)) (err error) {
	switch {
	case minZoom < tiles.MinZoom || maxZoom > tiles.MaxZoom || minZoom > maxZoom:
		return geo.Errorf(geo.EINVALID, "zooms must satisfy %d <= minzoom <= maxzoom <= %d, got %d and %d",
			tiles.MinZoom, tiles.MaxZoom, minZoom, maxZoom)
	case keyframe < 0 || keyframe >= len(r.Keyframes):
		return geo.Errorf(geo.EINVALID, "keyframe %d does not exist: there are %d", keyframe, len(r.Keyframes))
	case bound.Min[0] < -180 || bound.Max[0] > 180 || bound.Min[0] > bound.Max[0] || bound.Min[1] > bound.Max[1] ||
		bound.Min[1] < -90 || bound.Max[1] > 90:
		return geo.Errorf(geo.EINVALID, "bound %v is not a longitude/latitude box", bound)
	}
	// Tiles stop short of the poles; a bound beyond would cover nothing more.
	bound.Min[1] = math.Max(bound.Min[1], -maxLat)
	bound.Max[1] = math.Min(bound.Max[1], maxLat)
	if err := refuseExisting(path); err != nil {
		return err
	}

	var cover []maptile.Tile
	for z := minZoom; z <= maxZoom; z++ {
		set := tilecover.Bound(bound, maptile.Zoom(z))
		n := len(cover)
		for t := range set {
			cover = append(cover, t)
		}
		// In row order within a zoom: neighbours land close in the file.
		zc := cover[n:]
		sort.Slice(zc, func(i, j int) bool {
			if zc[i].X != zc[j].X {
				return zc[i].X < zc[j].X
			}
			return zc[i].Y < zc[j].Y
		})
	}

	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer func() {
		if err != nil {
			os.Remove(tmpPath)
		}
	}()

	// No journal and no syncs: the file is not in place until it is
	// complete, so a crash loses only the temporary file.
	u := url.URL{Scheme: "file", Path: tmpPath, RawQuery: "_journal_mode=OFF&_synchronous=OFF"}
	db, err := sql.Open("sqlite3", u.String())
	if err != nil {
		return fmt.Errorf("mbtiles: open %s: %w", tmpPath, err)
	}
	// One connection, so every statement sees the pragmas and the schema.
	db.SetMaxOpenConns(1)
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("mbtiles: close: %w", cerr)
		}
	}()
	if err := writeTiles(ctx, db, r, keyframe, bound, minZoom, maxZoom, meta, cover, progress); err != nil {
		return err
	}
	// Leave a file that opens with the default journal anywhere.
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode=DELETE`); err != nil {
		return fmt.Errorf("mbtiles: %w", err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("mbtiles: close: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// CreateTemp made it private; a tile set is for sharing.
	if err := os.Chmod(tmpPath, 0o644); err != nil {
		return err
	}
	return publish(tmpPath, path)
}

// refuseExisting is the early check that spares rendering tiles that
// could not be published.
func refuseExisting(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return geo.Errorf(geo.ECONFLICT, "%s exists; remove it first or choose another name", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// publish moves the finished file to path unless something took the
// name meanwhile: a hard link fails where rename would replace.
func publish(tmpPath, path string) error {
	err := os.Link(tmpPath, path)
	switch {
	case err == nil:
		return os.Remove(tmpPath)
	case errors.Is(err, fs.ErrExist):
		return geo.Errorf(geo.ECONFLICT, "%s exists; remove it first or choose another name", path)
	}
	// Some file systems have no hard links; check, then rename.
	if err := refuseExisting(path); err != nil {
		return err
	}
	return os.Rename(tmpPath, path)
}

func writeTiles(ctx context.Context, db *sql.DB, r *tiles.Renderer, keyframe int, bound orb.Bound, minZoom, maxZoom int,
	meta Metadata, cover []maptile.Tile, progress func(done, total int)) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mbtiles: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE UNIQUE INDEX metadata_name ON metadata (name)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("mbtiles: schema: %w", err)
		}
	}
	rows, err := metadataRows(bound, minZoom, maxZoom, meta)
	if err != nil {
		return err
	}
	for _, kv := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO metadata (name, value) VALUES (?, ?)`, kv[0], kv[1]); err != nil {
			return fmt.Errorf("mbtiles: metadata %s: %w", kv[0], err)
		}
	}

	ins, err := tx.PrepareContext(ctx, `INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("mbtiles: %w", err)
	}
	defer ins.Close()
	done := 0
	err = renderTiles(ctx, r, keyframe, cover, func(t maptile.Tile, gz []byte) error {
		if gz != nil {
			// MBTiles numbers rows from the south (TMS); maptile from the north.
			row := (1 << t.Z) - 1 - int(t.Y)
			if _, err := ins.ExecContext(ctx, int(t.Z), int(t.X), row, gz); err != nil {
				return fmt.Errorf("mbtiles: tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
			}
		}
		done++
		if progress != nil {
			progress(done, len(cover))
		}
		return nil
	})
	if cerr := ctx.Err(); cerr != nil {
		// Whichever statement noticed first, the cause is the cancel.
		return cerr
	}
	if err != nil {
		return err
	}
	if err := ins.Close(); err != nil {
		return fmt.Errorf("mbtiles: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mbtiles: commit: %w", err)
	}
	return nil
}

// renderTiles renders and gzips the tiles of cover on every CPU and
// hands them to write one at a time, in cover order so the same data
// gives the same file; gz is nil for an empty tile.
func renderTiles(ctx context.Context, r *tiles.Renderer, keyframe int, cover []maptile.Tile, write func(t maptile.Tile, gz []byte) error) error {
	type result struct {
		gz  []byte
		err error
	}
	type job struct {
		t   maptile.Tile
		out chan result
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job)
	// Bounds how far rendering runs ahead of a slow tile.
	queue := make(chan job, 4*workers)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// Stop the feeder and the workers before returning, whatever happened.
	defer func() {
		cancel()
		wg.Wait()
	}()
	wg.Go(func() {
		defer close(jobs)
		defer close(queue)
		for _, t := range cover {
			j := job{t, make(chan result, 1)}
			select {
			case queue <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			// A gzip writer is costly to make: one per worker, reset per tile.
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			for j := range jobs {
				gz, err := renderGzip(r, j.t, keyframe, zw, &buf)
				j.out <- result{gz, err}
			}
		})
	}
	for j := range queue {
		var res result
		select {
		case res = <-j.out:
		case <-ctx.Done():
			return ctx.Err()
		}
		if res.err != nil {
			return fmt.Errorf("mbtiles: tile %d/%d/%d: %w", j.t.Z, j.t.X, j.t.Y, res.err)
		}
		if err := write(j.t, res.gz); err != nil {
			return err
		}
	}
	// The feeder closes the queue early when ctx ends.
	return ctx.Err()
}

// renderGzip renders one tile and gzips it with zw into buf; nil for an
// empty tile.
func renderGzip(r *tiles.Renderer, t maptile.Tile, keyframe int, zw *gzip.Writer, buf *bytes.Buffer) ([]byte, error) {
	raw, err := r.MVT(t, keyframe)
	if err != nil || raw == nil {
		return nil, err
	}
	buf.Reset()
	zw.Reset(buf)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// metadataRows are the name/value pairs MBTiles 1.3 asks of a vector
// tile set.
func metadataRows(bound orb.Bound, minZoom, maxZoom int, meta Metadata) ([][2]string, error) {
	// Fields map names to the types the tiles encode ("String", "Number",
	// "Boolean"), as MBTiles 1.3 asks and GDAL reads them.
	type vectorLayer struct {
		ID          string            `json:"id"`
		Description string            `json:"description,omitempty"`
		Fields      map[string]string `json:"fields"`
		MinZoom     int               `json:"minzoom"`
		MaxZoom     int               `json:"maxzoom"`
	}
	var layers []vectorLayer
	for _, l := range tiles.Layers {
		layers = append(layers, vectorLayer{ID: l.ID, Description: l.Description, Fields: l.Fields, MinZoom: minZoom, MaxZoom: maxZoom})
	}
	js, err := json.Marshal(struct {
		VectorLayers []vectorLayer `json:"vector_layers"`
	}{layers})
	if err != nil {
		return nil, err
	}
	version := meta.Version
	if version == "" {
		version = "1"
	}
	c := bound.Center()
	return [][2]string{
		{"name", meta.Name},
		{"format", "pbf"},
		{"bounds", coords(bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1])},
		{"center", coords(c[0], c[1]) + "," + strconv.Itoa(centerZoom(bound, minZoom, maxZoom))},
		{"minzoom", strconv.Itoa(minZoom)},
		{"maxzoom", strconv.Itoa(maxZoom)},
		{"attribution", meta.Attribution},
		{"description", meta.Description},
		{"type", "overlay"},
		{"version", version},
		{"json", string(js)},
	}, nil
}

// coords joins degrees, rounded to about 10 cm.
func coords(vs ...float64) string {
	var b []byte
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, math.Round(v*1e6)/1e6, 'f', -1, 64)
	}
	return string(b)
}

// centerZoom is the zoom at which the bound fills about four tiles across,
// a whole-map view on a screen, kept within the file's zooms.
func centerZoom(bound orb.Bound, minZoom, maxZoom int) int {
	z := maxZoom
	if w := bound.Max[0] - bound.Min[0]; w > 0 {
		z = int(math.Floor(math.Log2(4 * 360 / w)))
	}
	return max(minZoom, min(maxZoom, z))
}

// CountMBTiles returns the tiles an MBTiles file holds, by zoom.
func CountMBTiles(ctx context.Context, path string) (map[int]int, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// Stat first: read-only SQLite would report a missing file obscurely.
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: "mode=ro"}
	db, err := sql.Open("sqlite3", u.String())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT zoom_level, count(*) FROM tiles GROUP BY zoom_level`)
	if err != nil {
		return nil, fmt.Errorf("mbtiles: %s: %w", path, err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var z, n int
		if err := rows.Scan(&z, &n); err != nil {
			return nil, err
		}
		out[z] = n
	}
	return out, rows.Err()
}
