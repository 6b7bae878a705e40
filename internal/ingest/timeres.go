package ingest

import (
	"strconv"
	"strings"
	"time"

	"frontline/geo"
)

// MaxTimeDistance bounds how far from the publication time a resolved
// time may lie: a phrase naming an instant further off (another year's
// date) is not a time of the events reported.
const MaxTimeDistance = 400 * 24 * time.Hour

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday, "thursday": time.Thursday, "thu": time.Thursday,
	"thur": time.Thursday, "thurs": time.Thursday, "friday": time.Friday, "fri": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday,
}

var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

// partsOfDay give the local hour a part of the day stands for.
var partsOfDay = map[string]int{
	"morning": 9, "afternoon": 15, "evening": 19, "night": 22, "dawn": 5, "daybreak": 5,
	"midnight": 0, "noon": 12, "midday": 12, "overnight": 2, "tonight": 21,
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"several": 3, "few": 3, "couple": 2,
}

// ResolveTime reads a time phrase of a report ("Sunday", "early on
// December 8", "late on Saturday", "overnight", "yesterday", "hours
// after", "last week", "at 0400 GMT") against its publication time, in
// [LocalZone] unless the phrase names GMT or UTC. It returns the instant,
// its precision (geo.Hour when the phrase gives a time of day, else
// geo.Day) and whether the phrase was understood.
//
// Weekdays are the last such day on or before the publication day, dates
// without a year the nearest such date not after it. A day-precision
// instant is noon local time, or the publication time if that is earlier
// on the same day. With a zero publication time only a full date with its
// year resolves. A resolved instant never lies further than
// [MaxTimeDistance] from a non-zero publication time.
func ResolveTime(phrase string, published time.Time) (time.Time, geo.Precision, bool) {
	words := timeWords(phrase)
	if len(words) == 0 || len(words) > 24 {
		return time.Time{}, "", false
	}
	zone := LocalZone
	var (
		day                  time.Time // local midnight of the day meant
		haveDay              bool
		hour, minute         = -1, 0
		year, mday           int
		month                time.Month
		weekday              = time.Weekday(-1)
		last, next, relative bool
		daysBack             int
		early, late          bool
	)
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "gmt" || w == "utc" || w == "z":
			zone = time.UTC
		case w == "early" || w == "earlyon":
			early = true
		case w == "late" || w == "lateon":
			late = true
		case w == "last" || w == "past" || w == "previous":
			last = true
		case w == "next" || w == "coming" || w == "tomorrow":
			next = true
		case w == "yesterday":
			daysBack, relative = 1, true
			if i+1 < len(words) && partsOfDay[words[i+1]] > 0 {
				hour = partsOfDay[words[i+1]]
				i++
			}
		case w == "today" || w == "earlier" || w == "recently" || w == "now":
			relative = true
		case w == "tonight":
			relative, hour = true, partsOfDay[w]
		case w == "hours" || w == "hour" || w == "minutes":
			relative = true
		case w == "week":
			if last {
				daysBack, relative = 7, true
			}
		case w == "days" && i > 0:
			if n, ok := countWord(words[i-1]); ok && i+1 < len(words) && (words[i+1] == "ago" || words[i+1] == "earlier") {
				daysBack, relative = n, true
			}
		case w == "day" && last:
			daysBack, relative = 1, true
		case w == "day" && i > 0 && words[i-1] == "the" && i+1 < len(words) && words[i+1] == "before":
			daysBack, relative = 1, true
		case weekdayOK(w):
			weekday = weekdays[w]
		case monthOK(w, words, i):
			month = months[w]
			if i+1 < len(words) {
				if n, ok := dayNumber(words[i+1]); ok {
					mday = n
					i++
				}
			}
			if mday == 0 && i > 0 {
				if n, ok := dayNumber(words[i-1]); ok {
					mday = n
				}
			}
			if i+1 < len(words) {
				if y, ok := yearNumber(words[i+1]); ok {
					year = y
					i++
				}
			}
		case partsOfDay[w] > 0 || w == "midnight":
			if w == "night" && last {
				daysBack, relative, last = 1, true, false
			}
			if hour < 0 || w != "night" {
				hour = partsOfDay[w]
			}
			if w == "overnight" || w == "tonight" {
				relative = relative || !haveDay
			}
		default:
			if h, m, ok := clock(words, i); ok {
				hour, minute = h, m
			}
		}
	}
	if next {
		return time.Time{}, "", false // a time to come is not when anything happened
	}
	pubLocal := published.In(zone)
	zeroPub := published.IsZero()
	switch {
	case month != 0 && mday > 0:
		y := year
		if y == 0 {
			if zeroPub {
				return time.Time{}, "", false
			}
			y = pubLocal.Year()
			if time.Date(y, month, mday, 0, 0, 0, 0, zone).After(pubLocal.Add(48 * time.Hour)) {
				y--
			}
		}
		if mday > daysIn(month, y) {
			return time.Time{}, "", false
		}
		day, haveDay = time.Date(y, month, mday, 0, 0, 0, 0, zone), true
	case zeroPub:
		return time.Time{}, "", false
	case weekday >= 0:
		back := (int(pubLocal.Weekday()) - int(weekday) + 7) % 7
		if last && back == 0 {
			back = 7
		}
		day, haveDay = midnight(pubLocal).AddDate(0, 0, -back), true
	case relative || hour >= 0:
		day, haveDay = midnight(pubLocal).AddDate(0, 0, -daysBack), true
	}
	if !haveDay {
		return time.Time{}, "", false
	}
	switch {
	case early && hour < 0:
		hour = 4
	case late && hour < 0:
		hour = 22
	case late && hour >= 0 && hour < 21:
		hour += 2
	case early && hour > 6:
		hour -= 2
	}
	var at time.Time
	prec := geo.Day
	if hour >= 0 {
		at, prec = day.Add(time.Duration(hour)*time.Hour+time.Duration(minute)*time.Minute), geo.Hour
	} else {
		at = day.Add(12 * time.Hour)
		if !zeroPub && midnight(pubLocal).Equal(day) && published.Before(at) {
			at = published
		}
		if relative && daysBack == 0 && !zeroPub && hasAny(words, "hours", "hour", "earlier", "minutes") {
			// "hours after", "earlier": before publication, on its day.
			at = published.Add(-3 * time.Hour)
			if at.Before(day) {
				at = day
			}
		}
	}
	at = at.UTC()
	if !zeroPub {
		if d := at.Sub(published); d > MaxTimeDistance || d < -MaxTimeDistance {
			return time.Time{}, "", false
		}
	}
	return at, prec, true
}

