package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// inputsDir is where data/fetch-inputs.sh unpacks the packages, seen from
// this package's directory.
const inputsDir = "../../.cache/inputs"

// mustGenerate runs the generator into a temporary directory and returns
// that directory. Missing inputs fail the test: CI fetches them first.
func mustGenerate(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{
		filepath.Join(inputsDir, citiesPkg, "dist", "cities500.txt"),
		filepath.Join(inputsDir, placesPkg, "data", "build.json"),
		filepath.Join(inputsDir, topoPkg, "dist", "asia_50m.json"),
	} {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("inputs missing: run `bash data/fetch-inputs.sh` (%v)", err)
		}
	}
	out := tb.TempDir()
	if _, err := run(inputsDir, out, "../m5.csv"); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestCommittedFilesUpToDate checks that the committed files are exactly
// what the generator makes from the pinned inputs.
func TestCommittedFilesUpToDate(t *testing.T) {
	out := mustGenerate(t)
	for _, name := range []string{gazetteerFile, boundariesFile, basemapFile} {
		t.Run(name, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("..", name))
			if err != nil {
				t.Fatalf("committed file: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("data/%s is stale; regenerate with `go run ./data/gen -in .cache/inputs -out data`\n%s",
					name, firstDiff(want, got))
			}
		})
	}
}

// TestDeterministic checks that two runs give the same bytes.
func TestDeterministic(t *testing.T) {
	a, b := mustGenerate(t), mustGenerate(t)
	for _, name := range []string{gazetteerFile, boundariesFile, basemapFile} {
		x, err1 := os.ReadFile(filepath.Join(a, name))
		y, err2 := os.ReadFile(filepath.Join(b, name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between runs\n%s", name, firstDiff(x, y))
		}
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("first difference at line %d:\ncommitted: %.300q\ngenerated: %.300q", i+1, w, g)
		}
	}
	return "files differ"
}

// readRows parses a generated gazetteer.tsv.
func readRows(t *testing.T, dir string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, gazetteerFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if lines[0] != gazetteerHeader {
		t.Fatalf("header %q, want %q", lines[0], gazetteerHeader)
	}
	rows := make(map[string][]string, len(lines))
	prev := ""
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 10 {
			t.Fatalf("line %d: %d fields, want 10", i+2, len(f))
		}
		if f[0] <= prev {
			t.Fatalf("line %d: id %q not after %q", i+2, f[0], prev)
		}
		prev = f[0]
		rows[f[0]] = f
	}
	return rows
}

func TestGazetteerFacts(t *testing.T) {
	rows := readRows(t, mustGenerate(t))

	cases := []struct {
		name    string
		id      string
		field   int // column index
		want    string
		hasName string // an alternate name the row must carry
	}{
		{name: "Aleppo is a city", id: "gn:170063", field: 2, want: "city"},
		{name: "Aleppo governorate code", id: "gn:170063", field: 5, want: "SY.09"},
		{name: "Hama alternate name", id: "gn:170017", field: 1, want: "Ḩamāh", hasName: "Hama"},
		{name: "Hama governorate code", id: "gn:170017", field: 5, want: "SY.10"},
		{name: "Homs governorate code", id: "gn:169577", field: 5, want: "SY.11"},
		{name: "Damascus is the capital", id: "gn:170654", field: 3, want: "PPLC"},
		{name: "Saydnaya", id: "gn:164717", field: 5, want: "SY.08", hasName: "Saydnaya"},
		{name: "Saydnaya population 0 is a town", id: "gn:164717", field: 2, want: "town"},
		{name: "Al-Qa'im is in Iraq", id: "gn:92138", field: 4, want: "IQ", hasName: "Al-Qaim"},
		{name: "Aleppo governorate", id: "ne:SY.09", field: 1, want: "Aleppo", hasName: "Aleppo Governorate"},
		{name: "governorate admin1 is its code", id: "ne:SY.13", field: 5, want: "SY.13"},
		{name: "UNDOF zone", id: "ne:SY.UNDOF", field: 2, want: "buffer_zone"},
		{name: "Syria", id: "ne:SY", field: 2, want: "country", hasName: "سوريا"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := rows[c.id]
			if !ok {
				t.Fatalf("no row %s", c.id)
			}
			if r[c.field] != c.want {
				t.Errorf("%s column %d = %q, want %q", c.id, c.field, r[c.field], c.want)
			}
			if c.hasName != "" && !slices.Contains(strings.Split(r[9], "|"), c.hasName) {
				t.Errorf("%s names lack %q: %s", c.id, c.hasName, r[9])
			}
		})
	}

	t.Run("counts", func(t *testing.T) {
		kinds := map[string]int{}
		for _, r := range rows {
			kinds[r[2]]++
		}
		for kind, want := range map[string]int{"governorate": 14, "buffer_zone": 1, "country": 7} {
			if kinds[kind] != want {
				t.Errorf("%d rows of kind %s, want %d", kinds[kind], kind, want)
			}
		}
	})

	t.Run("every Syrian place has a governorate", func(t *testing.T) {
		for id, r := range rows {
			if r[4] == "SY" && r[2] != "buffer_zone" && r[2] != "country" {
				if _, ok := rows["ne:"+r[5]]; !ok {
					t.Errorf("%s: admin1 %q is no governorate", id, r[5])
				}
			}
		}
	})
}

