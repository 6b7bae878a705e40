package ingest

import "testing"

// The held-out set: wire-style sentences written without seeing the parser
// or the evaluation set, in the same format and under the same annotation
// rules (testdata/heldout/README.md). It measures how well the parser
// generalises and must not be used to tune it.
const heldOutDir = "testdata/heldout"

// heldOutMinScore is a regression guard only: the figures themselves are
// what we report.
const heldOutMinScore = 0.6

func TestHeldOut(t *testing.T) { runSet(t, "held-out", heldOutDir, heldOutMinScore) }
