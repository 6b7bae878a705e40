package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"frontline/geo"
	"frontline/internal/app"
)

// HeartbeatInterval is how often an idle event stream sends a comment, so
// proxies and browsers keep it open and a dead client is noticed.
var HeartbeatInterval = 15 * time.Second

// MaxEventStreams bounds the open event streams; each holds a connection
// and a goroutine, nothing more.
const MaxEventStreams = 4096

// TimelineEvent is the data of a "timeline" event: the snapshot now in
// force. Its version is also the event's id.
type TimelineEvent struct {
	Version   string    `json:"version"`
	Revision  string    `json:"revision"`
	Built     time.Time `json:"built"`
	Changes   int       `json:"changes"`
	Keyframes int       `json:"keyframes"`
}

// eventStream answers GET /api/events/stream with Server-Sent Events: a
// "timeline" event whenever a new snapshot is in force. A client that
// reconnects with Last-Event-ID (the version it last saw) hears at once if
// it missed one, and nothing otherwise; a new client hears the version in
// force first.
func (s *Server) eventStream(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	if n := s.streams.Add(1); n > MaxEventStreams {
		s.streams.Add(-1)
		w.Header().Set("Retry-After", "30")
		return geo.Errorf(geo.EUNAVAILABLE, "too many open event streams; try again later")
	}
	defer s.streams.Add(-1)
	beat := HeartbeatInterval
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // a buffering proxy would hold events back
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	// A stream outlives any write timeout the server has: each write
	// gets its own deadline.
	write := func(format string, args ...any) bool {
		rc.SetWriteDeadline(time.Now().Add(beat + 10*time.Second))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	send := func(snap *app.Snapshot) bool {
		data, _ := json.Marshal(TimelineEvent{Version: snap.Version, Revision: snap.Revision, Built: snap.Built,
			Changes: len(snap.Changes), Keyframes: len(snap.Keyframes)})
		return write("id: %s\nevent: timeline\ndata: %s\n\n", snap.Version, data)
	}
	if !write("retry: 3000\n\n") {
		return nil
	}
	if r.Header.Get("Last-Event-ID") != snap.Version && !send(snap) {
		return nil
	}
	heartbeat := time.NewTicker(beat)
	defer heartbeat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-s.closing:
			return nil
		case <-snap.Superseded():
			// Skip straight to the newest: a reader needs only the latest.
			snap = s.App.Current()
			if !send(snap) {
				return nil
			}
		case <-heartbeat.C:
			if !write(": heartbeat\n\n") {
				return nil
			}
		}
	}
}
