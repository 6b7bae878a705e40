package ingest

import (
	"strings"
	"time"

	"github.com/paulmach/orb"

	"frontline/geo"
)

// actionKind says what a verb does to who holds the place.
type actionKind uint8

const (
	capture actionKind = iota + 1 // the actor holds the place after
	loss                          // the actor no longer does
)

// verb is an action's phrase and what it means.
type verb struct {
	action string // normalised, as Claim.Action
	kind   actionKind
	// direct asks for the place straight after the verb ("took Hama",
	// "lost Aleppo"), as the bare verb says little otherwise: set for the
	// one-word forms in verbDirect.
	direct bool
	// force asks for a party as the verb's subject (active) or agent
	// (passive): "troops left Qatana", not "the governor left Sweida".
	force bool
	// active keeps a participle with "was" active: "were pushed out of
	// Mayadin" says what the subject lost.
	active bool
}

// verbPhrases are the action phrases, folded, with the base form each
// normalises to.
var verbPhrases = []struct {
	forms string
	verb  verb
}{
	{"captured,capture,captures,capturing", verb{action: "captured", kind: capture}},
	{"seized,seize,seizes,seizing", verb{action: "seized", kind: capture}},
	{"entered,enter,enters,entering", verb{action: "entered", kind: capture}},
	{"took control of,taken control of,taking control of,take control of,takes control of,seized control of,gained control of,assumed control of,wrested control of,took full control of,taken full control of,seized full control of",
		verb{action: "took control of", kind: capture}},
	{"took over,taken over,taking over,take over,takes over", verb{action: "took over", kind: capture}},
	{"moved into,moving into,move into,moves into,swept into,sweeping into,rolled into,rolling into,pushed into,pushing into,advanced into,advancing into,marched into,stormed into",
		verb{action: "moved into", kind: capture}},
	{"broke into,broken into,breaking into,break into,breaks into", verb{action: "broke into", kind: capture}},
	{"liberated,liberate,liberates,liberating", verb{action: "liberated", kind: capture}},
	{"stormed,storming,storm", verb{action: "stormed", kind: capture}},
	{"overran,overrun,overrunning,overruns", verb{action: "overran", kind: capture}},
	{"toppled", verb{action: "toppled", kind: capture}},
	{"took,taken,taking", verb{action: "captured", kind: capture}},
	{"fell to,falls to,fallen to,fell into the hands of,fallen into the hands of,fell into,fallen into",
		verb{action: "fell to", kind: capture}},
	{"fell,falls,fallen", verb{action: "fell", kind: loss}},
	// "Huraytan passed to the rebels", "the crossing was handed to local
	// fighters", "the garrison in Izra surrendered to local factions":
	// the place is the subject, the taker follows "to".
	{"passed to,passes to,passing to,passed into the hands of,handed to,surrendered to,surrenders to",
		verb{action: "passed to", kind: capture}},
	{"secured,secures", verb{action: "secured", kind: capture}},
	// State media's words for a recapture: "army units restored security
	// and stability to Qalaat al-Madiq".
	{"restored security and stability to,restored security and stability in,restored stability and security to,restored security to,restored stability to,restoring security and stability to,restoring security to,restored control over,restored control of,restoring control over",
		verb{action: "recaptured", kind: capture}},
	// "rebels had reached the centre of Hama": inside it.
	{"reached the centre of,reached the center of,reached the heart of,reached the city centre of,reached the city center of,reaching the centre of,reaching the heart of,reach the centre of,reach the heart of",
		verb{action: "entered", kind: capture}},
	// "Government forces had left Tell al-Daman": a withdrawal only when a
	// party is its subject ("Assad left Damascus" is no change).
	{"left", verb{action: "withdrew from", kind: loss, force: true}},
	{"claimed control of,declared control of,declared control over,established control over,extended control over,took complete control of,seized complete control of,took total control of",
		verb{action: "took control of", kind: capture}},
	{"wrested", verb{action: "captured", kind: capture}},
	{"now control,now controls,now hold,now holds,in control of,in full control of,in complete control of,in total control of,in firm control of",
		verb{action: "took control of", kind: capture}},
	{"fled,fleeing,flee,flees", verb{action: "fled", kind: loss}},
	{"recaptured,recapture,recapturing,retook,retaken,retaking,regained control of,regained,retake,reclaimed",
		verb{action: "recaptured", kind: capture}},
	{"withdrawal from,pullout from,pull out from,retreat from", verb{action: "withdrew from", kind: loss}},
	{"withdrew from,withdrawn from,withdrawing from,withdraw from,withdraws from,pulled out of,pulling out of,pull out of,pulls out of,retreated from,retreating from,retreat from,pulled back from,withdrew,withdrawn,withdrawing,withdraws",
		verb{action: "withdrew from", kind: loss}},
	{"abandoned,abandoning,abandon,abandons", verb{action: "abandoned", kind: loss}},
	{"evacuated,evacuating,evacuate,evacuates", verb{action: "evacuated", kind: loss}},
	{"lost control of,losing control of,lose control of,loses control of,lost control over,losing control over,lost,losing",
		verb{action: "lost control of", kind: loss}},
	{"ceded,ceding,cede,cedes", verb{action: "ceded", kind: loss}},
	{"handed over,handing over,hand over,hands over", verb{action: "handed over", kind: loss}},
}

// verbDirect are the verbs that say nothing without a place right after
// them.
var verbDirect = set("lost,losing,took,taken,taking,toppled,regained,wrested,left")

// outVerbs with "out of" or "from" later in the clause say the actor
// took the place: "drove government forces out of Deir ez-Zor".
var outVerbs = set("drove,driven,driving,pushed,pushing,forced,forcing,expelled,expelling,ousted,ousting,chased,chasing,kicked,kicking,routed,flushed")

// pullVerbs with a force and "out of" after it say the subject withdrew
// it: "pulled its units out of Palmyra".
var pullVerbs = set("pulled,pulling,pull,pulls,withdrew,withdrawn,withdrawing,withdraw,took,taken,moved,brought")

// underControl are the words before "under ... control" that make it a
// change: "came under rebel control", "now under the control of".
var underControl = set("came,come,comes,coming,fell,falls,fallen,brought,now,was,were")

func verbTrie() (*trie, []verb) {
	t := &trie{}
	var verbs []verb
	for _, vp := range verbPhrases {
		id := int32(len(verbs))
		verbs = append(verbs, vp.verb)
		for _, form := range strings.Split(vp.forms, ",") {
			t.insert(strings.Fields(form), nameRef{place: id})
		}
	}
	return t, verbs
}

var actionTrie, actionVerbs = verbTrie()

// irrealis words before a verb say it has not happened: a future, a
// condition, an order or an aim.
var irrealis = set("to,will,would,could,may,might,shall,should,must,can,cannot,going,plan,plans,planning,aim,aims,aiming,trying,try,tried,attempt,attempted,attempting,threatened,threaten,vowed,vow,ready,able,until,unless,if,whether,expected,likely,want,wants,wanted,hope,hopes,sought,seeking,seek,intend,intends,before")

// stative words before a verb say nothing changed: "still in control
// of", "remained in control of".
var stative = set("still,remained,remain,remains,continued,continues,kept")

// auxiliaries and adverbs stand between a subject and its verb.
var auxiliaries = set("had,have,has,was,were,been,being,be,is,are,did,do,does,also,reportedly,now,fully,completely,already,first,then,officially,later,finally,just,partially,effectively,quickly,largely,apparently,allegedly,since,almost,successfully,gradually,recently,earlier,subsequently,eventually,themselves,itself")

var passiveAux = set("was,were,been,being,is,are,be,got,get")

