package geocode

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"frontline/geo"

	"github.com/agnivade/levenshtein"
	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// Limits on what a query may be.
const (
	MaxQueryLen  = 200 // characters
	DefaultLimit = 5
	MaxLimit     = 50
)

// How a name matched, best first. The score's base for each keeps the
// tiers apart: no penalty below is as large as the gap between two bases.
type tier uint8

const (
	tierExact    tier = iota // same folded name, or an alias
	tierSkeleton             // same skeleton: another transliteration
	tierFuzzy                // skeleton one edit away: a misspelling
)

var tierBase = [...]float64{tierExact: 1, tierSkeleton: 0.9, tierFuzzy: 0.8}

// minFuzzyLen is the shortest skeleton that fuzzy matching considers:
// below it, one edit turns most names into another real one.
const minFuzzyLen = 4

// neighbours of Syria, ranked after Syria and before the rest of the world.
var neighbours = map[string]bool{"IQ": true, "LB": true, "JO": true, "TR": true, "IL": true, "PS": true}

// kindWords are words that name a kind of place in a query: "Sednaya
// prison", "Damascus airport", "Idlib province". Longer phrases first.
var kindWords = []struct {
	words string
	kinds []geo.Kind
}{
	{"international airport", []geo.Kind{geo.Airport}},
	{"military airport", []geo.Kind{geo.AirBase}},
	{"military prison", []geo.Kind{geo.Prison}},
	{"border crossing", []geo.Kind{geo.BorderCrossing}},
	{"air base", []geo.Kind{geo.AirBase}},
	{"airbase", []geo.Kind{geo.AirBase}},
	{"airfield", []geo.Kind{geo.AirBase, geo.Airport}},
	{"airport", []geo.Kind{geo.Airport, geo.AirBase}},
	{"prison", []geo.Kind{geo.Prison}},
	{"jail", []geo.Kind{geo.Prison}},
	{"crossing", []geo.Kind{geo.BorderCrossing}},
	{"governorate", []geo.Kind{geo.Governorate}},
	{"province", []geo.Kind{geo.Governorate}},
	{"city", []geo.Kind{geo.City, geo.Town}},
	{"town", []geo.Kind{geo.City, geo.Town, geo.Village}},
}

// linkRadiusKm is how far a feature may lie from the settlement a query
// names it by: Sednaya prison is 5 km from Sednaya, Damascus airport 25 km
// from Damascus.
const linkRadiusKm = 35

type ref struct {
	place int32
	name  int32 // 0 is the primary name, i is Names[i-1]
	// demote is taken off the score of a match through this name: set on
	// the names a GeoNames row shares with a hand-compiled place that
	// supersedes it (see supersede), 0 elsewhere.
	demote float32
}

// supersedeStep is how far below the place that supersedes it a
// superseded anchor ranks: a hair, so it stays the next candidate.
const supersedeStep = 0.001

// Index answers name queries over a [Gazetteer].
type Index struct {
	g        *Gazetteer
	exact    map[string][]ref
	skeleton map[string][]ref
	deletes  map[string][]string // skeleton with one letter deleted -> skeletons
	settled  []int32             // populated places, for reverse lookups
}

// NewIndex builds the name index of g.
func NewIndex(g *Gazetteer) *Index {
	ix := &Index{
		g:        g,
		exact:    make(map[string][]ref, 8*len(g.Places)),
		skeleton: make(map[string][]ref, 8*len(g.Places)),
		deletes:  make(map[string][]string),
	}
	for i, p := range g.Places {
		if p.Kind.Populated() {
			ix.settled = append(ix.settled, int32(i))
		}
		seen := make(map[string]bool, len(p.Names)+1)
		for j := -1; j < len(p.Names); j++ {
			name := p.Name
			if j >= 0 {
				name = p.Names[j]
			}
			f := Fold(name)
			if f == "" || seen[f] {
				continue
			}
			seen[f] = true
			r := ref{place: int32(i), name: int32(j + 1)}
			ix.exact[f] = append(ix.exact[f], r)
			s := Skeleton(f)
			if len(ix.skeleton[s]) == 0 && len(s) >= minFuzzyLen && isASCII(s) {
				for k := range len(s) {
					d := s[:k] + s[k+1:]
					if ds := ix.deletes[d]; len(ds) == 0 || ds[len(ds)-1] != s {
						ix.deletes[d] = append(ds, s)
					}
				}
			}
			ix.skeleton[s] = append(ix.skeleton[s], r)
		}
	}
	ix.supersede()
	return ix
}