// timeWords lowers and splits a phrase, keeping "4:30" and "0400" whole
// and dropping the dots of "Dec." and "a.m.".
func timeWords(s string) []string {
	if len(s) > 200 {
		return nil
	}
	s = strings.ToLower(s)
	s = strings.NewReplacer("a.m.", "am", "p.m.", "pm", ".", " ", ",", " ", "(", " ", ")", " ", "-", " ", "–", " ", "—", " ", "/", " ").Replace(s)
	f := strings.Fields(s)
	out := f[:0]
	for _, w := range f {
		w = strings.Trim(w, "\"'“”‘’")
		switch w {
		case "", "on", "in", "at", "of", "the", "by", "around", "about", "since", "from", "and", "early-on":
			if w == "the" {
				out = append(out, w) // "the day before"
			}
			continue
		}
		out = append(out, w)
	}
	return out
}

func weekdayOK(w string) bool {
	_, ok := weekdays[w]
	return ok && len(w) >= 3
}

// monthOK takes "may" and "march" for months only beside a day number.
func monthOK(w string, words []string, i int) bool {
	if _, ok := months[w]; !ok {
		return false
	}
	near := func(j int) bool {
		if j < 0 || j >= len(words) {
			return false
		}
		_, ok := dayNumber(words[j])
		return ok
	}
	return near(i+1) || near(i-1)
}

func dayNumber(w string) (int, bool) {
	w = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(w, "th"), "st"), "nd"), "rd")
	if len(w) == 0 || len(w) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 1 || n > 31 {
		return 0, false
	}
	return n, true
}

func yearNumber(w string) (int, bool) {
	if len(w) != 4 {
		return 0, false
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 1900 || n > 2100 {
		return 0, false
	}
	return n, true
}

func countWord(w string) (int, bool) {
	if n, ok := numberWords[w]; ok {
		return n, true
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 0 || n > 60 {
		return 0, false
	}
	return n, true
}

// clock reads "4:30", "4pm", "4 pm", "0400" (with GMT) at word i.
func clock(words []string, i int) (int, int, bool) {
	w := words[i]
	suffix := ""
	for _, s := range []string{"am", "pm"} {
		if strings.HasSuffix(w, s) && len(w) > len(s) {
			w, suffix = strings.TrimSuffix(w, s), s
		}
	}
	if suffix == "" && i+1 < len(words) && (words[i+1] == "am" || words[i+1] == "pm") {
		suffix = words[i+1]
	}
	h, m := -1, 0
	switch {
	case strings.Contains(w, ":"):
		a, b, _ := strings.Cut(w, ":")
		hh, err1 := strconv.Atoi(a)
		mm, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil || len(b) != 2 {
			return 0, 0, false
		}
		h, m = hh, mm
	case len(w) == 4 && suffix == "" && i+1 < len(words) && (words[i+1] == "gmt" || words[i+1] == "utc" || words[i+1] == "local" || words[i+1] == "hours"):
		n, err := strconv.Atoi(w)
		if err != nil {
			return 0, 0, false
		}
		h, m = n/100, n%100
	case suffix != "" && len(w) <= 2:
		n, err := strconv.Atoi(w)
		if err != nil {
			return 0, 0, false
		}
		h = n
	default:
		return 0, 0, false
	}
	switch suffix {
	case "am":
		if h == 12 {
			h = 0
		}
	case "pm":
		if h < 12 {
			h += 12
		}
	}
	if h < 0 || h > 23 || m < 0 || m > 59 || suffix != "" && (h > 23) {
		return 0, 0, false
	}
	return h, m, true
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func hasAny(words []string, ws ...string) bool {
	for _, w := range words {
		for _, x := range ws {
			if w == x {
				return true
			}
		}
	}
	return false
}
