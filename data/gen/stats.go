package main

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// stats summarises a run for the person who ran it.
type stats struct {
	byCountry map[string]int // GeoNames rows per country
	byKind    map[string]int // all rows per kind
	sizes     map[string]int64
	files     []string
}

func newStats(rows []row, files ...string) *stats {
	st := &stats{byCountry: map[string]int{}, byKind: map[string]int{}, sizes: map[string]int64{}, files: files}
	for _, r := range rows {
		if r.ID[:3] == "gn:" {
			st.byCountry[r.Country]++
		}
		st.byKind[r.Kind]++
	}
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			st.sizes[f] = fi.Size()
		}
	}
	return st
}

func (st *stats) print(w io.Writer) {
	for _, f := range st.files {
		fmt.Fprintf(w, "%s: %d bytes\n", f, st.sizes[f])
	}
	fmt.Fprint(w, "kinds:")
	for _, k := range sortedKeys(st.byKind) {
		fmt.Fprintf(w, " %s=%d", k, st.byKind[k])
	}
	fmt.Fprint(w, "\nGeoNames rows:")
	var region, world int
	for _, c := range sortedKeys(st.byCountry) {
		switch n := st.byCountry[c]; {
		case coreCountries[c]:
			fmt.Fprintf(w, " %s=%d", c, n)
		case regionCountries[c]:
			region += n
		default:
			world += n
		}
	}
	fmt.Fprintf(w, " region=%d world=%d\n", region, world)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
