-- News reports read for places and control claims, the places each names
-- (mentions), and the claims proposed from them with a reviewer's
-- decision. None of this is part of the revision: only an accepted claim's
-- change, stored in changes, is.
--
-- Place ids here are not foreign keys: the gazetteer may be swapped
-- (ReplacePlaces) and an article still names what it named. A claim's
-- change_id is not one either: it records which change the acceptance
-- made, and ReplaceChanges must stay free to delete an origin's changes.
CREATE TABLE articles (
	id        INTEGER PRIMARY KEY,
	url       TEXT NOT NULL DEFAULT '',
	outlet    TEXT NOT NULL DEFAULT '',
	published TEXT NOT NULL, -- RFC 3339 with fractions, UTC
	text      TEXT NOT NULL CHECK (text <> ''),
	ingested  TEXT NOT NULL  -- RFC 3339 with fractions, UTC
) STRICT;

-- Start and end count code points into the article's text, end exclusive.
CREATE TABLE mentions (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	ordinal    INTEGER NOT NULL,
	"start"    INTEGER NOT NULL,
	"end"      INTEGER NOT NULL,
	text       TEXT NOT NULL,
	place_id   TEXT NOT NULL,
	name       TEXT NOT NULL DEFAULT '',
	kind       TEXT NOT NULL DEFAULT '',
	country    TEXT NOT NULL DEFAULT '',
	lon        REAL NOT NULL,
	lat        REAL NOT NULL,
	score      REAL NOT NULL DEFAULT 0,
	in_org     INTEGER NOT NULL DEFAULT 0 CHECK (in_org IN (0, 1)),
	PRIMARY KEY (article_id, ordinal)
) STRICT;

CREATE TABLE claims (
	id          INTEGER PRIMARY KEY,
	article_id  INTEGER NOT NULL REFERENCES articles (id),
	place_id    TEXT NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	lon         REAL NOT NULL,
	lat         REAL NOT NULL,
	faction     TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL DEFAULT '',
	actor       TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL CHECK (status IN ('confirmed', 'claimed', 'denied')),
	at          TEXT NOT NULL DEFAULT '', -- RFC 3339 with fractions, UTC; '' when unknown
	precision   TEXT NOT NULL DEFAULT '',
	attribution TEXT NOT NULL DEFAULT '',
	quote       TEXT NOT NULL DEFAULT '',
	"start"     INTEGER NOT NULL DEFAULT 0,
	"end"       INTEGER NOT NULL DEFAULT 0,
	review      TEXT NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'accepted', 'rejected')),
	decided_at  TEXT NOT NULL DEFAULT '', -- RFC 3339 with fractions, UTC; '' while pending
	reason      TEXT NOT NULL DEFAULT '', -- a rejection's
	change_id   TEXT NOT NULL DEFAULT '', -- the change an acceptance made
	CHECK ((review = 'pending') = (decided_at = '')),
	CHECK ((review = 'accepted') = (change_id <> ''))
) STRICT;

CREATE INDEX claims_review ON claims (review, id);
CREATE INDEX claims_article ON claims (article_id, id);