// denialCues deny what follows them in the sentence.
var denialCues = set("denied,denies,deny,denying,dismissed,dismisses,rejected,rejects,refuted,refutes,untrue,baseless")

// clauseWords end the object of a verb.
var clauseWords = set("and,but,while,as,after,before,when,where,who,whom,which,that,saying,describing,since,because,until,amid,following,than,then,with,whose,once,if,although,though,despite,said,told,according")

// kindNouns stand for a place already named: "broke into the jail".
var kindNouns = map[string][]geo.Kind{
	"jail": {geo.Prison}, "prison": {geo.Prison}, "airport": {geo.Airport, geo.AirBase},
	"base": {geo.AirBase, geo.MilitaryBase}, "airbase": {geo.AirBase}, "crossing": {geo.BorderCrossing},
	"dam": {geo.Dam}, "city": {geo.City, geo.Town}, "town": {geo.Town, geo.City, geo.Village},
	"village": {geo.Village, geo.Town}, "province": {geo.Governorate}, "governorate": {geo.Governorate},
}

// reach is how many words either side of a verb the cues of its claim
// (a denial, a source) are looked for in: sentences are shorter, and it
// keeps a text without full stops linear.
const reach = 60

// motionVerbs move a force; with "into" later in the clause they say it
// entered: "moved beyond the buffer zone into Qatana".
var motionVerbs = set("moved,moving,pushed,pushing,advanced,advancing,went,crossed,crossing,swept,sweeping,rolled,rolling,marched,drove,poured,pressed,stormed,thrust,penetrated,deployed")

// adjectiveBefore are words before a participle that make an adjective
// of it: "abandoned checkpoints", "the evacuated posts".
var adjectiveBefore = set("the,a,an,its,their,his,her,our,of,some,many,several,with,showed,shows,show,left,leaving,two,three,dozens,hundreds,other,seized,captured")

// actorContext carries who the text spoke of into the next sentences,
// for "they", "its fighters" and "the same factions".
type actorContext struct {
	subject *actor // the previous sentence's claim actor, else its first party
	last    *actor // the previous sentence's last party
	taker   *actor // the side the last claim so far gave its place to
	takerAt int    // the sentence of that claim
}

// claims reads the control claims of the text.
func (d *doc) claims(published time.Time) []*geo.Claim {
	out := []*geo.Claim{}
	byMatch := make([][]int, len(d.sents))
	for mi, m := range d.matches {
		byMatch[m.sent] = append(byMatch[m.sent], mi)
	}
	var ctx actorContext
	for si := range d.sents {
		s := &d.sents[si]
		d.ctx, d.sentIdx = ctx, si
		actors := d.findActors(s)
		d.originParty(s, actors, byMatch[si])
		d.foreignArmy(actors, ctx)
		d.resolveGeneric(actors, ctx)
		var found []*geo.Claim
		var subject *actor
		var times []timePhrase
		timesDone := false
		for i := s.first; i < s.last; i++ {
			if d.spans[i] != spanNone {
				continue
			}
			end, objStart := d.verbAt(s, i)
			if end < 0 {
				continue
			}
			vb := actionVerbs[d.verbID(i, end)]
			vb.direct = end == i+1 && verbDirect[d.toks[i].fold]
			switch {
			case objStart > end && pullVerbs[d.toks[i].fold] && d.fold(objStart-2, s.last) == "out":
				// "pulled its units out of Palmyra": the subject's loss.
				vb = verb{action: "withdrew from", kind: loss}
			case objStart > end && outVerbs[d.toks[i].fold] && d.passiveBefore(s, i):
				// "Kurdish-led fighters were pushed out of Mayadin": a loss.
				vb = verb{action: "withdrew from", kind: loss, active: true, force: true}
			case (d.toks[i].fold == "under" || d.toks[i].fold == "in" || d.toks[i].fold == "into") && objStart > end:
				vb = verb{action: "came under control of", kind: capture}
			case objStart > end && outVerbs[d.toks[i].fold]:
				vb = verb{action: "drove out of", kind: capture}
			case objStart > end:
				vb = verb{action: "moved into", kind: capture}
			}
			if s.headline {
				i = end - 1
				continue
			}
			cs, act := d.claimsAt(s, i, end, objStart, vb, actors, byMatch[si])
			if vb.kind == capture && act != nil && act.resolved && leftEarlier(found, act.text) {
				// "after government forces withdrew, they secured the
				// offices": "they" are not the party that left.
				cs = nil
			}
			if len(cs) > 0 && subject == nil {
				subject = act
			}
			if len(cs) == 0 {
				i = end - 1
				continue
			}
			if !timesDone {
				times, timesDone = d.findTimes(s, published), true
			}
			at, prec := d.claimTime(s, i, times, published)
			for _, c := range cs {
				c.At, c.Precision = at, prec
				if !dupClaim(found, c) {
					found = append(found, c)
				}
			}
			i = end - 1
		}
		if !s.headline {
			// Denials of presence ("denied that insurgents were inside
			// Homs") and of a claim made before ("said its forces were
			// still in control of Hatla").
			for _, ac := range append(d.presenceDenials(s, actors, byMatch[si]), d.stillHeld(s, actors, byMatch[si])...) {
				if !timesDone {
					times, timesDone = d.findTimes(s, published), true
				}
				ac.claim.At, ac.claim.Precision = d.claimTime(s, ac.at, times, published)
				if !dupClaim(found, ac.claim) {
					found = append(found, ac.claim)
				}
			}
		}
		kept := dropRestated(found)
		out = append(out, kept...)
		for _, c := range kept {
			d.recent = append(d.recent, c)
			d.recentSent = append(d.recentSent, si)
		}

		// Who the next sentence's pronouns may mean.
		for k := len(kept) - 1; k >= 0; k-- {
			if c := kept[k]; c.Status == geo.Claimed && c.Faction != geo.None {
				if p := partyOfFaction(c.Faction); p != partyNone {
					tk := &actor{party: p}
					if !lossAction(c.Action) {
						tk.text = c.Actor
					}
					ctx.taker, ctx.takerAt = tk, si
				}
				break
			}
		}
		var first, last *actor
		for k := range actors {
			if actors[k].party != partyGeneric && actors[k].party != partyNone && !actors[k].loser {
				if first == nil {
					first = &actors[k]
				}
				last = &actors[k]
			}
		}
		switch {
		case subject != nil:
			ctx.subject = subject
		case first != nil:
			ctx.subject = first
		}
		if last != nil {
			ctx.last = last
		}
	}
	return out
}

// resolveGeneric gives "they", "its forces" and "fighters" the party
// named before them: in the sentence, else the previous sentence's
// subject, or for "the same factions" the party it named last.
func (d *doc) resolveGeneric(actors []actor, ctx actorContext) {
	for k := range actors {
		a := &actors[k]
		if a.party != partyGeneric {
			continue
		}
		var ante *actor
		for j := k - 1; j >= 0; j-- {
			if actors[j].party != partyGeneric && actors[j].party != partyNone && !actors[j].loser {
				ante = &actors[j]
				break
			}
		}
		// Bare "fighters", "gunmen", "armed men": no side named.
		bare := unnamedFighters[d.toks[a.first].fold] || d.toks[a.first].fold == "armed" && a.last == a.first+2
		if ante == nil {
			switch {
			case d.hasWord(a.first-1, a.last, "same"):
				ante = d.sameParty(ctx)
			case bare && ctx.taker != nil && d.sentIdx-ctx.takerAt <= recentSentences:
				// "The SDF withdrew from Tibni. Fighters also entered
				// Mayadin": the side that took the last place, not the
				// one that left it.
				ante = ctx.taker
			default:
				ante = ctx.subject
			}
		}
		if ante != nil && bare && (ante.party == partyGovernment || ante.party == partyRussia) {
			// Unnamed fighters taking a place are the opposition of the
			// region: the army's men are "troops", "soldiers".
			a.party, a.resolved = partyRebels, true
			continue
		}
		if ante != nil {
			a.party, a.resolved = ante.party, true
			if ante.text != "" {
				a.text = ante.text
			}
		}
	}
}

