package ingest_test

import (
	"os"
	"strings"
	"testing"
	"time"
)

// benchText is a realistic input: the seed article (when the checkout
// has it), then varied wire sentences, repeated to about 200 KB.
func benchText(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	seed := ""
	if p := seedPath(); p != "" {
		raw, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		seed = string(raw)
	}
	for b.Len() < 200_000 {
		b.WriteString(seed)
		b.WriteString("\n\n")
		for _, s := range variedSentences {
			b.WriteString(s)
			b.WriteByte(' ')
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

func BenchmarkParse(b *testing.B) {
	p := mustParser(b)
	text := benchText(b)
	published := time.Date(2024, 12, 8, 12, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := p.Parse(text, published)
		if len(res.Claims) == 0 {
			b.Fatal("no claims")
		}
	}
}
