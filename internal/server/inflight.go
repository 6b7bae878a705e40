package server

import (
	"sync"

	"frontline/geo"
)

// largeAnswer is the size from which an answer counts against the bytes
// in flight: below it, what a slow reader pins is its connection's.
const largeAnswer = 1 << 20

// inflight bounds the memory large answers pin while they are written: a
// client that reads slowly holds its answer until the write timeout, and
// the cache may have let it go meanwhile, so without a bound slow readers
// of many distinct large pages (whole collections under different boxes)
// would pin one page each. An answer asked by many at once counts once.
type inflight struct {
	mu    sync.Mutex
	max   int64
	bytes int64
	refs  map[*response]int
}

func newInflight(max int64) *inflight { return &inflight{max: max, refs: map[*response]int{}} }

// hold counts resp as being written until release is called; a large
// answer that would take the bytes in flight past the bound, while
// others are in flight, is refused EUNAVAILABLE.
func (f *inflight) hold(resp *response) (release func(), err error) {
	size := int64(len(resp.body))
	if size < largeAnswer {
		return func() {}, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.refs[resp] == 0 {
		if f.bytes > 0 && f.bytes+size > f.max {
			return nil, geo.Errorf(geo.EUNAVAILABLE, "too many large answers are being sent at once; try again in %s seconds", retryAfter)
		}
		f.bytes += size
	}
	f.refs[resp]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.refs[resp]--; f.refs[resp] == 0 {
			delete(f.refs, resp)
			f.bytes -= size
		}
	}, nil
}
