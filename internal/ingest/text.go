package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"frontline/internal/geocode"
)

// token is a word of the text: a run of letters, digits and combining
// marks, with apostrophes inside it ("Dar'a", "Ma‘arrat"). A trailing
// possessive "'s" is split off, so "Syria's" is the word Syria.
type token struct {
	start, end   int // code points, end exclusive
	bstart, bend int // bytes
	after        int // byte just after the word and its possessive
	raw          string
	fold         string // geocode.Fold of the word alone
	gap          string // the text between the previous word and this one
	cap          bool   // Latin, first letter upper case
	allCaps      bool   // Latin, every letter upper case
	arabic       bool
	poss         bool // "'s" followed
}

// apostrophes are the marks news and transliterations use inside words.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʿ', 'ʾ', '`', 'ʻ', 'ʼ', '´':
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// tokenize splits text into words, counting code points as it goes.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/5)
	prevAfter := 0
	runeIdx := 0
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			runeIdx++
			continue
		}
		t := token{bstart: i, start: runeIdx}
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if isWordRune(r) {
				i += size
				runeIdx++
				continue
			}
			// An apostrophe between two letters belongs to the word.
			if isApostrophe(r) && i+size < len(text) {
				nr, _ := utf8.DecodeRuneInString(text[i+size:])
				if isWordRune(nr) {
					i += size
					runeIdx++
					continue
				}
			}
			break
		}
		t.bend, t.end, t.after = i, runeIdx, i
		t.raw = text[t.bstart:t.bend]
		// Possessive: the word ends in apostrophe + s.
		if n := len(t.raw); n > 2 && (t.raw[n-1] == 's' || t.raw[n-1] == 'S') {
			pr, psize := utf8.DecodeLastRuneInString(t.raw[:n-1])
			if isApostrophe(pr) {
				t.poss = true
				t.bend -= 1 + psize
				t.end -= 2
				t.raw = text[t.bstart:t.bend]
			}
		}
		t.gap = text[prevAfter:t.bstart]
		prevAfter = t.after
		classify(&t)
		toks = append(toks, t)
	}
	return toks
}

func classify(t *token) {
	first, _ := utf8.DecodeRuneInString(t.raw)
	if first >= 0x0600 && first <= 0x06FF || first >= 0x0750 && first <= 0x077F {
		t.arabic = true
	} else if unicode.IsUpper(first) {
		t.cap = true
		t.allCaps = true
		for _, r := range t.raw {
			if unicode.IsLower(r) {
				t.allCaps = false
				break
			}
		}
	}
	t.fold = foldWord(t.raw)
}

// foldWord folds one word as geocode.Fold folds it inside a name, without
// the cost of the general path for plain ASCII.
func foldWord(w string) string {
	ascii, lower := true, true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' || c == '\'' || c == '`' {
			lower = false
		}
	}
	if !ascii {
		f := geocode.Fold(w)
		if strings.IndexByte(f, ' ') >= 0 {
			f = strings.ReplaceAll(f, " ", "")
		}
		return f
	}
	if lower {
		if w == "tell" || w == "tel" || w == "tall" {
			return "tal"
		}
		return w
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c == '\'' || c == '`':
		default:
			b = append(b, c)
		}
	}
	f := string(b)
	if f == "tell" || f == "tel" || f == "tall" {
		return "tal"
	}
	return f
}

// hyphenated reports whether the word is joined to the one before it by
// a hyphen ("Kurdish-led", "ez-Zor").
func (t *token) hyphenated() bool {
	return t.gap == "-" || t.gap == "‐" || t.gap == "‑"
}

// breaksPhrase reports whether the text before the word ends a name: any
// punctuation other than a hyphen or plain spaces.
func (t *token) breaksPhrase() bool {
	if t.hyphenated() {
		return false
	}
	for i := 0; i < len(t.gap); i++ {
		if t.gap[i] != ' ' {
			return true
		}
	}
	return false
}

// gapHas reports whether the text before the word holds any of chars.
func (t *token) gapHas(chars string) bool { return strings.ContainsAny(t.gap, chars) }

// sentence is a span of the text with its words.
type sentence struct {
	start, end   int // code points
	bstart, bend int
	first, last  int // token indices, last exclusive
	headline     bool
	paraStart    bool
}

// abbreviations end in a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "lt": true, "col": true, "maj": true,
	"capt": true, "sgt": true, "st": true, "no": true, "vs": true, "prof": true, "sen": true, "rep": true,
	"gov": true, "brig": true, "cpl": true, "pvt": true, "approx": true, "est": true, "mt": true,
	"e": true, "i": true, "eg": true, "ie": true, "al": true,
}

