//go:build postgis

// Side-by-side benchmarks of frontline against PostGIS over the same
// polygons: every keyframe's territories are loaded into a PostGIS table
// and the same tiles, feature collections and point queries are asked of
// both. bench/postgis.sh starts a throwaway PostgreSQL cluster, sets
// FRONTLINE_PG to its URL and runs
//
//	go test -tags postgis -run '^$' -bench . ./cmd/frontline
//
// Without FRONTLINE_PG every benchmark here is skipped.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"frontline/internal/app"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/maptile"
)

// pgBench is what every benchmark of the comparison shares: one running
// service, one PostgreSQL connection, and the inputs both sides get.
type pgBench struct {
	m        *Main
	snap     *app.Snapshot // the snapshot in force when the benchmark started
	conn     *pgx.Conn
	k        int       // the keyframe asked for: the middle one
	at       time.Time // its instant
	interval time.Duration
	tiles    []maptile.Tile // z7 tiles over Syria with ground in them
	points   []orb.Point    // inside Syria

	dir      string
	cleanups []func()
}

var (
	pgOnce  sync.Once
	pgState *pgBench
	pgErr   error
)

// keepTB hands MustRun a testing.TB whose cleanups wait for TestMain:
// the service outlives the benchmark that happened to start it.
type keepTB struct {
	testing.TB
	cleanups *[]func()
}

func (k keepTB) Cleanup(f func()) { *k.cleanups = append(*k.cleanups, f) }

// TestMain stops the shared service and removes its database once every
// benchmark has run. It exists only in builds with the postgis tag.
func TestMain(m *testing.M) {
	code := m.Run()
	if pgState != nil {
		pgState.close()
	}
	os.Exit(code)
}