// sameParty is who "the same factions" are: the side the text last said
// took a place, named as it was there, else the party the previous
// sentence named last.
func (d *doc) sameParty(ctx actorContext) *actor {
	var f string
	for k := len(d.recent) - 1; k >= 0 && d.sentIdx-d.recentSent[k] <= recentSentences; k-- {
		if c := d.recent[k]; c.Status == geo.Claimed && c.Faction != geo.None {
			f = c.Faction
			break
		}
	}
	p := partyOfFaction(f)
	if p == partyNone || ctx.last != nil && factionOf(ctx.last.party, nil) == f {
		return ctx.last
	}
	for k := len(d.recent) - 1; k >= 0; k-- {
		if c := d.recent[k]; c.Faction == f && c.Actor != "" && !lossAction(c.Action) {
			return &actor{party: p, text: c.Actor}
		}
	}
	return &actor{party: p}
}

// partyOfFaction is the party that holds for a faction.
func partyOfFaction(f string) party {
	switch f {
	case geo.HTS:
		return partyHTS
	case geo.Southern:
		return partySouthern
	case geo.SDF:
		return partySDF
	case geo.SNA:
		return partySNA
	case geo.Coalition:
		return partyCoalition
	case geo.Israel:
		return partyIsrael
	case geo.ISIS:
		return partyISIS
	case geo.Government:
		return partyGovernment
	case geo.Russia:
		return partyRussia
	}
	return partyNone
}

// hasWord reports whether one of words [a, b) is w.
func (d *doc) hasWord(a, b int, w string) bool {
	for k := max(a, 0); k < b && k < len(d.toks); k++ {
		if d.toks[k].fold == w {
			return true
		}
	}
	return false
}

// verbAt matches an action at word i. It returns the end of the verb
// and where its object starts (after "into" for a motion verb), or -1.
func (d *doc) verbAt(s *sentence, i int) (int, int) {
	if e := d.underControlAt(s, i); e > 0 {
		// The actor and the place are found as for a passive verb.
		return i + 1, e
	}
	end := d.phraseAt(actionTrie, i, s.last)
	if end < 0 {
		end = d.verbAcrossQuotes(i, s.last)
	}
	if end > 0 {
		return end, end
	}
	f := d.toks[i].fold
	if motionVerbs[f] {
		for k := i + 1; k < s.last && k <= i+7; k++ {
			t := &d.toks[k]
			if t.breaksPhrase() || clauseWords[t.fold] {
				break
			}
			if t.fold == "into" {
				return i + 1, k + 1
			}
		}
	}
	if pullVerbs[f] {
		// "pulled hundreds of its fighters out of Muhassan": a force
		// between the verb and "out of" is what the subject withdrew.
		party := false
		for k := i + 1; k < s.last && k <= i+8; k++ {
			t := &d.toks[k]
			if t.breaksPhrase() || clauseWords[t.fold] {
				break
			}
			if t.fold == "out" && d.fold(k+1, s.last) == "of" && party {
				return i + 1, k + 2
			}
			party = party || d.phraseAt(d.p.actors, k, s.last) > 0
		}
	}
	if outVerbs[f] && d.passiveBefore(s, i) {
		// "were pushed out of", "had been driven from": the subject lost it.
		if d.fold(i+1, s.last) == "out" && d.fold(i+2, s.last) == "of" {
			return i + 1, i + 3
		}
		if d.fold(i+1, s.last) == "from" {
			return i + 1, i + 2
		}
	}
	if outVerbs[f] {
		// A party must stand between: "drove government troops out of";
		// "pushing out of their stronghold" is the actor leaving.
		party := false
		for k := i + 1; k < s.last && k <= i+7; k++ {
			t := &d.toks[k]
			if t.breaksPhrase() || clauseWords[t.fold] {
				break
			}
			if (t.fold == "out" && d.fold(k+1, s.last) == "of" || t.fold == "from") && party {
				if t.fold == "out" {
					return i + 1, k + 2
				}
				return i + 1, k + 1
			}
			party = party || d.phraseAt(d.p.actors, k, s.last) > 0
		}
	}
	return -1, -1
}

// underControlAt matches "came under rebel control", "now under the
// control of Kurdish-led forces" at word i ("under"), returning the end
// of the phrase or -1.
func (d *doc) underControlAt(s *sentence, i int) int {
	head := d.toks[i].fold
	if head != "under" && head != "in" && head != "into" || i == s.first || !underControl[d.toks[i-1].fold] {
		return -1
	}
	if be := d.toks[i-1].fold; be == "was" || be == "were" {
		// "By evening the airport was in the hands of the rebels" tells of
		// a change; "Idlib, which was under rebel control" of a state.
		if head != "in" || i-2 >= s.first && (d.toks[i-2].fold == "which" || d.toks[i-2].fold == "that") {
			return -1
		}
	}
	for k := i + 1; k < s.last && k <= i+5; k++ {
		if d.toks[k].breaksPhrase() {
			return -1
		}
		// "under rebel control", "now in rebel hands", "came into the
		// hands of the SDF".
		if f := d.toks[k].fold; f == "control" && head == "under" || f == "hands" && head != "under" {
			if d.fold(k+1, s.last) == "of" {
				return k + 2
			}
			return k + 1
		}
	}
	return -1
}

// verbAcrossQuotes matches a two-word action whose words a quote parts:
// `have withdrawn" from positions`.
func (d *doc) verbAcrossQuotes(i, last int) int {
	if i+1 >= last || !onlyQuotes(d.toks[i+1].gap) || d.toks[i+1].gap == "" {
		return -1
	}
	c := actionTrie.child(d.toks[i].fold)
	if c == nil {
		return -1
	}
	c2 := c.child(d.toks[i+1].fold)
	if c2 == nil || len(c2.names) == 0 {
		return -1
	}
	return i + 2
}

func (d *doc) verbID(i, end int) int32 {
	node := actionTrie
	for k := i; k < end; k++ {
		if c := node.child(d.toks[k].fold); c != nil {
			node = c
		}
	}
	if len(node.names) == 0 {
		return 0
	}
	return node.names[0].place
}

func dupClaim(cs []*geo.Claim, c *geo.Claim) bool {
	for _, o := range cs {
		if o.PlaceID == c.PlaceID && o.Status == c.Status && o.Faction == c.Faction {
			return true
		}
	}
	return false
}

// dropRestated drops a sentence's loss claim on a place the same
// sentence says someone took: "seized Mount Hermon, abandoned by the
// army" is one change.
func dropRestated(cs []*geo.Claim) []*geo.Claim {
	out := make([]*geo.Claim, 0, len(cs))
	for _, c := range cs {
		restated := false
		if lossAction(c.Action) {
			for _, o := range cs {
				if o != c && o.PlaceID == c.PlaceID && o.Status == c.Status && !lossAction(o.Action) {
					restated = true
					break
				}
			}
		}
		if !restated {
			out = append(out, c)
		}
	}
	return out
}

// leftEarlier reports whether a claim of the sentence says the actor
// lost a place.
func leftEarlier(found []*geo.Claim, actor string) bool {
	for _, c := range found {
		if c.Actor == actor && lossAction(c.Action) {
			return true
		}
	}
	return false
}

func lossAction(a string) bool {
	for _, vp := range verbPhrases {
		if vp.verb.action == a {
			return vp.verb.kind == loss
		}
	}
	return false
}

