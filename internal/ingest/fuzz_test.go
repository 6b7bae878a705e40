package ingest_test

import (
	"testing"
	"time"
	"unicode/utf8"

	"frontline/geo"
	"frontline/internal/ingest"
)

// FuzzParse holds the parser to its contract on any input: no panic,
// every span within the text in code points and spelling what it says,
// scores in 0..1, factions and statuses from their lists.
func FuzzParse(f *testing.F) {
	for _, s := range variedSentences {
		f.Add(s)
	}
	for _, s := range []string{
		"", " ", "\n", "'", "al-", "Al", "the capital's", "the Syrian capital", "Syria's third city",
		"BEIRUT, Dec 5 (Wire) - ", "Dec.", "U.S.", "1.5", "...", "“”", "و", "وحلب", "ال",
		"Ḩamāh\u0301\u0301", "Sednaya' prison", "the prison of", "provinces of", "lost control of Tal Rifaat to",
		"fell to", "withdrew", "\xff\xfe Homs", "Homs\x00Hama", "The same factions seized", "They",
	} {
		f.Add(s)
	}
	p := mustParser(f)
	pub := time.Date(2024, 12, 8, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<16 {
			return
		}
		done := make(chan ingest.Result, 1)
		go func() { done <- p.Parse(text, pub) }()
		var res ingest.Result
		select {
		case res = <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("Parse(%q) takes over 3 s", text)
		}
		runes := []rune(text)
		for _, m := range res.Mentions {
			if m.Start < 0 || m.End > len(runes) || m.Start >= m.End {
				t.Fatalf("mention %q: span [%d,%d) outside %d code points", m.Text, m.Start, m.End, len(runes))
			}
			if got := string(runes[m.Start:m.End]); got != m.Text {
				t.Fatalf("mention [%d,%d) spells %q, says %q", m.Start, m.End, got, m.Text)
			}
			if m.Score < 0 || m.Score > 1 || m.PlaceID == "" {
				t.Fatalf("mention %q: score %v, place %q", m.Text, m.Score, m.PlaceID)
			}
		}
		for _, c := range res.Claims {
			if c.Start < 0 || c.End > len(runes) || c.Start >= c.End {
				t.Fatalf("claim quote span [%d,%d) outside %d code points", c.Start, c.End, len(runes))
			}
			if got := string(runes[c.Start:c.End]); got != c.Quote {
				t.Fatalf("claim quote [%d,%d) spells %q, says %q", c.Start, c.End, got, c.Quote)
			}
			if geo.FactionByID(c.Faction) == nil || c.Status != geo.Claimed && c.Status != geo.Denied || c.PlaceID == "" {
				t.Fatalf("claim %+v", c)
			}
			if c.Precision != geo.Day && c.Precision != geo.Hour {
				t.Fatalf("claim precision %q", c.Precision)
			}
			if d := c.At.Sub(pub); d > ingest.MaxTimeDistance || d < -ingest.MaxTimeDistance {
				t.Fatalf("claim at %s, far from publication", c.At)
			}
		}
		if !utf8.ValidString(res.Focus.CountryName + res.Focus.RegionName) {
			t.Fatalf("focus names not UTF-8: %+v", res.Focus)
		}
	})
}

// FuzzResolveTime holds the time resolver to its contract: no panic, and
// a resolved instant near the publication time at hour or day precision.
func FuzzResolveTime(f *testing.F) {
	pub := time.Date(2024, 12, 8, 12, 0, 0, 0, time.UTC).Unix()
	for _, s := range []string{"Sunday", "on Friday", "overnight", "early on December 8", "on December 5",
		"late on Saturday", "hours after", "on Thursday night", "earlier", "last week", "yesterday",
		"this morning", "at 0400 GMT", "4:30 pm", "December 8, 2024", "Dec. 31", "29 February", "12 am",
		"two days ago", "the day before", "last night", ""} {
		f.Add(s, pub)
	}
	f.Add("January 1", int64(1735689600)) // just after a new year
	f.Add("Sunday", int64(0))
	f.Fuzz(func(t *testing.T, phrase string, unix int64) {
		// Publication times from year 1 to 9999; zero means unknown.
		const lo, hi = -62135596800, 253402300799
		if unix < lo || unix > hi {
			return
		}
		published := time.Unix(unix, 0).UTC()
		if unix == 0 {
			published = time.Time{}
		}
		at, prec, ok := ingest.ResolveTime(phrase, published)
		if !ok {
			return
		}
		if prec != geo.Hour && prec != geo.Day {
			t.Fatalf("%q: precision %q", phrase, prec)
		}
		if published.IsZero() {
			if at.Year() < 1900 || at.Year() > 2101 {
				t.Fatalf("%q without a publication time: %s", phrase, at)
			}
			return
		}
		if d := at.Sub(published); d > ingest.MaxTimeDistance || d < -ingest.MaxTimeDistance {
			t.Fatalf("%q published %s: %s is too far", phrase, published, at)
		}
	})
}