func TestBoundaries(t *testing.T) {
	dir := mustGenerate(t)
	rows := readRows(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, boundariesFile))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 22 {
		t.Errorf("%d features, want 22 (14 governorates, UNDOF, 7 countries)", len(fc.Features))
	}
	for _, f := range fc.Features {
		id := f.Properties.MustString("id", "")
		r, ok := rows[id]
		if !ok {
			t.Errorf("feature %q has no gazetteer row", id)
			continue
		}
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			t.Errorf("%s: geometry %s", id, f.Geometry.GeoJSONType())
			continue
		}
		for _, p := range mp {
			for i, ring := range p {
				want := orb.CCW
				if i > 0 {
					want = orb.CW
				}
				if ring.Orientation() != want || !ring.Closed() {
					t.Errorf("%s: ring %d not closed or not by the right-hand rule", id, i)
				}
			}
		}
		var lat, lon float64
		fmt.Sscan(r[6], &lat)
		fmt.Sscan(r[7], &lon)
		if !planar.MultiPolygonContains(mp, orb.Point{lon, lat}) {
			t.Errorf("%s: label point %s,%s outside its outline", id, r[6], r[7])
		}
	}
}

func TestUsableName(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want bool
	}{
		{"Latin", "Aleppo", true},
		{"Latin with diacritics", "Ḩamāh", true},
		{"Arabic", "حلب", true},
		{"modifier letter ayn", "Tall Rifʿat", true},
		{"Cyrillic", "Алеппо", false},
		{"Hebrew", "חאלב", false},
		{"Syriac", "ܚܠܒ", false},
		{"CJK", "阿勒颇", false},
		{"mixed scripts", "Aleppo Алеппо", false},
		{"IATA code", "ALP", false},
		{"short mixed case", "Sam", true},
		{"four upper-case letters", "OSAP", true},
		{"digits", "Aleppo 2", false},
		{"Arabic-Indic digits", "حلب ٢", false},
		{"URL", "https://en.wikipedia.org/wiki/Aleppo", false},
		{"pipe", "a|b", false},
		{"punctuation only", "‘’", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := usableName(c.in); got != c.want {
				t.Errorf("usableName(%q) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	cases := []struct {
		name, country, feature string
		pop                    int64
		want                   string
	}{
		{"capital", "SY", "PPLC", 1569394, "city"},
		{"governorate seat", "SY", "PPLA", 0, "city"},
		{"large PPL", "TR", "PPL", 150000, "city"},
		{"district seat", "SY", "PPLA2", 0, "town"},
		{"medium PPL", "IL", "PPL", 20000, "town"},
		{"unknown population in Syria", "SY", "PPL", 0, "town"},
		{"unknown population in Israel", "IL", "PPL", 0, "village"},
		{"small PPL", "TR", "PPL", 900, "village"},
		{"section of a city", "IQ", "PPLX", 2065597, "neighbourhood"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := kindOf(c.country, c.feature, c.pop); got != c.want {
				t.Errorf("kindOf(%s, %s, %d) = %s, want %s", c.country, c.feature, c.pop, got, c.want)
			}
		})
	}
}

func TestCleanNames(t *testing.T) {
	got := cleanNames("Aleppo", []string{"aleppo", "Halab", "  Madinat   Halab ", "halab", "حلب", "ALP", "Алеппо", "Halab", ""})
	want := []string{"Halab", "Madinat Halab", "حلب"}
	if !slices.Equal(got, want) {
		t.Errorf("cleanNames = %q, want %q", got, want)
	}
}
