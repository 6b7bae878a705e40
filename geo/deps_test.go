package geo_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The domain knows nothing of HTTP, SQL or the adapters: imports run
// toward geo, never out of it.
func TestDomainImportsNoAdapters(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "frontline/geo").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case strings.HasPrefix(dep, "frontline/internal"), strings.HasPrefix(dep, "frontline/cmd"),
			dep == "net/http", dep == "database/sql", strings.Contains(dep, "sqlite"), strings.Contains(dep, "chi"):
			t.Errorf("geo depends on %s", dep)
		}
	}
}
