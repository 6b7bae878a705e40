package tiles_test

import (
	"os/exec"
	"strings"
	"testing"
)

// Rendering knows nothing of SQL: writing tiles to MBTiles files is
// package export's, so that the server's renderer links no database.
func TestRendererImportsNoSQL(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "frontline/internal/tiles").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "database/sql" || strings.HasPrefix(dep, "database/sql/") || strings.Contains(dep, "sqlite") {
			t.Errorf("tiles depends on %s", dep)
		}
	}
}
