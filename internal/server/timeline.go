package server

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	"frontline/geo"

	"frontline/internal/app"
)

// ControlJSON is the wire form of a point-at-time answer; the CLI prints
// the same.
type ControlJSON struct {
	Point      [2]float64     `json:"point"`
	At         time.Time      `json:"at"`
	Controller string         `json:"controller"`
	Faction    string         `json:"faction"`
	Since      time.Time      `json:"since"`
	Until      *time.Time     `json:"until"`
	Previous   *string        `json:"previous"`
	Place      *DeciderJSON   `json:"place"`
	Area       *DeciderJSON   `json:"area"`
	Status     geo.Status     `json:"status"`
	Basis      geo.Basis      `json:"basis"`
	SnappedKm  *float64       `json:"snapped_km,omitempty"`
	Change     ChangeRefJSON  `json:"change"`
	Sources    []geo.Source   `json:"sources"`
	History    []IntervalJSON `json:"history"`
}

// DeciderJSON names the place (or area) whose control decided the point.
type DeciderJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	DistanceKm *float64 `json:"distance_km,omitempty"`
}

// ChangeRefJSON is a change in brief.
type ChangeRefJSON struct {
	ID        string        `json:"id"`
	At        time.Time     `json:"at"`
	Precision geo.Precision `json:"precision"`
	Summary   string        `json:"summary"`
}

// IntervalJSON is one interval of control at a point.
type IntervalJSON struct {
	From       time.Time  `json:"from"`
	To         *time.Time `json:"to"`
	Controller string     `json:"controller"`
	Status     geo.Status `json:"status"`
	Basis      geo.Basis  `json:"basis"`
	ChangeID   string     `json:"change_id"`
	Summary    string     `json:"summary"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// ControlOf converts an answer to its wire form.
func ControlOf(c geo.Control) ControlJSON {
	out := ControlJSON{
		Point: [2]float64{c.Point.Lon(), c.Point.Lat()}, At: c.At.UTC(), Controller: c.Faction,
		Since: c.Since, Until: timePtr(c.Until), Status: c.Change.Status, Basis: c.Basis,
		Change:  ChangeRefJSON{ID: c.Change.ID, At: c.Change.At, Precision: c.Change.Precision, Summary: c.Change.Summary},
		Sources: c.Change.Sources,
	}
	if f := geo.FactionByID(c.Faction); f != nil {
		out.Faction = f.Name
	}
	if c.Previous != "" {
		out.Previous = &c.Previous
	}
	if c.SnappedKm > 0 {
		d := math.Round(c.SnappedKm*100) / 100
		out.SnappedKm = &d
	}
	if c.Place != nil {
		d := math.Round(c.Place.DistanceKm*100) / 100
		out.Place = &DeciderJSON{ID: c.Place.Place.ID, Name: c.Place.Place.Name, DistanceKm: &d}
	}
	if c.Area != nil {
		out.Area = &DeciderJSON{ID: c.Area.Area, Name: c.Area.Name}
	}
	if out.Sources == nil {
		out.Sources = []geo.Source{}
	}
	for _, iv := range c.History {
		out.History = append(out.History, IntervalJSON{From: iv.From, To: timePtr(iv.To), Controller: iv.Faction,
			Status: iv.Change.Status, Basis: iv.Basis, ChangeID: iv.Change.ID, Summary: iv.Change.Summary})
	}
	return out
}

// controller answers GET /api/controller?lon=&lat=&at=.
func (s *Server) controller(w http.ResponseWriter, r *http.Request) error {
	// The hot path: the three parameters are read from the raw query
	// (checkQuery has vetted it) instead of building url.Values.
	p, err := PointOf(queryValue(r.URL.RawQuery, "lon"), queryValue(r.URL.RawQuery, "lat"))
	if err != nil {
		return err
	}
	at, err := ParseInstant(queryValue(r.URL.RawQuery, "at"), "at", time.Now())
	if err != nil {
		return err
	}
	v, err := s.current()
	if err != nil {
		return err
	}
	c, err := v.snap.Control(p, at)
	if err != nil {
		return err
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h[VersionHeader] = v.version
	_, err = w.Write(v.controlBody(c))
	return err
}

// controlTemplate is the encoded answer of one State, split where the
// distance to the deciding place goes; the point and instant lead.
type controlTemplate struct{ head, tail []byte }

// distanceMark stands in for the distance while a template is encoded.
const distanceMark = 987654321.5

// controlBody encodes an answer as [ControlOf] and encoding/json would,
// reusing the encoding of everything but the point, the instant and the
// distance: the answers of one State of one snapshot share it.
func (v *view) controlBody(c geo.Control) []byte {
	if c.SnappedKm > 0 {
		// Rare, and the snapped distance is the point's own: no template.
		b, err := json.Marshal(ControlOf(c))
		if err != nil {
			panic(err) // plain data; cannot fail
		}
		return append(b, '\n')
	}
	e, ok := v.controls.Load(c.State)
	if !ok {
		j := ControlOf(c)
		if j.Place != nil {
			d := distanceMark
			j.Place.DistanceKm = &d
		}
		b, err := json.Marshal(j)
		if err != nil {
			panic(err) // plain data; cannot fail
		}
		// Drop the leading point and instant: each answer writes its own.
		i := bytes.Index(b, []byte(`,"controller":`))
		b = b[i:]
		t := &controlTemplate{head: b}
		if k := bytes.Index(b, []byte("987654321.5")); k >= 0 {
			t.head, t.tail = b[:k], b[k+len("987654321.5"):]
		}
		e, _ = v.controls.LoadOrStore(c.State, t)
	}
	t := e.(*controlTemplate)
	buf := make([]byte, 0, len(t.head)+len(t.tail)+96)
	buf = append(buf, `{"point":[`...)
	buf = strconv.AppendFloat(buf, c.Point.Lon(), 'f', -1, 64)
	buf = append(buf, ',')
	buf = strconv.AppendFloat(buf, c.Point.Lat(), 'f', -1, 64)
	buf = append(buf, `],"at":"`...)
	buf = c.At.UTC().AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, '"')
	buf = append(buf, t.head...)
	if t.tail != nil {
		buf = strconv.AppendFloat(buf, math.Round(c.Place.DistanceKm*100)/100, 'f', -1, 64)
		buf = append(buf, t.tail...)
	}
	return append(buf, '\n')
}

