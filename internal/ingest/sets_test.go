package ingest

// The machinery every annotated sentence set shares: the evaluation set
// (eval_test.go), the development sets (dev_test.go, dev2_test.go) and the
// held-out sets (heldout_test.go, heldout2_test.go, heldout3_test.go). Each
// set is a directory holding sentences.jsonl in the format and under the
// annotation rules of testdata/eval/README.md; runSet loads it, checks its
// gold with checkSet, scores the parser on it with scoreSet and fails if a
// figure falls below the set's minimum.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"
)

// Thresholds of the scoring, the same for every set.
const (
	evalMentionKm = 25.0           // a predicted mention's point from the gold place
	evalClaimKm   = 15.0           // a predicted claim's place from the gold place
	evalClaimTime = 36 * time.Hour // a predicted claim's instant from the gold one
)

// The offensive and its aftermath: gold instants must fall inside.
var (
	evalFrom = time.Date(2024, 11, 26, 0, 0, 0, 0, time.UTC)
	evalTo   = time.Date(2024, 12, 13, 0, 0, 0, 0, time.UTC)
)

type evalMention struct {
	Start   int      `json:"start"`
	End     int      `json:"end"`
	Text    string   `json:"text"`
	PlaceID string   `json:"place_id"`
	InOrg   bool     `json:"in_org,omitempty"`
	Lon     *float64 `json:"lon,omitempty"` // only for places the gazetteer lacks
	Lat     *float64 `json:"lat,omitempty"`
}

type evalClaim struct {
	PlaceID string     `json:"place_id"`
	Faction string     `json:"faction"`
	Status  geo.Status `json:"status"`
	At      time.Time  `json:"at"`
}

type evalSentence struct {
	ID        string        `json:"id"`
	Dispatch  string        `json:"dispatch"`
	Published time.Time     `json:"published"`
	Text      string        `json:"text"`
	Mentions  []evalMention `json:"mentions"`
	Claims    []evalClaim   `json:"claims"`
}

// evalDoc is one dispatch, its sentences joined by single spaces, with the
// gold annotations shifted to document offsets and given points.
type evalDoc struct {
	id        string
	published time.Time
	text      string
	sentences []evalSentence
	starts    []int // code-point offset of each sentence in text
	mentions  []evalGoldMention
	claims    []evalGoldClaim
}

type evalGoldMention struct {
	sentence   string
	start, end int
	text       string
	placeID    string
	inOrg      bool
	lon, lat   float64
}

type evalGoldClaim struct {
	sentence string
	placeID  string
	faction  string
	status   geo.Status
	at       time.Time
	lon, lat float64
}

