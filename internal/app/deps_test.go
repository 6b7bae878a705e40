package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// Imports run one way, toward the domain: cmd → server → app → {store,
// territory, tiles, export, geocode, ingest} → geo. Each package here must not
// import the ones listed beside it (directly), nor depend on them at all
// when they are SQL or HTTP.
func TestImportsRunTowardTheDomain(t *testing.T) {
	direct := map[string][]string{
		"frontline/internal/server": {"frontline/internal/store", "frontline/internal/territory", "database/sql"},
		"frontline/internal/app":    {"frontline/internal/server"},
	}
	for pkg, bad := range direct {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range bad {
				if dep == b || strings.HasPrefix(dep, b+"/") {
					t.Errorf("%s imports %s", pkg, dep)
				}
			}
		}
	}
	forbidden := map[string][]string{
		// The domain knows nothing of HTTP, SQL or the adapters.
		"frontline/geo":             {"frontline/internal/", "frontline/cmd/", "net/http", "database/sql", "github.com/mattn/go-sqlite3", "github.com/go-chi"},
		"frontline/internal/server": {"frontline/cmd/", "frontline/internal/store/sqlite"},
		"frontline/internal/app":    {"frontline/cmd/", "frontline/internal/server", "frontline/internal/store/sqlite", "net/http", "github.com/go-chi"},
		"frontline/internal/store":  {"frontline/internal/app", "frontline/internal/server", "frontline/internal/territory"},
		// simplefeatures' geometries know database/sql's interfaces; no driver.
		"frontline/internal/territory": {"frontline/internal/app", "frontline/internal/server", "frontline/internal/store", "github.com/mattn/go-sqlite3", "net/http"},
		// MBTiles writing is package export's, so the server's renderer links no database.
		"frontline/internal/tiles": {"frontline/internal/app", "frontline/internal/server", "frontline/internal/store", "database/sql",
			"github.com/mattn/go-sqlite3", "net/http"},
		"frontline/internal/export": {"frontline/internal/app", "frontline/internal/server", "frontline/internal/store", "net/http"},
		// Text in, mentions and claims out: the reader of news stores nothing.
		"frontline/internal/ingest": {"frontline/internal/app", "frontline/internal/server", "frontline/internal/store", "frontline/internal/territory",
			"database/sql", "net/http"},
		"frontline/internal/geocode": {"frontline/internal/app", "frontline/internal/server", "frontline/internal/store", "database/sql", "net/http"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range bad {
				if dep == b || strings.HasPrefix(dep, strings.TrimSuffix(b, "/")+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
