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
//go:embed gazetteer.tsv boundaries.geojson basemap.geojson places.csv aliases.csv timeline/*.geojsonl
var FS embed.FS

// TimelineFiles are the curated control changes, in load order.
var TimelineFiles = []string{"timeline/baseline.geojsonl", "timeline/changes.geojsonl"}

// Attribution is the credit the data's licences ask for, shown wherever
// the data is.
const Attribution = "Places: GeoNames (CC BY 4.0, geonames.org). Boundaries, rivers and lakes: Natural Earth (public domain)."

// TimelineVersion identifies the embedded timeline: a database holding
// another version replaces its embedded changes.
func TimelineVersion() (string, error) {
	return digest(TimelineFiles)
}

// Version identifies the embedded data: a database filled from another
// version is filled again.
func Version() (string, error) {
	return digest([]string{"gazetteer.tsv", "boundaries.geojson", "places.csv", "aliases.csv"})
}

func digest(names []string) (string, error) {
	h := sha256.New()
	for _, name := range names {
		b, err := FS.ReadFile(name)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