// claimsAt builds the claims of the verb at words [v, vEnd), one per
// place it applies to, and returns the actor it found.
func (d *doc) claimsAt(s *sentence, v, vEnd, objStart int, vb verb, actors []actor, ms []int) ([]*geo.Claim, *actor) {
	if d.irrealisBefore(s, v) || d.participleAdjective(s, v, vEnd) {
		return nil, nil
	}
	passive := d.isPassive(s, v, vEnd, vb)
	if passive && vb.action == "toppled" {
		return nil, nil // "a statue was toppled in Hama"
	}
	var places []*match
	if passive {
		if m := d.subjectPlace(s, v, ms); m != nil && (vb.action != "fell" || d.subjectOf(s, m, v)) {
			// "Sinjar, Hish and Abu al-Duhur were also abandoned".
			places = d.coordinatedBefore(s, m, ms)
		}
	} else if d.pronounObject(s, objStart) {
		// "reached Morek ... and took it over": the place named before;
		// "denied that it had lost them": the places named before, in the
		// sentence or else the places the previous sentence's claims named.
		if m := d.antecedentPlace(s, v, ms); m != nil {
			places = []*match{m}
			if d.toks[objStart].fold == "them" {
				places = d.coordinatedBefore(s, m, ms)
			}
		} else {
			places = d.previousPlaces(objStart, d.toks[objStart].fold == "them")
		}
	} else {
		var kinds []geo.Kind
		places, kinds = d.objectPlaces(s, objStart, vb, ms)
		if len(places) == 0 {
			// "Manbij, which Turkish-backed factions captured on Monday".
			places = d.relativePlaces(s, v, actors, ms)
		}
		if len(places) > 0 && d.thingObject(objStart, places[0].first) {
			return nil, nil // "handed over their weapons in Deir ez-Zor"
		}
		if len(places) == 0 && !vb.direct {
			if m := d.frontedPlace(s, ms); m != nil && kinds == nil {
				places = []*match{m}
			} else if m != nil {
				// "In Qamishli, ... had taken over the airport": Qamishli's.
				if f := d.p.featureOf(m.place, kinds); f != nil {
					fm := *m
					fm.place = f
					places = []*match{&fm}
				}
			}
		}
	}
	if len(places) == 0 {
		return nil, nil
	}

	// The actor: for a passive verb, who it was done by; else the nearest
	// party named before the verb.
	var act *actor
	if passive {
		after, limit := vEnd, objStart+3
		switch vb.action {
		case "came under control of":
			after = v + 1 // the party stands inside "under ... control of"
		case "fell to", "passed to":
			// the taker follows "to"
		default:
			// A plain passive names its agent after "by": in "Damascus had
			// fallen, rebels declared" the rebels are the speakers.
			if vEnd >= s.last || d.toks[vEnd].fold != "by" {
				limit = -1
			}
		}
		for k := range actors {
			if actors[k].first >= after && actors[k].first <= limit {
				act = &actors[k]
				break
			}
		}
	} else if vb.force {
		act = d.subjectActor(s, v, actors)
	} else {
		for k := len(actors) - 1; k >= 0; k-- {
			if actors[k].last <= v {
				act = &actors[k]
				break
			}
		}
	}
	if vb.kind == capture && (d.toks[v].fold == "in" || d.toks[v].fold == "now") && act != nil &&
		(act.party == partyGovernment || act.party == partyRussia) {
		// "said it was in full control of Homs": the army holding its own
		// city states no change.
		return nil, nil
	}
	if vb.force && (act == nil || act.party == partyGeneric && !act.resolved && !forceNounAt(d, act)) {
		return nil, nil // "Assad had left Damascus"
	}
	if act != nil && !passive && act.first > s.first && d.toks[act.first-1].fold == "since" {
		return nil, nil // "since government forces retook it in 2016"
	}
	who, actorText := partyNone, ""
	if act != nil && (act.party != partyGeneric || act.resolved) {
		who, actorText = act.party, act.text
	}
	if vb.action == "fled" && (act == nil || act.resolved || who == partyNone || who == partyGeneric) {
		return nil, nil // residents fleeing a town hand nothing over
	}
	// "lost control of Tal Rifaat to Turkish-backed fighters", "was
	// handed over to the SDF": the taker.
	taker := partyNone
	if vb.kind == loss {
		var tk *actor
		if passive {
			tk = d.takerNamed(s, vEnd, actors)
		} else {
			tk = d.takerNamed(s, places[len(places)-1].last, actors)
		}
		if tk != nil {
			taker = tk.party
			if tk.resolved && tk.party == who && who != partyNone {
				// "The SDF said the army had handed over its positions in
				// Deir ez-Zor to its fighters": no side hands a place to
				// itself, so "its" is the main clause's subject.
				taker = partyNone
				for k := range actors {
					if a := &actors[k]; a.last <= v && a.party != who && a.party != partyGeneric && a.party != partyNone && !a.loser {
						taker = a.party
						break
					}
				}
			}
		}
		if taker == partyNone {
			taker = d.advancingParty(s, vEnd, who, actors)
		}
	}
	// A party after "from" lost the place: "taken from the SDF".
	fromParty := partyNone
	if vb.kind == capture {
		for k := range actors {
			if a := &actors[k]; a.loser && a.first > v && a.first <= max(vEnd, places[len(places)-1].last)+3 && a.party != partyGeneric {
				fromParty = a.party
				break
			}
		}
	}
	status := geo.Claimed
	if d.deniedBefore(s, v) || d.negatedBefore(s, v) || d.deniedAfter(s, v) {
		status = geo.Denied
	}
	attribution := d.attribution(s, v)
	var out []*geo.Claim
	for _, m := range places {
		pl := m.place
		// The map is Syria's: a place abroad changes hands in it only as a
		// border crossing ("the Al Qaim border crossing").
		if pl.Country != "SY" && pl.Kind != geo.BorderCrossing {
			continue
		}
		faction := geo.None
		switch {
		case vb.kind == capture && who != partyNone:
			faction = factionOf(who, pl)
		case vb.kind == capture && fromParty != partyNone:
			// "Abu Kamal was taken from the SDF": the side that takes
			// over from the loser there.
			faction = d.recentTaker(pl, factionOf(fromParty, pl))
			if faction == geo.None {
				faction = takerOf(fromParty, pl)
			}
		case vb.kind == capture:
			// "Menagh air base was also captured": the side that has been
			// taking ground nearby, else the region's opposition.
			faction = d.recentTaker(pl, geo.None)
			if faction == geo.None {
				faction = takerOf(partyNone, pl)
			}
		case taker != partyNone && taker != partyGeneric:
			faction = factionOf(taker, pl)
		default:
			lost := geo.Government
			if who != partyNone && who != partyGeneric {
				lost = factionOf(who, pl)
			}
			faction = d.recentTaker(pl, lost)
			if faction == geo.None {
				faction = takerOf(who, pl)
			}
		}
		out = append(out, &geo.Claim{
			PlaceID: pl.ID, Name: pl.Name, Lon: pl.Point.Lon(), Lat: pl.Point.Lat(),
			Faction: faction, Action: vb.action, Actor: actorText, Status: status,
			Attribution: attribution,
			Quote:       d.text[s.bstart:s.bend], Start: s.start, End: s.end,
		})
	}
	return out, act
}

// recentReach and recentSentences bound the claims a place's unnamed
// taker is read from: the last few sentences, within 100 km.
const (
	recentReach     = 100.0
	recentNear      = 30.0
	recentSentences = 3
)