// supersede ranks a hand-compiled place before the GeoNames row it is
// anchored to, for the names the two share, when both are of the same kind.
//
// A row of places.csv names as its anchor the GeoNames place it belongs to.
// When that row is of the same kind as its anchor (a town anchored to a
// town) and carries a name the anchor also has, the project compiled it
// because GeoNames' row for that name is the wrong point: GeoNames puts
// "Al Qa'im" at the border post of Husaybah, 14 km west of the Iraqi town
// of that name, which places.csv adds as fl:al-qaim-town anchored to that
// row. For a query by a shared name (exact, skeleton or fuzzy) the
// hand-compiled place comes first and the anchor next, a hair below it;
// names the anchor alone has ("Husaybah") still find the anchor as before,
// and a place of another kind anchored to the same row (the Al-Qa'im
// border crossing) supersedes nothing: the kind words of a query ("Al Qaim
// crossing") are what choose it.
//
// The anchor's score for such a name is lowered to just under the
// superseding place's, so the difference stays within the penalties that
// order one tier and never reaches the gap between two tiers.
func (ix *Index) supersede() {
	g := ix.g
	pos := make(map[*geo.Place]int32, len(g.Places))
	for i, p := range g.Places {
		pos[p] = int32(i)
	}
	for qi, q := range g.Places {
		a := g.byID[q.Anchor]
		if q.Anchor == "" || a == nil || a == q || a.Kind != q.Kind {
			continue
		}
		ai := pos[a]
		// The anchor ranks a hair below q whatever the query's kinds:
		// the two share their kind, so penalty's kind term is the same.
		d := float32(penalty(q, nil) - penalty(a, nil) + supersedeStep)
		if d <= 0 {
			continue // q already ranks first
		}
		for _, m := range []map[string][]ref{ix.exact, ix.skeleton} {
			for _, key := range sharedKeys(m, int32(qi), ai, q, a) {
				rs := m[key]
				for k := range rs {
					if rs[k].place == ai {
						rs[k].demote = max(rs[k].demote, d)
					}
				}
			}
		}
	}
}

// sharedKeys returns the keys of m (folded names or their skeletons) under
// which both place qi and place ai are filed.
func sharedKeys(m map[string][]ref, qi, ai int32, q, a *geo.Place) []string {
	var keys []string
	seen := make(map[string]bool)
	for _, name := range append([]string{q.Name}, q.Names...) {
		f := Fold(name)
		for _, key := range []string{f, Skeleton(f)} {
			if seen[key] {
				continue
			}
			seen[key] = true
			rs, ok := m[key]
			if !ok {
				continue
			}
			hasQ := slices.ContainsFunc(rs, func(r ref) bool { return r.place == qi })
			hasA := slices.ContainsFunc(rs, func(r ref) bool { return r.place == ai })
			if hasQ && hasA {
				keys = append(keys, key)
			}
		}
	}
	return keys
}

// Gazetteer returns the gazetteer the index was built from.
func (ix *Index) Gazetteer() *Gazetteer { return ix.g }

// candidate is a place reached by one of its names.
type candidate struct {
	ref
	tier tier
	dist int // edits, for fuzzy matches
}

