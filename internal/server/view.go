package server

import (
	"sync"

	"frontline/internal/app"
)

// view is a snapshot with the server's caches of it: what can be reused
// between answers of one snapshot and must never outlive it. It goes with
// its snapshot.
type view struct {
	snap        *app.Snapshot
	version     []string // the Frontline-Version header's value, shared
	controls    sync.Map // geo.Control.State: *controlTemplate
	collections sync.Map // collection id: *collectionView
}

func newView(snap *app.Snapshot) *view { return &view{snap: snap, version: []string{snap.Version}} }

// collectionView is a collection's features in one snapshot, listed once,
// with an index by id for the item route.
type collectionView struct {
	once     sync.Once
	features []ogcFeature
	byID     map[string]int
}

// collection returns c's features in v, listing them on first use.
func (v *view) collection(s *Server, c *collection) *collectionView {
	e, ok := v.collections.Load(c.id)
	if !ok {
		e, _ = v.collections.LoadOrStore(c.id, &collectionView{})
	}
	cv := e.(*collectionView)
	cv.once.Do(func() {
		cv.features = c.features(s, v)
		cv.byID = make(map[string]int, len(cv.features))
		for i, f := range cv.features {
			cv.byID[f.id] = i
		}
	})
	return cv
}
