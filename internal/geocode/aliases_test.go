package geocode_test

import (
	"encoding/csv"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"frontline/data"
	"frontline/internal/geocode"

	orbgeo "github.com/paulmach/orb/geo"
)

// wireSpellings are spellings wire copy and encyclopedias use that the
// GeoNames rows lack, with the place each must find first. data/aliases.csv
// names where each was seen.
var wireSpellings = []struct {
	group, q, target string
}{
	// Air bases and airports, with the kind words news puts after them.
	{"air bases", "Hemeimeem air base", "fl:hmeimim-air-base"},
	{"air bases", "Hemeimeem", "fl:hmeimim-air-base"},
	{"air bases", "Hmeymim airbase", "fl:hmeimim-air-base"},
	{"air bases", "Hmeymim Air Base", "fl:hmeimim-air-base"},
	{"air bases", "LTK", "fl:latakia-airport"},
	{"air bases", "Basel al-Assad airport", "fl:latakia-airport"},
	{"air bases", "Bassel al-Assad airport", "fl:latakia-airport"},
	{"air bases", "مطار اللاذقية الدولي", "fl:latakia-airport"},
	{"air bases", "DAM", "fl:damascus-international-airport"},
	{"air bases", "ALP", "fl:aleppo-international-airport"},
	{"air bases", "DEZ", "fl:deir-ez-zor-airport"},
	{"air bases", "KAC", "fl:qamishli-airport"},
	{"air bases", "مطار القامشلي الدولي", "fl:qamishli-airport"},
	{"air bases", "مطار قامشلو الدولي", "fl:qamishli-airport"},
	{"air bases", "PMS", "fl:palmyra-airport"},
	{"air bases", "Kweiris air base", "fl:kuweires-air-base"},
	{"air bases", "Kweyris air base", "fl:kuweires-air-base"},
	{"air bases", "Kweyris airport", "fl:kuweires-air-base"},
	{"air bases", "Kuweires airbase", "fl:kuweires-air-base"},
	{"air bases", "Mennegh airbase", "fl:menagh-air-base"},
	{"air bases", "Menneg Military Airbase", "fl:menagh-air-base"},
	{"air bases", "Minnig Military Airport", "fl:menagh-air-base"},
	{"air bases", "Menagh Military Airbase", "fl:menagh-air-base"},
	{"air bases", "Minakh Air Base", "fl:menagh-air-base"},
	{"air bases", "Serok Apo Air Base", "fl:menagh-air-base"},
	{"air bases", "Nairab air base", "fl:nayrab-air-base"},
	{"air bases", "Abu al-Dhuhour Military Airport", "fl:abu-al-duhur-air-base"},
	{"air bases", "Abu al-Duhur Military Airbase", "fl:abu-al-duhur-air-base"},
	{"air bases", "Shuyrat air base", "fl:shayrat-air-base"},
	{"air bases", "T-4 air base", "fl:tiyas-air-base"},
	{"air bases", "T-4 Airbase", "fl:tiyas-air-base"},
	{"air bases", "Tiyas military airport", "fl:tiyas-air-base"},
	{"air bases", "T-4 military airport", "fl:tiyas-air-base"},
	{"air bases", "Althias", "fl:tiyas-air-base"},
	{"air bases", "Mezza airbase", "fl:mezzeh-military-airport"},
	{"air bases", "Meze airport", "fl:mezzeh-military-airport"},
	{"air bases", "al-Dmeir Military Airport", "fl:dumayr-air-base"},
	{"air bases", "Dumair military airport", "fl:dumayr-air-base"},
	{"air bases", "Dumayr airport", "fl:dumayr-air-base"},
	{"air bases", "al-Dumayr airfield", "fl:dumayr-air-base"},
	{"air bases", "مطار الضمير العسكري", "fl:dumayr-air-base"},
	{"air bases", "Al-Jarrah Military Air Base", "fl:jirah-air-base"},
	{"air bases", "Jirah airbase", "fl:jirah-air-base"},
	{"air bases", "Aljarah airport", "fl:jirah-air-base"},
	// Classical and crusader-era names.
	{"classical", "Tortosa", "gn:163345"},
	{"classical", "Tortose", "gn:163345"},
	{"classical", "Antarados", "gn:163345"},
	{"classical", "Antartus", "gn:163345"},
	{"classical", "Apamea", "gn:166227"}, // not Birecik, the Apamea on the Euphrates in Turkey
	{"classical", "Afamia", "gn:166227"},
	{"classical", "Apameia", "gn:166227"},
	{"classical", "Balanea", "gn:171830"},
	{"classical", "Balanaea", "gn:171830"},
	{"classical", "Valenia", "gn:171830"},
	{"classical", "Gabala", "gn:169304"},
	{"classical", "Gibellum", "gn:169304"},
	{"classical", "Harenc", "gn:169866"},
	{"classical", "Harrenc", "gn:169866"},
	{"classical", "Chastel Blanc", "gn:165060"},
	{"classical", "Callinicum", "gn:172955"},
	{"classical", "Kallinikos", "gn:172955"},
	{"classical", "Nikephorion", "gn:172955"},
	// Capitals in Arabic script.
	{"capitals", "موسكو", "gn:524901"},
	{"capitals", "الرياض", "gn:108410"}, // not the Iraqi Ar Riyad
	{"capitals", "واشنطن", "gn:4140963"},
	{"capitals", "القاهرة", "gn:360630"},
	{"capitals", "لندن", "gn:2643743"},
	{"capitals", "باريس", "gn:2988507"},
	{"capitals", "أبو ظبي", "gn:292968"},
	{"capitals", "أبوظبي", "gn:292968"},
	// The Latin transliterations GeoNames already has: kept here so that
	// a ranking change cannot lose them.
	{"capitals", "Dimashq", "gn:170654"},
	{"capitals", "Bayrut", "gn:276781"},
	{"capitals", "Beyrouth", "gn:276781"},
	{"capitals", "Anqara", "gn:323786"},
	{"capitals", "Tahran", "gn:112931"},
	{"capitals", "Moskva", "gn:524901"},
	{"capitals", "Ar-Riyad", "gn:108410"},
	{"capitals", "ad-Dawha", "gn:290030"},
	{"capitals", "al-Quds", "gn:281184"},
}

