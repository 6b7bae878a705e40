package geocode_test

import (
	"cmp"
	"strings"
	"testing"
	"unicode/utf8"

	"frontline/geo"
	"frontline/internal/geocode"
)

// Whatever a client sends to /api/geocode, the geocoder either refuses
// it with EINVALID (empty, too long, not UTF-8, no letters, limit out of
// range) or answers at most limit places, each a real gazetteer entry,
// once each, best first as sortMatches documents (score, then
// population, then id), with scores in 0..1. Two spellings that fold
// alike name the same places, so a query and its folded form answer the
// same. A trailing ", Country" keeps only that country's places.
func FuzzGeocode(f *testing.F) {
	for _, q := range []string{
		"Aleppo", "Hamah", "Ḩamāh", "حماة", "Sednaya prison", "Damascus airport", "Idlib province", "Idlip",
		"Aleppo, Syria", "Tripoli, Lebanon", ", Syria", "Syria,", "Maarat al-Numan", "Ma‘arrat an-Nu‘mān",
		"al-", "prison", " airport", "'''", "\xff", "\x00", "a", strings.Repeat("a", 200), strings.Repeat("a", 201),
		strings.Repeat("ß", 150), "Tell Abyad", "Al Qa'im crossing",
	} {
		f.Add(q, geocode.DefaultLimit)
	}
	f.Add("Hama", 0)
	f.Add("Hama", geocode.MaxLimit+1)
	f.Add("Hama", -1)
	ix := MustIndex(f)
	g := ix.Gazetteer()
	countries := map[string]string{} // folded name of a country: its code
	for _, p := range g.Places {
		if p.Kind == geo.Country {
			for _, n := range append([]string{p.Name}, p.Names...) {
				countries[geocode.Fold(n)] = p.Country
			}
		}
	}
	f.Fuzz(func(t *testing.T, q string, limit int) {
		ms, err := ix.Geocode(q, limit)
		trimmed := strings.TrimSpace(q)
		refused := trimmed == "" || utf8.RuneCountInString(trimmed) > geocode.MaxQueryLen ||
			!utf8.ValidString(trimmed) || limit < 1 || limit > geocode.MaxLimit
		name, country := trimmed, ""
		if i := strings.LastIndexByte(trimmed, ','); i > 0 {
			if c, ok := countries[geocode.Fold(trimmed[i+1:])]; ok {
				name, country = trimmed[:i], c
			}
		}
		if err != nil {
			if geo.ErrorCode(err) != geo.EINVALID {
				t.Fatalf("Geocode(%q, %d): %v, want EINVALID", q, limit, err)
			}
			if !refused && geocode.Fold(name) != "" {
				t.Fatalf("Geocode(%q, %d) refused a query with letters: %v", q, limit, err)
			}
			return
		}
		if refused {
			t.Fatalf("Geocode(%q, %d) answered %d matches, want EINVALID", q, limit, len(ms))
		}
		checkMatches(t, g, q, ms, limit)
		for _, m := range ms {
			if country != "" && m.Place.Country != country {
				t.Fatalf("Geocode(%q) names country %s, yet answers %s in %s", q, country, m.Place.ID, m.Place.Country)
			}
		}
		if strings.Contains(trimmed, ",") {
			return // folding drops the comma, and with it the country
		}
		folded := geocode.Fold(trimmed)
		if utf8.RuneCountInString(folded) > geocode.MaxQueryLen {
			return
		}
		fms, err := ix.Geocode(folded, limit)
		if err != nil {
			t.Fatalf("Geocode(%q) answers, its folded form %q is refused: %v", q, folded, err)
		}
		if !sameMatches(ms, fms) {
			t.Fatalf("Geocode(%q) = %s, its folded form %q = %s", q, ids(ms), folded, ids(fms))
		}
	})
}

func checkMatches(t *testing.T, g *geocode.Gazetteer, q string, ms []geo.Match, limit int) {
	t.Helper()
	if len(ms) > limit {
		t.Fatalf("Geocode(%q, %d): %d matches", q, limit, len(ms))
	}
	seen := map[string]bool{}
	for i, m := range ms {
		if m.Place == nil || g.Place(m.Place.ID) != m.Place {
			t.Fatalf("Geocode(%q): match %d is not a gazetteer entry: %+v", q, i, m.Place)
		}
		if seen[m.Place.ID] {
			t.Fatalf("Geocode(%q): %s answered twice: %s", q, m.Place.ID, ids(ms))
		}
		seen[m.Place.ID] = true
		if !(m.Score >= 0 && m.Score <= 1) || m.Matched == "" {
			t.Fatalf("Geocode(%q): %s with score %v, matched %q", q, m.Place.ID, m.Score, m.Matched)
		}
		if i == 0 {
			continue
		}
		a, b := ms[i-1], m
		order := cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Place.Population, a.Place.Population),
			strings.Compare(a.Place.ID, b.Place.ID))
		if order > 0 {
			t.Fatalf("Geocode(%q): %s (%v) before %s (%v) is not best first", q, a.Place.ID, a.Score, b.Place.ID, b.Score)
		}
	}
}

func sameMatches(a, b []geo.Match) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Place != b[i].Place || a[i].Score != b[i].Score || a[i].Matched != b[i].Matched {
			return false
		}
	}
	return true
}

func ids(ms []geo.Match) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Place.ID)
	}
	return "[" + strings.Join(out, " ") + "]"
}
