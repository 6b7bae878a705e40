package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"frontline/geo"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
)

// OriginEmbedded marks the changes that come with the binary; a new
// binary replaces them and leaves imported ones alone.
const OriginEmbedded = "embedded"

// ReplaceChanges swaps the changes of an origin for those load returns,
// in one transaction, unless version is already loaded for it (then load
// is not called). It returns how many changes it wrote.
func (db *DB) ReplaceChanges(ctx context.Context, origin, version string, load func() ([]*geo.Change, error)) (int, error) {
	key := "changes_version:" + origin
	if v, err := db.Meta(ctx, key); err != nil || v == version {
		return 0, err
	}
	changes, err := load()
	if err != nil {
		return 0, err
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE origin = ?`, origin); err != nil {
			return err
		}
		if err := insertChanges(ctx, tx, origin, changes); err != nil {
			return err
		}
		return setMeta(ctx, tx, key, version)
	})
	if err != nil {
		return 0, err
	}
	return len(changes), nil
}

// ImportChanges adds changes, all or none. A change whose id is taken
// or whose place is unknown rejects the lot.
func (db *DB) ImportChanges(ctx context.Context, origin string, changes []*geo.Change) error {
	return db.write(ctx, func(tx *sql.Tx) error { return insertChanges(ctx, tx, origin, changes) })
}

func (db *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	if err := syncFactions(ctx, tx); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		if isFK(err) {
			return geo.Errorf(geo.EINVALID, "a change names a place that is not in the gazetteer")
		}
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

func syncFactions(ctx context.Context, tx *sql.Tx) error {
	for i, f := range geo.Factions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO factions (id, name, color, ord) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color, ord = excluded.ord`,
			f.ID, f.Name, f.Color, i); err != nil {
			return fmt.Errorf("sqlite: factions: %w", err)
		}
	}
	return nil
}