// recentAdmin1 is the governorate of the place of the k-th claim so far.
func (d *doc) recentAdmin1(k int) string {
	if i, ok := d.p.placeIdx[d.recent[k].PlaceID]; ok {
		return d.p.gz.Places[i].Admin1
	}
	return ""
}

// recentTaker is the side the text has just said took ground near the
// place, other than the one that lost it: "Fighters from Daraa moved into
// Sahnaya. Troops also fled from Qatana" is the southern factions'.
// It returns geo.None when there is none.
func (d *doc) recentTaker(pl *geo.Place, lost string) string {
	for k := len(d.recent) - 1; k >= 0; k-- {
		c := d.recent[k]
		if d.sentIdx-d.recentSent[k] > recentSentences {
			break
		}
		if c.Status != geo.Claimed || c.Faction == geo.None || c.Faction == lost {
			continue
		}
		// Nearby, or in the same governorate: "fled from Qatana" after
		// "moved into Sahnaya", not Sweida after Damascus.
		dist := distanceKm(pl.Point, orb.Point{c.Lon, c.Lat})
		if dist <= recentNear || dist <= recentReach && pl.Admin1 != "" && pl.Admin1 == d.recentAdmin1(k) {
			return c.Faction
		}
	}
	return geo.None
}

// subjectActor is the party that is the verb's subject, with only
// auxiliaries and adverbs between ("Government forces had left"); "it",
// "they" stand for the party named before them in the sentence, else the
// previous sentence's.
func (d *doc) subjectActor(s *sentence, v int, actors []actor) *actor {
	k := v
	for k > s.first && auxiliaries[d.toks[k-1].fold] && !d.toks[k].breaksPhrase() {
		k--
	}
	for i := range actors {
		if a := &actors[i]; a.last == k {
			if a.resolved && k-1 > s.first && pronouns[d.toks[k-1].fold] && !d.partyBefore(actors, i) {
				// "residents said they had left Homs": the residents.
				return nil
			}
			return a
		}
	}
	if k > s.first {
		switch d.toks[k-1].fold {
		case "it", "they", "we":
			for i := len(actors) - 1; i >= 0; i-- {
				if a := &actors[i]; a.last < k && a.party != partyGeneric && a.party != partyNone {
					return a
				}
			}
			// The previous sentence's party only for a pronoun that opens
			// the sentence: in "residents said they had left Homs" the
			// residents left.
			if c := d.ctx.subject; c != nil && k-1 == s.first && c.party != partyGeneric && c.party != partyNone {
				return c
			}
		}
	}
	return nil
}

// forceNounAt reports whether an unresolved generic actor still names
// armed men ("its forces had left Homs"), unlike "they".
func forceNounAt(d *doc, a *actor) bool {
	for k := a.first; k < a.last; k++ {
		switch d.toks[k].fold {
		case "forces", "troops", "fighters", "units", "soldiers":
			return true
		}
	}
	return false
}

// partyBefore reports whether a party is named before the i-th actor in
// its sentence.
func (d *doc) partyBefore(actors []actor, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if actors[j].party != partyGeneric && actors[j].party != partyNone {
			return true
		}
	}
	return false
}

// pronounObject reports whether the verb's object is "it" or "them":
// "took it over", "denied losing them".
func (d *doc) pronounObject(s *sentence, k int) bool {
	return k < s.last && (d.toks[k].fold == "it" || d.toks[k].fold == "them") && !d.toks[k].breaksPhrase()
}

// previousPlaces are the places of the previous sentence's claims, for
// a pronoun object whose sentence names none: its last place for "it",
// all of them for "them". They span the pronoun.
func (d *doc) previousPlaces(k int, all bool) []*match {
	var out []*match
	for n := len(d.recent) - 1; n >= 0 && d.recentSent[n] == d.sentIdx-1; n-- {
		idx, ok := d.p.placeIdx[d.recent[n].PlaceID]
		if !ok {
			continue
		}
		dup := false
		for _, m := range out {
			dup = dup || m.place.ID == d.recent[n].PlaceID
		}
		if dup {
			continue
		}
		out = append([]*match{{first: k, last: k + 1, place: d.p.gz.Places[idx]}}, out...)
		if !all {
			break
		}
	}
	return out
}

// relativePlaces are the places a relative clause's verb acts on: its
// antecedent, "Manbij, which Turkish-backed factions captured on
// Monday", "Tal Rifaat, which the SNA seized".
func (d *doc) relativePlaces(s *sentence, v int, actors []actor, ms []int) []*match {
	var act *actor
	for k := len(actors) - 1; k >= 0; k-- {
		if actors[k].last <= v {
			act = &actors[k]
			break
		}
	}
	if act == nil {
		return nil
	}
	for k := act.last; k < v; k++ {
		if !auxiliaries[d.toks[k].fold] || d.toks[k].breaksPhrase() {
			return nil
		}
	}
	w := act.first - 1
	if w > s.first && d.toks[w].fold == "the" {
		w--
	}
	if w <= s.first || d.toks[w].fold != "which" && d.toks[w].fold != "that" || !d.toks[w].gapHas(",") {
		return nil
	}
	for n := len(ms) - 1; n >= 0; n-- {
		m := &d.matches[ms[n]]
		if m.last == w && eligible(m) {
			return d.coordinatedBefore(s, m, ms)
		}
		if m.last < w {
			break
		}
	}
	return nil
}

// thingNouns are objects handed over that are no ground: "handed over
// their weapons in Deir ez-Zor".
var thingNouns = set("weapons,weapon,arms,guns,ammunition,tanks,equipment,vehicles,prisoners,bodies,documents,keys,power,uniforms")

// thingObject reports whether the object before the place is a thing.
func (d *doc) thingObject(from, to int) bool {
	for k := from; k < to && k < len(d.toks); k++ {
		if thingNouns[d.toks[k].fold] {
			return true
		}
	}
	return false
}

// antecedentPlace is the place "it" stands for: the sentence's last place
// before the verb that is named for itself, not as a bearing nor as the
// name of a countryside ("in the northern Hama countryside").
func (d *doc) antecedentPlace(s *sentence, v int, ms []int) *match {
	for n := len(ms) - 1; n >= 0; n-- {
		m := &d.matches[ms[n]]
		if m.last > v || !eligible(m) {
			continue
		}
		if m.last < s.last && partWords[d.toks[m.last].fold] {
			continue
		}
		return m
	}
	return nil
}

// partWords after a name make it a modifier: "the Hama countryside".
var partWords = set("countryside,outskirts,suburbs,area,region,front,frontline,highway,road,direction")

// coordinatedBefore returns the places coordinated before a passive
// verb's subject, in text order, ending with it: "Sinjar, Hish and Abu
// al-Duhur were abandoned".
func (d *doc) coordinatedBefore(s *sentence, m *match, ms []int) []*match {
	out := []*match{m}
	cur := m
	for n := len(ms) - 1; n >= 0; n-- {
		p := &d.matches[ms[n]]
		if p.last > cur.first {
			continue
		}
		if !eligible(p) || !d.joinedBefore(p, cur) {
			break
		}
		out = append([]*match{p}, out...)
		cur = p
	}
	return out
}

// joinedBefore reports whether place a is coordinated with place b after
// it: "A, B", "A and B", "A, and the town of B".
func (d *doc) joinedBefore(a, b *match) bool {
	if a.last > b.first || b.first >= len(d.toks) {
		return false
	}
	joined := d.toks[a.last].gapHas(",") && a.last == b.first
	for k := a.last; k < b.first; k++ {
		t := &d.toks[k]
		if k > a.last && t.breaksPhrase() || t.gapHas(";:.()") {
			return false
		}
		if t.fold == "and" {
			joined = true
			continue
		}
		if !coordFillers[t.fold] {
			return false
		}
	}
	return joined && !d.toks[b.first].gapHas(";:.()")
}