func (s *pgBench) close() {
	if s.conn != nil {
		s.conn.Close(context.Background())
	}
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// Places across Syria's regions, away from the borders; some sit on or
// near front lines, where the two sides may differ by a cell.
var pgPoints = []orb.Point{
	{37.1613, 36.2021}, // Aleppo
	{36.7578, 35.1318}, // Hama
	{36.7167, 34.7268}, // Homs
	{36.2913, 33.5102}, // Damascus
	{36.1021, 32.6189}, // Daraa
	{39.0069, 35.9528}, // Raqqa
	{36.6339, 35.9306}, // Idlib
	{40.1408, 35.3359}, // Deir ez-Zor
	{35.7796, 35.5317}, // Latakia
	{35.8867, 34.8890}, // Tartus
	{36.5661, 32.7090}, // Suwayda
	{35.8244, 33.1259}, // Quneitra
	{38.2684, 34.5601}, // Palmyra
	{40.9186, 34.4525}, // Al-Bukamal
	{40.4528, 35.0211}, // Al-Mayadin
	{40.7477, 36.5008}, // Hasakah
	{41.2200, 37.0300}, // Qamishli
	{37.9486, 36.5281}, // Manbij
	{38.3600, 36.8700}, // Kobani
	{36.8689, 36.5117}, // Afrin
	{38.9500, 36.6600}, // Tal Abyad
}

const pgSchema = `
DROP TABLE IF EXISTS control;
CREATE TABLE control (
	keyframe   int,
	controller text,
	geom       geometry(MultiPolygon, 4326),
	geom3857   geometry(MultiPolygon, 3857)
)`

const pgInsert = `
INSERT INTO control (keyframe, controller, geom, geom3857)
SELECT $1, $2, g, ST_Transform(g, 3857)
FROM (SELECT ST_Multi(ST_GeomFromWKB($3, 4326)) AS g) s`

// The three queries the comparison asks of PostGIS. The tile query keeps
// ST_AsMVTGeom's 256-unit buffer, frontline's too, but its && filter
// takes the bare tile envelope, so a polygon reaching only into the buffer
// is left out; frontline pads in degrees, which at Syria's latitudes makes
// its buffer about 1.2 times taller than wide. Either way a few slivers
// along tile edges differ, and setup reports them.
const (
	pgTileSQL = `
SELECT ST_AsMVT(q, 'control', 4096, 'geom') FROM (
	SELECT controller, ST_AsMVTGeom(geom3857, ST_TileEnvelope($1, $2, $3), 4096, 256, true) AS geom
	FROM control
	WHERE keyframe = $4 AND geom3857 && ST_TileEnvelope($1, $2, $3)
) q`
	pgItemsSQL = `
SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(ST_AsGeoJSON(t.*)::json))
FROM (SELECT keyframe, controller, geom FROM control WHERE keyframe = $1) t`
	pgPointSQL = `
SELECT controller FROM control
WHERE keyframe = $1 AND ST_Contains(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326))`
)

// pgSetup starts the service and loads PostGIS, once per process; it
// skips the benchmark when FRONTLINE_PG is not set.
func pgSetup(b *testing.B) *pgBench {
	b.Helper()
	dsn := os.Getenv("FRONTLINE_PG")
	if dsn == "" {
		b.Skip("FRONTLINE_PG is not set: bench/postgis.sh starts PostGIS and sets it")
	}
	pgOnce.Do(func() {
		s := &pgBench{}
		pgState = s
		pgErr = s.setup(b, dsn)
	})
	if pgErr != nil {
		b.Fatal(pgErr)
	}
	return pgState
}

func (s *pgBench) setup(b *testing.B, dsn string) error {
	ctx := context.Background()
	start := time.Now()
	var err error
	if s.dir, err = os.MkdirTemp("", "frontline-pgbench-"); err != nil {
		return err
	}
	s.m = MustRun(keepTB{TB: b, cleanups: &s.cleanups}, s.dir+"/f.db", nil)
	s.snap = s.m.App.Current()
	kfs := s.snap.Keyframes
	s.k = len(kfs) / 2
	s.at = kfs[s.k].At
	s.interval = time.Hour
	if s.k+1 < len(kfs) {
		s.interval = kfs[s.k+1].At.Sub(s.at)
	}

	if s.conn, err = pgx.Connect(ctx, dsn); err != nil {
		return fmt.Errorf("connect to PostGIS: %w", err)
	}
	var version string
	if err := s.conn.QueryRow(ctx, "SELECT postgis_full_version()").Scan(&version); err != nil {
		return fmt.Errorf("PostGIS missing (CREATE EXTENSION postgis): %w", err)
	}
	if _, err := s.conn.Exec(ctx, pgSchema); err != nil {
		return err
	}
	rows, vertices := 0, 0
	for k := range kfs {
		terr := s.snap.Territories[k]
		batch := &pgx.Batch{}
		for _, t := range terr {
			g, err := wkb.Marshal(t.Shape)
			if err != nil {
				return err
			}
			batch.Queue(pgInsert, k, t.Faction, g)
			rows++
			for _, p := range t.Shape {
				for _, r := range p {
					vertices += len(r)
				}
			}
		}
		if err := s.conn.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("load keyframe %d: %w", k, err)
		}
	}
	for _, q := range []string{
		"CREATE INDEX control_geom ON control USING gist (geom)",
		"CREATE INDEX control_geom3857 ON control USING gist (geom3857)",
		"CREATE INDEX control_keyframe ON control (keyframe)",
		"ANALYZE control",
	} {
		if _, err := s.conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	b.Logf("loaded %d keyframes, %d rows, %d vertices into PostGIS in %s; keyframe %d (%s)",
		len(kfs), rows, vertices, time.Since(start).Round(time.Millisecond), s.k, s.at.Format(time.RFC3339))

	// z7 tiles over Syria's bounding box, keeping those where frontline
	// draws ground; PostGIS must draw the same tiles.
	nw := maptile.At(orb.Point{35.5, 37.4}, 7)
	se := maptile.At(orb.Point{42.5, 32.2}, 7)
	for x := nw.X; x <= se.X; x++ {
		for y := nw.Y; y <= se.Y; y++ {
			t := maptile.New(x, y, 7)
			fl, err := s.snap.Renderer.MVT(t, s.k)
			if err != nil {
				return err
			}
			nf := controllers(b, fl)
			if len(nf) == 0 {
				continue
			}
			pg, err := s.tile(ctx, t)
			if err != nil {
				return err
			}
			np := controllers(b, pg)
			if !slices.Equal(nf, np) {
				b.Logf("tile %d/%d/%d: control features of %v from frontline, of %v from PostGIS", t.Z, t.X, t.Y, nf, np)
			}
			if len(np) == 0 {
				continue // both sides must draw something
			}
			s.tiles = append(s.tiles, t)
		}
	}
	if len(s.tiles) == 0 {
		return errors.New("no z7 tile over Syria has ground in it")
	}
	b.Logf("%d z7 tiles from %d/%d to %d/%d", len(s.tiles), nw.X, nw.Y, se.X, se.Y)

	// Both sides must agree on who held the points.
	agree := 0
	for _, p := range pgPoints {
		fl := s.snap.Faction(p, s.at)
		pg, err := s.point(ctx, p)
		if err != nil {
			return err
		}
		if fl == "" {
			b.Logf("point %v: outside frontline's Syria; dropped", p)
			continue
		}
		if fl != pg {
			b.Logf("point %v: frontline says %q, PostGIS %q", p, fl, pg)
		} else {
			agree++
		}
		s.points = append(s.points, p)
	}
	b.Logf("points: %d of %d agree", agree, len(s.points))
	if len(s.points) == 0 {
		return errors.New("no point inside Syria")
	}
	return nil
}

// controllers lists the factions of a tile's control layer, sorted.
func controllers(b *testing.B, tile []byte) []string {
	if len(tile) == 0 {
		return nil
	}
	ls, err := mvt.Unmarshal(tile)
	if err != nil {
		b.Fatalf("not a vector tile: %v", err)
	}
	var out []string
	for _, l := range ls {
		if l.Name == "control" {
			for _, f := range l.Features {
				out = append(out, fmt.Sprint(f.Properties["controller"]))
			}
		}
	}
	slices.Sort(out)
	return out
}

func (s *pgBench) tile(ctx context.Context, t maptile.Tile) ([]byte, error) {
	var out []byte
	err := s.conn.QueryRow(ctx, pgTileSQL, int(t.Z), int(t.X), int(t.Y), s.k).Scan(&out)
	return out, err
}

func (s *pgBench) point(ctx context.Context, p orb.Point) (string, error) {
	var c string
	err := s.conn.QueryRow(ctx, pgPointSQL, s.k, p.Lon(), p.Lat()).Scan(&c)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return c, err
}

// A z7 tile rendered from the territories, cold: frontline's renderer is
// called directly, past the HTTP tile cache, with the keyframe's
// territories already decoded in memory as in a running server. Its
// tiles also carry the events and places layers; PostGIS's only control.
func BenchmarkColdTileZ7(b *testing.B) {
	b.Run("frontline", func(b *testing.B) {
		s := pgSetup(b)
		b.ReportAllocs()
		i, size := 0, 0
		for b.Loop() {
			out, err := s.snap.Renderer.MVT(s.tiles[i%len(s.tiles)], s.k)
			if err != nil || len(out) == 0 {
				b.Fatalf("%v, %d bytes", err, len(out))
			}
			i++
			size += len(out)
		}
		b.ReportMetric(float64(size)/float64(i), "bytes/tile")
	})
	b.Run("postgis", func(b *testing.B) {
		s := pgSetup(b)
		ctx := context.Background()
		b.ReportAllocs()
		i, size := 0, 0
		for b.Loop() {
			out, err := s.tile(ctx, s.tiles[i%len(s.tiles)])
			if err != nil || len(out) == 0 {
				b.Fatalf("%v, %d bytes", err, len(out))
			}
			i++
			size += len(out)
		}
		b.ReportMetric(float64(size)/float64(i), "bytes/tile")
	})
}

// itemsSeq moves each frontline items request to a new instant.
var itemsSeq atomic.Int64

// The control collection at the middle keyframe as GeoJSON: frontline's
// OGC API over HTTP on loopback, PostGIS's json_agg over its protocol.
func BenchmarkItems(b *testing.B) {
	b.Run("frontline", func(b *testing.B) {
		s := pgSetup(b)
		base := "http://" + s.m.Addr() + "/ogc/collections/control/items?limit=100&datetime="
		b.ReportAllocs()
		n, size := 0, 0
		for b.Loop() {
			// Each request names a different instant, a few milliseconds
			// apart inside one keyframe's interval; the service reduces it
			// to the keyframe, so this measures a page encoded once per
			// snapshot and served as bytes, as a tile is.
			off := time.Duration(itemsSeq.Add(1)) * time.Millisecond % s.interval
			u := base + url.QueryEscape(s.at.Add(off).Format(time.RFC3339Nano))
			res, body := fetch(b, u, nil)
			if res.StatusCode != 200 {
				b.Fatalf("%s: %d %s", u, res.StatusCode, body)
			}
			n++
			size += len(body)
		}
		b.ReportMetric(float64(size)/float64(n), "bytes/resp")
	})
	b.Run("postgis", func(b *testing.B) {
		s := pgSetup(b)
		ctx := context.Background()
		b.ReportAllocs()
		n, size := 0, 0
		for b.Loop() {
			var out []byte
			if err := s.conn.QueryRow(ctx, pgItemsSQL, s.k).Scan(&out); err != nil || len(out) == 0 {
				b.Fatalf("%v, %d bytes", err, len(out))
			}
			n++
			size += len(out)
		}
		b.ReportMetric(float64(size)/float64(n), "bytes/resp")
	})
}

// Who held a point at the middle keyframe. frontline answers in process;
// frontline-http is the same question through /api/controller on
// loopback, for a fairer match with PostGIS's round trip.
func BenchmarkPoint(b *testing.B) {
	b.Run("frontline", func(b *testing.B) {
		s := pgSetup(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if s.snap.Faction(s.points[i%len(s.points)], s.at) == "" {
				b.Fatal("no faction")
			}
			i++
		}
	})
	b.Run("frontline-http", func(b *testing.B) {
		s := pgSetup(b)
		urls := make([]string, len(s.points))
		for i, p := range s.points {
			urls[i] = fmt.Sprintf("http://%s/api/controller?lon=%g&lat=%g&at=%s", s.m.Addr(), p.Lon(), p.Lat(),
				url.QueryEscape(s.at.Format(time.RFC3339)))
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if res, body := fetch(b, urls[i%len(urls)], nil); res.StatusCode != 200 {
				b.Fatalf("%d %s", res.StatusCode, body)
			}
			i++
		}
	})
	b.Run("postgis", func(b *testing.B) {
		s := pgSetup(b)
		ctx := context.Background()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.point(ctx, s.points[i%len(s.points)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
