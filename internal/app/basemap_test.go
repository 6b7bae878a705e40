package app

import (
	"testing"

	"frontline/data"
	"frontline/internal/geocode"
)

// Labels read as English news writes the names, not as transliterations
// or ancient names.
func TestEnglishLabels(t *testing.T) {
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"gn:170017": "Hama", "gn:163345": "Tartus", "gn:170063": "Aleppo", "gn:169577": "Homs", "gn:172955": "Ar Raqqah",
		"gn:170905": "Daraa", "gn:173811": "Al Hasakah", "gn:174018": "Al Bab",
	} {
		if got := englishName(gz.Place(id)); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	for _, id := range []string{"gn:170905", "gn:173334", "gn:173811"} {
		if got := englishName(gz.Place(id)); !isPlain(got) {
			t.Errorf("%s: %q is not plain letters", id, got)
		}
	}
}
