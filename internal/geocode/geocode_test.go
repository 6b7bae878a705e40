package geocode_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

var (
	indexOnce sync.Once
	index     *geocode.Index
	indexErr  error
)

// MustIndex returns the index of the embedded gazetteer, built once.
func MustIndex(tb testing.TB) *geocode.Index {
	tb.Helper()
	indexOnce.Do(func() {
		var g *geocode.Gazetteer
		if g, indexErr = geocode.LoadGazetteer(data.FS); indexErr == nil {
			index = geocode.NewIndex(g)
		}
	})
	if indexErr != nil {
		tb.Fatal(indexErr)
	}
	return index
}

// Where the seed's places really are, from each place's encyclopedia
// article (Wikipedia coordinates), written independently of the
// gazetteer so that a wrong gazetteer row fails the test.
var (
	aleppo        = orb.Point{37.1343, 36.2021}
	hama          = orb.Point{36.7578, 35.1318}
	homs          = orb.Point{36.7094, 34.7308}
	damascus      = orb.Point{36.2919, 33.5131}
	daraa         = orb.Point{36.1021, 32.6189}
	sednayaTown   = orb.Point{36.3769, 33.6964}
	sednayaPrison = orb.Point{36.3286, 33.6650}
	alQaim        = orb.Point{41.139, 34.367} // the town (Wikipedia "Al-Qa'im (town)"), 14 km east of Husaybah
	alQaimXing    = orb.Point{40.976, 34.398} // the Abu Kamal - Al-Qa'im crossing (US State Dept HIU)
	idlib         = orb.Point{36.6339, 35.9306}
	deirEzZor     = orb.Point{40.1408, 35.3359}
	raqqa         = orb.Point{39.0079, 35.9528}
	sweida        = orb.Point{36.5695, 32.7090}
	quneitra      = orb.Point{35.8244, 33.1256}
	hermel        = orb.Point{36.3847, 34.3942}
	khanShaykhun  = orb.Point{36.6510, 35.4417}
	saraqib       = orb.Point{36.8006, 35.8641}
	tellRifaat    = orb.Point{37.0972, 36.4733}
	maaratNuman   = orb.Point{36.6706, 35.6433}
	abuKamal      = orb.Point{40.9186, 34.4503}
	palmyra       = orb.Point{38.2800, 34.5600}
	kobani        = orb.Point{38.3536, 36.8906}
	damascusAir   = orb.Point{36.5156, 33.4115}
)

func TestGeocodeSeedPlaces(t *testing.T) {
	ix := MustIndex(t)
	cases := []struct {
		q    string
		want orb.Point
	}{
		{"Aleppo", aleppo}, {"Halab", aleppo}, {"حلب", aleppo},
		{"Hama", hama}, {"Hamah", hama}, {"حماة", hama},
		{"Homs", homs}, {"Hims", homs},
		{"Damascus", damascus},
		{"Daraa", daraa}, {"Deraa", daraa}, {"Dar'a", daraa}, {"Dar‘a", daraa},
		{"Sednaya", sednayaTown}, {"Saydnaya", sednayaTown}, {"Saidnaya", sednayaTown},
		{"Sednaya prison", sednayaPrison}, {"Saydnaya military prison", sednayaPrison},
		{"Al Qaim", alQaim}, {"Al-Qa'im", alQaim}, {"Qaim", alQaim}, {"al-Qaim", alQaim}, {"al-Qaem", alQaim},
		{"Al Qaim crossing", alQaimXing}, {"Al-Qaim border crossing", alQaimXing}, {"Abu Kamal crossing", alQaimXing},
		{"Idleb", idlib}, {"Idlib", idlib},
		{"Deir al-Zor", deirEzZor}, {"Deir ez-Zor", deirEzZor}, {"Deir Ezzor", deirEzZor}, {"Dayr az Zawr", deirEzZor},
		{"Ar Raqqah", raqqa}, {"Raqqa", raqqa},
		{"As-Suwayda", sweida}, {"Sweida", sweida},
		{"Quneitra", quneitra},
		{"Hermel", hermel},
		{"Khan Sheikhoun", khanShaykhun}, {"Khan Shaykhun", khanShaykhun},
		{"Saraqeb", saraqib},
		{"Tal Rifaat", tellRifaat}, {"Tell Rifaat", tellRifaat},
		{"Maarat al-Numan", maaratNuman},
		{"Albukamal", abuKamal}, {"Abu Kamal", abuKamal},
		{"Palmyra", palmyra}, {"Tadmur", palmyra},
		{"Kobani", kobani},
		{"Damascus airport", damascusAir}, {"Damascus International Airport", damascusAir},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			ms, err := ix.Geocode(c.q, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				t.Fatalf("no match for %q", c.q)
			}
			top := ms[0]
			if d := orbgeo.DistanceHaversine(top.Place.Point, c.want) / 1000; d > 10 {
				t.Errorf("%q: first answer %s %q (%s) is %.1f km from the true place; all: %s",
					c.q, top.Place.ID, top.Place.Name, top.Place.Kind, d, describe(ms))
			}
			if top.Score <= 0 || top.Score > 1 {
				t.Errorf("%q: score %v outside (0, 1]", c.q, top.Score)
			}
		})
	}
}

