package ingest

import (
	"slices"
	"testing"
)

func TestSplitSentences(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"abbreviations and decimals",
			"The U.S. envoy arrived on Dec. 5 with 1.5 tonnes of aid. Then he left.",
			[]string{"The U.S. envoy arrived on Dec. 5 with 1.5 tonnes of aid.", "Then he left."}},
		{"quotes close the sentence",
			`"We are entering Damascus," a commander said. Gunfire rang out.`,
			[]string{`"We are entering Damascus," a commander said.`, "Gunfire rang out."}},
		{"an ellipsis inside a sentence",
			`"Our forces... have withdrawn" from the town. Residents fled.`,
			[]string{`"Our forces... have withdrawn" from the town.`, "Residents fled."}},
		{"a question and a line break",
			"Who holds Hama? Nobody knows\nRebels advance",
			[]string{"Who holds Hama?", "Nobody knows", "Rebels advance"}},
		{"a dateline",
			"BEIRUT, Dec 5 (Wire) - Rebels entered Hama.",
			[]string{"BEIRUT, Dec 5 (Wire)", "Rebels entered Hama."}},
		{"a colon dateline",
			"Beirut, Lebanon: Syrian rebel factions spoke.",
			[]string{"Beirut, Lebanon:", "Syrian rebel factions spoke."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			toks := tokenize(c.text)
			var got []string
			runes := []rune(c.text)
			for _, s := range splitSentences(c.text, toks) {
				if string(runes[s.start:s.end]) != c.text[s.bstart:s.bend] {
					t.Fatalf("rune span [%d,%d) and byte span [%d,%d) differ", s.start, s.end, s.bstart, s.bend)
				}
				got = append(got, c.text[s.bstart:s.bend])
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestHeadlines(t *testing.T) {
	text := "Gunfire: 'Entering Damascus'\n\nRebels said they were entering Damascus.\n"
	ss := splitSentences(text, tokenize(text))
	var heads []bool
	for _, s := range ss {
		heads = append(heads, s.headline)
	}
	if !slices.Equal(heads, []bool{true, true, false}) {
		t.Errorf("headline flags %v, want [true true false]", heads)
	}
}

func TestTokenizePossessiveAndApostrophes(t *testing.T) {
	toks := tokenize("Syria's Dar'a and the capital’s airport")
	var words []string
	for _, tk := range toks {
		words = append(words, tk.raw)
	}
	if want := []string{"Syria", "Dar'a", "and", "the", "capital", "airport"}; !slices.Equal(words, want) {
		t.Errorf("words %q, want %q", words, want)
	}
	if !toks[0].poss || !toks[4].poss || toks[1].poss {
		t.Errorf("possessives wrong: %v %v %v", toks[0].poss, toks[1].poss, toks[4].poss)
	}
	if toks[1].fold != "dara" {
		t.Errorf("Dar'a folds to %q", toks[1].fold)
	}
}