func insertChanges(ctx context.Context, tx *sql.Tx, origin string, changes []*geo.Change) error {
	cs, err := tx.PrepareContext(ctx, `INSERT INTO changes
		(id, place, area, shape, name, faction, at, precision, status, summary, origin)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer cs.Close()
	ss, err := tx.PrepareContext(ctx, `INSERT INTO sources (change_id, ord, outlet, url, published, quote)
		VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ss.Close()
	var placeCheck *sql.Stmt
	if placeCheck, err = tx.PrepareContext(ctx, `SELECT count(*) FROM places WHERE id = ?`); err != nil {
		return err
	}
	defer placeCheck.Close()
	for _, c := range changes {
		var place, area, shape any
		if c.Place != "" {
			var n int
			if err := placeCheck.QueryRowContext(ctx, c.Place).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return geo.Errorf(geo.EINVALID, "change %s: no place %q in the gazetteer", c.ID, c.Place)
			}
			place = c.Place
		} else {
			area = c.Area
			var g orb.Geometry = c.Shape
			b, err := geojson.NewGeometry(g).MarshalJSON()
			if err != nil {
				return err
			}
			shape = string(b)
		}
		if _, err := cs.ExecContext(ctx, c.ID, place, area, shape, c.Name, c.Faction, c.At.UTC().Format(time.RFC3339),
			string(c.Precision), string(c.Status), c.Summary, origin); err != nil {
			if isUnique(err) {
				return geo.Errorf(geo.ECONFLICT, "change %s is already recorded", c.ID)
			}
			return fmt.Errorf("sqlite: change %s: %w", c.ID, err)
		}
		for i, s := range c.Sources {
			pub := ""
			if !s.Published.IsZero() {
				pub = s.Published.UTC().Format(time.RFC3339)
			}
			if _, err := ss.ExecContext(ctx, c.ID, i, s.Outlet, s.URL, pub, s.Quote); err != nil {
				return fmt.Errorf("sqlite: change %s source %d: %w", c.ID, i, err)
			}
		}
	}
	return nil
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

func isUnique(err error) bool {
	e, ok := err.(sqlite3.Error)
	return ok && e.ExtendedCode == sqlite3.ErrConstraintPrimaryKey || ok && e.ExtendedCode == sqlite3.ErrConstraintUnique
}

func isFK(err error) bool {
	e, ok := err.(sqlite3.Error)
	return ok && e.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// Changes returns every stored change with its sources, in timeline order.
func (db *DB) Changes(ctx context.Context) ([]*geo.Change, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, coalesce(place, ''), coalesce(area, ''), coalesce(shape, ''),
		name, faction, at, precision, status, summary FROM changes ORDER BY at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: changes: %w", err)
	}
	defer rows.Close()
	var out []*geo.Change
	byID := map[string]*geo.Change{}
	for rows.Next() {
		var c geo.Change
		var shape, at, precision, status string
		if err := rows.Scan(&c.ID, &c.Place, &c.Area, &shape, &c.Name, &c.Faction, &at, &precision, &status, &c.Summary); err != nil {
			return nil, fmt.Errorf("sqlite: changes: %w", err)
		}
		c.Precision, c.Status = geo.Precision(precision), geo.Status(status)
		if c.At, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, fmt.Errorf("sqlite: change %s at: %w", c.ID, err)
		}
		if shape != "" {
			g, err := geojson.UnmarshalGeometry([]byte(shape))
			if err != nil {
				return nil, fmt.Errorf("sqlite: change %s shape: %w", c.ID, err)
			}
			c.Shape, _ = geo.AsMultiPolygon(g.Geometry())
		}
		out = append(out, &c)
		byID[c.ID] = &c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	srows, err := db.db.QueryContext(ctx, `SELECT change_id, outlet, url, published, quote FROM sources ORDER BY change_id, ord`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: sources: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var id, pub string
		var s geo.Source
		if err := srows.Scan(&id, &s.Outlet, &s.URL, &pub, &s.Quote); err != nil {
			return nil, err
		}
		if pub != "" {
			s.Published, _ = time.Parse(time.RFC3339, pub)
		}
		if c := byID[id]; c != nil {
			c.Sources = append(c.Sources, s)
		}
	}
	return out, srows.Err()
}

// SaveTerritory stores the derived territory: the keyframes, each
// faction's ground at each, and the encoded grid, for changes whose
// digest is digest. It replaces what was there.
func (db *DB) SaveTerritory(ctx context.Context, digest string, keyframes []geo.Keyframe, terr [][]geo.Territory, grid []byte) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM territories`, `DELETE FROM keyframes`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		ks, err := tx.PrepareContext(ctx, `INSERT INTO keyframes (id, at) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer ks.Close()
		ts, err := tx.PrepareContext(ctx, `INSERT INTO territories (keyframe_id, faction, area_km2, shape) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ts.Close()
		for i, kf := range keyframes {
			if _, err := ks.ExecContext(ctx, kf.ID, kf.At.UTC().Format(time.RFC3339)); err != nil {
				return fmt.Errorf("sqlite: keyframe %d: %w", kf.ID, err)
			}
			for _, t := range terr[i] {
				b, err := wkb.Marshal(t.Shape)
				if err != nil {
					return err
				}
				if _, err := ts.ExecContext(ctx, kf.ID, t.Faction, t.AreaKm2, b); err != nil {
					return fmt.Errorf("sqlite: territory %d %s: %w", kf.ID, t.Faction, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (key, value) VALUES ('grid', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, grid); err != nil {
			return err
		}
		return setMeta(ctx, tx, "territory_digest", digest)
	})
}

// Grid returns the stored grid and the digest of the changes it was built
// for; an empty digest when none is stored.
func (db *DB) Grid(ctx context.Context) (digest string, grid []byte, err error) {
	if digest, err = db.Meta(ctx, "territory_digest"); err != nil || digest == "" {
		return "", nil, err
	}
	err = db.db.QueryRowContext(ctx, `SELECT value FROM blobs WHERE key = 'grid'`).Scan(&grid)
	if err == sql.ErrNoRows {
		return "", nil, nil
	}
	return digest, grid, err
}

// Areas returns the area in km² per faction at every keyframe, by
// keyframe id.
func (db *DB) Areas(ctx context.Context) (map[int]map[string]float64, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT keyframe_id, faction, area_km2 FROM territories`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: areas: %w", err)
	}
	defer rows.Close()
	out := map[int]map[string]float64{}
	for rows.Next() {
		var id int
		var f string
		var a float64
		if err := rows.Scan(&id, &f, &a); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]float64{}
		}
		out[id][f] = a
	}
	return out, rows.Err()
}

// Territories returns each faction's ground at one keyframe, in faction
// order.
func (db *DB) Territories(ctx context.Context, keyframe int) ([]geo.Territory, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT t.faction, t.area_km2, t.shape FROM territories t
		JOIN factions f ON f.id = t.faction WHERE t.keyframe_id = ? ORDER BY f.ord`, keyframe)
	if err != nil {
		return nil, fmt.Errorf("sqlite: territories %d: %w", keyframe, err)
	}
	defer rows.Close()
	var out []geo.Territory
	for rows.Next() {
		var t geo.Territory
		var b []byte
		if err := rows.Scan(&t.Faction, &t.AreaKm2, &b); err != nil {
			return nil, err
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			return nil, fmt.Errorf("sqlite: territory %d %s: %w", keyframe, t.Faction, err)
		}
		t.Shape, _ = geo.AsMultiPolygon(g)
		out = append(out, t)
	}
	return out, rows.Err()
}
