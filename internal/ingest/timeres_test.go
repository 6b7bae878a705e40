package ingest_test

import (
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/ingest"
)

func TestResolveTime(t *testing.T) {
	// Sunday 8 Dec 2024, 15:00 local.
	pub := time.Date(2024, 12, 8, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		phrase string
		want   time.Time
		prec   geo.Precision
	}{
		{"Sunday", local(8, 12), geo.Day},
		{"on Friday", local(6, 12), geo.Day},
		{"last Sunday", local(1, 12), geo.Day},
		{"Sunday morning", local(8, 9), geo.Hour},
		{"late on Saturday", local(7, 22), geo.Hour},
		{"on Thursday night", local(5, 22), geo.Hour},
		{"overnight", local(8, 2), geo.Hour},
		{"early on December 8", local(8, 4), geo.Hour},
		{"early on December 8, 2024", local(8, 4), geo.Hour},
		{"on December 5", local(5, 12), geo.Day},
		{"Dec. 5", local(5, 12), geo.Day},
		{"5 December", local(5, 12), geo.Day},
		{"on November 27", time.Date(2024, 11, 27, 9, 0, 0, 0, time.UTC), geo.Day},
		{"yesterday", local(7, 12), geo.Day},
		{"last night", local(7, 22), geo.Hour},
		{"this morning", local(8, 9), geo.Hour},
		{"today", local(8, 12), geo.Day},
		{"earlier", pub.Add(-3 * time.Hour), geo.Day},
		{"hours after", pub.Add(-3 * time.Hour), geo.Day},
		{"last week", local(1, 12), geo.Day},
		{"two days ago", local(6, 12), geo.Day},
		{"at 0400 GMT", time.Date(2024, 12, 8, 4, 0, 0, 0, time.UTC), geo.Hour},
		{"at 4:30 pm", time.Date(2024, 12, 8, 13, 30, 0, 0, time.UTC), geo.Hour},
		{"at 4 am on December 7", local(7, 4), geo.Hour},
		{"the early hours of Sunday", local(8, 4), geo.Hour},
		{"the morning of December 7", local(7, 9), geo.Hour},
		{"at dawn", local(8, 5), geo.Hour},
	}
	for _, c := range cases {
		t.Run(c.phrase, func(t *testing.T) {
			at, prec, ok := ingest.ResolveTime(c.phrase, pub)
			if !ok {
				t.Fatalf("not understood")
			}
			if !at.Equal(c.want) || prec != c.prec {
				t.Errorf("%s/%s, want %s/%s", at.Format(time.RFC3339), prec, c.want.Format(time.RFC3339), c.prec)
			}
		})
	}
}

func TestResolveTimeRefuses(t *testing.T) {
	pub := time.Date(2024, 12, 8, 12, 0, 0, 0, time.UTC)
	for _, phrase := range []string{"", "the army", "next week", "tomorrow", "December 8, 1999", "February 30", "may", "25:00 GMT"} {
		if at, _, ok := ingest.ResolveTime(phrase, pub); ok {
			t.Errorf("%q resolved to %s", phrase, at)
		}
	}
	// With no publication time, only a full date resolves.
	if _, _, ok := ingest.ResolveTime("Sunday", time.Time{}); ok {
		t.Error("Sunday resolved without a publication time")
	}
	at, prec, ok := ingest.ResolveTime("December 8, 2024", time.Time{})
	if !ok || !at.Equal(local(8, 12)) || prec != geo.Day {
		t.Errorf("December 8, 2024 without a publication time: %s/%s/%v", at, prec, ok)
	}
}

// A date without a year is the nearest one not after publication: "Dec
// 30" read on 2 Jan is last year's.
func TestResolveTimeYearBoundary(t *testing.T) {
	pub := time.Date(2025, 1, 2, 12, 0, 0, 0, time.UTC)
	at, _, ok := ingest.ResolveTime("December 30", pub)
	if !ok || at.Year() != 2024 {
		t.Errorf("December 30 read on 2 Jan 2025: %s %v", at, ok)
	}
}
