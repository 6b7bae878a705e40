package ingest

import (
	"strings"

	"frontline/geo"
)

// party is who an actor phrase names, before the place is known.
type party int32

const (
	partyNone       party = iota
	partyRebels           // the opposition: HTS's in the north, the southern factions' in the south
	partyHTS              // HTS and the Islamist-led command
	partySouthern         // local factions of Daraa, Sweida and Quneitra
	partySDF              // the Kurdish-led SDF
	partySNA              // the Turkish-backed SNA
	partyCoalition        // the US-backed Syrian Free Army, US forces
	partyIsrael           // Israel's army
	partyISIS             // the Islamic State
	partyGovernment       // the army and its allies
	partyRussia           // Russian forces
	partyGeneric          // "they", "its forces": whoever was named before
)

// actorPhrases maps folded actor phrases to the party they name. Longer
// phrases win, so "Israeli army" is Israel's and "anti government forces"
// the opposition.
var actorPhrases = map[party]string{
	partyHTS: `hts,hayat tahrir sham,tahrir sham,islamist led rebels,islamist led,hts led,hts led rebels,
		military operations command,jolani forces,golani forces,islamist rebels,islamist led forces,
		islamist led fighters,islamist fighters,jihadist led rebels,hts fighters,hts forces,
		islamist hayat tahrir sham group,hayat tahrir sham group,islamist hayat tahrir sham`,
	partyRebels: `rebels,rebel,rebel forces,rebel fighters,rebel factions,rebel groups,rebel group,opposition,
		opposition fighters,opposition forces,opposition factions,armed opposition,insurgents,militants,
		islamists,jihadists,anti government forces,anti government fighters,anti regime forces,armed groups,
		armed factions,operations room,conquest operations room,syrian rebel factions,syrian rebels,
		syrian rebel fighters,syrian opposition,syrian opposition fighters,the opposition`,
	partySouthern: `local fighters,local fighter,local factions,local armed groups,local gunmen,local groups,
		druze fighters,druze factions,druze militias,southern operations room,southern factions,
		southern rebels,eighth brigade,8th brigade,men of dignity,local armed factions,former rebels`,
	partySDF: `sdf,syrian democratic forces,kurdish led forces,kurdish forces,kurdish fighters,kurdish led,
		ypg,kurdish militia,kurdish led sdf,us backed kurdish led forces,us backed sdf,kurdish led syrian democratic forces,
		us backed kurdish led syrian democratic forces,kurdish militias,kurdish led fighters,military council`,
	partySNA: `sna,syrian national army,turkish backed,turkish backed factions,turkish backed rebels,turkey backed,
		pro turkish,turkish backed forces,turkish backed fighters,turkish backed groups,turkey backed factions,
		turkey backed rebels,pro turkish factions,turkish backed syrian national army`,
	partyCoalition: `syrian free army,us backed syrian free army,US forces,US troops,american forces,american troops,
		US led coalition,coalition forces,US backed rebels,US backed syrian free army,revolutionary commando army`,
	partyIsrael: `israeli troops,israeli forces,israeli army,israeli military,israeli soldiers,israel,idf,
		israeli tanks,israel defense forces,israeli defence forces`,
	partyISIS: `islamic state,IS,isis,isil,daesh,jihadists of IS,IS jihadists,IS fighters,islamic state group,
		islamic state jihadists,islamic state fighters`,
	partyGovernment: `government forces,government troops,army,syrian army,regime forces,regime,troops,soldiers,
		syrian troops,armed forces,security forces,pro government forces,pro government fighters,loyalists,
		loyalist forces,military,syrian military,government,syrian government,assad government,hezbollah,
		iran backed,iran backed militias,iran backed fighters,officers,assad forces,regime troops,army troops,
		syrian soldiers,government soldiers,our armed forces,syrian armed forces,syrian regime,syrian regime forces,
		pro assad forces,assad regime,forces loyal to assad,troops loyal to assad,fighters loyal to assad,
		forces loyal to the government,forces loyal to president bashar assad,forces loyal to bashar assad`,
	partyRussia: `russian forces,russian troops,russian military,russia,russian army,russian soldiers`,
	partyGeneric: `they,forces,fighters,its forces,their forces,its fighters,their fighters,we,them,gunmen,
		factions,groups,the same factions,the same fighters,the same groups,the same forces,its units,units,
		commandos,patrols,its troops,their troops,armed men,militiamen,their units,the group`,
}

// forceNouns name armed men; after a country's adjective they name its
// forces ("Israeli commandos", "Russian troops").
var forceNouns = []string{"troops", "forces", "soldiers", "commandos", "patrols", "tanks", "units", "army",
	"military", "fighters", "jets", "warplanes", "drones", "special forces", "ground forces", "armoured units",
	"infantry", "paratroopers", "navy", "military police", "militias", "militiamen"}

