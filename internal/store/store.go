// Package store is the contract between frontline's application core and
// the databases that keep its data: the gazetteer's places, the control
// changes with their sources, and the territory derived from them.
//
// internal/store/sqlite is the embedded default; another store (a
// PostgreSQL one for many replicas) implements the same [Store] and
// passes the same suite, internal/store/storetest.
package store

import (
	"context"
	"time"

	"frontline/geo"
)

// Store keeps frontline's data. Every method is safe for concurrent use,
// also by several processes sharing one location.
type Store interface {
	// ReplacePlaces swaps the stored gazetteer for places unless version
	// is already stored; it reports whether it wrote.
	ReplacePlaces(ctx context.Context, places []*geo.Place, version string) (bool, error)
	// Place returns the stored place with the id.
	// Returns ENOTFOUND if there is none.
	Place(ctx context.Context, id string) (*geo.Place, error)
	// CountPlaces returns how many places are stored.
	CountPlaces(ctx context.Context) (int, error)

	// ReplaceChanges swaps the changes of one origin for those load
	// returns, in one transaction, unless version is already stored for
	// that origin (then load is not called). It returns how many changes
	// it wrote. Changes of other origins are left alone.
	// Returns ECONFLICT if a change's id is taken by another origin.
	ReplaceChanges(ctx context.Context, origin, version string, load func() ([]*geo.Change, error)) (int, error)
	// ImportChanges adds changes under origin, all or none.
	// Returns ECONFLICT if an id is taken, EINVALID if a change names a
	// place that is not stored.
	ImportChanges(ctx context.Context, origin string, changes []*geo.Change) error
	// Timeline returns every change with its sources, in the order they
	// apply ([geo.SortChanges]), and the revision they were read at, all
	// from one consistent read.
	Timeline(ctx context.Context) (Timeline, error)
	// Revision names the state of the places and changes: it differs
	// after any write to them, by any process. It is cheap.
	Revision(ctx context.Context) (string, error)

	// Territory returns the territory stored for digest, or nil when the
	// stored one was derived for another digest (or none is stored), from
	// one consistent read.
	Territory(ctx context.Context, digest string) (*Territory, error)
	// SaveTerritory replaces the stored territory.
	SaveTerritory(ctx context.Context, t *Territory) error

	// Watch reports, by a send on the channel, that the places or changes
	// may have changed since the last report: after a write by this or any
	// other process. Reports are coalesced and may be spurious; compare
	// [Store.Revision]. The channel is closed when ctx ends.
	Watch(ctx context.Context) <-chan struct{}

	// AddArticle stores the article with its mentions and proposed
	// claims, all or none, giving the article and each claim its id (set
	// in place) and each claim the review state Pending. Claims do not
	// touch the revision: only an accepted claim's change does.
	AddArticle(ctx context.Context, a *geo.Article, mentions []geo.Mention, claims []*geo.Claim) error
	// Article returns the stored article with its mentions and claims.
	// Returns ENOTFOUND if there is none.
	Article(ctx context.Context, id int64) (*geo.Article, []geo.Mention, []*geo.Claim, error)
	// Claim returns the stored claim with the id.
	// Returns ENOTFOUND if there is none.
	Claim(ctx context.Context, id int64) (*geo.Claim, error)
	// Claims returns the claims the filter selects, oldest first.
	Claims(ctx context.Context, f ClaimFilter) ([]*geo.Claim, error)
	// AcceptClaim records the claim as accepted at decidedAt and imports
	// change under origin, in one transaction: both or neither.
	// Returns ENOTFOUND for an unknown claim, ECONFLICT if the claim is
	// already decided or the change's id is taken, EINVALID if the change
	// names a place that is not stored.
	AcceptClaim(ctx context.Context, id int64, decidedAt time.Time, origin string, change *geo.Change) (*geo.Claim, error)
	// RejectClaim records the claim as rejected at decidedAt, with the
	// reason (which may be empty).
	// Returns ENOTFOUND for an unknown claim, ECONFLICT if it is decided.
	RejectClaim(ctx context.Context, id int64, decidedAt time.Time, reason string) (*geo.Claim, error)

	// Close releases the store.
	Close() error
}

// ClaimFilter selects claims; zero fields select all.
type ClaimFilter struct {
	Review  geo.Review
	Article int64
	// Limit bounds how many come back (0: no bound); After skips claims
	// with an id up to it, for paging.
	Limit int
	After int64
}

// Timeline is the stored changes at one revision.
type Timeline struct {
	Revision string
	Changes  []*geo.Change
}

// Territory is what the derivation of the changes with one digest left
// to keep: the encoded grid, the keyframes, and each faction's ground at
// each keyframe (Territories[i] belongs to Keyframes[i]; only their ID
// and At are kept, not their changes).
type Territory struct {
	Digest      string
	Grid        []byte
	Keyframes   []geo.Keyframe
	Territories [][]geo.Territory
}
