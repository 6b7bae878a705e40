// Package data embeds frontline's default data so the binary needs no
// network and no files beside it.
//
// gazetteer.tsv and boundaries.geojson are generated from pinned npm
// packages (GeoNames, CC BY 4.0; Natural Earth, public domain) by
// `make data`; places.csv and aliases.csv are facts we compiled by hand,
// each row naming its sources. SOURCES.md says which package and version
// each generated file comes from.
package data

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
)

// FS holds the embedded data files.
//
//go:embed gazetteer.tsv boundaries.geojson places.csv aliases.csv
var FS embed.FS

// Attribution is the credit the data's licences ask for, shown wherever
// the data is.
const Attribution = "Places: GeoNames (CC BY 4.0, geonames.org). Boundaries: Natural Earth (public domain)."

// Version identifies the embedded data: a database filled from another
// version is filled again.
func Version() (string, error) {
	h := sha256.New()
	for _, name := range []string{"gazetteer.tsv", "boundaries.geojson", "places.csv", "aliases.csv"} {
		b, err := FS.ReadFile(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
