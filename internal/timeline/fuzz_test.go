package timeline_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/timeline"
)

const (
	fuzzPlaceLine = `{"type":"Feature","id":"a","geometry":null,"properties":{"place":"gn:1","name":"x","faction":"hts","at":"2024-12-01T10:00:00Z","precision":"hour","status":"confirmed","summary":"s","sources":[{"outlet":"o","url":"https://example.org/u","published":"2024-12-01","quote":"q"}],"radius_km":3}}`
	fuzzAreaLine  = `{"type":"Feature","id":"b","geometry":{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,34],[36,33]]]},"properties":{"area":"z","name":"Zone","faction":"government","at":"2024-12-02","precision":"day","status":"claimed","summary":"","sources":[{"outlet":"o","url":"","published":"","quote":""}]}}`
)

// A file is taken whole or refused with EINVALID: whatever bytes it
// holds, Read never panics, and every change it returns passes the
// domain's validation. What it reads, written back by Write, reads again
// as the same changes, and Write's output is stable: an export then an
// import changes nothing.
func FuzzTimelineFile(f *testing.F) {
	multi := strings.Replace(fuzzAreaLine, `{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,34],[36,33]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[36,33],[37,33],[37,34],[36,34],[36,33]]],[[[38,35],[39,35],[39,36],[38,35]]]]}`, 1)
	for _, s := range []string{
		fuzzPlaceLine + "\n" + fuzzAreaLine + "\n",
		"\n  \n" + fuzzPlaceLine + "\r\n",
		multi,
		fuzzPlaceLine + "\n" + fuzzPlaceLine, // a repeated id
		strings.Replace(fuzzPlaceLine, `T10:00:00Z`, `T13:00:00+03:00`, 1),      // another zone
		strings.Replace(fuzzPlaceLine, `"hts"`, `"martians"`, 1),                // unknown faction
		strings.Replace(fuzzPlaceLine, `"radius_km":3`, `"radius_km":-1`, 1),    // out of range
		strings.Replace(fuzzPlaceLine, `"radius_km":3`, `"radius_km":1e309`, 1), // beyond float64
		strings.Replace(fuzzAreaLine, `[36,33]]]`, `[36,34]]]`, 1),              // an open ring
		strings.Replace(fuzzAreaLine, `"Polygon"`, `"Point"`, 1),
		strings.Replace(fuzzAreaLine, `"Polygon"`, `"Bogus"`, 1),
		strings.Replace(fuzzPlaceLine, `"https://example.org/u"`, `"javascript:alert(1)"`, 1),
		strings.Replace(fuzzPlaceLine, `"name":"x"`, `"name":"x","colour":"red"`, 1),
		fuzzPlaceLine[:len(fuzzPlaceLine)/2],
		`{"type":"Feature"}`, `null`, `[]`, `{}{}`, "\xff\xfe", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := timeline.Read(bytes.NewReader(b))
		if err != nil {
			if geo.ErrorCode(err) != geo.EINVALID {
				t.Fatalf("refused with %s, want EINVALID: %v", geo.ErrorCode(err), err)
			}
			if cs != nil {
				t.Fatalf("refused, yet returned %d changes", len(cs))
			}
			return
		}
		ids := map[string]bool{}
		for _, c := range cs {
			if err := c.Validate(); err != nil {
				t.Fatalf("read a change that does not validate: %v", err)
			}
			if ids[c.ID] {
				t.Fatalf("read id %q twice", c.ID)
			}
			ids[c.ID] = true
			if c.Area != "" && !hasRing(c) {
				t.Fatalf("area change %s has no ring: %v", c.ID, c.Shape)
			}
			if c.At.Location() != nil && c.At.Location().String() != "UTC" {
				t.Fatalf("%s: at %v is not UTC", c.ID, c.At)
			}
		}
		var written bytes.Buffer
		if err := timeline.Write(&written, cs); err != nil {
			t.Fatalf("Write of what Read gave: %v", err)
		}
		back, err := timeline.Read(bytes.NewReader(written.Bytes()))
		if err != nil {
			t.Fatalf("Write's output does not read: %v\n%s", err, written.Bytes())
		}
		if len(back) != len(cs) {
			t.Fatalf("%d changes read back, %d written", len(back), len(cs))
		}
		for i := range cs {
			if !sameChange(cs[i], back[i]) {
				t.Fatalf("change %q does not survive Write and Read:\n read    %+v\n re-read %+v\n written %s", cs[i].ID, *cs[i], *back[i], written.Bytes())
			}
		}
		var again bytes.Buffer
		if err := timeline.Write(&again, back); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(written.Bytes(), again.Bytes()) {
			t.Fatalf("Write is not stable:\n%s\n%s", written.Bytes(), again.Bytes())
		}
	})
}

// hasRing reports whether an area change has ground to cover: a
// polygon with an exterior ring.
func hasRing(c *geo.Change) bool {
	for _, p := range c.Shape {
		if len(p) > 0 && len(p[0]) >= 4 {
			return true
		}
	}
	return false
}

// sameInstant compares instants exactly: Write keeps the fraction of a
// second Read accepts (the seed sub-second-instant).
func sameInstant(a, b time.Time) bool { return a.Equal(b) }

// sameChange compares two changes field by field.
func sameChange(a, b *geo.Change) bool {
	if a.ID != b.ID || a.Place != b.Place || a.Area != b.Area || a.Name != b.Name || a.Faction != b.Faction ||
		!sameInstant(a.At, b.At) || a.Precision != b.Precision || a.Status != b.Status || a.Summary != b.Summary ||
		a.RadiusKm != b.RadiusKm || !reflect.DeepEqual(a.Shape, b.Shape) || len(a.Sources) != len(b.Sources) {
		return false
	}
	for i, s := range a.Sources {
		t := b.Sources[i]
		if s.Outlet != t.Outlet || s.URL != t.URL || s.Quote != t.Quote || !sameInstant(s.Published, t.Published) {
			return false
		}
	}
	return true
}
