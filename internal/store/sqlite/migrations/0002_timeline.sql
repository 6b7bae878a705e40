-- The control timeline: changes with their sources, and the territory
-- derived from them (rebuilt whenever the changes change).
CREATE TABLE factions (
	id    TEXT PRIMARY KEY,
	name  TEXT NOT NULL,
	color TEXT NOT NULL,
	ord   INTEGER NOT NULL
) STRICT;

CREATE TABLE changes (
	id        TEXT PRIMARY KEY,
	place     TEXT REFERENCES places (id) DEFERRABLE INITIALLY DEFERRED,
	area      TEXT,
	shape     TEXT, -- GeoJSON geometry of an area
	name      TEXT NOT NULL DEFAULT '',
	faction   TEXT NOT NULL REFERENCES factions (id),
	at        TEXT NOT NULL, -- RFC 3339, UTC
	precision TEXT NOT NULL CHECK (precision IN ('hour', 'day')),
	status    TEXT NOT NULL CHECK (status IN ('confirmed', 'claimed', 'denied')),
	summary   TEXT NOT NULL DEFAULT '',
	origin    TEXT NOT NULL, -- 'embedded', or the file it was imported from
	CHECK ((place IS NULL) <> (area IS NULL)),
	CHECK (area IS NULL OR shape IS NOT NULL)
) STRICT;

CREATE INDEX changes_at ON changes (at);
CREATE INDEX changes_place ON changes (place);

CREATE TABLE sources (
	change_id TEXT NOT NULL REFERENCES changes (id) ON DELETE CASCADE,
	ord       INTEGER NOT NULL,
	outlet    TEXT NOT NULL,
	url       TEXT NOT NULL DEFAULT '',
	published TEXT NOT NULL DEFAULT '',
	quote     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (change_id, ord)
) STRICT;

-- Derived: keyframes and each faction's ground at each, for the changes
-- whose digest is meta 'territory_digest'.
CREATE TABLE keyframes (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE territories (
	keyframe_id INTEGER NOT NULL REFERENCES keyframes (id) ON DELETE CASCADE,
	faction     TEXT NOT NULL REFERENCES factions (id),
	area_km2    REAL NOT NULL,
	shape       BLOB NOT NULL, -- WKB multipolygon, lon/lat
	PRIMARY KEY (keyframe_id, faction)
) STRICT;

CREATE TABLE blobs (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;