func describe(ms []geo.Match) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.Place.ID+" "+m.Place.Name+" "+string(m.Place.Kind)+" "+m.Place.Country)
	}
	return strings.Join(parts, "; ")
}

func TestGeocodeRanking(t *testing.T) {
	ix := MustIndex(t)
	t.Run("Homs is the Syrian city", func(t *testing.T) {
		ms := mustGeocode(t, ix, "Homs", 10)
		if ms[0].Place.Country != "SY" || !ms[0].Place.Kind.Populated() {
			t.Fatalf("first: %s", describe(ms))
		}
	})
	t.Run("Hama is the city, the governorate a separate candidate", func(t *testing.T) {
		ms := mustGeocode(t, ix, "Hama", 10)
		if ms[0].Place.Kind != geo.City {
			t.Fatalf("first is %s: %s", ms[0].Place.Kind, describe(ms))
		}
		var gov *geo.Match
		for i := range ms {
			if ms[i].Place.Kind == geo.Governorate {
				gov = &ms[i]
			}
		}
		if gov == nil || gov.Place.Admin1 != ms[0].Place.Admin1 {
			t.Fatalf("no Hama governorate among candidates: %s", describe(ms))
		}
	})
	t.Run("a province names the governorate", func(t *testing.T) {
		for _, q := range []string{"Idlib province", "Idlib Governorate", "Hama governorate", "Deraa province"} {
			ms := mustGeocode(t, ix, q, 5)
			if ms[0].Place.Kind != geo.Governorate {
				t.Errorf("%q: first is %s", q, describe(ms))
			}
		}
	})
	t.Run("the town is not the prison", func(t *testing.T) {
		ms := mustGeocode(t, ix, "Sednaya", 5)
		if ms[0].Place.Kind == geo.Prison {
			t.Fatalf("Sednaya gave the prison: %s", describe(ms))
		}
		ms = mustGeocode(t, ix, "Saidnaya prison", 5)
		if ms[0].Place.Kind != geo.Prison {
			t.Fatalf("Saidnaya prison gave %s", describe(ms))
		}
	})
	t.Run("exact before fuzzy", func(t *testing.T) {
		ms := mustGeocode(t, ix, "Damascus", 10)
		for i := 1; i < len(ms); i++ {
			if ms[i].Score > ms[i-1].Score {
				t.Fatalf("scores not in order: %v", ms)
			}
		}
		if ms[0].Score < 0.97 {
			t.Errorf("exact match scored %v, want 1", ms[0].Score)
		}
	})
	t.Run("small misspellings", func(t *testing.T) {
		for q, want := range map[string]orb.Point{"Idlip": idlib, "Damasxus": damascus, "Latakiya": {35.7833, 35.5167}} {
			ms := mustGeocode(t, ix, q, 5)
			if d := orbgeo.DistanceHaversine(ms[0].Place.Point, want) / 1000; d > 10 {
				t.Errorf("%q: %s is %.0f km off", q, describe(ms), d)
			}
			if ms[0].Score >= 1 {
				t.Errorf("%q: a misspelling scored %v", q, ms[0].Score)
			}
		}
	})
	t.Run("a trailing country narrows", func(t *testing.T) {
		ms := mustGeocode(t, ix, "Hermel, Lebanon", 5)
		if ms[0].Place.Country != "LB" {
			t.Fatalf("%s", describe(ms))
		}
	})
	t.Run("world capitals", func(t *testing.T) {
		for _, q := range []string{"Moscow", "Tehran", "Doha", "Baghdad", "Beirut", "Amman", "Ankara", "Washington",
			// GeoNames spells small places of Syria's neighbours the same.
			"Riyadh", "Ar-Riyad", "Ad-Dawhah", "Kabul"} {
			ms := mustGeocode(t, ix, q, 1)
			if ms[0].Place.Feature != "PPLC" {
				t.Errorf("%q: %s", q, describe(ms))
			}
		}
		// A neighbour's own city still comes before a capital abroad.
		if ms := mustGeocode(t, ix, "Tripoli", 1); ms[0].Place.Country != "LB" {
			t.Errorf("Tripoli: %s", describe(ms))
		}
	})
	t.Run("a hand-compiled town supersedes its GeoNames anchor", func(t *testing.T) {
		// GeoNames' Al Qa'im row (gn:92138) is the border town Husaybah;
		// places.csv has the town itself anchored to it.
		for _, q := range []string{"Al Qaim", "Al-Qa'im", "Qaim", "al-Qaim", "القائم"} {
			ms := mustGeocode(t, ix, q, 5)
			if len(ms) < 2 || ms[0].Place.ID != "fl:al-qaim-town" || ms[1].Place.ID != "gn:92138" {
				t.Errorf("%q: want the town, then the GeoNames row: %s", q, describe(ms))
			}
			if ms[0].Score > 1 || ms[1].Score >= ms[0].Score || ms[0].Score-ms[1].Score > 0.01 {
				t.Errorf("%q: scores %v, %v", q, ms[0].Score, ms[1].Score)
			}
		}
		// A name only the GeoNames row has still finds it.
		if ms := mustGeocode(t, ix, "Husaybah", 5); ms[0].Place.ID != "gn:92138" {
			t.Errorf("Husaybah: %s", describe(ms))
		}
		// The crossing anchored to the same row is of another kind: the
		// kind word chooses it, and it supersedes nothing.
		for _, q := range []string{"Al Qaim crossing", "Al-Qaim border crossing", "Abu Kamal crossing", "Husaybah crossing"} {
			if ms := mustGeocode(t, ix, q, 5); ms[0].Place.ID != "fl:abu-kamal-al-qaim-crossing" {
				t.Errorf("%q: %s", q, describe(ms))
			}
		}
		for _, q := range []string{"Abu Kamal", "Albukamal"} {
			if ms := mustGeocode(t, ix, q, 5); ms[0].Place.ID != "gn:174448" {
				t.Errorf("%q: want the town of Abu Kamal: %s", q, describe(ms))
			}
		}
	})
}

