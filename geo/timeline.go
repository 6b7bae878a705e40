package geo

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Status says how far a change is established.
type Status string

const (
	// Confirmed: reported by independent sources or admitted by the side
	// that lost ground.
	Confirmed Status = "confirmed"
	// Claimed: one side's claim, not yet confirmed. It is the best
	// knowledge there is, so it applies, marked as such.
	Claimed Status = "claimed"
	// Denied: a claim the other side denied. It is kept on the record but
	// does not change who controls anything.
	Denied Status = "denied"
)

// Applies reports whether a change with this status moves control.
func (s Status) Applies() bool { return s == Confirmed || s == Claimed }

// Precision is how exactly a change's instant is known.
type Precision string

const (
	Hour Precision = "hour"
	Day  Precision = "day"
)

// Timeline bounds: the eve of the offensive and the end of its aftermath.
var (
	TimelineStart = time.Date(2024, 11, 26, 0, 0, 0, 0, time.UTC)
	TimelineEnd   = time.Date(2024, 12, 13, 0, 0, 0, 0, time.UTC)
)

// Source is a report that supports a change.
type Source struct {
	Outlet    string    `json:"outlet"`
	URL       string    `json:"url"`
	Published time.Time `json:"published"`
	Quote     string    `json:"quote"` // the supporting statement, in our words
}

// Change is a control change: from At on, Faction holds a place or an
// area. Either Place (a gazetteer id) or Area (a slug, with its Shape) is
// set. The baseline is a set of changes at [TimelineStart].
type Change struct {
	ID        string
	Place     string
	Area      string
	Shape     orb.MultiPolygon // the area's outline, when Area is set
	Name      string           // the place's or area's name, for readers
	Faction   string
	At        time.Time
	Precision Precision
	Status    Status
	Summary   string
	Sources   []Source
	// RadiusKm, when set, is how far around its place the change moves
	// ground, in place of the reach its place's kind gives (see
	// [Place.ReachKm]).
	RadiusKm float64
}

// MaxRadiusKm bounds a change's own reach: no single report about one
// place speaks for ground farther away.
const MaxRadiusKm = 50

// Validate checks a change on its own; whether its place exists is for
// the caller, who has the gazetteer.
func (c *Change) Validate() error {
	switch {
	case c.ID == "":
		return Errorf(EINVALID, "a change needs an id")
	case (c.Place == "") == (c.Area == ""):
		return Errorf(EINVALID, "change %s: give either a place or an area", c.ID)
	case c.Area != "" && len(c.Shape) == 0:
		return Errorf(EINVALID, "change %s: area %s has no polygon", c.ID, c.Area)
	case FactionByID(c.Faction) == nil:
		return Errorf(EINVALID, "change %s: unknown faction %q", c.ID, c.Faction)
	case c.At.Before(TimelineStart) || !c.At.Before(TimelineEnd):
		return Errorf(EINVALID, "change %s: %s is outside the timeline (%s to %s)", c.ID,
			c.At.Format(time.RFC3339), TimelineStart.Format(time.RFC3339), TimelineEnd.Format(time.RFC3339))
	case c.Precision != Hour && c.Precision != Day:
		return Errorf(EINVALID, "change %s: precision must be hour or day, not %q", c.ID, c.Precision)
	case c.Status != Confirmed && c.Status != Claimed && c.Status != Denied:
		return Errorf(EINVALID, "change %s: status must be confirmed, claimed or denied, not %q", c.ID, c.Status)
	case len(c.Sources) == 0:
		return Errorf(EINVALID, "change %s: cite at least one source", c.ID)
	case c.RadiusKm < 0 || c.RadiusKm > MaxRadiusKm || c.RadiusKm != c.RadiusKm:
		return Errorf(EINVALID, "change %s: radius_km must be between 0 and %d, got %g", c.ID, MaxRadiusKm, c.RadiusKm)
	case c.RadiusKm > 0 && c.Area != "":
		return Errorf(EINVALID, "change %s: an area change has its polygon; radius_km is for a place", c.ID)
	}
	for i, s := range c.Sources {
		if s.Outlet == "" {
			return Errorf(EINVALID, "change %s: source %d has no outlet", c.ID, i+1)
		}
		if s.URL != "" && !IsWebURL(s.URL) {
			return Errorf(EINVALID, "change %s: source %d: the URL must be an http or https address, got %q", c.ID, i+1, s.URL)
		}
	}
	return nil
}

// IsWebURL reports whether s is an absolute http or https URL with a
// host: the only links a source may carry, since readers click them.
func IsWebURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == "http" || scheme == "https"
}

// SortChanges orders changes by instant, then id, the order in which they
// apply.
func SortChanges(cs []*Change) {
	sort.SliceStable(cs, func(i, j int) bool {
		if !cs[i].At.Equal(cs[j].At) {
			return cs[i].At.Before(cs[j].At)
		}
		return cs[i].ID < cs[j].ID
	})
}

// Keyframe is an instant at which the map changes, with the changes that
// took effect then and the denials recorded until the next keyframe.
type Keyframe struct {
	ID      int
	At      time.Time
	Changes []*Change
}

// Territory is the ground one faction held during a keyframe's interval.
type Territory struct {
	Faction string
	Status  Status // of the changes that decided the ground: confirmed or claimed
	Basis   Basis  // how the ground is known
	AreaKm2 float64
	Shape   orb.MultiPolygon // dissolved, clipped to the country, exterior rings counter-clockwise
}

// Basis says how a piece of ground's controller is known.
type Basis string

const (
	// BasisPlace: within the reach of the place whose change decided it.
	BasisPlace Basis = "place"
	// BasisArea: inside the polygon of an area change.
	BasisArea Basis = "area"
	// BasisKept: beyond the reach of every newer report; it keeps the
	// controller an earlier, well-founded state gave it (the baseline's
	// long-standing fronts, or an earlier change within reach).
	BasisKept Basis = "kept"
	// BasisNone: the controller it kept ceased to exist, and no report
	// since says who holds it.
	BasisNone Basis = "none"
)

// Bases lists the bases in the order maps draw them.
var Bases = []Basis{BasisPlace, BasisArea, BasisKept, BasisNone}

// Interval is a stretch of time, half-open [From, To), during which one
// change decided who controlled a point. A zero To means "still".
type Interval struct {
	From, To time.Time
	Faction  string
	Change   *Change
	Basis    Basis
}

// Contains reports whether t falls in the interval.
func (iv Interval) Contains(t time.Time) bool {
	return !t.Before(iv.From) && (iv.To.IsZero() || t.Before(iv.To))
}

// Control answers who controlled a point at an instant, and says who.
type Control struct {
	Point    orb.Point
	At       time.Time
	Faction  string
	Since    time.Time // start of the run of this faction's control here
	Until    time.Time // its end; zero when it lasts past the timeline
	Previous string    // faction before Since, "" when none is recorded
	Place    *Nearby   // the settlement that decided the point, nil when an area did
	Area     *Change   // the area change that decided the point, nil when a place did
	Change   *Change   // the change in effect at At
	Basis    Basis     // how the controller at At is known
	// SnappedKm is how far p lay outside the mapped ground when it was
	// answered as the nearest ground instead; zero inside.
	SnappedKm float64
	History   []Interval
	// State identifies the answer apart from Point, At and the distance
	// to Place: answers with equal State agree on everything else.
	State int
}
