package ingest

import "testing"

// The third held-out set: wire-style sentences written blind, without
// seeing the parser or any of the other sets' sentences, in the same format
// and under the same annotation rules (testdata/heldout3/README.md). It
// measures how well the parser generalises and must not be used to tune it.
const heldOut3Dir = "testdata/heldout3"

// heldOut3MinScore is a regression guard only: the figures themselves are
// what we report.
const heldOut3MinScore = 0.5

// TestHeldOut3Annotations checks the gold alone, without running the
// parser: spans, places, factions, statuses and instants.
func TestHeldOut3Annotations(t *testing.T) { checkSetAnnotations(t, heldOut3Dir) }

func TestHeldOut3(t *testing.T) { runSet(t, "held-out 3", heldOut3Dir, heldOut3MinScore) }