// Geocode returns up to limit places the query may name, best first.
// Returns EINVALID for an empty or oversized query or a limit out of
// 1..MaxLimit. No match is an empty result, not an error.
func (ix *Index) Geocode(q string, limit int) ([]geo.Match, error) {
	q = strings.TrimSpace(q)
	switch {
	case q == "":
		return nil, geo.Errorf(geo.EINVALID, "the query is empty: name a place, e.g. q=Hama")
	case utf8.RuneCountInString(q) > MaxQueryLen:
		return nil, geo.Errorf(geo.EINVALID, "the query is longer than %d characters", MaxQueryLen)
	case !utf8.ValidString(q):
		return nil, geo.Errorf(geo.EINVALID, "the query is not valid UTF-8")
	case limit < 1 || limit > MaxLimit:
		return nil, geo.Errorf(geo.EINVALID, "limit must be between 1 and %d", MaxLimit)
	}

	// "Aleppo, Syria": a trailing country narrows the search.
	country := ""
	if i := strings.LastIndexByte(q, ','); i > 0 {
		if c := ix.countryNamed(Fold(q[i+1:])); c != "" {
			country, q = c, q[:i]
		}
	}
	folded := Fold(q)
	if folded == "" {
		return nil, geo.Errorf(geo.EINVALID, "the query has no letters")
	}

	var ms []geo.Match
	if rest, kinds := splitKindWord(folded); kinds != nil {
		// The whole phrase may be a name ("Sednaya Prison"); else the
		// feature of that kind linked to the place the rest names.
		ms = ix.rank(ix.lookup(folded, limit), kinds, country)
		if len(ms) == 0 && rest != "" {
			ms = ix.linked(ix.rank(ix.lookup(rest, limit), nil, country), kinds)
		}
	} else {
		ms = ix.rank(ix.lookup(folded, limit), nil, country)
	}
	if len(ms) > limit {
		ms = ms[:limit]
	}
	return ms, nil
}

func (ix *Index) countryNamed(folded string) string {
	for _, r := range ix.exact[folded] {
		if p := ix.g.Places[r.place]; p.Kind == geo.Country {
			return p.Country
		}
	}
	return ""
}

// splitKindWord finds a word naming a kind of place at the end of the
// folded query and returns the rest of the query and the kinds it names.
func splitKindWord(folded string) (string, []geo.Kind) {
	for _, kw := range kindWords {
		if rest, ok := strings.CutSuffix(folded, kw.words); ok && (rest == "" || strings.HasSuffix(rest, " ")) {
			return strings.TrimSpace(rest), kw.kinds
		}
	}
	return "", nil
}

// lookup finds the names matching the folded query. Fuzzy matching runs
// only when the stricter tiers leave room under limit, so it never costs
// anything on the common path.
func (ix *Index) lookup(folded string, limit int) []candidate {
	var cs []candidate
	for _, r := range ix.exact[folded] {
		cs = append(cs, candidate{ref: r, tier: tierExact})
	}
	s := Skeleton(folded)
	for _, r := range ix.skeleton[s] {
		cs = append(cs, candidate{ref: r, tier: tierSkeleton})
	}
	if countPlaces(cs) >= limit || len(s) < minFuzzyLen || !isASCII(s) {
		return cs
	}
	seen := map[string]bool{s: true}
	try := func(keys []string) {
		for _, k := range keys {
			if seen[k] {
				continue
			}
			seen[k] = true
			if d := levenshtein.ComputeDistance(s, k); d <= 2 {
				for _, r := range ix.skeleton[k] {
					cs = append(cs, candidate{ref: r, tier: tierFuzzy, dist: d})
				}
			}
		}
	}
	try(ix.deletes[s]) // one letter more than the query
	for k := range len(s) {
		d := s[:k] + s[k+1:]
		if _, ok := ix.skeleton[d]; ok {
			try([]string{d}) // one letter fewer
		}
		try(ix.deletes[d]) // one letter other
	}
	return cs
}

func countPlaces(cs []candidate) int {
	n := 0
	for i, c := range cs {
		if !slices.ContainsFunc(cs[:i], func(o candidate) bool { return o.place == c.place }) {
			n++
		}
	}
	return n
}

// rank turns candidates into matches, one per place, best first. With
// kinds, only places of those kinds are kept; with country, only places in
// it.
func (ix *Index) rank(cs []candidate, kinds []geo.Kind, country string) []geo.Match {
	ms := make([]geo.Match, 0, len(cs))
	idx := make(map[int32]int, len(cs))
	for _, c := range cs {
		p := ix.g.Places[c.place]
		if kinds != nil && !slices.Contains(kinds, p.Kind) || country != "" && p.Country != country {
			continue
		}
		score := tierBase[c.tier] - 0.05*float64(max(c.dist-1, 0)) - penalty(p, kinds) - float64(c.demote)
		name := p.Name
		if c.name > 0 {
			name = p.Names[c.name-1]
		}
		if i, ok := idx[c.place]; ok {
			if score > ms[i].Score {
				ms[i].Score, ms[i].Matched = score, name
			}
			continue
		}
		idx[c.place] = len(ms)
		ms = append(ms, geo.Match{Place: p, Score: score, Matched: name})
	}
	sortMatches(ms)
	return ms
}