// coordFillers may stand between coordinated places: "and the adjacent
// Nayrab air base", "and the town of Talbiseh".
var coordFillers = set("the,of,town,towns,city,village,villages,nearby,adjacent,neighbouring,neighboring,key,strategic,main,nearby,district,districts,neighbourhood,neighbourhoods,area,also,military,provincial,coastal,desert,border")

// takerNamed returns the party a loss names as its taker, right after
// its place: "lost control of Tal Rifaat to Turkish-backed fighters",
// "handed over ... Qamishli to the Syrian Democratic Forces".
func (d *doc) takerNamed(s *sentence, k int, actors []actor) *actor {
	if k >= s.last || d.toks[k].fold != "to" || d.toks[k].breaksPhrase() {
		return nil
	}
	k++
	if k < s.last && d.toks[k].fold == "the" {
		k++
	}
	for i := range actors {
		if actors[i].first == k {
			return &actors[i]
		}
	}
	return nil
}

// advanceVerbs say a force drew near: "as fighters from Daraa closed in".
var advanceVerbs = set("closed,closing,advanced,advancing,approached,approaching,neared,nearing,moved,moving,pushed,pushing,swept,sweeping,arrived,arriving,entered,entering,stormed,marched,poured,converged,encircled,surrounded")

// advancingParty is the side a clause after a loss says was coming on:
// "Government forces withdrew from Kiswah as fighters from Daraa closed
// in" is the southern factions'. Not the loser, nor a side merely
// shelling ("as Israeli forces shelled the area").
func (d *doc) advancingParty(s *sentence, vEnd int, loser party, actors []actor) party {
	for k := range actors {
		a := &actors[k]
		if a.first < vEnd || a.loser || a.party == partyNone || a.party == partyGeneric || a.party == loser {
			continue
		}
		if a.first > s.first {
			switch d.toks[a.first-1].fold {
			case "as", "while", "when", "after", "the":
			default:
				continue
			}
			if d.toks[a.first-1].fold == "the" && (a.first-1 == s.first || d.toks[a.first-2].fold != "as" && d.toks[a.first-2].fold != "while" && d.toks[a.first-2].fold != "when" && d.toks[a.first-2].fold != "after") {
				continue
			}
		}
		j := a.last
		for j < s.last && j < a.last+2 && auxiliaries[d.toks[j].fold] {
			j++
		}
		if j < s.last && advanceVerbs[d.toks[j].fold] && !d.toks[j].breaksPhrase() {
			return a.party
		}
	}
	return partyNone
}

// participleAdjective reports whether a participle qualifies a noun
// rather than saying what someone did: "had taken over abandoned
// checkpoints", "showed abandoned tanks", "the captured city".
func (d *doc) participleAdjective(s *sentence, v, vEnd int) bool {
	if vEnd != v+1 {
		return false
	}
	f := d.toks[v].fold
	if !strings.HasSuffix(f, "ed") {
		return false
	}
	if v == s.first {
		// "Captured soldiers were paraded in Hama."
		return d.fold(v+1, s.last) != "by"
	}
	prev := d.toks[v-1].fold
	if adjectiveBefore[prev] {
		return true
	}
	// Straight after another action: "had taken over abandoned ...".
	for k := max(s.first, v-3); k < v; k++ {
		if e := d.phraseAt(actionTrie, k, s.last); e == v {
			return true
		}
	}
	return false
}

func (d *doc) irrealisBefore(s *sentence, v int) bool {
	k := v - 1
	for n := 0; k >= s.first && n < 4; n++ {
		f := d.toks[k].fold
		// "claimed to have captured" reports a deed, "to capture" an aim.
		if f == "to" && d.fold(k+1, s.last) == "have" {
			return false
		}
		if irrealis[f] {
			return true
		}
		if stative[f] {
			return true // "still in control of", "remained in control of"
		}
		if !auxiliaries[f] && f != "not" && f != "never" {
			return false
		}
		if d.toks[k+1].breaksPhrase() && !onlyQuotes(d.toks[k+1].gap) {
			return false
		}
		k--
	}
	return false
}

func (d *doc) negatedBefore(s *sentence, v int) bool {
	for k := v - 1; k >= s.first && k >= v-3; k-- {
		switch d.toks[k].fold {
		case "not", "never", "nt":
			return true
		}
		if !auxiliaries[d.toks[k].fold] {
			return false
		}
	}
	return false
}

// deniedBefore reports whether a denial earlier in the sentence governs
// the verb: "denied that rebels had entered Homs", "There is no truth to
// news claiming ... withdrawn".
func (d *doc) deniedBefore(s *sentence, v int) bool {
	from := max(s.first, v-reach)
	// "denied withdrawing from Homs and said it held the city": a speech
	// verb after the denial starts a statement of its own.
	for k := v - 1; k > from; k-- {
		if f := d.toks[k].fold; (f == "said" || f == "saying" || f == "adding" || f == "added" || f == "insisting" || f == "insisted") &&
			(clauseWords[d.fold(k-1, s.last)] || d.toks[k].gapHas(",")) {
			from = k
			break
		}
	}
	for k := from; k < v; k++ {
		f := d.toks[k].fold
		if denialCues[f] {
			return true
		}
		if f == "no" && d.fold(k+1, s.last) == "truth" {
			return true
		}
		if f == "not" && d.fold(k+1, s.last) == "true" {
			return true
		}
		if f == "false" && (d.fold(k+1, s.last) == "reports" || d.fold(k+1, s.last) == "news" || d.fold(k+1, s.last) == "claims") {
			return true
		}
	}
	return false
}

// deniedAfter reports whether the sentence calls the reports it gives
// untrue: "reports of an army withdrawal from Hama were untrue".
func (d *doc) deniedAfter(s *sentence, v int) bool {
	reported := false
	for k := max(s.first, v-reach); k < v; k++ {
		switch d.toks[k].fold {
		case "reports", "report", "claims", "news", "rumours", "rumors":
			reported = true
		}
	}
	if !reported {
		return false
	}
	for k := v + 1; k < s.last && k <= v+reach; k++ {
		switch d.toks[k].fold {
		case "untrue", "false", "baseless", "unfounded", "fabricated", "incorrect", "lies":
			return true
		case "true":
			return d.fold(k-1, s.last) == "not"
		}
	}
	return false
}

// isPassive reports whether the verb is passive ("was captured", "the
// third city seized by the rebels") or "fell to", whose place is its
// subject.
func (d *doc) isPassive(s *sentence, v, vEnd int, vb verb) bool {
	if vb.active {
		return false
	}
	switch vb.action {
	case "fell to", "fell", "came under control of", "passed to":
		return true
	}
	if vEnd < s.last && d.toks[vEnd].fold == "by" && !d.toks[vEnd].breaksPhrase() {
		return true
	}
	k := v - 1
	for k >= s.first && (d.toks[k].fold == "also" || d.toks[k].fold == "reportedly" || d.toks[k].fold == "now" || d.toks[k].fold == "fully") {
		k--
	}
	if k >= s.first && passiveAux[d.toks[k].fold] {
		// "were entering", "is withdrawing", "were in control of" are
		// active.
		f := d.toks[v].fold
		return !strings.HasSuffix(f, "ing") && f != "in" && f != "now"
	}
	return false
}

// passiveBefore reports whether a passive auxiliary stands before word
// v, over "also", "reportedly" and the like: "were also pushed".
func (d *doc) passiveBefore(s *sentence, v int) bool {
	k := v - 1
	for k >= s.first && (d.toks[k].fold == "also" || d.toks[k].fold == "reportedly" || d.toks[k].fold == "then" || d.toks[k].fold == "later") {
		k--
	}
	return k >= s.first && passiveAux[d.toks[k].fold]
}

