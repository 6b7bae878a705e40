package ingest

import "testing"

// The second development set (testdata/dev2/README.md): sentences of the
// project's own for the faction and recall errors unseen text showed —
// unnamed fighters and gunmen, origins, handovers "to its fighters", a
// loser after "from", carrying over the previous sentence's taker, denied
// withdrawals, "restored security and stability to", "had come under the
// control of", presence claims, appositives after "had taken", "pulled
// ... out of", claims in relative clauses, pronoun places of denials —
// with their look-alikes that claim nothing. It may be tuned on.
const dev2File = "testdata/dev2/sentences.jsonl"

func TestDevelopment2(t *testing.T) { runDevSet(t, "development 2", dev2File) }
