-- A change may say how far around its place it moves ground; derived
-- ground is kept per faction, status of the deciding change, and basis
-- (how it is known: place, area, kept, none).
ALTER TABLE changes ADD COLUMN radius_km REAL NOT NULL DEFAULT 0 CHECK (radius_km >= 0);

DROP TABLE territories;
CREATE TABLE territories (
	keyframe_id INTEGER NOT NULL REFERENCES keyframes (id) ON DELETE CASCADE,
	faction     TEXT NOT NULL REFERENCES factions (id),
	status      TEXT NOT NULL CHECK (status IN ('confirmed', 'claimed')),
	basis       TEXT NOT NULL CHECK (basis IN ('place', 'area', 'kept', 'none')),
	area_km2    REAL NOT NULL,
	shape       BLOB NOT NULL, -- WKB multipolygon, lon/lat
	PRIMARY KEY (keyframe_id, faction, status, basis)
) STRICT;

-- The stored territory was derived by the old rule: derive it again.
DELETE FROM meta WHERE key = 'territory_digest';
