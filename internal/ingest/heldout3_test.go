package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"frontline/data"
	"frontline/internal/geocode"
)

// The third held-out set: wire-style sentences written blind, without
// seeing the parser or any of the other sets' sentences, in the same format
// and under the same annotation rules (testdata/heldout3/README.md). It
// measures how well the parser generalises and must not be used to tune it.
const heldOut3File = "testdata/heldout3/sentences.jsonl"

// heldOut3MinScore is a regression guard only: the figures themselves are
// what we report.
const heldOut3MinScore = 0.5

// loadHeldOut3Set reads the third held-out jsonl as loadEvalSet reads the
// evaluation set (whose path is fixed), failing on malformed lines.
func loadHeldOut3Set(t *testing.T) []evalSentence {
	t.Helper()
	raw, err := os.ReadFile(heldOut3File)
	if err != nil {
		t.Fatal(err)
	}
	var out []evalSentence
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var s evalSentence
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("%s:%d: %v", heldOut3File, line, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHeldOut3Annotations checks the gold alone, without running the
// parser: spans, places, factions, statuses and instants.
func TestHeldOut3Annotations(t *testing.T) {
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	set := loadHeldOut3Set(t)
	checkEvalSet(t, gz, set)
	if docs := evalDocs(gz, set); len(docs) == 0 {
		t.Fatal("no dispatches")
	}
}

func TestHeldOut3(t *testing.T) {
	gz, err := geocode.LoadGazetteer(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	set := loadHeldOut3Set(t)
	checkEvalSet(t, gz, set) // fails on any annotation error
	docs := evalDocs(gz, set)
	sc := scoreHeldOut(gz, docs) // the evaluation's matching rules

	mp, mr := evalRatio(sc.hitMentions, sc.predMentions), evalRatio(sc.hitMentions, sc.goldMentions)
	cp, cr := evalRatio(sc.hitClaims, sc.predClaims), evalRatio(sc.hitClaims, sc.goldClaims)
	t.Logf("held-out 3: %d sentences in %d dispatches", len(set), len(docs))
	t.Logf("mentions: precision %.3f (%d/%d), recall %.3f (%d/%d)", mp, sc.hitMentions, sc.predMentions, mr, sc.hitMentions, sc.goldMentions)
	t.Logf("claims:   precision %.3f (%d/%d), recall %.3f (%d/%d)", cp, sc.hitClaims, sc.predClaims, cr, sc.hitClaims, sc.goldClaims)
	for _, r := range sc.report {
		t.Log(r)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"mention precision", mp}, {"mention recall", mr}, {"claim precision", cp}, {"claim recall", cr}} {
		if f.v < heldOut3MinScore {
			t.Errorf("held-out 3 %s %.3f is below %.2f", f.name, f.v, heldOut3MinScore)
		}
	}
}