// forceAdjectives give forceNouns their party.
var forceAdjectives = map[string]party{
	"israeli": partyIsrael, "russian": partyRussia, "US": partyCoalition, "american": partyCoalition,
	"turkish backed": partySNA, "turkey backed": partySNA, "kurdish": partySDF, "kurdish led": partySDF,
	"iranian": partyGovernment, "iran backed": partyGovernment, "syrian": partyGovernment,
	"government": partyGovernment, "regime": partyGovernment, "pro government": partyGovernment,
	"rebel": partyRebels, "opposition": partyRebels, "islamist": partyHTS, "islamist led": partyHTS,
	"hts": partyHTS, "jihadist": partyRebels, "insurgent": partyRebels, "sdf": partySDF, "sna": partySNA,
	"islamic state": partyISIS, "IS": partyISIS, "local": partySouthern, "druze": partySouthern,
	"southern": partySouthern, "hezbollah": partyGovernment,
}

// modifiedNouns after a party's name make it an adjective: "government
// lines", "army shelling", "the rebel-run administration".
var modifiedNouns = set(`lines,line,defences,defenses,positions,position,sources,source,officials,official,command,
	commander,commanders,spokesman,spokeswoman,media,shelling,announcement,chief,chiefs,officer,statement,
	strongholds,stronghold,territory,held,run,controlled,checkpoints,checkpoint,bases,base,headquarters,
	offensive,advance,assault,attack,attacks,campaign,counteroffensive,counter,leaders,leader,figures,
	delegation,negotiators,administration,rule,fall,collapse,control,supporters,loyalists,prisons,prison,
	jails,jail,barracks,depots,arsenal,radio,television,tv,news,agency,outlet,channel`)

// acronymOnly are phrase words that name a party only when written in
// capitals: "IS" is the Islamic State, "is" a verb; "US" and "us" alike.
var acronymOnly = set("is,us")

func actorTrie() *trie {
	t := &trie{}
	add := func(ph string, p party) {
		if ws := strings.Fields(strings.ToLower(strings.TrimSpace(ph))); len(ws) > 0 {
			t.insert(ws, nameRef{place: int32(p)})
		}
	}
	for _, p := range []party{partyHTS, partyRebels, partySouthern, partySDF, partySNA, partyCoalition,
		partyIsrael, partyISIS, partyGovernment, partyRussia, partyGeneric} {
		for _, ph := range strings.Split(actorPhrases[p], ",") {
			add(ph, p)
		}
	}
	for adj, p := range forceAdjectives {
		for _, n := range forceNouns {
			add(adj+" "+n, p)
		}
	}
	return t
}

// actor is an actor phrase found in a sentence.
type actor struct {
	first, last int
	party       party
	text        string
	resolved    bool // a pronoun or generic word given the party named before it
	// loser marks a party named after "from" ("took Deir ez-Zor from the
	// SDF"): the side that lost, never the actor nor an antecedent.
	loser bool
}

// unnamedFighters are the bare nouns for armed men of no named side:
// taking a place they are the opposition of the region, never the
// government ("Gunmen took control of the Nasib crossing").
var unnamedFighters = set("fighters,gunmen,men,militiamen")

// findActors lists the actor phrases of the sentence, longest first at
// each word.
func (d *doc) findActors(s *sentence) []actor {
	var out []actor
	for i := s.first; i < s.last; i++ {
		node, best := d.p.actors, -1
		for k := i; k < s.last; k++ {
			tk := &d.toks[k]
			if k > i && tk.breaksPhrase() {
				break
			}
			if acronymOnly[tk.fold] && !tk.allCaps {
				break
			}
			c := node.child(tk.fold)
			if c == nil {
				if k > i && d.midArticle(k, s.last) {
					continue
				}
				break
			}
			node = c
			if len(node.names) > 0 {
				best = k + 1
			}
			if tk.poss && k > i {
				break
			}
		}
		if best < 0 {
			continue
		}
		end := best
		// "the army's general command", "government lines": an adjective.
		// "under rebel control" names the party all the same.
		underControl := i > s.first && d.toks[i-1].fold == "under" && d.fold(end, s.last) == "control"
		if d.toks[end-1].poss || !underControl && end < s.last && modifiedNouns[d.toks[end].fold] && !d.toks[end].breaksPhrase() {
			i = end - 1
			continue
		}
		node = d.p.actors
		for k := i; k < end; k++ {
			if c := node.child(d.toks[k].fold); c != nil {
				node = c
			}
		}
		a := actor{first: i, last: end, party: party(node.names[0].place)}
		a.loser = i > s.first && d.toks[i-1].fold == "from" || i > s.first+1 && d.toks[i-1].fold == "the" && d.toks[i-2].fold == "from"
		a.text = trimArticle(d.text[d.toks[i].bstart:d.toks[end-1].bend])
		// "Islamic State militants": two phrases side by side are one
		// actor, of the party the first names.
		if n := len(out); n > 0 && out[n-1].last == i && !d.toks[i].breaksPhrase() {
			prev := &out[n-1]
			if prev.party == partyGeneric {
				prev.party = a.party
			}
			prev.last = end
			prev.text = trimArticle(d.text[d.toks[prev.first].bstart:d.toks[end-1].bend])
			i = end - 1
			continue
		}
		out = append(out, a)
		i = end - 1
	}
	return out
}

