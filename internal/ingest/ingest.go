// Package ingest reads English news reports on the Syrian offensive: it
// finds the places they name and resolves them against the gazetteer
// (geoparsing), works out what a document is about (its focus), and pulls
// out control claims ("rebels said they had captured Homs") with their
// actor, faction, place, time and attribution, for a person to review.
//
// Text in, mentions and claims out: nothing here stores or serves.
//
// # Places
//
// Every name and alternate name of every gazetteer place is filed at
// [NewParser] as its folded words (geocode.Fold), and a text is matched
// word by word, longest name first. What news prose needs beyond that:
// people's names (after a title, a given name, or known by name) and
// known organisations hide the places inside them, while a place that
// names an organisation ("Manbij Military Council", "University of
// Aleppo") is kept and marked InOrg; demonyms, adjectives
// ("Turkish-backed"), calendar words and common words GeoNames lists as
// names are not places; a one-word name must be capitalised (Arabic script
// aside) and, if it is also a common English word, not open a sentence.
// "the capital" is the capital of the document's country; a feature word
// after a name ("Al Qaim border crossing", "Sednaya prison", "Daraa
// province") or before it ("the prison of Sednaya") names the gazetteer's
// feature of that place.
//
// A name several places share is resolved in two passes: the names vote
// for the document's country (a name several countries share splits its
// vote) and the governorates of unambiguous names give its region, then
// every name ranks its places by kind
// (country, settlement, feature, governorate), the focus country and
// closeness to the focus, feature code, population and whether the name
// is the place's own.
//
// # Claims
//
// A claim is read from one sentence: a verb of capture ("captured",
// "entered", "took control of", "broke into", "liberated" ...) or of loss
// ("withdrew from", "abandoned", "evacuated", "lost control of", "ceded",
// "handed over", "left" with a force as subject), a place's passing
// ("fell", "passed to", "came under the control of", "restored security
// and stability to") or a presence, stated or denied ("rebels say they
// are now inside Hama", "denied that insurgents were inside Homs"), the
// place it applies to (its object; for a passive
// verb, its subject), the actor before it, the time phrase nearest it and
// the source the sentence cites. Faction is the side that holds the place
// if the claim is true: the actor's for a capture; for a loss, the side
// that takes over there (the opposition around Idlib, Aleppo, Hama, Homs,
// Damascus and the coast, the southern factions in Daraa, Sweida and
// Quneitra, the SDF east of the Euphrates where the government left).
// A denial ("denied that rebels had entered Homs", "no truth to news
// claiming ... withdrawn") gives status denied with the faction whose
// claim is denied. Headlines, future and conditional verbs, infinitives
// ("instructed its fighters to withdraw"), and places merely passed
// through, struck or headed to give no claim.
//
// Attribution is the outlet or source the sentence cites, normalised for
// the common ones ("AFP", "Reuters", "Syrian Observatory for Human
// Rights", "Syrian state media"); otherwise the speaker as written
// ("HTS", "defence ministry"). Times are read by [ResolveTime] in
// [LocalZone]; with no time phrase a claim takes the publication time at
// day precision.
//
// NOTES.md beside this file lists these decisions in full.
package ingest

import (
	"time"
	"unicode/utf8"

	"frontline/geo"
	"frontline/internal/geocode"
)

// LocalZone is the offensive's local time (Syria, UTC+3 all year since
// 2022): "Sunday" or "early on December 8" in a report mean local time.
var LocalZone = time.FixedZone("UTC+3", 3*3600)

// Parser geoparses texts and extracts claims. Build it once per gazetteer
// with [NewParser]; it is safe for concurrent use.
type Parser struct {
	gz     *geocode.Gazetteer
	places *trie // every place name
	people *trie // known people
	orgs   *trie // organisations
	actors *trie // the parties a claim names, see actors.go

	placeIdx   map[string]int32   // id -> index in gz.Places
	anchored   map[string][]int32 // anchor id -> features anchored to it
	countryIdx map[string]int32   // ISO code -> the country place
	capitalIdx map[string]int32   // ISO code -> its capital
}

// NewParser builds a parser over the gazetteer's places and names.
func NewParser(gz *geocode.Gazetteer) *Parser {
	p := &Parser{
		gz:         gz,
		places:     buildTrie(gz),
		people:     phraseTrie(knownPeople),
		orgs:       phraseTrie(orgNames),
		actors:     actorTrie(),
		placeIdx:   make(map[string]int32, len(gz.Places)),
		anchored:   make(map[string][]int32),
		countryIdx: make(map[string]int32),
		capitalIdx: make(map[string]int32),
	}
	for i, pl := range gz.Places {
		idx := int32(i)
		p.placeIdx[pl.ID] = idx
		if pl.Anchor != "" {
			p.anchored[pl.Anchor] = append(p.anchored[pl.Anchor], idx)
		}
		switch {
		case pl.Kind == geo.Country:
			if _, ok := p.countryIdx[pl.Country]; !ok {
				p.countryIdx[pl.Country] = idx
			}
		case pl.Feature == "PPLC":
			if c, ok := p.capitalIdx[pl.Country]; !ok || gz.Places[c].Population < pl.Population {
				p.capitalIdx[pl.Country] = idx
			}
		}
	}
	return p
}

// phraseTrie files folded phrases for whole-phrase matching.
func phraseTrie(list [][]string) *trie {
	t := &trie{}
	for _, ws := range list {
		t.insert(ws, nameRef{place: -1})
	}
	return t
}

// Result is what a text yields.
type Result struct {
	Mentions []geo.Mention `json:"mentions"`
	Focus    geo.Focus     `json:"focus"`
	// Claims have no ID, Article or Review yet: the store gives them.
	Claims []*geo.Claim `json:"claims"`
}

// Parse reads text published at the instant (the zero time when unknown:
// relative times then stay unresolved and claims take the day precision
// of whatever date the text gives, or none).
func (p *Parser) Parse(text string, published time.Time) Result {
	if !utf8.ValidString(text) {
		// Each invalid byte becomes U+FFFD, one code point as []rune(text)
		// counts it, so offsets still index the caller's text.
		text = string([]rune(text))
	}
	d := &doc{p: p, text: text}
	d.toks = tokenize(text)
	d.sents = splitSentences(text, d.toks)
	d.geoparse()
	return Result{Mentions: d.mentions(), Focus: d.focus, Claims: d.claims(published)}
}