func mustGeocode(tb testing.TB, ix *geocode.Index, q string, limit int) []geo.Match {
	tb.Helper()
	ms, err := ix.Geocode(q, limit)
	if err != nil {
		tb.Fatal(err)
	}
	if len(ms) == 0 {
		tb.Fatalf("no match for %q", q)
	}
	return ms
}

func TestGeocodeInvalid(t *testing.T) {
	ix := MustIndex(t)
	cases := []struct {
		name  string
		q     string
		limit int
	}{
		{"empty", "", 5},
		{"blank", "   ", 5},
		{"oversized", strings.Repeat("a", geocode.MaxQueryLen+1), 5},
		{"punctuation only", "--''", 5},
		{"limit zero", "Hama", 0},
		{"limit too big", "Hama", geocode.MaxLimit + 1},
		{"bad utf-8", "Ham\xffa", 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ix.Geocode(c.q, c.limit)
			if geo.ErrorCode(err) != geo.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
		})
	}
	ms, err := ix.Geocode("Xqzwvvt", 5)
	if err != nil || len(ms) != 0 {
		t.Fatalf("nonsense: %v, %v; want no match and no error", describe(ms), err)
	}
}

func TestReverse(t *testing.T) {
	ix := MustIndex(t)
	cases := []struct {
		name        string
		p           orb.Point
		nearest     string // folded name of the nearest settlement
		governorate string
		country     string
	}{
		{"central Aleppo", aleppo, "aleppo", "Aleppo", "SY"},
		{"Hama", hama, "hamah", "Hama", "SY"},
		{"Daraa", daraa, "dara", "Daraa", "SY"},
		{"Hermel", hermel, "hermel", "", "LB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			loc, err := ix.Reverse(c.p)
			if err != nil {
				t.Fatal(err)
			}
			if loc.Nearest == nil || geocode.Fold(loc.Nearest.Place.Name) != c.nearest || loc.Nearest.DistanceKm > 10 {
				t.Errorf("nearest = %+v", loc.Nearest)
			}
			gov := ""
			if loc.Governorate != nil {
				gov = ix.GovernorateName(loc.Governorate.Admin1)
			}
			if !strings.EqualFold(gov, c.governorate) && !strings.HasPrefix(geocode.Fold(gov), geocode.Fold(c.governorate)) {
				t.Errorf("governorate = %q, want %q", gov, c.governorate)
			}
			if loc.Country == nil || loc.Country.Country != c.country {
				t.Errorf("country = %+v, want %s", loc.Country, c.country)
			}
		})
	}
	if _, err := ix.Reverse(orb.Point{200, 0}); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("lon 200: err = %v", err)
	}
}

