package timeline

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadEmbeddedFiles(t *testing.T) {
	files, _ := filepath.Glob("../../data/timeline/*.geojsonl")
	if len(files) == 0 {
		t.Fatal("no timeline files")
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := Read(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Logf("%s: %d changes", name, len(cs))
	}
}
