package timeline_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"frontline/data"
	"frontline/geo"
	"frontline/internal/geocode"
	"frontline/internal/timeline"
)

func readEmbedded(t *testing.T, name string) []*geo.Change {
	t.Helper()
	cs, err := timeline.ReadFS(data.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// The curated data as the issue asks for it: a baseline for every Syrian
// settlement and point of interest, and at least 150 dated, sourced
// changes over the offensive.
func TestCuratedData(t *testing.T) {
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	base := readEmbedded(t, "timeline/baseline.geojsonl")
	changes := readEmbedded(t, "timeline/changes.geojsonl")
	seen := map[string]int{}
	for _, c := range base {
		if !c.At.Equal(geo.TimelineStart) || !c.Status.Applies() {
			t.Errorf("baseline %s at %s, %s", c.ID, c.At, c.Status)
		}
		if c.Place != "" {
			seen[c.Place]++
		}
	}
	for _, p := range gz.Places {
		if p.Country != "SY" {
			continue
		}
		switch p.Kind {
		case geo.Region, geo.Governorate, geo.Country, geo.BufferZone:
			continue
		}
		if seen[p.ID] != 1 {
			t.Errorf("%s %s has %d baseline rows, want 1", p.ID, p.Name, seen[p.ID])
		}
	}
	all := append(base, changes...)
	ids := map[string]bool{}
	dated := 0
	for _, c := range all {
		if ids[c.ID] {
			t.Errorf("id %s repeats across files", c.ID)
		}
		ids[c.ID] = true
		if c.Place != "" && gz.Place(c.Place) == nil {
			t.Errorf("%s: unknown place %s", c.ID, c.Place)
		}
		for _, s := range c.Sources {
			if s.URL == "" && !strings.Contains(s.Outlet, "AFP") {
				t.Errorf("%s: source %s has no URL", c.ID, s.Outlet)
			}
		}
	}
	for _, c := range changes {
		if c.At.After(geo.TimelineStart) && c.At.Before(time.Date(2024, 12, 13, 0, 0, 0, 0, time.UTC)) {
			dated++
		}
		if c.Summary == "" {
			t.Errorf("%s: no summary", c.ID)
		}
	}
	if dated < 150 {
		t.Errorf("%d dated changes, want at least 150", dated)
	}
}

func TestReadRejectsBadLines(t *testing.T) {
	good := `{"type":"Feature","id":"a","geometry":null,"properties":{"place":"gn:1","name":"x","faction":"hts","at":"2024-12-01","precision":"day","status":"confirmed","summary":"s","sources":[{"outlet":"o","url":"https://example.org/u","published":"2024-12-01","quote":"q"}]}}`
	with := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	for name, tc := range map[string]struct {
		body, says string
	}{
		"not json":         {good + "\n{oops\n", "line 2"},
		"unknown faction":  {with(`"hts"`, `"rebels"`), "unknown faction"},
		"bad time":         {with(`"2024-12-01","precision"`, `"1 Dec","precision"`), "RFC 3339"},
		"outside timeline": {with(`"2024-12-01","precision"`, `"2025-01-01","precision"`), "outside the timeline"},
		"bad status":       {with(`"confirmed"`, `"rumoured"`), "status"},
		"no sources":       {with(`[{"outlet":"o","url":"https://example.org/u","published":"2024-12-01","quote":"q"}]`, `[]`), "source"},
		"duplicate id":     {good + "\n" + good + "\n", "repeats line 1"},
		"unknown field":    {with(`"name":"x"`, `"name":"x","colour":"red"`), "unknown field"},
		"place and area":   {with(`"place":"gn:1"`, `"place":"gn:1","area":"z"`), "either a place or an area"},
		"open ring": {with(`"geometry":null,"properties":{"place":"gn:1"`,
			`"geometry":{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,34]]]},"properties":{"area":"z"`), "closed"},
		"script link": {with(`"url":"https://example.org/u"`, `"url":"javascript:alert(1)"`), "http or https"},
		"a point geometry": {with(`"geometry":null,"properties":{"place":"gn:1"`,
			`"geometry":{"type":"Point","coordinates":[36,33]},"properties":{"area":"z"`), "Polygon"},
	} {
		_, err := timeline.Read(strings.NewReader(tc.body))
		if geo.ErrorCode(err) != geo.EINVALID || !strings.Contains(geo.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %v, want EINVALID saying %q", name, err, tc.says)
		}
	}
}

func TestWriteReadsBack(t *testing.T) {
	cs := readEmbedded(t, "timeline/baseline.geojsonl")
	var buf bytes.Buffer
	if err := timeline.Write(&buf, cs); err != nil {
		t.Fatal(err)
	}
	back, err := timeline.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(cs) {
		t.Fatalf("%d back, %d written", len(back), len(cs))
	}
	for i := range cs {
		a, b := cs[i], back[i]
		if a.ID != b.ID || a.Place != b.Place || a.Area != b.Area || !a.At.Equal(b.At) || a.Faction != b.Faction ||
			len(a.Sources) != len(b.Sources) || len(a.Shape) != len(b.Shape) {
			t.Errorf("%s did not survive the round trip", a.ID)
		}
	}
}