// southGovernorates are where the southern factions, not HTS, took over.
var southGovernorates = set("SY.03,SY.05,SY.06")

// eastGovernorates lie east of the Euphrates or along it, where the
// Kurdish-led SDF held or took ground.
var eastGovernorates = set("SY.01,SY.04,SY.07")

// factionOf maps a party to a faction at the place: the opposition is
// HTS's command in the north and centre, the southern factions in the
// south.
func factionOf(p party, pl *geo.Place) string {
	switch p {
	case partyRebels:
		if pl != nil && (southGovernorates[pl.Admin1] || pl.Kind == geo.BufferZone) {
			return geo.Southern
		}
		return geo.HTS
	case partyHTS:
		return geo.HTS
	case partySouthern:
		return geo.Southern
	case partySDF:
		return geo.SDF
	case partySNA:
		return geo.SNA
	case partyCoalition:
		return geo.Coalition
	case partyIsrael:
		return geo.Israel
	case partyISIS:
		return geo.ISIS
	case partyGovernment:
		return geo.Government
	case partyRussia:
		return geo.Russia
	}
	return geo.None
}

// takerOf is the side that holds a place its holder withdrew from or
// lost, by where the place is: the southern factions in the south, the
// SDF along the Euphrates where the government left, the opposition
// elsewhere (the SNA where the SDF left Aleppo's countryside).
func takerOf(loser party, pl *geo.Place) string {
	if pl == nil || pl.Country != "SY" && pl.ID != "fl:golan-heights" {
		return geo.None
	}
	lost := factionOf(loser, pl)
	if loser == partyNone || loser == partyGeneric {
		lost = geo.Government
	}
	switch {
	case southGovernorates[pl.Admin1] || pl.Kind == geo.BufferZone || pl.ID == "fl:golan-heights":
		if lost == geo.Southern || lost == geo.HTS {
			return geo.None
		}
		return geo.Southern
	case eastGovernorates[pl.Admin1]:
		switch lost {
		case geo.Government, geo.ISIS:
			return geo.SDF
		case geo.SDF:
			return geo.HTS
		}
		return geo.None
	case pl.Admin1 == "SY.09" && lost == geo.SDF:
		return geo.SNA
	}
	switch lost {
	case geo.Government, geo.Russia:
		return geo.HTS
	case geo.HTS:
		return geo.Government
	}
	return geo.None
}

// northGovernorates are where HTS's command came from: Idlib, Aleppo,
// Hama.
var northGovernorates = set("SY.12,SY.09,SY.10")

// originParty names the side of opposition fighters by where they came
// from: "fighters from Daraa", "rebels from the south" are the southern
// factions wherever they fight, "fighters from Idlib" HTS's.
func (d *doc) originParty(s *sentence, actors []actor, ms []int) {
	for k := range actors {
		a := &actors[k]
		if a.party != partyGeneric && a.party != partyRebels || a.last >= s.last-1 {
			continue
		}
		if d.toks[a.last].fold != "from" || d.toks[a.last].breaksPhrase() {
			continue
		}
		j := a.last + 1
		origin, end := partyNone, 0
		if m := d.matchAt(ms, j); m != nil && m.place != nil && !m.bearing && m.place.Country == "SY" {
			switch {
			case southGovernorates[m.place.Admin1]:
				origin = partySouthern
			case northGovernorates[m.place.Admin1]:
				origin = partyHTS
			}
			end = m.last
		} else if d.toks[j].fold == "the" && j+1 < s.last {
			switch d.toks[j+1].fold {
			case "south":
				origin, end = partySouthern, j+2
			case "north", "northwest":
				origin, end = partyHTS, j+2
			}
		}
		if origin == partyNone || k+1 < len(actors) && actors[k+1].first < end {
			continue
		}
		a.party, a.resolved, a.last = origin, true, end
		a.text = trimArticle(d.text[d.toks[a.first].bstart:d.toks[end-1].bend])
	}
}

// bareArmy are the words that name an army without saying whose: the
// Syrian army's, unless the text is speaking of Israel's.
var bareArmy = set("army,military,troops,soldiers")

// foreignArmy gives "the army", "troops" Israel's party when the
// sentence or the one before named Israeli forces: "Israeli commandos
// took the summit. The army said its forces had moved into the buffer
// zone."
func (d *doc) foreignArmy(actors []actor, ctx actorContext) {
	israeli := ctx.subject != nil && ctx.subject.party == partyIsrael
	for k := range actors {
		a := &actors[k]
		if a.party == partyIsrael {
			israeli = true
			continue
		}
		if a.party == partyGovernment && israeli && a.last == a.first+1 && bareArmy[d.toks[a.first].fold] {
			a.party = partyIsrael
		}
	}
}
