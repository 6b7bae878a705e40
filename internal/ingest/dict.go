package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"frontline/geo"
	"frontline/internal/geocode"
)

// trie is the phrase dictionary: every name of every place, as its
// folded words, so a text is matched word by word and the longest name
// wins.
type trie struct {
	next  map[string]*trie
	names []nameRef // places whose name ends here
}

// nameRef is a place reached through one of its names.
type nameRef struct {
	place   int32
	primary bool // the place's own name, not an alternate
}

func (t *trie) child(w string) *trie {
	if t.next == nil {
		return nil
	}
	return t.next[w]
}

func (t *trie) insert(words []string, r nameRef) {
	n := t
	for _, w := range words {
		if n.next == nil {
			n.next = make(map[string]*trie, 1)
		}
		c := n.next[w]
		if c == nil {
			c = &trie{}
			n.next[w] = c
		}
		n = c
	}
	for _, have := range n.names {
		if have.place == r.place {
			return
		}
	}
	n.names = append(n.names, r)
}

// buildTrie files every name of the gazetteer's places. Names that
// cannot be told from ordinary words are left out: one- and two-letter
// words and bare numbers.
func buildTrie(gz *geocode.Gazetteer) *trie {
	root := &trie{}
	for i, p := range gz.Places {
		for j := -1; j < len(p.Names); j++ {
			name := p.Name
			if j >= 0 {
				name = p.Names[j]
			}
			words := strings.Fields(geocode.Fold(name))
			if len(words) == 0 || !usableName(words) {
				continue
			}
			root.insert(words, nameRef{place: int32(i), primary: j < 0})
		}
	}
	return root
}

func usableName(words []string) bool {
	if len(words) == 1 {
		w := words[0]
		if isDigitWord(w) {
			return false
		}
		// "T4" (the Tiyas air base) is a name; "4" and "al" are not.
		if utf8.RuneCountInString(w) < 3 && !(len(w) == 2 && hasLetterAndDigit(w)) {
			return false
		}
		if notPlaceWords[w] || notPlaceArabic[w] {
			return false
		}
	}
	letters := false
	for _, w := range words {
		if w == "and" {
			return false // "Nubl and Zahraa" names two places
		}
		letters = letters || !isDigitWord(w)
	}
	return letters
}

// hasLetterAndDigit reports whether a word mixes letters and digits, as
// "T4" does.
func hasLetterAndDigit(w string) bool {
	letter, digit := false, false
	for _, r := range w {
		switch {
		case '0' <= r && r <= '9':
			digit = true
		case unicode.IsLetter(r):
			letter = true
		}
	}
	return letter && digit
}

// kindRank orders the kinds a name may stand for: a country before a
// settlement before a feature before a governorate, the order in which
// news means a bare name.
func kindRank(k geo.Kind) int {
	switch k {
	case geo.Country:
		return 0
	case geo.City, geo.Town, geo.Village, geo.Neighbourhood:
		return 1
	case geo.Governorate:
		return 3
	}
	return 2
}
