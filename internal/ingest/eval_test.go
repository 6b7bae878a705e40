package ingest

import "testing"

// The evaluation set: wire-style sentences about the offensive, written by
// the project, with gold place mentions and control claims
// (testdata/eval/README.md describes it and the annotation rules). The
// loader, annotation checks and scoring it shares with the other sets are
// in sets_test.go.
const evalDir = "testdata/eval"

// evalMinScore is the figure every precision and recall must reach.
const evalMinScore = 0.9

func TestEvaluation(t *testing.T) { runSet(t, "evaluation", evalDir, evalMinScore) }