// splitSentences cuts the text into sentences: at a full stop, question
// or exclamation mark followed by a capital, at line breaks, and after a
// dateline ("Beirut, Lebanon:"). Abbreviations ("Dec.", "U.S."),
// decimals and ellipses inside a sentence do not cut it.
func splitSentences(text string, toks []token) []sentence {
	var out []sentence
	if len(toks) == 0 {
		return out
	}
	begin := 0
	para := true
	for i := 1; i <= len(toks); i++ {
		cut, newPara := false, false
		if i == len(toks) {
			cut = true
		} else {
			g := toks[i].gap
			switch {
			case strings.ContainsAny(g, "\n\r\u2028\u2029"):
				cut, newPara = true, true
			case endsSentence(toks, i):
				cut = true
			case para && i-begin <= 6 && isDateline(toks, begin, i):
				cut = true
			}
		}
		if !cut {
			continue
		}
		out = append(out, makeSentence(text, toks, begin, i, para))
		begin = i
		para = newPara
	}
	markHeadlines(text, toks, out)
	return out
}

// markHeadlines flags the sentences of lines that read as headlines: a
// line of a few words that does not end as a sentence does, in a text of
// several lines (a text of one line is what it says, stop or not).
func markHeadlines(text string, toks []token, ss []sentence) {
	paras := 0
	for _, s := range ss {
		if s.paraStart {
			paras++
		}
	}
	if paras < 2 {
		return
	}
	for a := 0; a < len(ss); {
		b := a + 1
		for b < len(ss) && !ss[b].paraStart {
			b++
		}
		if isHeadline(text[ss[a].bstart:ss[b-1].bend], toks[ss[a].first:ss[b-1].last]) {
			for k := a; k < b; k++ {
				ss[k].headline = true
			}
		}
		a = b
	}
}

// endsSentence reports whether a sentence ends before word i.
func endsSentence(toks []token, i int) bool {
	g := toks[i].gap
	k := strings.IndexAny(g, ".!?")
	if k < 0 {
		return false
	}
	// The stop must be followed by a space somewhere before the next word.
	if !strings.ContainsAny(g[k:], " \t\u00a0") {
		return false
	}
	next := toks[i]
	if !next.cap && !next.arabic && !isDigitWord(next.raw) {
		return false
	}
	if g[k] == '.' && k == 0 && !strings.HasPrefix(g, "...") {
		prev := toks[i-1]
		if abbreviations[prev.fold] && !prev.poss {
			return false
		}
		// A single capital is an initial or part of "U.S.".
		if utf8.RuneCountInString(prev.raw) == 1 && prev.cap {
			return false
		}
	}
	return true
}

// isDateline reports whether words [begin, i) open a paragraph as a
// dateline does: a few capitalised words, then a colon or a dash.
func isDateline(toks []token, begin, i int) bool {
	g := toks[i].gap
	if !(strings.Contains(g, ": ") || strings.Contains(g, " - ") || strings.Contains(g, " — ") || strings.Contains(g, " – ") || strings.Contains(g, ") -")) {
		return false
	}
	for j := begin; j < i; j++ {
		if !toks[j].cap && !isDigitWord(toks[j].raw) && !toks[j].arabic {
			return false
		}
	}
	return true
}

func isDigitWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func makeSentence(text string, toks []token, first, last int, para bool) sentence {
	s := sentence{first: first, last: last, paraStart: para}
	// Leading quotes or brackets belong to the sentence.
	lead := toks[first].gap
	if k := strings.LastIndexAny(lead, " \t\n\r\u00a0"); k >= 0 {
		// Past the whole space: a no-break space is two bytes.
		_, size := utf8.DecodeRuneInString(lead[k:])
		lead = lead[k+size:]
	}
	s.bstart = toks[first].bstart - len(lead)
	s.start = toks[first].start - utf8.RuneCountInString(lead)
	// Trailing punctuation up to the next space belongs too.
	endB := toks[last-1].after
	var trail string
	if last < len(toks) {
		trail = toks[last].gap
	} else {
		trail = text[endB:]
	}
	if k := strings.IndexAny(trail, " \t\n\r\u00a0"); k >= 0 {
		trail = trail[:k]
	}
	s.bend = endB + len(trail)
	s.end = toks[last-1].end + utf8.RuneCountInString(text[toks[last-1].bend:s.bend])
	return s
}

// isHeadline reports whether a line reads as a headline: it does not end
// with a full stop, question or exclamation mark.
func isHeadline(line string, toks []token) bool {
	line = strings.TrimRight(line, " \"'”’»)")
	if line == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(line)
	return r != '.' && r != '!' && r != '?' && r != '…' && r != ':' && len(toks) <= 16
}
