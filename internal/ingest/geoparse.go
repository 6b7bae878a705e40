package ingest

import (
	"cmp"
	"math"
	"slices"
	"unicode/utf8"

	"frontline/geo"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// span kinds a word can fall in before places are looked for.
const (
	spanNone   uint8 = iota
	spanOrg          // inside a known organisation's name ("SANA", "Sham FM"): no place here
	spanPerson       // inside a person's name: no place here
)

// match is a stretch of words that names a place, before and after it is
// resolved.
type match struct {
	first, last int // tokens, last exclusive
	sent        int
	cands       []nameRef
	inOrg       bool
	// capital is "the capital": the capital of capitalOf, or of the
	// document's country when capitalOf is empty.
	capital   bool
	capitalOf string
	capEnd    int // the word after "capital", should its feature not be found
	// kinds, when set, ask for the feature of the place of that kind
	// ("the capital's international airport").
	kinds []string
	// bearing marks a place named as a bearing ("north of the capital",
	// "on the way to Hama"): it is not what a sentence is about.
	bearing bool

	// skip is the bytes of the first word before the name: an Arabic
	// clitic such as "و" (and) written onto it.
	skip int

	place *geo.Place
	score float64
}

// arabicClitic reports whether r is a one-letter Arabic word written onto
// the next: wa (and), bi (in), li (for), fa (then).
func arabicClitic(r rune) bool {
	switch r {
	case 'و', 'ب', 'ل', 'ف':
		return true
	}
	return false
}

// doc is one text as the parser reads it.
type doc struct {
	p     *Parser
	text  string
	toks  []token
	sents []sentence
	spans []uint8 // per token
	// weakPerson marks person spans found by a given name alone, which a
	// place's name of as many words or more overrides ("Abu Kamal").
	weakPerson []bool
	matches    []match
	focus      geo.Focus
	focusPoint orb.Point
	hasFocusPt bool
	regionPt   orb.Point
	hasRegion  bool

	// Claim reading: who the text spoke of, and the claims so far with
	// the sentence each came from.
	ctx        actorContext
	sentIdx    int
	recent     []*geo.Claim
	recentSent []int
}

// geoparse finds the places of the text and resolves them.
func (d *doc) geoparse() {
	d.spans = make([]uint8, len(d.toks))
	d.weakPerson = make([]bool, len(d.toks))
	for si := range d.sents {
		s := &d.sents[si]
		title := isTitleCase(d.toks[s.first:s.last])
		d.markOrgs(s)
		d.markPeople(s, title)
		d.findPlaces(si, s, title)
	}
	d.resolve()
}

// isTitleCase reports whether most words of a line are capitalised, as in
// a headline written in title case: capitals then say nothing.
func isTitleCase(ts []token) bool {
	n, caps := 0, 0
	for _, t := range ts {
		switch t.fold {
		case "of", "the", "and", "in", "on", "at", "to", "a", "for", "as", "by", "from", "with":
			continue
		}
		if t.arabic || isDigitWord(t.raw) {
			continue
		}
		n++
		if t.cap {
			caps++
		}
	}
	return n >= 3 && caps*10 >= n*8
}

// phraseAt returns the end of the longest phrase of t starting at word i
// of the sentence, or -1. Articles inside a phrase ("Hayat Tahrir al-Sham")
// are skipped as Fold skips them in names.
func (d *doc) phraseAt(t *trie, i, last int) int {
	return d.phraseFrom(t, i, last, d.toks[i].fold)
}

// phraseFrom is phraseAt with the first word folded as first.
func (d *doc) phraseFrom(t *trie, i, last int, first string) int {
	node, best := t, -1
	for k := i; k < last; k++ {
		tk := &d.toks[k]
		if k > i && tk.breaksPhrase() {
			break
		}
		w := tk.fold
		if k == i {
			w = first
		}
		c := node.child(w)
		if c == nil {
			if k > i && d.midArticle(k, last) {
				continue
			}
			break
		}
		node = c
		if len(node.names) > 0 {
			best = k + 1
		}
		if tk.poss {
			break
		}
	}
	return best
}

// midArticle reports whether word k is an article inside a name: "al"
// or "el", or any article joined by a hyphen to the next word ("ez-Zor").
func (d *doc) midArticle(k, last int) bool {
	f := d.toks[k].fold
	if !articleWords[f] {
		return false
	}
	return nameArticle[f] || k+1 < last && d.toks[k+1].hyphenated()
}

func (d *doc) markOrgs(s *sentence) {
	for i := s.first; i < s.last; i++ {
		t := &d.toks[i]
		if !t.cap && !t.arabic && !d.toks[i].allCaps {
			continue
		}
		if end := d.phraseAt(d.p.orgs, i, s.last); end > 0 {
			// A lone acronym must be written as one (HTS, SDF).
			if end == i+1 && len(t.fold) <= 4 && !t.allCaps && isAcronymList(t.fold) {
				continue
			}
			for k := i; k < end; k++ {
				d.spans[k] = spanOrg
			}
			i = end - 1
		}
	}
}

func isAcronymList(f string) bool {
	switch f {
	case "hts", "sdf", "sna", "fsa", "un", "ap", "eu", "afp", "ypg", "ypj", "pkk", "idf", "sohr", "sana", "isis", "isil", "bbc", "cnn", "tass", "nato", "irgc":
		return true
	}
	return false
}

func (d *doc) markPeople(s *sentence, title bool) {
	for i := s.first; i < s.last; i++ {
		t := &d.toks[i]
		if !t.cap || d.spans[i] != spanNone {
			continue
		}
		// A known name, or a name after a title or a given name.
		if end := d.phraseAt(d.p.people, i, s.last); end > 0 {
			end = max(end, d.nameRun(i+1, s.last, end))
			d.markPerson(i, end, false)
			i = end - 1
			continue
		}
		if !title && titles[t.fold] {
			if end := d.nameRun(i+1, s.last, i+1); end > i+1 {
				d.markPerson(i+1, end, false)
				i = end - 1
			}
			continue
		}
		if givenNames[t.fold] {
			end := d.nameRun(i+1, s.last, i+1)
			d.markPerson(i, end, true)
			i = end - 1
		}
	}
}

// nameRun extends a person's name over the capitalised words that follow
// it, with their articles: "Mohammed" + "al-Jalali".
func (d *doc) nameRun(k, last, end int) int {
	if end > k {
		k = end
	}
	if k > 0 && k-1 < len(d.toks) && d.toks[k-1].poss {
		return end
	}
	for k < last {
		t := &d.toks[k]
		if t.breaksPhrase() || d.spans[k] == spanOrg {
			break
		}
		if articleWords[t.fold] && k+1 < last && !d.toks[k+1].breaksPhrase() && d.toks[k+1].cap {
			k++
			continue
		}
		if !t.cap || notPlaceWords[t.fold] && !givenNames[t.fold] || titles[t.fold] {
			break
		}
		k++
		end = k
		if t.poss {
			break
		}
	}
	return end
}

func (d *doc) markPerson(i, end int, weak bool) {
	for k := i; k < end; k++ {
		if d.spans[k] == spanNone {
			d.spans[k] = spanPerson
			d.weakPerson[k] = weak
		}
	}
}

// findPlaces matches the sentence's words against the phrase dictionary,
// longest name first, and against the patterns that name a place without
// its name ("the capital").
func (d *doc) findPlaces(si int, s *sentence, title bool) {
	from := len(d.matches)
	for i := s.first; i < s.last; i++ {
		if m, ok := d.capitalAt(si, s, i); ok {
			d.matches = append(d.matches, m)
			i = m.last - 1
			continue
		}
		m, ok := d.placeAt(si, s, i, title)
		if !ok {
			continue
		}
		d.extendKind(&m, s)
		d.matches = append(d.matches, m)
		i = m.last - 1
	}
	d.pluralKinds(s, from)
}

// pluralKinds makes governorates of the names a plural feature word
// governs: "the provinces of Idlib and Aleppo", "Hama and Homs provinces".
func (d *doc) pluralKinds(s *sentence, from int) {
	ms := d.matches[from:]
	for k := range ms {
		m := &ms[k]
		if m.capital {
			continue
		}
		// Walk back over "X, Y and" to "provinces of".
		gov := false
		for j := k; j >= 0 && j > k-12; j-- {
			start := ms[j].first
			if start-2 >= s.first && d.toks[start-1].fold == "of" && isPluralGov(d.toks[start-2].fold) {
				gov = true
				break
			}
			if j == 0 || !d.coordinated(ms[j-1].last, start) {
				break
			}
		}
		// Walk forward over "and Y" to "provinces".
		for j := k; !gov && j < len(ms) && j < k+12; j++ {
			end := ms[j].last
			if end < s.last && isPluralGov(d.toks[end].fold) && !d.toks[end].breaksPhrase() {
				gov = true
				break
			}
			if j+1 >= len(ms) || !d.coordinated(end, ms[j+1].first) {
				break
			}
		}
		if gov {
			if fs := d.p.features(m.cands, []string{string(geo.Governorate)}); len(fs) > 0 {
				m.cands = fs
			}
		}
	}
}

func isPluralGov(f string) bool { return f == "provinces" || f == "governorates" }

// coordinated reports whether words [a, b) only join two names: "and",
// ",", ", and".
func (d *doc) coordinated(a, b int) bool {
	if b < a {
		return false
	}
	for k := a; k < b; k++ {
		if d.toks[k].fold != "and" {
			return false
		}
	}
	if b < len(d.toks) && d.toks[b].breaksPhrase() && !(d.toks[b].gap == ", " || d.toks[b].gap == ",") {
		return false
	}
	return b-a <= 1
}

// placeAt tries the dictionary at word i.
func (d *doc) placeAt(si int, s *sentence, i int, title bool) (match, bool) {
	t := &d.toks[i]
	start, j := i, i
	if articleWords[t.fold] {
		// "Al Qaim", "ar-Raqqa": the article is part of the name's span.
		if i+1 >= s.last || d.toks[i+1].breaksPhrase() {
			return match{}, false
		}
		if !(nameArticle[t.fold] && t.cap || d.toks[i+1].hyphenated()) {
			return match{}, false
		}
		j = i + 1
	}
	first := &d.toks[j]
	firstFold := first.fold
	end := d.phraseAt(d.p.places, j, s.last)
	var skip int // bytes of an Arabic clitic before the name: "وحلب", "and Aleppo"
	if end < 0 && first.arabic {
		if r, size := utf8.DecodeRuneInString(first.raw); arabicClitic(r) && utf8.RuneCountInString(first.raw) > 3 {
			firstFold = foldWord(first.raw[size:])
			if end = d.phraseFrom(d.p.places, j, s.last, firstFold); end > 0 {
				skip = size
			}
		}
	}
	if end < 0 {
		return match{}, false
	}
	if !first.cap && !first.arabic && !d.lowercaseName(j, end) {
		return match{}, false
	}
	// A person's name wins over a place inside it, unless the place's
	// name runs longer ("Bassel al-Assad International Airport") or, for a
	// name found by a given name alone, is as long and of several words.
	pStart, pEnd, weak := -1, -1, true
	for k := start; k < end; k++ {
		if d.spans[k] == spanPerson {
			if pStart < 0 {
				pStart = k
			}
			pEnd = k + 1
			weak = weak && d.weakPerson[k]
		}
	}
	if pStart >= 0 {
		for pStart > s.first && d.spans[pStart-1] == spanPerson {
			pStart--
			weak = weak && d.weakPerson[pStart]
		}
		for pEnd < s.last && d.spans[pEnd] == spanPerson {
			weak = weak && d.weakPerson[pEnd]
			pEnd++
		}
		longer := start <= pStart && end >= pEnd && end-start > pEnd-pStart
		asLong := weak && start <= pStart && end >= pEnd && end-j >= 2
		if !longer && !asLong {
			return match{}, false
		}
		for k := pStart; k < pEnd; k++ {
			d.spans[k] = spanNone
		}
	}
	for k := start; k < end; k++ {
		if d.spans[k] == spanOrg {
			return match{}, false // "SANA" is the agency, not Sanaa
		}
	}
	if end == j+1 && !d.singleWordPlace(s, j, title) || skip > 0 && notPlaceArabic[firstFold] {
		return match{}, false
	}
	if d.adjectival(j, end, s.last) {
		return match{}, false
	}
	m := match{first: start, last: end, sent: si, skip: skip}
	node := d.p.places
	for k := j; k < end; k++ {
		w := d.toks[k].fold
		if k == j {
			w = firstFold
		}
		if c := node.child(w); c != nil {
			node = c
		}
	}
	m.cands = node.names
	m.inOrg = d.inOrg(start, end, s)
	m.bearing = d.isBearing(start, s)
	return m, len(m.cands) > 0
}

// lowercaseName reports whether words [j, end) are a name news writes in
// lower case ("buffer zone").
func (d *doc) lowercaseName(j, end int) bool {
	for _, ws := range lowercaseNames {
		if d.wordsAt(j, end, ws, false) == end {
			return true
		}
	}
	return false
}

// singleWordPlace filters one-word names: acronyms, and common words at
// the start of a sentence or in a title-case line.
func (d *doc) singleWordPlace(s *sentence, j int, title bool) bool {
	t := &d.toks[j]
	if t.arabic {
		return true
	}
	// An acronym is no place ("US", "HTS"), but a name with a digit is
	// ("T4"): the highways M4 and M5 are no gazetteer names.
	if t.allCaps && len(t.raw) <= 3 && !hasLetterAndDigit(t.fold) {
		return false
	}
	if commonWords[t.fold] {
		initial := j == s.first || d.toks[j].gapHas("\"“‘'") && j == s.first+1
		if initial || title {
			return false
		}
	}
	return true
}

// adjectival reports whether the name is used as an adjective:
// "Turkish-backed", "Damascus-based", "pro-Iran", "anti-Assad".
func (d *doc) adjectival(j, end, last int) bool {
	if end < last && d.toks[end].hyphenated() && adjectiveSuffixes[d.toks[end].fold] {
		return true
	}
	if j > 0 && d.toks[j].hyphenated() {
		switch d.toks[j-1].fold {
		case "anti", "pro", "non", "post", "pre", "ex", "neo", "trans":
			return true
		}
	}
	return false
}

// inOrg reports whether the name stands inside an organisation's: before
// a word such as "Military Council", or after "University of".
func (d *doc) inOrg(start, end int, s *sentence) bool {
	if end < s.last && !d.toks[end].breaksPhrase() {
		for _, h := range orgHeads {
			if d.wordsAt(end, s.last, h, false) > 0 {
				// "Sham FM" and "Damascus University" want the capital.
				if len(h) > 1 || d.toks[end].cap || d.toks[end].allCaps {
					return true
				}
			}
		}
	}
	for _, o := range orgOpeners {
		n := len(o)
		if start-n >= s.first && d.wordsAt(start-n, start, o, false) == start && !d.toks[start].breaksPhrase() && d.toks[start-n].cap {
			return true
		}
	}
	return false
}

// wordsAt matches the folded words ws at word k (case-insensitive) and
// returns the word after them, or -1. With gaps, quotes may stand
// between the words.
func (d *doc) wordsAt(k, last int, ws []string, quotes bool) int {
	for n, w := range ws {
		if k >= last || d.toks[k].fold != w {
			return -1
		}
		if n > 0 && d.toks[k].breaksPhrase() && !(quotes && onlyQuotes(d.toks[k].gap)) {
			return -1
		}
		k++
	}
	return k
}

func onlyQuotes(g string) bool {
	for _, r := range g {
		switch r {
		case ' ', '\'', '"', '’', '‘', '“', '”', '«', '»':
		default:
			return false
		}
	}
	return true
}

// isBearing reports whether the place at word start is named as a
// bearing: "north of", "kilometres from", "on the way to", "heading to",
// "towards".
func (d *doc) isBearing(start int, s *sentence) bool {
	k := start - 1
	if k >= s.first && d.toks[k].fold == "the" {
		k--
	}
	if k < s.first {
		return false
	}
	switch d.toks[k].fold {
	case "towards", "toward":
		return true
	case "of", "from":
		return k-1 >= s.first && bearingWords[d.toks[k-1].fold]
	case "to":
		if k-1 >= s.first {
			switch d.toks[k-1].fold {
			case "way", "heading", "head", "headed", "fled", "flee", "fleeing", "road", "route", "highway":
				return true
			}
		}
	}
	return false
}

// extendKind widens a match over a feature word that follows the name
// ("Al Qaim border crossing", "'Sednaya' prison", "Daraa province") or
// precedes it with "of" ("the prison of Sednaya"), when the gazetteer has
// that feature for the place.
func (d *doc) extendKind(m *match, s *sentence) {
	for _, kw := range kindWords {
		if end := d.wordsAt(m.last, s.last, kw.words, true); end > 0 && (onlyQuotes(d.toks[m.last].gap) || d.toks[m.last].gap == "") {
			if fs := d.p.features(m.cands, kw.kinds); len(fs) > 0 {
				m.cands, m.last = fs, end
				return
			}
		}
	}
	for _, kw := range kindWords {
		n := len(kw.words) + 1
		k := m.first - n
		if k < s.first || d.toks[m.first-1].fold != "of" || d.toks[m.first].breaksPhrase() {
			continue
		}
		if d.wordsAt(k, m.first-1, kw.words, false) != m.first-1 {
			continue
		}
		if fs := d.p.features(m.cands, kw.kinds); len(fs) > 0 {
			start := k
			m.cands, m.first = fs, start
			return
		}
	}
}

// capitalAt matches "the capital", "the Syrian capital", "the capital's",
// "the capital city" and, with a feature word after it, "the capital's
// international airport".
func (d *doc) capitalAt(si int, s *sentence, i int) (match, bool) {
	if d.toks[i].fold != "the" {
		return match{}, false
	}
	k := i + 1
	country := ""
	if k < s.last {
		if c, ok := demonymCountry[d.toks[k].fold]; ok && d.toks[k].cap {
			country, k = c, k+1
		}
	}
	if k >= s.last || d.toks[k].fold != "capital" || d.toks[k].breaksPhrase() || d.spans[k] != spanNone {
		return match{}, false
	}
	end := k + 1
	if !d.toks[k].poss && end < s.last && d.toks[end].fold == "city" && !d.toks[end].breaksPhrase() {
		end++
	}
	m := match{first: i, last: end, sent: si, capital: true, capitalOf: country, capEnd: end}
	// "the Syrian capital Damascus": the name follows; it is the mention.
	if !d.toks[end-1].poss && end < s.last && !d.toks[end].breaksPhrase() && d.toks[end].cap {
		if e := d.phraseAt(d.p.places, end, s.last); e > 0 {
			return match{}, false
		}
	}
	if d.toks[end-1].poss {
		for _, kw := range kindWords {
			if len(kw.kinds) == 1 && kw.kinds[0] == "governorate" {
				continue
			}
			k2 := end
			// "the capital's international airport", "the capital's main prison"
			if k2 < s.last && (d.toks[k2].fold == "main" || d.toks[k2].fold == "central") {
				k2++
			}
			if e := d.wordsAt(k2, s.last, kw.words, false); e > 0 {
				m.kinds, m.last = kw.kinds, e
				break
			}
		}
	}
	m.bearing = d.isBearing(i+1, s)
	return m, true
}

// features returns the places of the kinds that belong to one of the
// candidates: anchored to it, or its governorate.
func (p *Parser) features(cands []nameRef, kinds []string) []nameRef {
	var out []nameRef
	for _, kind := range kinds {
		for _, c := range cands {
			pl := p.gz.Places[c.place]
			if kind == string(geo.Governorate) {
				if pl.Country == "SY" && pl.Admin1 != "" && pl.Kind != geo.Governorate {
					if g, ok := p.placeIdx["ne:"+pl.Admin1]; ok && !containsPlace(out, g) {
						out = append(out, nameRef{place: g, primary: true})
					}
				}
				continue
			}
			anchors := []string{pl.ID}
			// Our row that corrects a GeoNames one shares its features.
			if a, ok := p.placeIdx[pl.Anchor]; ok && p.gz.Places[a].Kind == pl.Kind {
				anchors = append(anchors, pl.Anchor)
			}
			for _, id := range anchors {
				for _, f := range p.anchored[id] {
					if string(p.gz.Places[f].Kind) == kind && !containsPlace(out, f) {
						out = append(out, nameRef{place: f, primary: true})
					}
				}
			}
			if string(pl.Kind) == kind && !containsPlace(out, c.place) {
				out = append(out, c)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return out
}

// featureOf returns the place's feature of one of the kinds, or nil.
func (p *Parser) featureOf(pl *geo.Place, kinds []geo.Kind) *geo.Place {
	i, ok := p.placeIdx[pl.ID]
	if !ok {
		return nil
	}
	ks := make([]string, len(kinds))
	for k, kind := range kinds {
		ks[k] = string(kind)
	}
	for _, f := range p.features([]nameRef{{place: i, primary: true}}, ks) {
		if f.place != i {
			return p.gz.Places[f.place]
		}
	}
	return nil
}

func containsPlace(rs []nameRef, i int32) bool {
	return slices.ContainsFunc(rs, func(r nameRef) bool { return r.place == i })
}

// resolve picks a place for each match: first the document's country
// from the names only one country has, then every name by rank, country
// and closeness to the focus; then the focus region from the result.
func (d *doc) resolve() {
	gz := d.p.gz
	// A name only one country has is a full vote for it; a name several
	// share splits its vote between them; a dateline, where the reporter
	// files from, counts half.
	votes := map[string]float64{}
	firstSeen := map[string]int{}
	var countries []string
	vote := func(c string, w float64, mi int) {
		votes[c] += w
		if _, ok := firstSeen[c]; !ok {
			firstSeen[c] = mi
			countries = append(countries, c)
		}
	}
	// The project reads news on Syria: a hair of a vote breaks ties.
	vote("SY", 0.01, len(d.matches))
	for mi, m := range d.matches {
		if m.capital {
			if m.capitalOf != "" {
				vote(m.capitalOf, 1, mi)
			}
			continue
		}
		m.cands = d.p.dropSuperseded(m.cands)
		d.matches[mi].cands = m.cands
		w := 1.0
		if d.isDateline(&m) {
			w = 0.5
		}
		for _, c := range m.cands {
			vote(gz.Places[c.place].Country, w/float64(len(m.cands)), mi)
		}
	}
	focus := ""
	for _, c := range countries {
		if focus == "" || votes[c] > votes[focus] || votes[c] == votes[focus] && firstSeen[c] < firstSeen[focus] {
			focus = c
		}
	}
	if len(d.matches) == 0 {
		focus = ""
	}
	d.setFocusCountry(focus)
	// A first region from the names only one place has.
	regionVotes := map[string]int{}
	var order []string
	for _, m := range d.matches {
		if m.capital || len(m.cands) != 1 {
			continue
		}
		pl := gz.Places[m.cands[0].place]
		if pl.Country == focus && pl.Admin1 != "" {
			if regionVotes[pl.Admin1] == 0 {
				order = append(order, pl.Admin1)
			}
			regionVotes[pl.Admin1]++
		}
	}
	d.setRegion(topRegion(regionVotes, order))

	for mi := range d.matches {
		m := &d.matches[mi]
		if m.capital {
			d.resolveCapital(m)
			continue
		}
		if len(m.cands) == 0 {
			continue
		}
		best, second := int32(-1), int32(-1)
		var bestPen, secondPen float64
		for _, c := range m.cands {
			pen := d.penalty(c)
			if best < 0 || pen < bestPen || pen == bestPen && c.place < best {
				if best >= 0 && best != c.place {
					second, secondPen = best, bestPen
				}
				best, bestPen = c.place, pen
			} else if c.place != best && (second < 0 || pen < secondPen) {
				second, secondPen = c.place, pen
			}
		}
		m.place = gz.Places[best]
		m.score = clamp01(1 - bestPen)
		if second >= 0 && secondPen-bestPen < 0.02 {
			m.score *= 0.8
		}
	}
	// The region the resolved names point to most.
	regionVotes = map[string]int{}
	order = order[:0]
	for _, m := range d.matches {
		if m.place == nil || m.place.Country != focus || m.place.Admin1 == "" || m.inOrg {
			continue
		}
		if regionVotes[m.place.Admin1] == 0 {
			order = append(order, m.place.Admin1)
		}
		regionVotes[m.place.Admin1]++
	}
	d.setRegion(topRegion(regionVotes, order))
}

func topRegion(votes map[string]int, order []string) string {
	best := ""
	for _, r := range order {
		if best == "" || votes[r] > votes[best] {
			best = r
		}
	}
	return best
}

// isDateline reports whether the match opens a dispatch's dateline:
// "BEIRUT, Dec 5 (Wire) -", "Beirut, Lebanon:".
func (d *doc) isDateline(m *match) bool {
	s := &d.sents[m.sent]
	if !s.paraStart || m.first != s.first {
		return false
	}
	if m.sent+1 < len(d.sents) && !d.sents[m.sent+1].paraStart && s.last-s.first <= 8 {
		return true
	}
	return d.toks[m.first].allCaps && m.last < s.last && d.toks[m.last].gapHas(",")
}

func (d *doc) setFocusCountry(code string) {
	d.focus = geo.Focus{Country: code}
	d.hasFocusPt = false
	if code == "" {
		return
	}
	if ci, ok := d.p.countryIdx[code]; ok {
		d.focus.CountryName = d.p.gz.Places[ci].Name
	} else {
		d.focus.CountryName = code
	}
	if ci, ok := d.p.capitalIdx[code]; ok {
		d.focusPoint, d.hasFocusPt = d.p.gz.Places[ci].Point, true
	} else if ci, ok := d.p.countryIdx[code]; ok {
		d.focusPoint, d.hasFocusPt = d.p.gz.Places[ci].Point, true
	}
}

func (d *doc) setRegion(admin1 string) {
	d.focus.Region, d.focus.RegionName, d.hasRegion = "", "", false
	if admin1 == "" {
		return
	}
	id := "ne:" + admin1
	if gi, ok := d.p.placeIdx[id]; ok {
		g := d.p.gz.Places[gi]
		d.focus.Region, d.focus.RegionName = id, g.Name
		d.regionPt, d.hasRegion = g.Point, true
		return
	}
}

// resolveCapital gives "the capital" the capital of its country (the
// document's unless an adjective named one), or that capital's feature.
func (d *doc) resolveCapital(m *match) {
	code := m.capitalOf
	if code == "" {
		code = d.focus.Country
	}
	ci, ok := d.p.capitalIdx[code]
	if !ok {
		return
	}
	m.place, m.score = d.p.gz.Places[ci], 0.9
	if m.capitalOf == "" {
		m.score = 0.85
	}
	if len(m.kinds) > 0 {
		fs := d.p.features([]nameRef{{place: ci, primary: true}}, m.kinds)
		if len(fs) == 0 {
			// No such feature known: the mention is the city, up to "capital".
			m.last, m.kinds = m.capEnd, nil
			return
		}
		m.place = d.p.gz.Places[fs[0].place]
	}
}

// penalty ranks a candidate, lower first: its kind, then the document's
// country and closeness to its focus, its feature code, its population,
// and whether the name matched is its own.
func (d *doc) penalty(c nameRef) float64 {
	pl := d.p.gz.Places[c.place]
	pen := 0.03 * float64(kindRank(pl.Kind))
	// A country's own name is the country wherever the text is about.
	if d.focus.Country != "" && pl.Country != d.focus.Country && pl.Kind != geo.Country {
		pen += 0.04
		if d.hasFocusPt {
			pen += 0.05 * math.Min(distanceKm(pl.Point, d.focusPoint)/2000, 1)
		}
	} else if d.hasRegion && pl.Kind != geo.Country {
		pen += 0.02 * math.Min(distanceKm(pl.Point, d.regionPt)/400, 1)
	}
	switch pl.Feature {
	case "PPLC", "ADM0":
	case "PPLA", "ADM1":
		pen += 0.005
	case "PPLA2":
		pen += 0.01
	case "PPLA3", "PPLA4":
		pen += 0.015
	case "":
		if pl.Kind.Populated() {
			pen += 0.012
		}
	default:
		pen += 0.02
	}
	pen += 0.01 * (1 - math.Min(math.Log10(float64(pl.Population)+1), 7)/7)
	if !c.primary {
		pen += 0.004
	}
	return pen
}

// dropSuperseded removes a GeoNames row when one of our places of the
// same kind is anchored to it and shares the name: ours corrects it (see
// geocode's supersede).
func (p *Parser) dropSuperseded(cands []nameRef) []nameRef {
	if len(cands) < 2 {
		return cands
	}
	var out []nameRef
	for _, c := range cands {
		pl := p.gz.Places[c.place]
		superseded := false
		for _, o := range cands {
			q := p.gz.Places[o.place]
			if q.Anchor == pl.ID && q.Kind == pl.Kind && o.place != c.place {
				superseded = true
				break
			}
		}
		if !superseded {
			out = append(out, c)
		}
	}
	return out
}

func distanceKm(a, b orb.Point) float64 { return orbgeo.DistanceHaversine(a, b) / 1000 }

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// mentions turns the resolved matches into geo.Mentions, in text order.
func (d *doc) mentions() []geo.Mention {
	out := make([]geo.Mention, 0, len(d.matches))
	for _, m := range d.matches {
		if m.place == nil {
			continue
		}
		a, b := &d.toks[m.first], &d.toks[m.last-1]
		start, bstart := a.start, a.bstart
		if m.skip > 0 {
			bstart += m.skip
			start += utf8.RuneCountInString(d.text[a.bstart:bstart])
		}
		out = append(out, geo.Mention{
			Text: d.text[bstart:b.bend], Start: start, End: b.end,
			PlaceID: m.place.ID, Name: m.place.Name, Kind: m.place.Kind, Country: m.place.Country,
			Lon: m.place.Point.Lon(), Lat: m.place.Point.Lat(), Score: math.Round(m.score*1000) / 1000,
			InOrg: m.inOrg,
		})
	}
	slices.SortStableFunc(out, func(x, y geo.Mention) int { return cmp.Compare(x.Start, y.Start) })
	return out
}
