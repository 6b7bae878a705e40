package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"frontline/geo"
	"frontline/internal/store"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
)

// ReplaceChanges implements [store.Store].
func (db *DB) ReplaceChanges(ctx context.Context, origin, version string, load func() ([]*geo.Change, error)) (int, error) {
	key := "changes_version:" + origin
	if v, err := meta(ctx, db.r, key); err != nil || v == version {
		return 0, err
	}
	changes, err := load()
	if err != nil {
		return 0, err
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if v, err := meta(ctx, tx, key); err != nil || v == version {
			return errUnchanged // another process wrote it meanwhile
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM changes WHERE origin = ?`, origin); err != nil {
			return err
		}
		if err := insertChanges(ctx, tx, origin, changes); err != nil {
			return err
		}
		if err := bumpRevision(ctx, tx); err != nil {
			return err
		}
		return setMeta(ctx, tx, key, version)
	})
	if err == errUnchanged {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return len(changes), nil
}

// ImportChanges implements [store.Store].
func (db *DB) ImportChanges(ctx context.Context, origin string, changes []*geo.Change) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := insertChanges(ctx, tx, origin, changes); err != nil {
			return err
		}
		return bumpRevision(ctx, tx)
	})
}

// write runs fn in a transaction that holds the write lock from its start,
// so two processes' writes queue instead of failing midway.
func (db *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
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
		(id, place, area, shape, name, faction, at, precision, status, summary, origin, radius_km)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
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
			string(c.Precision), string(c.Status), c.Summary, origin, c.RadiusKm); err != nil {
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

func isUnique(err error) bool {
	e, ok := err.(sqlite3.Error)
	return ok && e.ExtendedCode == sqlite3.ErrConstraintPrimaryKey || ok && e.ExtendedCode == sqlite3.ErrConstraintUnique
}

func isFK(err error) bool {
	e, ok := err.(sqlite3.Error)
	return ok && e.ExtendedCode == sqlite3.ErrConstraintForeignKey
}

// Timeline implements [store.Store].
func (db *DB) Timeline(ctx context.Context) (store.Timeline, error) {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return store.Timeline{}, fmt.Errorf("sqlite: timeline: %w", err)
	}
	defer tx.Rollback()
	// The first read fixes the snapshot the rest of the transaction sees.
	rev, err := meta(ctx, tx, revisionKey)
	if err != nil {
		return store.Timeline{}, err
	}
	if rev == "" {
		rev = "0"
	}
	changes, err := readChanges(ctx, tx)
	if err != nil {
		return store.Timeline{}, err
	}
	geo.SortChanges(changes)
	return store.Timeline{Revision: rev, Changes: changes}, nil
}

func readChanges(ctx context.Context, q querier) ([]*geo.Change, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, coalesce(place, ''), coalesce(area, ''), coalesce(shape, ''),
		name, faction, at, precision, status, summary, radius_km FROM changes ORDER BY at, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: changes: %w", err)
	}
	defer rows.Close()
	var out []*geo.Change
	byID := map[string]*geo.Change{}
	for rows.Next() {
		var c geo.Change
		var shape, at, precision, status string
		if err := rows.Scan(&c.ID, &c.Place, &c.Area, &shape, &c.Name, &c.Faction, &at, &precision, &status, &c.Summary, &c.RadiusKm); err != nil {
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
	srows, err := q.QueryContext(ctx, `SELECT change_id, outlet, url, published, quote FROM sources ORDER BY change_id, ord`)
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

// SaveTerritory implements [store.Store].
func (db *DB) SaveTerritory(ctx context.Context, t *store.Territory) error {
	if len(t.Keyframes) != len(t.Territories) {
		return geo.Errorf(geo.EINVALID, "territory: %d keyframes but %d sets of ground", len(t.Keyframes), len(t.Territories))
	}
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
		ts, err := tx.PrepareContext(ctx, `INSERT INTO territories (keyframe_id, faction, status, basis, area_km2, shape)
			VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ts.Close()
		for i, kf := range t.Keyframes {
			if _, err := ks.ExecContext(ctx, i, kf.At.UTC().Format(time.RFC3339Nano)); err != nil {
				return fmt.Errorf("sqlite: keyframe %d: %w", i, err)
			}
			for _, ter := range t.Territories[i] {
				b, err := wkb.Marshal(ter.Shape)
				if err != nil {
					return err
				}
				if _, err := ts.ExecContext(ctx, i, ter.Faction, string(ter.Status), string(ter.Basis), ter.AreaKm2, b); err != nil {
					if isUnique(err) {
						return geo.Errorf(geo.EINVALID, "territory: keyframe %d has %s %s %s ground twice", i, ter.Faction, ter.Status, ter.Basis)
					}
					return fmt.Errorf("sqlite: territory %d %s: %w", i, ter.Faction, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (key, value) VALUES ('grid', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, t.Grid); err != nil {
			return err
		}
		return setMeta(ctx, tx, "territory_digest", t.Digest)
	})
}

// Territory implements [store.Store].
func (db *DB) Territory(ctx context.Context, digest string) (*store.Territory, error) {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: territory: %w", err)
	}
	defer tx.Rollback()
	stored, err := meta(ctx, tx, "territory_digest")
	if err != nil || stored != digest || digest == "" {
		return nil, err
	}
	out := &store.Territory{Digest: digest}
	err = tx.QueryRowContext(ctx, `SELECT value FROM blobs WHERE key = 'grid'`).Scan(&out.Grid)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: grid: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, at FROM keyframes ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: keyframes: %w", err)
	}
	index := map[int]int{}
	for rows.Next() {
		var id int
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			rows.Close()
			return nil, err
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlite: keyframe %d at: %w", id, err)
		}
		index[id] = len(out.Keyframes)
		out.Keyframes = append(out.Keyframes, geo.Keyframe{ID: len(out.Keyframes), At: t})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.Territories = make([][]geo.Territory, len(out.Keyframes))
	rows, err = tx.QueryContext(ctx, `SELECT t.keyframe_id, t.faction, t.status, t.basis, t.area_km2, t.shape FROM territories t
		JOIN factions f ON f.id = t.faction ORDER BY t.keyframe_id, t.rowid`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: territories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var t geo.Territory
		var status, basis string
		var b []byte
		if err := rows.Scan(&id, &t.Faction, &status, &basis, &t.AreaKm2, &b); err != nil {
			return nil, err
		}
		t.Status, t.Basis = geo.Status(status), geo.Basis(basis)
		i, ok := index[id]
		if !ok {
			return nil, fmt.Errorf("sqlite: territory of unknown keyframe %d", id)
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			return nil, fmt.Errorf("sqlite: territory %d %s: %w", id, t.Faction, err)
		}
		t.Shape, _ = geo.AsMultiPolygon(g)
		out.Territories[i] = append(out.Territories[i], t)
	}
	return out, rows.Err()
}