// eligible reports whether a match may be a claim's place: resolved, not
// inside an organisation's name, not a bearing, not a country.
func eligible(m *match) bool {
	return m.place != nil && !m.inOrg && !m.bearing && m.place.Kind != geo.Country
}

// objectPlaces finds the places a verb acts on: the first place in its
// object, up to the end of the clause, and the places coordinated with
// it ("captured Maarat al-Numan and Khan Sheikhoun", "the towns of
// Rastan and Talbiseh", "seven villages ..., among them Hatla"), or the
// place of the sentence a noun such as "the jail" or "Syria's third city"
// stands for. A noun such as "the airport" that no place of the sentence
// is gives its kinds instead.
func (d *doc) objectPlaces(s *sentence, vEnd int, vb verb, ms []int) ([]*match, []geo.Kind) {
	limit := vEnd + 12
	if vb.direct {
		limit = vEnd + 4
		// "had taken the desert city of Palmyra": an appositive head.
		if d.fold(vEnd, s.last) == "the" {
			for k := vEnd + 1; k < s.last && k <= vEnd+4 && !d.toks[k].breaksPhrase(); k++ {
				if appositiveHeads[d.toks[k].fold] && d.fold(k+1, s.last) == "of" {
					limit = k + 6
					break
				}
			}
		}
	}
	if m := d.featureObject(s, vEnd, ms); m != nil {
		return []*match{m}, nil
	}
	var out []*match
	for k := vEnd; k < s.last && k < limit; k++ {
		t := &d.toks[k]
		if k > vEnd && t.breaksPhrase() && !onlyQuotes(t.gap) && !t.gapHas("(") {
			// ", among them Hatla", ", including Hatla" go on.
			if !(t.gapHas(",") && (t.fold == "among" || t.fold == "including")) {
				return nil, nil
			}
			limit = k + 5
		}
		if m := d.matchAt(ms, k); m != nil {
			if m.place != nil && m.place.Kind == geo.Country && d.ordinalCity(s, m) {
				// "Syria's third city": the city the sentence named.
				if ref := d.lastOfKind(s, m.first, []geo.Kind{geo.City, geo.Town}); ref != nil {
					return []*match{ref}, nil
				}
			}
			if eligible(m) && !d.partOf(s, vEnd, m.first) && !d.destination(vEnd, m.first) {
				out = append(out, m)
				return d.coordinatedPlaces(s, m, out, ms), nil
			}
			k = m.last - 1
			continue
		}
		if k > vEnd && clauseWords[t.fold] {
			return nil, nil
		}
		if t.fold == "the" && k+1 < s.last {
			if kinds, ok := kindNouns[d.toks[k+1].fold]; ok && d.matchAt(ms, k+1) == nil && d.fold(k+2, s.last) != "of" {
				if ref := d.lastOfKind(s, k, kinds); ref != nil {
					return []*match{ref}, nil
				}
				if d.fold(k+2, s.last) == "and" && !d.toks[k+2].breaksPhrase() {
					// "the airport and the adjacent Nayrab air base": the
					// named one.
					k += 2
					limit = max(limit, k+6)
					continue
				}
				return nil, kinds
			}
		}
		if vb.direct && k == vEnd && t.fold != "the" && t.fold != "control" && !t.cap {
			return nil, nil
		}
	}
	return nil, nil
}

// appositiveHeads name a place's kind before "of" and its name: "the
// desert city of Palmyra", "the border town of Abu Kamal".
var appositiveHeads = set("city,town,towns,village,villages,district,port,base,airport,crossing,province,region,area,hub,stronghold,bastion,enclave")

// postNouns name a post a force takes on a feature: "took a post on the
// summit of Mount Hermon".
var postNouns = set("post,posts,outpost,outposts,position,positions,base,bases,hilltop,hilltops,checkpoint,checkpoints,barracks,peak,summit")

// featureParts are the parts of a feature that stand for it: "the summit
// of Mount Hermon", not "the outskirts of Quneitra".
var featureParts = set("summit,top,peak,crest,heights,slopes")

// featureObject finds a named feature inside a phrase after the object:
// "took a post on the summit of Mount Hermon", "seized positions at the
// Tishrin Dam". A settlement there is no claim: the post is outside it.
func (d *doc) featureObject(s *sentence, vEnd int, ms []int) *match {
	k := vEnd
	for n := 0; k < s.last && n < 4 && !postNouns[d.toks[k].fold]; n++ {
		if t := &d.toks[k]; t.cap || clauseWords[t.fold] || k > vEnd && t.breaksPhrase() {
			return nil
		}
		k++
	}
	if k >= s.last || !postNouns[d.toks[k].fold] {
		return nil
	}
	k++
	switch d.fold(k, s.last) {
	case "on", "at", "atop", "in", "inside":
		k++
	default:
		return nil
	}
	if d.fold(k, s.last) == "the" && featureParts[d.fold(k+1, s.last)] && d.fold(k+2, s.last) == "of" {
		k += 3
	}
	m := d.matchAt(ms, k)
	if m == nil && d.fold(k, s.last) == "the" {
		m = d.matchAt(ms, k+1)
	}
	if m == nil || !eligible(m) || kindRank(m.place.Kind) != 2 {
		return nil
	}
	return m
}

// ordinalCity reports whether a country's name opens "Syria's third
// city", "the country's largest town".
func (d *doc) ordinalCity(s *sentence, m *match) bool {
	if !d.toks[m.last-1].poss {
		return false
	}
	ranked := false
	for k := m.last; k < s.last && k <= m.last+3; k++ {
		switch f := d.toks[k].fold; f {
		case "second", "third", "fourth", "fifth", "largest", "biggest", "main", "major", "capital":
			ranked = true
		case "city", "town":
			return ranked
		}
	}
	return false
}

// destination reports whether the place is where the force went or
// what it passed through, not what it left or took: "withdrew to Homs",
// "fled into Iraq through the Al Qaim border crossing".
func (d *doc) destination(from, at int) bool {
	for k := from; k < at; k++ {
		switch d.toks[k].fold {
		case "to", "towards", "toward", "into", "through", "via":
			return true
		}
	}
	return false
}

// subjectOf reports whether the place is the subject right before the
// verb: "Hama fell", "the city of Homs has fallen", not "a shell fell
// near Homs" nor "in Homs, prices fell".
func (d *doc) subjectOf(s *sentence, m *match, v int) bool {
	for k := m.last; k < v; k++ {
		if !auxiliaries[d.toks[k].fold] || d.toks[k].breaksPhrase() {
			return false
		}
	}
	return v == m.last || !d.toks[v].breaksPhrase()
}

// partOf reports whether the object names only a part of the place
// before it: "the northern countryside of Hama province", "the outskirts
// of Damascus".
func (d *doc) partOf(s *sentence, from, at int) bool {
	for k := from; k < at; k++ {
		switch d.toks[k].fold {
		case "countryside", "outskirts", "edge", "edges", "approaches", "gates", "doorstep", "suburbs", "parts", "part", "side", "sides":
			return !(d.toks[k].fold == "side" && d.fold(k+1, s.last) == "of" && at == k+2)
		}
	}
	return false
}

// coordinatedPlaces adds the places joined to the first by "and" or
// commas, with "the town of" and the like between.
func (d *doc) coordinatedPlaces(s *sentence, m *match, out []*match, ms []int) []*match {
	k := m.last
	for k < s.last {
		j := k
		if d.toks[j].gapHas(";:.()") {
			break
		}
		joined := d.toks[j].gapHas(",")
		for j < s.last && j < k+5 && (d.toks[j].fold == "and" || coordFillers[d.toks[j].fold]) {
			joined = joined || d.toks[j].fold == "and"
			j++
		}
		if !joined || j >= s.last {
			break
		}
		n := d.matchAt(ms, j)
		if n == nil || !eligible(n) {
			break
		}
		out = append(out, n)
		k = n.last
	}
	return out
}