// ChangeJSON is a change in full, as /api/timeline lists it.
type ChangeJSON struct {
	ID        string        `json:"id"`
	Place     string        `json:"place,omitempty"`
	Area      string        `json:"area,omitempty"`
	Name      string        `json:"name"`
	Point     *[2]float64   `json:"point,omitempty"`
	Faction   string        `json:"faction"`
	At        time.Time     `json:"at"`
	Precision geo.Precision `json:"precision"`
	Status    geo.Status    `json:"status"`
	Summary   string        `json:"summary"`
	Sources   []geo.Source  `json:"sources"`
}

type keyframeJSON struct {
	ID      int          `json:"id"`
	At      time.Time    `json:"at"`
	Changes []ChangeJSON `json:"changes"`
}

// timeline answers GET /api/timeline: the snapshot's version, the
// keyframes, the changes at each (the baseline's hundreds of rows only
// with ?baseline=1), and the factions with their colours. Pages poll it
// to learn of a new version, so it is cached and revalidated by ETag.
func (s *Server) timeline(w http.ResponseWriter, r *http.Request) error {
	withBaseline := r.URL.Query().Get("baseline") == "1"
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	key := snap.Version + "|timeline|" + strconv.FormatBool(withBaseline)
	resp, ok := s.cache.get(key)
	if !ok {
		out := struct {
			Version     string         `json:"version"`
			Start       time.Time      `json:"start"`
			End         time.Time      `json:"end"`
			Factions    []geo.Faction  `json:"factions"`
			Keyframes   []keyframeJSON `json:"keyframes"`
			Attribution string         `json:"attribution"`
		}{Version: snap.Version, Start: geo.TimelineStart, End: geo.TimelineEnd, Factions: geo.Factions,
			Keyframes: make([]keyframeJSON, 0, len(snap.Keyframes)), Attribution: s.Attribution}
		for k, kf := range snap.Keyframes {
			kj := keyframeJSON{ID: k, At: kf.At, Changes: []ChangeJSON{}}
			if kf.At.After(geo.TimelineStart) || withBaseline {
				for _, c := range kf.Changes {
					kj.Changes = append(kj.Changes, changeJSON(snap, c))
				}
			}
			out.Keyframes = append(out.Keyframes, kj)
		}
		if resp, err = encodeResponse(snap.Version, out); err != nil {
			return err
		}
		s.cache.put(key, resp)
	}
	cacheFor(w, r, snap)
	if r.URL.Query().Get(versionParam) != snap.Version {
		w.Header().Set("Cache-Control", "no-cache") // always revalidated: it announces new versions
	}
	return serveBytes(w, r, "application/json", resp)
}

func changeJSON(snap *app.Snapshot, c *geo.Change) ChangeJSON {
	j := ChangeJSON{ID: c.ID, Place: c.Place, Area: c.Area, Name: c.Name, Faction: c.Faction, At: c.At,
		Precision: c.Precision, Status: c.Status, Summary: c.Summary, Sources: sourcesJSON(c.Sources)}
	if c.Place != "" {
		if p := snap.Place(c.Place); p != nil {
			j.Point = &[2]float64{p.Point.Lon(), p.Point.Lat()}
		}
	}
	return j
}

// stats answers GET /api/stats: the area in km² each faction held at
// every keyframe.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	type row struct {
		ID       int                   `json:"id"`
		At       time.Time             `json:"at"`
		AreaKm2  map[string]float64    `json:"area_km2"`
		BasisKm2 map[geo.Basis]float64 `json:"basis_km2"`
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	out := struct {
		Version   string        `json:"version"`
		Factions  []geo.Faction `json:"factions"`
		Keyframes []row         `json:"keyframes"`
	}{Version: snap.Version, Factions: geo.Factions, Keyframes: make([]row, 0, len(snap.Keyframes))}
	for k, kf := range snap.Keyframes {
		areas := map[string]float64{}
		for f, a := range snap.Areas(k) {
			areas[f] = math.Round(a*10) / 10
		}
		bases := map[geo.Basis]float64{}
		for b, a := range snap.BasisAreas(k) {
			bases[b] = math.Round(a*10) / 10
		}
		out.Keyframes = append(out.Keyframes, row{ID: k, At: kf.At, AreaKm2: areas, BasisKm2: bases})
	}
	cacheFor(w, r, snap)
	return writeJSON(w, "application/json", out)
}
