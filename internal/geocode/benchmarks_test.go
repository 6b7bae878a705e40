package geocode_test

import (
	"testing"

	"frontline/data"
	"frontline/internal/geocode"

	"github.com/paulmach/orb"
)

// The queries a news reader sends: exact names, other spellings, a
// feature by its town, a misspelling.
var benchQueries = []string{"Aleppo", "Hamah", "Deraa", "Saidnaya", "Sednaya prison", "Al-Qa'im",
	"Deir al-Zor", "Khan Sheikhoun", "Idlip", "Damascus airport", "حماة", "Maarat al-Numan"}

func BenchmarkGeocode(b *testing.B) {
	ix := MustIndex(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.Geocode(benchQueries[i%len(benchQueries)], geocode.DefaultLimit); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkGeocodeEach(b *testing.B) {
	ix := MustIndex(b)
	for _, q := range benchQueries {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ix.Geocode(q, geocode.DefaultLimit)
			}
		})
	}
}

func BenchmarkReverse(b *testing.B) {
	ix := MustIndex(b)
	b.ReportAllocs()
	for b.Loop() {
		ix.Reverse(orb.Point{36.75, 35.13})
	}
}

func BenchmarkLoadAndIndex(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g, err := geocode.LoadGazetteer(data.FS)
		if err != nil {
			b.Fatal(err)
		}
		geocode.NewIndex(g)
	}
}