func sortMatches(ms []geo.Match) {
	slices.SortFunc(ms, func(a, b geo.Match) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Place.Population, a.Place.Population); c != 0 {
			return c
		}
		return strings.Compare(a.Place.ID, b.Place.ID)
	})
}

// penalty orders matches of the same tier: Syria before its neighbours
// before the world; a settlement before a governorate of the same name
// unless the query asked for one; a capital before a hamlet. Its largest
// value stays under the 0.1 between tiers.
//
// A national capital beyond the neighbours ranks just behind the
// neighbours' places rather than with the rest of the world: news on
// Syria names Riyadh, Doha and Kabul far more often than the Iraqi
// district seat Ar Riyad, the West Bank village Ad Dawhah or the Galilee
// village Kabul that GeoNames spells the same, while a neighbour's own
// city still comes first when it is a large one (Tripoli is Lebanon's).
func penalty(p *geo.Place, kinds []geo.Kind) float64 {
	pen := 0.0
	switch {
	case p.Country == "SY":
	case neighbours[p.Country]:
		pen += 0.03
	case p.Feature == "PPLC":
		pen += 0.035
	default:
		pen += 0.06
	}
	if kinds == nil {
		switch p.Kind {
		case geo.City, geo.Town, geo.Village, geo.Country:
		case geo.Governorate, geo.Region, geo.BufferZone:
			pen += 0.015
		default:
			pen += 0.01
		}
	}
	switch p.Feature {
	case "PPLC":
	case "PPLA", "ADM1":
		pen += 0.002
	case "PPLA2":
		pen += 0.004
	case "PPLA3", "PPLA4":
		pen += 0.006
	default:
		pen += 0.008
	}
	// Bigger places first among equals: up to 0.008 for a small village.
	pen += 0.008 * (1 - math.Min(math.Log10(float64(p.Population)+1), 7)/7)
	return pen
}

// linked finds, for each place the rest of a query named, the features of
// the kinds asked for that belong to it: the governorate a city is in, the
// prison or airport anchored to a town or near it.
func (ix *Index) linked(places []geo.Match, kinds []geo.Kind) []geo.Match {
	var out []geo.Match
	seen := make(map[string]bool)
	addMatch := func(p *geo.Place, score float64, via string) {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, geo.Match{Place: p, Score: score, Matched: via})
		}
	}
	for _, m := range places {
		if slices.Contains(kinds, m.Place.Kind) {
			addMatch(m.Place, m.Score, m.Matched) // "Hama city"
			continue
		}
		for _, p := range ix.g.Places {
			if !slices.Contains(kinds, p.Kind) {
				continue
			}
			// The first kind a word names is the likelier: "airport" is
			// the civil airport before the air base.
			score := m.Score - 0.002*float64(slices.Index(kinds, p.Kind))
			switch {
			case p.Kind == geo.Governorate && m.Place.Country == "SY" && p.Admin1 == m.Place.Admin1,
				p.Anchor != "" && p.Anchor == m.Place.ID:
				addMatch(p, score-0.005, m.Matched)
			case p.Anchor == "" && p.Kind != geo.Governorate && distanceKm(p.Point, m.Place.Point) <= linkRadiusKm:
				addMatch(p, score-0.01, m.Matched)
			}
		}
	}
	sortMatches(out)
	return out
}

// distanceKm is the great-circle distance between two points.
func distanceKm(a, b orb.Point) float64 {
	return orbgeo.DistanceHaversine(a, b) / 1000
}

// GovernorateName returns the English name of the Syrian governorate with
// the code, or "".
func (ix *Index) GovernorateName(code string) string { return ix.g.GovernorateName(code) }
