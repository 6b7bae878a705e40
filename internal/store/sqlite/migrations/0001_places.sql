-- The gazetteer, copied from the embedded data on first start so that the
-- timeline can refer to places by id and SQL can join on them.
CREATE TABLE places (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	country    TEXT NOT NULL,
	admin1     TEXT NOT NULL DEFAULT '',
	lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
	lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
	population INTEGER NOT NULL DEFAULT 0,
	names      TEXT NOT NULL DEFAULT '[]', -- JSON array of other names
	anchor     TEXT NOT NULL DEFAULT '',
	source     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX places_country_kind ON places (country, kind);

-- What was loaded from where: the version of the embedded data the
-- database was filled from, so a later start knows to reuse it.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