// matchAt returns the sentence's match starting at word k.
func (d *doc) matchAt(ms []int, k int) *match {
	for _, mi := range ms {
		if d.matches[mi].first == k {
			return &d.matches[mi]
		}
		if d.matches[mi].first > k {
			break
		}
	}
	return nil
}

// lastOfKind returns the sentence's last eligible place of the kinds
// named before word k: a claim needs its place named in its sentence.
func (d *doc) lastOfKind(s *sentence, k int, kinds []geo.Kind) *match {
	for mi := len(d.matches) - 1; mi >= 0; mi-- {
		m := &d.matches[mi]
		if m.first < s.first {
			break
		}
		if m.first >= k || !eligible(m) {
			continue
		}
		for _, kind := range kinds {
			if m.place.Kind == kind {
				return m
			}
		}
	}
	return nil
}

// subjectPlace finds the place a passive verb is said of: the nearest
// place before it in the sentence that is not a bearing.
func (d *doc) subjectPlace(s *sentence, v int, ms []int) *match {
	for n := len(ms) - 1; n >= 0; n-- {
		m := &d.matches[ms[n]]
		if m.last > v {
			continue
		}
		if eligible(m) {
			return m
		}
	}
	return nil
}

// frontedPlace is the place of an opening "In Sweida, ...".
func (d *doc) frontedPlace(s *sentence, ms []int) *match {
	if s.last-s.first < 3 || d.toks[s.first].fold != "in" || len(ms) == 0 {
		return nil
	}
	m := &d.matches[ms[0]]
	if m.first != s.first+1 || m.last >= s.last || !d.toks[m.last].gapHas(",") || !eligible(m) {
		return nil
	}
	return m
}

// claimTime is the time of the phrase nearest the verb, outside clauses
// of their own after it ("who began their advance on November 27"), or
// the publication time at day precision.
func (d *doc) claimTime(s *sentence, v int, times []timePhrase, published time.Time) (time.Time, geo.Precision) {
	best, bestDist := -1, 0
	for ti, tp := range times {
		if tp.first > v && d.relativeClauseBetween(v, tp.first) {
			continue
		}
		dist := v - tp.last
		if tp.first > v {
			dist = tp.first - v
		}
		if best < 0 || dist < bestDist {
			best, bestDist = ti, dist
		}
	}
	if best >= 0 {
		return times[best].at, times[best].prec
	}
	if published.IsZero() {
		return time.Time{}, ""
	}
	return published.UTC(), geo.Day
}

func (d *doc) relativeClauseBetween(a, b int) bool {
	for k := a + 1; k < b; k++ {
		switch d.toks[k].fold {
		case "who", "which", "whose", "when":
			return true
		}
	}
	return false
}

// sources normalises the sources news cites most.
var sources = []struct {
	words []string
	name  string
}{
	{[]string{"syrian", "observatory", "for", "human", "rights"}, "Syrian Observatory for Human Rights"},
	{[]string{"observatory"}, "Syrian Observatory for Human Rights"},
	{[]string{"sohr"}, "Syrian Observatory for Human Rights"},
	{[]string{"war", "monitor"}, "Syrian Observatory for Human Rights"},
	{[]string{"monitor"}, "Syrian Observatory for Human Rights"},
	{[]string{"afptv"}, "AFP"},
	{[]string{"afp"}, "AFP"},
	{[]string{"reuters"}, "Reuters"},
	{[]string{"associated", "press"}, "AP"},
	{[]string{"state", "media"}, "Syrian state media"},
	{[]string{"state", "television"}, "Syrian state media"},
	{[]string{"state", "tv"}, "Syrian state media"},
	{[]string{"sana"}, "Syrian state media"},
	{[]string{"state", "news", "agency"}, "Syrian state media"},
}

var speechVerbs = set("said,says,say,reported,reports,confirmed,confirms,announced,announces,claimed,claims,denied,denies,insisted,insists,stated,added,told,according,saying,announcing,reporting,declared,declares")

// attribution names the source of the sentence's claim: a known outlet
// or monitor it cites ("told AFP", "the Observatory said", "according to
// a war monitor"), else the speaker of the nearest speech verb.
func (d *doc) attribution(s *sentence, v int) string {
	best, bestDist := "", 1<<30
	for k := max(s.first, v-reach); k < s.last && k <= v+reach; k++ {
		for _, src := range sources {
			if end := d.wordsAt(k, s.last, src.words, false); end > 0 && d.citesAt(s, k, end) {
				name := src.name
				// "Iranian state media" are not Syria's.
				if c, ok := demonymCountry[d.fold(k-1, s.last)]; ok && c != "SY" && k > s.first && strings.HasSuffix(name, "state media") {
					name = d.text[d.toks[k-1].bstart:d.toks[end-1].bend]
				}
				if dist := abs(k - v); dist < bestDist {
					best, bestDist = name, dist
				}
				break
			}
		}
	}
	if best != "" {
		return best
	}
	// The speaker of the nearest speech verb before the verb, else of one
	// closing the sentence (", Turkey's defence ministry said").
	for k := v - 1; k > s.first && k >= v-reach; k-- {
		if sp := d.speaker(s, k); sp != "" {
			return sp
		}
	}
	for k := v + 1; k < s.last && k <= v+reach; k++ {
		if sp := d.speaker(s, k); sp != "" {
			return sp
		}
	}
	return ""
}

// speaker returns who speaks at the speech verb at word k: the words
// before it back to the clause's start, or "".
func (d *doc) speaker(s *sentence, k int) string {
	if !speechVerbs[d.toks[k].fold] || d.toks[k].fold == "according" || d.toks[k].fold == "told" {
		return ""
	}
	end := k
	for end > s.first && (auxiliaries[d.toks[end-1].fold] || d.toks[end-1].fold == "earlier") {
		end--
	}
	start := end
	for start > s.first && end-start < 6 && !d.toks[start].breaksPhrase() {
		f := d.toks[start-1].fold
		if clauseWords[f] || speechVerbs[f] {
			break
		}
		start--
	}
	if start >= end || end-start == 1 && pronouns[d.toks[start].fold] {
		return ""
	}
	// The words from the last article on: "By mid-afternoon the army".
	for j := end - 2; j > start; j-- {
		if f := d.toks[j].fold; f == "the" || f == "a" || f == "an" {
			start = j + 1
			break
		}
	}
	return trimArticle(d.text[d.toks[start].bstart:d.toks[end-1].bend])
}

// citesAt reports whether the source at words [k, end) is cited: told
// it, said or reported by it, or according to it.
func (d *doc) citesAt(s *sentence, k, end int) bool {
	for b := k - 1; b >= s.first && b >= k-4; b-- {
		switch d.toks[b].fold {
		case "told", "to", "from", "by":
			return true
		}
	}
	for a := end; a < s.last && a <= end+3; a++ {
		if speechVerbs[d.toks[a].fold] {
			return true
		}
	}
	// "The monitor also confirmed", "AFPTV images from Hama showed" are
	// the source too, but only as a sentence's subject.
	return k <= s.first+2
}

var pronouns = set("they,it,we,he,she,i,you,them,who")

// trimArticle drops a leading "the" from a phrase as written.
func trimArticle(s string) string {
	s = strings.TrimSpace(s)
	for _, a := range []string{"The ", "the "} {
		if rest, ok := strings.CutPrefix(s, a); ok {
			return rest
		}
	}
	return s
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