// evalDistanceKm is the great-circle (haversine) distance in km between
// two points given as lon, lat in degrees.
func evalDistanceKm(lon1, lat1, lon2, lat2 float64) float64 {
	const earthKm = 6371.0088
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// loadSet reads dir/sentences.jsonl, failing on malformed lines.
func loadSet(t *testing.T, dir string) []evalSentence {
	t.Helper()
	path := filepath.Join(dir, "sentences.jsonl")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []evalSentence
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var s evalSentence
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkSet reports every annotation error: spans that do not spell their
// text, unknown places, bad factions, statuses or instants, claims on places
// the sentence does not name, and dispatches out of order.
func checkSet(t *testing.T, gz *geocode.Gazetteer, set []evalSentence) {
	t.Helper()
	if len(set) == 0 {
		t.Fatal("empty set")
	}
	fail := func(s evalSentence, format string, args ...any) {
		t.Errorf("%s: %s", s.ID, fmt.Sprintf(format, args...))
	}
	ids := map[string]bool{}
	published := map[string]time.Time{}
	closed := map[string]bool{} // dispatches already left behind
	prev := ""
	for _, s := range set {
		if s.ID == "" || ids[s.ID] {
			fail(s, "missing or duplicate id")
		}
		ids[s.ID] = true
		if s.Dispatch == "" || !strings.HasPrefix(s.ID, s.Dispatch+"s") {
			fail(s, "id does not belong to dispatch %q", s.Dispatch)
		}
		if s.Dispatch != prev {
			if closed[s.Dispatch] {
				fail(s, "dispatch %s is split: its sentences must be consecutive", s.Dispatch)
			}
			if prev != "" {
				closed[prev] = true
			}
			prev = s.Dispatch
		}
		if p, ok := published[s.Dispatch]; ok && !p.Equal(s.Published) {
			fail(s, "published %s differs from the dispatch's %s", s.Published, p)
		}
		published[s.Dispatch] = s.Published
		if s.Published.Before(evalFrom) || s.Published.After(evalTo) {
			fail(s, "published %s outside the offensive", s.Published)
		}
		if strings.TrimSpace(s.Text) != s.Text || s.Text == "" {
			fail(s, "text is empty or has surrounding spaces")
		}
		runes := []rune(s.Text)
		named := map[string]bool{}
		last := 0
		for _, m := range s.Mentions {
			if m.Start < last || m.End <= m.Start || m.End > len(runes) {
				fail(s, "mention %q: span [%d,%d) out of order or out of range", m.Text, m.Start, m.End)
				continue
			}
			last = m.End
			if got := string(runes[m.Start:m.End]); got != m.Text {
				fail(s, "mention [%d,%d) spells %q, annotated %q", m.Start, m.End, got, m.Text)
			}
			switch {
			case m.PlaceID == "":
				if m.Lon == nil || m.Lat == nil {
					fail(s, "mention %q has no place id and no lon/lat", m.Text)
				} else if math.Abs(*m.Lon) > 180 || math.Abs(*m.Lat) > 90 {
					fail(s, "mention %q: lon/lat out of range", m.Text)
				}
			case gz.Place(m.PlaceID) == nil:
				fail(s, "mention %q: place %s is not in the gazetteer", m.Text, m.PlaceID)
			case m.Lon != nil || m.Lat != nil:
				fail(s, "mention %q: lon/lat are only for places the gazetteer lacks", m.Text)
			}
			named[m.PlaceID] = true
		}
		for _, c := range s.Claims {
			if !named[c.PlaceID] {
				fail(s, "claim on %q, which the sentence does not name", c.PlaceID)
			}
			if f := geo.FactionByID(c.Faction); f == nil {
				fail(s, "claim on %s: unknown faction %q", c.PlaceID, c.Faction)
			}
			if c.Status != geo.Claimed && c.Status != geo.Denied {
				fail(s, "claim on %s: status must be claimed or denied, not %q", c.PlaceID, c.Status)
			}
			if c.At.Before(evalFrom) || c.At.After(s.Published.Add(time.Hour)) {
				fail(s, "claim on %s: at %s outside the offensive or after publication", c.PlaceID, c.At)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// evalDocs joins each dispatch's sentences into one document.
func evalDocs(gz *geocode.Gazetteer, set []evalSentence) []*evalDoc {
	var docs []*evalDoc
	var d *evalDoc
	var sb strings.Builder
	at := 0 // code points written to sb
	point := func(id string, lon, lat *float64) (float64, float64) {
		if id == "" {
			return *lon, *lat
		}
		p := gz.Place(id).Point
		return p.Lon(), p.Lat()
	}
	flush := func() {
		if d != nil {
			d.text = sb.String()
			docs = append(docs, d)
		}
	}
	for _, s := range set {
		if d == nil || d.id != s.Dispatch {
			flush()
			d = &evalDoc{id: s.Dispatch, published: s.Published}
			sb.Reset()
			at = 0
		} else {
			sb.WriteByte(' ')
			at++
		}
		off := at
		d.sentences = append(d.sentences, s)
		d.starts = append(d.starts, off)
		sb.WriteString(s.Text)
		at += len([]rune(s.Text))
		lonOf := map[string][2]float64{}
		for _, m := range s.Mentions {
			lon, lat := point(m.PlaceID, m.Lon, m.Lat)
			lonOf[m.PlaceID] = [2]float64{lon, lat}
			d.mentions = append(d.mentions, evalGoldMention{
				sentence: s.ID, start: off + m.Start, end: off + m.End, text: m.Text,
				placeID: m.PlaceID, inOrg: m.InOrg, lon: lon, lat: lat,
			})
		}
		for _, c := range s.Claims {
			ll := lonOf[c.PlaceID]
			d.claims = append(d.claims, evalGoldClaim{
				sentence: s.ID, placeID: c.PlaceID, faction: c.Faction,
				status: c.Status, at: c.At, lon: ll[0], lat: ll[1],
			})
		}
	}
	flush()
	return docs
}

// sentenceAt names the sentence holding the code-point offset.
func (d *evalDoc) sentenceAt(off int) string {
	i := sort.Search(len(d.starts), func(i int) bool { return d.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return d.sentences[i].ID
}

// evalPoint is where a predicted item lies: its own point, or its place's.
func evalPoint(gz *geocode.Gazetteer, id string, lon, lat float64) (float64, float64, bool) {
	if lon != 0 || lat != 0 {
		return lon, lat, true
	}
	if p := gz.Place(id); p != nil {
		return p.Point.Lon(), p.Point.Lat(), true
	}
	return 0, 0, false
}

// evalMatch pairs predictions with gold items one-to-one, as many pairs as
// the edges allow (augmenting paths; the sets are small). edges[j] lists
// the gold items prediction j may pair with, in order of preference. It
// returns, for each prediction, its gold item or -1.
func evalMatch(edges [][]int, gold int) []int {
	owner := make([]int, gold) // gold item -> prediction
	for i := range owner {
		owner[i] = -1
	}
	var try func(j int, seen []bool) bool
	try = func(j int, seen []bool) bool {
		for _, i := range edges[j] {
			if seen[i] {
				continue
			}
			seen[i] = true
			if owner[i] < 0 || try(owner[i], seen) {
				owner[i] = j
				return true
			}
		}
		return false
	}
	for j := range edges {
		try(j, make([]bool, gold))
	}
	pair := make([]int, len(edges))
	for j := range pair {
		pair[j] = -1
	}
	for i, j := range owner {
		if j >= 0 {
			pair[j] = i
		}
	}
	return pair
}

func evalRatio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// evalScore holds the counts of one scoring run.
type evalScore struct {
	goldMentions, predMentions, hitMentions int
	goldClaims, predClaims, hitClaims       int
	report                                  []string
}

// scoreSet parses each document with a fresh parser and scores it:
// a predicted mention may pair with a gold span it overlaps whose place
// lies within evalMentionKm; a predicted claim may pair with a gold claim
// of its dispatch of the same faction and status, within evalClaimKm and
// evalClaimTime; pairs are one-to-one, as many as evalMatch finds.
func scoreSet(gz *geocode.Gazetteer, docs []*evalDoc) evalScore {
	var sc evalScore
	p := NewParser(gz)
	for _, d := range docs {
		res := p.Parse(d.text, d.published)
		runes := []rune(d.text)
		spell := func(start, end int) string {
			if start < 0 || end > len(runes) || start >= end {
				return fmt.Sprintf("<bad span %d-%d>", start, end)
			}
			return string(runes[start:end])
		}

		// Mentions.
		sc.goldMentions += len(d.mentions)
		sc.predMentions += len(res.Mentions)
		medges := make([][]int, len(res.Mentions))
		for j, m := range res.Mentions {
			lon, lat, ok := evalPoint(gz, m.PlaceID, m.Lon, m.Lat)
			for i, g := range d.mentions {
				if ok && m.Start < g.end && g.start < m.End &&
					evalDistanceKm(lon, lat, g.lon, g.lat) <= evalMentionKm {
					medges[j] = append(medges[j], i)
				}
			}
		}
		mpair := evalMatch(medges, len(d.mentions))
		used := make([]bool, len(d.mentions))
		for j, m := range res.Mentions {
			if i := mpair[j]; i >= 0 {
				used[i] = true
				sc.hitMentions++
				continue
			}
			lon, lat, _ := evalPoint(gz, m.PlaceID, m.Lon, m.Lat)
			why := "no gold mention there"
			for _, g := range d.mentions {
				if m.Start < g.end && g.start < m.End {
					why = fmt.Sprintf("gold is %s, %.0f km away", g.placeID, evalDistanceKm(lon, lat, g.lon, g.lat))
					break
				}
			}
			sc.report = append(sc.report, fmt.Sprintf("mention FP   %s %q [%d,%d) -> %s (%s): %s",
				d.sentenceAt(m.Start), spell(m.Start, m.End), m.Start, m.End, m.PlaceID, m.Name, why))
		}
		for i, g := range d.mentions {
			if !used[i] {
				org := ""
				if g.inOrg {
					org = " (in_org)"
				}
				sc.report = append(sc.report, fmt.Sprintf("mention miss %s %q [%d,%d) %s%s",
					g.sentence, g.text, g.start, g.end, g.placeID, org))
			}
		}

		// Claims.
		sc.goldClaims += len(d.claims)
		claims := make([]*geo.Claim, 0, len(res.Claims))
		for _, c := range res.Claims {
			if c != nil {
				claims = append(claims, c)
			}
		}
		sc.predClaims += len(claims)
		cedges := make([][]int, len(claims))
		for j, c := range claims {
			lon, lat, ok := evalPoint(gz, c.PlaceID, c.Lon, c.Lat)
			for i, g := range d.claims {
				dt := c.At.Sub(g.at)
				if ok && g.faction == c.Faction && g.status == c.Status &&
					dt <= evalClaimTime && -dt <= evalClaimTime &&
					evalDistanceKm(lon, lat, g.lon, g.lat) <= evalClaimKm {
					cedges[j] = append(cedges[j], i)
				}
			}
		}
		cpair := evalMatch(cedges, len(d.claims))
		cused := make([]bool, len(d.claims))
		for j, c := range claims {
			if i := cpair[j]; i >= 0 {
				cused[i] = true
				sc.hitClaims++
				continue
			}
			sc.report = append(sc.report, fmt.Sprintf("claim FP     %s %s %s %s (%s) at %s action %q actor %q quote %q",
				d.sentenceAt(c.Start), c.Status, c.Faction, c.PlaceID, c.Name,
				c.At.UTC().Format(time.RFC3339), c.Action, c.Actor, c.Quote))
		}
		for i, g := range d.claims {
			if !cused[i] {
				sc.report = append(sc.report, fmt.Sprintf("claim miss   %s %s %s %s at %s",
					g.sentence, g.status, g.faction, g.placeID, g.at.Format(time.RFC3339)))
			}
		}
	}
	return sc
}

// loadCheckedSet loads the set in dir and fails on any annotation error.
func loadCheckedSet(t *testing.T, dir string) (*geocode.Gazetteer, []evalSentence, []*evalDoc) {
	t.Helper()
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	set := loadSet(t, dir)
	checkSet(t, gz, set)
	docs := evalDocs(gz, set)
	if len(docs) == 0 {
		t.Fatal("no dispatches")
	}
	return gz, set, docs
}

// checkSetAnnotations checks the gold of the set in dir alone, without
// running the parser: spans, places, factions, statuses and instants.
func checkSetAnnotations(t *testing.T, dir string) {
	t.Helper()
	loadCheckedSet(t, dir)
}

// runSet checks the gold of the set in dir, scores the parser on it, logs
// the figures under name and fails if any precision or recall is below
// minScore.
func runSet(t *testing.T, name, dir string, minScore float64) {
	t.Helper()
	gz, set, docs := loadCheckedSet(t, dir)
	sc := scoreSet(gz, docs)

	mp, mr := evalRatio(sc.hitMentions, sc.predMentions), evalRatio(sc.hitMentions, sc.goldMentions)
	cp, cr := evalRatio(sc.hitClaims, sc.predClaims), evalRatio(sc.hitClaims, sc.goldClaims)
	t.Logf("%s: %d sentences in %d dispatches", name, len(set), len(docs))
	t.Logf("mentions: precision %.3f (%d/%d), recall %.3f (%d/%d)", mp, sc.hitMentions, sc.predMentions, mr, sc.hitMentions, sc.goldMentions)
	t.Logf("claims:   precision %.3f (%d/%d), recall %.3f (%d/%d)", cp, sc.hitClaims, sc.predClaims, cr, sc.hitClaims, sc.goldClaims)
	for _, r := range sc.report {
		t.Log(r)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"mention precision", mp}, {"mention recall", mr}, {"claim precision", cp}, {"claim recall", cr}} {
		if f.v < minScore {
			t.Errorf("%s %s %.3f is below %.2f", name, f.name, f.v, minScore)
		}
	}
}