// TestSupersede checks the rule on a gazetteer made for it: a
// hand-compiled place of its anchor's kind comes first for the names they
// share; one of another kind supersedes nothing.
func TestSupersede(t *testing.T) {
	fsys := fstest.MapFS{
		"gazetteer.tsv": {Data: []byte("id\tname\tkind\tfeature\tcountry\tadmin1\tlat\tlon\tpopulation\tnames\n" +
			"gn:1\tXanadu\ttown\tPPLA2\tIQ\tIQ.01\t34.0\t41.0\t5000\tXanadu Border|Xan\n" +
			"gn:2\tYonder\ttown\tPPLA2\tIQ\tIQ.01\t33.0\t42.0\t5000\t\n")},
		"places.csv": {Data: []byte("id,name,kind,country,lat,lon,anchor,names,source\n" +
			"fl:xanadu,Xanadu,town,IQ,34.0,41.2,gn:1,Xan,test\n" +
			"fl:xanadu-crossing,Xanadu crossing,border_crossing,IQ,34.0,40.9,gn:1,Xanadu,test\n" +
			"fl:yonder,Yonder,village,IQ,33.0,42.1,gn:2,,test\n")},
		"aliases.csv":        {Data: []byte("alias,target,note,source\n")},
		"boundaries.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[]}`)},
	}
	g, err := geocode.LoadGazetteer(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ix := geocode.NewIndex(g)
	for q, want := range map[string][]string{
		"Xanadu":          {"fl:xanadu", "gn:1", "fl:xanadu-crossing"},
		"Xan":             {"fl:xanadu", "gn:1"},
		"Xanadoo":         {"fl:xanadu", "gn:1", "fl:xanadu-crossing"}, // skeleton tier too
		"Xanadu Border":   {"gn:1"},
		"Xanadu crossing": {"fl:xanadu-crossing"},
		"Yonder":          {"gn:2", "fl:yonder"}, // a village does not supersede a town
	} {
		ms := mustGeocode(t, ix, q, 5)
		var got []string
		for _, m := range ms {
			got = append(got, m.Place.ID)
		}
		if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("%q: got %v, want %v first", q, got, want)
		}
	}
}
