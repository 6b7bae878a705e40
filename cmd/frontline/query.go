package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"frontline/data"
	"frontline/internal/geocode"
	"frontline/internal/server"

	"github.com/paulmach/orb"
)

// loadIndex reads the embedded gazetteer and indexes its names.
func loadIndex() (*geocode.Index, error) {
	g, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		return nil, err
	}
	return geocode.NewIndex(g), nil
}

// runGeocode prints the answer /api/geocode gives, one feature per line.
func runGeocode(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("geocode", stderr)
	limit := fs.Int("limit", geocode.DefaultLimit, "most places to print")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if q == "" {
		return usageErrorf("name a place, e.g. frontline geocode Hamah")
	}
	ix, err := loadIndex()
	if err != nil {
		return err
	}
	ms, err := ix.Geocode(q, *limit)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, f := range server.MatchCollection(ms, ix, data.Attribution).Features {
		if err := enc.Encode(f); err != nil {
			return err
		}
	}
	if len(ms) == 0 {
		fmt.Fprintf(stderr, "no place matches %q\n", q)
	}
	return nil
}

// runReverse prints the answer /api/reverse gives.
func runReverse(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("reverse", stderr)
	lon := fs.Float64("lon", 0, "longitude, decimal degrees")
	lat := fs.Float64("lat", 0, "latitude, decimal degrees")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["lon"] || !set["lat"] {
		return usageErrorf("both --lon and --lat are required")
	}
	ix, err := loadIndex()
	if err != nil {
		return err
	}
	loc, err := ix.Reverse(orb.Point{*lon, *lat})
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(server.LocationJSON(loc, ix, data.Attribution))
}
