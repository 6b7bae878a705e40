package geocode

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// articles are the forms the Arabic definite article takes in English
// transliteration once split from its noun ("al-", "ar-", "el-" ...).
var articles = map[string]bool{
	"al": true, "el": true, "as": true, "ash": true, "es": true,
	"ar": true, "er": true, "ad": true, "ed": true, "at": true, "et": true,
	"az": true, "ez": true, "an": true, "en": true, "ath": true, "adh": true,
	"ul": true,
}

// tal is the Arabic "hill" that news writes as Tall, Tell, Tal or Tel.
var tal = map[string]bool{"tal": true, "tall": true, "tell": true, "tel": true}

// Fold reduces a name to the form two spellings of the same name share
// once case, diacritics, apostrophes, hyphens and articles are set aside:
// "Ma‘arrat an-Nu‘mān" and "Maarrat al Numan" both fold to
// "maarrat numan". Arabic script keeps its letters, with its variants of
// alef, ta marbuta and the article "ال" folded too.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	if !isASCII(s) {
		s = norm.NFD.String(s)
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case 'A' <= r && r <= 'Z':
				b.WriteRune(r + 'a' - 'A')
			case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
				b.WriteRune(r)
			case r == '\'' || r == '`':
				// Transliteration marks for ayn and hamza: "Dar'a" is "Dara".
			default:
				b.WriteByte(' ')
			}
		case unicode.Is(unicode.Mn, r):
			// Diacritics and Arabic short vowels, split off by NFD.
		default:
			// Lower first: foldRune knows the small letters (Ħ is ħ is h).
			r = unicode.ToLower(r)
			if f, ok := foldRune(r); ok {
				if f != 0 {
					b.WriteRune(f)
				}
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		}
	}
	return joinTokens(b.String())
}

// foldRune maps the letters NFD leaves whole. A zero rune drops the letter.
func foldRune(r rune) (rune, bool) {
	switch r {
	case 'ʿ', 'ʾ', '‘', '’', 'ʻ', 'ʼ', '´', '′', 'ʹ', 'ʽ', 'ʔ', 'ʕ':
		return 0, true
	case 'ı':
		return 'i', true
	case 'ł':
		return 'l', true
	case 'ø':
		return 'o', true
	case 'đ':
		return 'd', true
	case 'ħ':
		return 'h', true
	case 'ß':
		return 's', true
	case 'ة': // ta marbuta, written and dropped alike
		return 'ه', true
	case 'ى': // alef maqsura
		return 'ي', true
	case 'ـ': // tatweel, a stretch of the line
		return 0, true
	}
	return 0, false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// joinTokens splits on spaces, drops articles, folds "tell" to "tal" and
// rejoins with single spaces. A name that is nothing but an article keeps it.
func joinTokens(s string) string {
	fields := strings.Fields(s)
	out := fields[:0]
	for _, f := range fields {
		switch {
		case articles[f]:
			continue
		case tal[f]:
			f = "tal"
		case strings.HasPrefix(f, "ال") && utf8.RuneCountInString(f) > 3:
			f = strings.TrimPrefix(f, "ال")
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return strings.Join(strings.Fields(s), " ")
	}
	return strings.Join(out, " ")
}

// Skeleton reduces a folded name further, to what survives the choices
// transliterators disagree on: vowels (Hims/Homs, Idlib/Idleb), doubled
// letters (Raqqa/Raqa), q/k, dh/z, a final h (Hamah/Hama), diphthongs
// (Dayr/Deir, Zawr/Zor) and word breaks ("Deir Ezzor"/"Deir ez-Zor").
// A leading vowel is kept, as "a", so "Idlib" does not become "dlb".
func Skeleton(folded string) string {
	if folded == "" {
		return ""
	}
	if !isASCII(folded) {
		return strings.ReplaceAll(folded, " ", "")
	}
	// Word-final h after a vowel is a spelling of ta marbuta: Hamah, Jableh.
	var src []byte
	for i := 0; i < len(folded); i++ {
		c := folded[i]
		if c == ' ' {
			continue
		}
		if c == 'h' && i > 0 && isVowel(folded[i-1]) && (i+1 == len(folded) || folded[i+1] == ' ') && i > 1 {
			continue
		}
		src = append(src, c)
	}
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); i++ {
		c := src[i]
		var next byte
		if i+1 < len(src) {
			next = src[i+1]
		}
		switch {
		case i == 0 && (isVowel(c) || c == 'y' && !isVowel(next)):
			c = 'a'
		case isVowel(c):
			continue
		case c == 'y' && i > 0:
			continue // a vowel inside a word: Shaykh, Suwayda
		case c == 'w' && i > 0 && isVowel(src[i-1]) && !isVowel(next):
			continue // the diphthong of Zawr, Hawran
		case c == 'q':
			c = 'k'
		case c == 'd' && next == 'h':
			c, i = 'z', i+1
		case c == 'd' && next == 'j':
			continue // French Djeble
		case c == 'c' && next == 'h':
			c, i = 's', i+1 // French Cheikh; the h follows as in "sh"
			out = appendUnlessDouble(out, c)
			c = 'h'
		}
		out = appendUnlessDouble(out, c)
	}
	return string(out)
}

func appendUnlessDouble(out []byte, c byte) []byte {
	if n := len(out); n > 0 && out[n-1] == c {
		return out
	}
	return append(out, c)
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}
