package server

import (
	"encoding/json"
	"sync"

	"frontline/internal/app"

	"github.com/paulmach/orb"
)

// view is a snapshot with the server's caches of it: what can be reused
// between answers of one snapshot and must never outlive it. It goes with
// its snapshot.
type view struct {
	snap     *app.Snapshot
	controls sync.Map // geo.Control.State: *controlTemplate
	features sync.Map // collection/feature id: *cachedFeature
}

func newView(snap *app.Snapshot) *view { return &view{snap: snap} }

// cachedFeature is a feature's kept encoding, with the bound filters need.
type cachedFeature struct {
	bound orb.Bound
	once  sync.Once
	raw   json.RawMessage
	err   error
}

// feature returns the kept entry for key, making it with the bound
// computed by bound on first use.
func (v *view) feature(key string, bound func() orb.Bound) *cachedFeature {
	if e, ok := v.features.Load(key); ok {
		return e.(*cachedFeature)
	}
	e, _ := v.features.LoadOrStore(key, &cachedFeature{bound: bound()})
	return e.(*cachedFeature)
}