// wireRadiusKm is how far the first answer may lie from the place meant.
const wireRadiusKm = 3

func TestWireSpellings(t *testing.T) {
	ix := MustIndex(t)
	g := ix.Gazetteer()
	for _, c := range wireSpellings {
		t.Run(c.group+"/"+c.q, func(t *testing.T) {
			want := g.Place(c.target)
			if want == nil {
				t.Fatalf("target %s is not in the gazetteer", c.target)
			}
			ms := mustGeocode(t, ix, c.q, 5)
			top := ms[0]
			d := orbgeo.DistanceHaversine(top.Place.Point, want.Point) / 1000
			if top.Place.ID != c.target || d > wireRadiusKm {
				t.Errorf("%q: first answer %s %q is %.1f km from %s %q; all: %s",
					c.q, top.Place.ID, top.Place.Name, d, c.target, want.Name, describe(ms))
			}
		})
	}
}

// aliasRow is one record of data/aliases.csv.
type aliasRow struct {
	line                        int
	alias, target, note, source string
}

func readAliasRows(t *testing.T) []aliasRow {
	t.Helper()
	f, err := data.FS.Open("aliases.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	head, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alias", "target", "note", "source"}; !slices.Equal(head, want) {
		t.Fatalf("aliases.csv header %q, want %q", head, want)
	}
	var rows []aliasRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, aliasRow{line, rec[0], rec[1], rec[2], rec[3]})
	}
}

// TestAliasRows holds every row of aliases.csv to the file's rules: a
// source, a target that exists, an alias the target does not already
// have, no row twice, and the alias finds its target first.
func TestAliasRows(t *testing.T) {
	ix := MustIndex(t)
	rows := readAliasRows(t)
	if len(rows) == 0 {
		t.Fatal("aliases.csv has no rows")
	}

	// The gazetteer as it is without aliases.csv, to tell what GeoNames
	// and places.csv already name.
	bare := fstest.MapFS{}
	for _, name := range []string{"gazetteer.tsv", "places.csv", "boundaries.geojson"} {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		bare[name] = &fstest.MapFile{Data: b}
	}
	bare["aliases.csv"] = &fstest.MapFile{Data: []byte("alias,target,note,source\n")}
	g0, err := geocode.LoadGazetteer(bare)
	if err != nil {
		t.Fatal(err)
	}

	seen := make(map[[2]string]int)
	for _, r := range rows {
		if strings.TrimSpace(r.source) == "" {
			t.Errorf("line %d: %q names no source", r.line, r.alias)
		}
		p := g0.Place(r.target)
		if p == nil {
			t.Errorf("line %d: %q: target %q does not exist", r.line, r.alias, r.target)
			continue
		}
		f := geocode.Fold(r.alias)
		key := [2]string{f, r.target}
		if prev, dup := seen[key]; dup {
			t.Errorf("line %d: %q repeats line %d", r.line, r.alias, prev)
		}
		seen[key] = r.line
		for _, n := range append([]string{p.Name}, p.Names...) {
			if geocode.Fold(n) == f {
				t.Errorf("line %d: %q is already a name of %s (%q): drop the row", r.line, r.alias, r.target, n)
				break
			}
		}
		ms, err := ix.Geocode(r.alias, 5)
		if err != nil || len(ms) == 0 || ms[0].Place.ID != r.target {
			t.Errorf("line %d: %q does not find %s first: %s %v", r.line, r.alias, r.target, describe(ms), err)
		}
	}
}

func TestLoadRequiresAliasSource(t *testing.T) {
	base := fstest.MapFS{}
	for _, name := range []string{"gazetteer.tsv", "places.csv", "boundaries.geojson"} {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		base[name] = &fstest.MapFile{Data: b}
	}
	for name, csvText := range map[string]string{
		"no source column": "alias,target,note\nHamaa,gn:170017,x\n",
		"empty source":     "alias,target,note,source\nHamaa,gn:170017,x,\n",
		"unknown target":   "alias,target,note,source\nHamaa,gn:1,x,somewhere\n",
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"aliases.csv": &fstest.MapFile{Data: []byte(csvText)}}
			for k, v := range base {
				fsys[k] = v
			}
			if _, err := geocode.LoadGazetteer(fsys); err == nil {
				t.Fatal("loaded; want an error")
			}
		})
	}
}
