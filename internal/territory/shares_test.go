package territory_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// The curated timeline's ground at three instants: km² and share per
// faction and per basis, logged for the record (go test -v -run
// TestShares ./internal/territory), with the checks the figures must meet.
func TestShares(t *testing.T) {
	f := curated(t)
	instants := []time.Time{day(26, 0), day(8, 12), day(12, 0)}
	var report strings.Builder
	shares := map[time.Time]map[string]float64{}
	for _, at := range instants {
		k := f.model.KeyframeAt(at)
		byFaction, byBasis := map[string]float64{}, map[geo.Basis]float64{}
		var total float64
		for _, tr := range f.terr[k] {
			byFaction[tr.Faction] += tr.AreaKm2
			byBasis[tr.Basis] += tr.AreaKm2
			total += tr.AreaKm2
		}
		shares[at] = map[string]float64{}
		fmt.Fprintf(&report, "%s (keyframe %d), %.0f km²:", at.Format("2 Jan 15:04"), k, total)
		var ids []string
		for id := range byFaction {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return byFaction[ids[i]] > byFaction[ids[j]] })
		for _, id := range ids {
			shares[at][id] = byFaction[id] / total
			fmt.Fprintf(&report, " %s %.0f (%.1f%%)", id, byFaction[id], 100*byFaction[id]/total)
		}
		fmt.Fprintf(&report, "; basis:")
		for _, b := range geo.Bases {
			fmt.Fprintf(&report, " %s %.1f%%", b, 100*byBasis[b]/total)
		}
		report.WriteString("\n")
	}
	t.Log("\n" + report.String())
	// The ground sums to Syria with the occupied Golan, which counts its
	// own polygon's area.
	var golan orb.MultiPolygon
	for _, c := range f.changes {
		if c.Area == "golan-occupied" {
			golan = c.Shape
		}
	}
	syria := sphericalKm2(f.gz.Shape("ne:SY")) + sphericalKm2(golan)
	var total, israel float64
	for _, tr := range f.terr[0] {
		total += tr.AreaKm2
		if tr.Faction == geo.Israel {
			israel += tr.AreaKm2
		}
	}
	if math.Abs(total-syria)/syria > 0.005 {
		t.Errorf("the ground sums to %.0f km²; Syria with the occupied Golan is %.0f", total, syria)
	}
	if g := sphericalKm2(golan); math.Abs(israel-g)/g > 0.02 {
		t.Errorf("Israel holds %.0f km² on 26 Nov; the occupied Golan's polygon is %.0f", israel, g)
	}
	before, fall, after := shares[day(26, 0)], shares[day(8, 12)], shares[day(12, 0)]
	// The SDF lost Tal Rifaat, Manbij and the Deir ez-Zor west bank after
	// the fall; what it took east of Aleppo and on the south bank it kept
	// (data/timeline/NOTES.md, "Shares of Syria").
	if after[geo.SDF] >= fall[geo.SDF] || after[geo.SDF] > before[geo.SDF]+0.01 {
		t.Errorf("the SDF holds %.1f%% on 12 Dec, %.1f%% on 8 Dec, %.1f%% on 26 Nov", 100*after[geo.SDF], 100*fall[geo.SDF], 100*before[geo.SDF])
	}
	if after[geo.Government] != 0 {
		t.Errorf("the government holds %.1f%% after its end", 100*after[geo.Government])
	}
	if g := before[geo.Government]; g < 0.58 || g > 0.68 {
		t.Errorf("the government's share on 26 Nov is %.1f%%; published estimates put it near 63%%", 100*g)
	}
}

func sphericalKm2(mp orb.MultiPolygon) float64 {
	var a float64
	for _, p := range mp {
		a += orbgeo.Area(p)
	}
	return a / 1e6
}

// After the baseline no ground is coloured by a place farther away than
// the place's reach: asked at points every 0.1° across Syria.
func TestNoGroundBeyondReach(t *testing.T) {
	f := curated(t)
	const cellRadiusKm = 1.6 // a point is this far at most from its cell's centre
	checked := 0
	for _, at := range []time.Time{day(1, 12), day(6, 0), day(8, 12), day(11, 0)} {
		for lon := 35.6; lon < 42.4; lon += 0.1 {
			for lat := 32.3; lat < 37.3; lat += 0.1 {
				c, err := f.model.Control(orb.Point{lon, lat}, at)
				if err != nil || c.Basis != geo.BasisPlace || c.Change.At.Equal(geo.TimelineStart) || c.Place == nil {
					continue
				}
				checked++
				reach := c.Change.RadiusKm
				if reach == 0 {
					reach = c.Place.Place.ReachKm()
				}
				if c.Place.DistanceKm > reach+cellRadiusKm {
					t.Errorf("(%.1f, %.1f) at %s: %s decided by %s %.1f km away, reach %.0f km", lon, lat, at.Format("2 Jan"),
						c.Faction, c.Place.Place.Name, c.Place.DistanceKm, reach)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d points decided by a later change", checked)
	}
}
