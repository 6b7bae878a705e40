package ingest

import (
	"time"

	"frontline/geo"
)

// timePhrase is a time phrase found in a sentence and what it resolved to.
type timePhrase struct {
	first, last int
	at          time.Time
	prec        geo.Precision
}

// findTimes lists the sentence's time phrases that [ResolveTime] reads.
func (d *doc) findTimes(s *sentence, published time.Time) []timePhrase {
	var out []timePhrase
	for i := s.first; i < s.last; i++ {
		first, last := d.timeAt(s, i)
		if last <= first {
			continue
		}
		// "at 0400 GMT on December 7", "Sunday, December 8": one phrase.
		for last < s.last {
			k := last
			if f := d.toks[k].fold; (f == "on" || f == "of") && k+1 < s.last {
				k++
			}
			f2, l2 := d.timeAt(s, k)
			if l2 <= f2 || f2 > k || l2-first > 12 {
				break
			}
			last = l2
		}
		phrase := d.text[d.toks[first].bstart:d.toks[last-1].bend]
		if at, prec, ok := ResolveTime(phrase, published); ok {
			out = append(out, timePhrase{first: first, last: last, at: at, prec: prec})
		}
		i = last - 1
	}
	return out
}

func (d *doc) fold(k, last int) string {
	if k < 0 || k >= last {
		return ""
	}
	return d.toks[k].fold
}

// timeAt returns the span of a time phrase whose head is word i, or an
// empty span.
func (d *doc) timeAt(s *sentence, i int) (int, int) {
	f := d.toks[i].fold
	last := s.last
	first, end := i, -1
	switch {
	case len(f) >= 6 && weekdayOK(f) && d.toks[i].cap:
		end = i + 1
		if _, ok := partsOfDay[d.fold(end, last)]; ok && !d.toks[end].breaksPhrase() {
			end++
		}
	case months[f] != 0 && (d.toks[i].cap):
		if _, ok := dayNumber(d.fold(i+1, last)); ok && !d.toks[i+1].gapHas(",;:") {
			end = i + 2
		} else if _, ok := dayNumber(d.fold(i-1, last)); ok && i-1 >= s.first {
			first, end = i-1, i+1
		}
		if end > 0 {
			if _, ok := yearNumber(d.fold(end, last)); ok {
				end++
			}
		}
	case (f == "dawn" || f == "midnight" || f == "daybreak") && i > s.first && (d.toks[i-1].fold == "at" || d.toks[i-1].fold == "before" || d.toks[i-1].fold == "after"):
		end = i + 1
	case f == "yesterday" || f == "today" || f == "tonight" || f == "overnight":
		end = i + 1
		if _, ok := partsOfDay[d.fold(end, last)]; ok && f == "yesterday" {
			end++
		}
	case f == "earlier" && !(d.fold(i+1, last) == "than"):
		end = i + 1
		if n := d.fold(end, last); n == "today" || n == "sunday" {
			end++
		}
	case (f == "this" || f == "last") && i+1 < last:
		if _, ok := partsOfDay[d.fold(i+1, last)]; ok || d.fold(i+1, last) == "week" {
			end = i + 2
		}
	case f == "past" && d.fold(i+1, last) == "week":
		end = i + 2
	case f == "recent" && d.fold(i+1, last) == "hours":
		end = i + 2
	case f == "hours" || f == "days":
		switch d.fold(i+1, last) {
		case "after", "ago", "earlier", "before", "later":
			end = i + 2
			if _, ok := countWord(d.fold(i-1, last)); ok && i-1 >= s.first {
				first = i - 1
			}
		}
	case isDigitWord(f) && i+1 < last:
		switch d.fold(i+1, last) {
		case "am", "pm", "gmt", "utc":
			end = i + 2
			if d.fold(i+1, last) != "gmt" && (d.fold(i+2, last) == "gmt" || d.fold(i+2, last) == "utc") {
				end++
			}
		}
	}
	if end < 0 {
		return 0, 0
	}
	// Modifiers before the head: "early on", "late on", "on", "last",
	// "this", and "the early hours of", "the morning of".
	for first > s.first {
		if d.toks[first].breaksPhrase() {
			break
		}
		switch f := d.toks[first-1].fold; {
		case f == "on" || f == "early" || f == "late" || f == "last" || f == "this" || f == "at":
			first--
			continue
		case f == "of" && first-2 >= s.first:
			switch d.toks[first-2].fold {
			case "hours", "morning", "afternoon", "evening", "night":
				if !d.toks[first-1].breaksPhrase() {
					first -= 2
					continue
				}
			}
		case f == "the" && first+1 < end:
			first--
			continue
		}
		break
	}
	return first, end
}
