package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// gazetteerHeader is the first line of gazetteer.tsv.
const gazetteerHeader = "id\tname\tkind\tfeature\tcountry\tadmin1\tlat\tlon\tpopulation\tnames"

// row is one line of gazetteer.tsv.
type row struct {
	ID         string
	Name       string
	Kind       string
	Feature    string
	Country    string
	Admin1     string
	Lat, Lon   float64
	Population int64
	Names      []string // sorted, without the primary name
}

// Countries whose every GeoNames row is kept, with all its names.
var coreCountries = map[string]bool{
	"SY": true, "IQ": true, "LB": true, "JO": true, "TR": true, "IL": true, "PS": true,
}

// Countries of the wider region whose larger places are kept.
var regionCountries = map[string]bool{
	"CY": true, "EG": true, "LY": true, "SA": true, "IR": true, "KW": true, "QA": true,
	"AE": true, "BH": true, "OM": true, "YE": true, "AZ": true, "AM": true, "GE": true,
}

// Countries where cities500 lists many real towns with population 0.
var zeroPopTowns = map[string]bool{"SY": true, "IQ": true, "LB": true, "JO": true}

const (
	regionMinPop = 50000   // wider region: keep places at least this large
	worldMinPop  = 1000000 // rest of the world: keep capitals and places at least this large
	maxFarNames  = 40      // names kept for a place outside the core countries
)

// GeoNames columns of cities500.txt.
const (
	colID = iota
	colName
	colASCIIName
	colAltNames
	colLat
	colLon
	colFeatureClass
	colFeatureCode
	colCountry
	colCC2
	colAdmin1
	colAdmin2
	colAdmin3
	colAdmin4
	colPopulation
	colElevation
	colDEM
	colTimezone
	colModified
	numCols
)

// keepGeoNames reports whether a place of the country, feature code and
// population belongs in the gazetteer.
func keepGeoNames(country, feature string, pop int64) bool {
	switch {
	case coreCountries[country]:
		return true
	case regionCountries[country] && pop >= regionMinPop:
		return true
	default:
		return feature == "PPLC" || pop >= worldMinPop
	}
}

// kindOf grades a GeoNames place by its feature code and population.
// Sections of a populated place (PPLX) are neighbourhoods whatever their
// population, which GeoNames sometimes gives as the whole city's.
func kindOf(country, feature string, pop int64) string {
	switch {
	case feature == "PPLX":
		return "neighbourhood"
	case feature == "PPLC" || feature == "PPLA" || pop >= 100000:
		return "city"
	case feature == "PPLA2" || feature == "PPLA3" || feature == "PPLA4" || pop >= 10000:
		return "town"
	case pop == 0 && zeroPopTowns[country]:
		return "town"
	default:
		return "village"
	}
}

// readGeoNames streams cities500.txt and returns the rows to keep. syCodes
// holds the Natural Earth governorate codes ("SY.09") that Syrian rows may
// carry as admin1.
func readGeoNames(path string, syCodes map[string]bool) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	var rows []row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		c := strings.Split(sc.Text(), "\t")
		if len(c) != numCols {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d", path, line, len(c), numCols)
		}
		pop, err := strconv.ParseInt(orZero(c[colPopulation]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: population: %w", path, line, err)
		}
		country, feature := c[colCountry], c[colFeatureCode]
		if !keepGeoNames(country, feature, pop) {
			continue
		}
		lat, err1 := strconv.ParseFloat(c[colLat], 64)
		lon, err2 := strconv.ParseFloat(c[colLon], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s:%d: bad coordinates", path, line)
		}
		admin1 := ""
		if a := c[colAdmin1]; a != "" && a != "00" {
			admin1 = country + "." + a
		}
		if country == "SY" && !syCodes[admin1] {
			return nil, fmt.Errorf("%s:%d: Syrian admin1 %q is no Natural Earth governorate", path, line, admin1)
		}
		name := norm.NFC.String(strings.TrimSpace(c[colName]))
		alts := strings.Split(c[colAltNames], ",")
		alts = append(alts, c[colASCIIName])
		names := cleanNames(name, alts)
		if !coreCountries[country] && len(names) > maxFarNames {
			names = names[:maxFarNames]
		}
		rows = append(rows, row{
			ID:         "gn:" + c[colID],
			Name:       name,
			Kind:       kindOf(country, feature, pop),
			Feature:    feature,
			Country:    country,
			Admin1:     admin1,
			Lat:        lat,
			Lon:        lon,
			Population: pop,
			Names:      names,
		})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// cleanNames returns the usable names among cands, NFC-normalised with
// runs of spaces collapsed, sorted by bytes, and without duplicates
// (ignoring case; the first in byte order stays) or the primary name.
func cleanNames(primary string, cands []string) []string {
	seen := map[string]bool{strings.ToLower(primary): true}
	var out []string
	for _, n := range cands {
		n = norm.NFC.String(strings.Join(strings.Fields(n), " "))
		if !usableName(n) {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	kept := out[:0]
	for _, n := range out {
		k := strings.ToLower(n)
		if seen[k] {
			continue
		}
		seen[k] = true
		kept = append(kept, n)
	}
	return kept
}

// usableName reports whether n is worth keeping as a name: written in
// Latin or Arabic script, with no digits, not a URL, and not a short
// upper-case code such as an IATA or ICAO code.
func usableName(n string) bool {
	if n == "" || strings.ContainsAny(n, "\t\n\r|") {
		return false
	}
	lower := strings.ToLower(n)
	if strings.Contains(lower, "://") || strings.HasPrefix(lower, "www.") || strings.HasPrefix(lower, "http") {
		return false
	}
	if utf8.RuneCountInString(n) <= 3 && isUpperASCII(n) {
		return false
	}
	hasScript := false
	for _, r := range n {
		switch {
		case unicode.IsNumber(r):
			return false
		case unicode.Is(unicode.Latin, r), unicode.Is(unicode.Arabic, r):
			hasScript = true
		case unicode.IsLetter(r) || unicode.IsMark(r):
			// Letters and marks shared by all scripts (such as ʿ, U+02BF,
			// or combining accents) are fine; any other script is not.
			if !unicode.Is(unicode.Common, r) && !unicode.Is(unicode.Inherited, r) {
				return false
			}
		}
	}
	return hasScript
}

func isUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// formatCoord writes a coordinate with five decimals (about a metre).
func formatCoord(v float64) string {
	s := strconv.FormatFloat(v, 'f', 5, 64)
	if s == "-0.00000" {
		s = "0.00000"
	}
	return s
}

// encodeGazetteer returns gazetteer.tsv: the header and the rows sorted
// by id (byte order).
func encodeGazetteer(rows []row) []byte {
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.ID, b.ID) })
	var buf bytes.Buffer
	buf.WriteString(gazetteerHeader)
	buf.WriteByte('\n')
	for _, r := range rows {
		fields := []string{
			r.ID, r.Name, r.Kind, r.Feature, r.Country, r.Admin1,
			formatCoord(r.Lat), formatCoord(r.Lon),
			strconv.FormatInt(r.Population, 10),
			strings.Join(r.Names, "|"),
		}
		buf.WriteString(strings.Join(fields, "\t"))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
