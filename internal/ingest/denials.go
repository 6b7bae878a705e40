package ingest

import (
	"frontline/geo"
)

// anchoredClaim is a claim read without an action verb, with the word its
// time is read from.
type anchoredClaim struct {
	claim *geo.Claim
	at    int
}

// presenceVerbs say a party is in a place: "were inside", "was in".
var presenceBe = set("was,were,is,are")

// presenceDenials reads denials that a party is in a place: "denied that
// insurgents were inside Homs", "denied its troops were in Qatana". The
// faction is the side whose presence is denied.
func (d *doc) presenceDenials(s *sentence, actors []actor, ms []int) []anchoredClaim {
	var out []anchoredClaim
	for k := range actors {
		a := &actors[k]
		if a.party == partyNone || a.party == partyGeneric && !a.resolved {
			continue
		}
		j := a.last
		switch {
		case j+1 < s.last && presenceBe[d.toks[j].fold]:
			j++
		case j+2 < s.last && (d.toks[j].fold == "had" || d.toks[j].fold == "have" || d.toks[j].fold == "has") && d.toks[j+1].fold == "been":
			j += 2
		default:
			continue
		}
		now := false
		if f := d.toks[j].fold; f == "still" || f == "already" || f == "now" {
			now = f != "still"
			j++
		}
		if j+1 >= s.last || d.toks[j].breaksPhrase() {
			continue
		}
		switch d.toks[j].fold {
		case "in", "inside", "within":
		default:
			continue
		}
		j++
		m := d.matchAt(ms, j)
		if m == nil && d.toks[j].fold == "the" {
			m = d.matchAt(ms, j+1)
		}
		if m == nil || !eligible(m) || m.place.Country != "SY" {
			continue
		}
		status := geo.Denied
		if !d.deniedBefore(s, a.first) {
			// A presence stated is an entry claimed when it says inside or
			// now ("rebels say they are now inside Hama"), by a side that
			// came there: the army being in its own city is no news, nor
			// are "families" that "said they were now in Idlib".
			inside := d.toks[j-1].fold == "inside" || d.toks[j-1].fold == "within"
			if !inside && !now || a.party == partyGovernment || a.party == partyRussia || a.loser ||
				a.resolved && d.toks[a.first].fold == "they" && !d.partyBefore(actors, k) && d.speechBefore(s, a.first) {
				continue
			}
			status = geo.Claimed
		}
		pl := m.place
		out = append(out, anchoredClaim{at: a.last, claim: &geo.Claim{
			PlaceID: pl.ID, Name: pl.Name, Lon: pl.Point.Lon(), Lat: pl.Point.Lat(),
			Faction: factionOf(a.party, pl), Action: "entered", Actor: a.text, Status: status,
			Attribution: d.attribution(s, a.first),
			Quote:       d.text[s.bstart:s.bend], Start: s.start, End: s.end,
		}})
	}
	return out
}

// priorReach bounds how many claims back a still-held place is looked
// for, so a long text stays linear.
const priorReach = 50

// stillHeld reads a statement that a place is still held ("said its
// forces were still in control of Hatla", "remained in control of Homs")
// after the text said another side took it: a denial of that claim, with
// that side's faction.
func (d *doc) stillHeld(s *sentence, actors []actor, ms []int) []anchoredClaim {
	var out []anchoredClaim
	for k := s.first; k < s.last; k++ {
		switch d.toks[k].fold {
		case "still", "remained", "remain", "remains":
		default:
			continue
		}
		j := k + 1
		if j < s.last && (d.toks[j].fold == "firmly" || d.toks[j].fold == "fully") {
			j++
		}
		switch {
		case d.fold(j, s.last) == "in" && d.fold(j+1, s.last) == "control" && d.fold(j+2, s.last) == "of":
			j += 3
		case d.fold(j, s.last) == "in" && d.fold(j+2, s.last) == "control" && d.fold(j+3, s.last) == "of":
			j += 4 // "in full control of"
		case d.fold(j, s.last) == "held" || d.fold(j, s.last) == "holds" || d.fold(j, s.last) == "controlled" || d.fold(j, s.last) == "controls":
			j++
		default:
			continue
		}
		m := d.matchAt(ms, j)
		if m == nil && d.fold(j, s.last) == "the" {
			m = d.matchAt(ms, j+1)
		}
		if m == nil || !eligible(m) {
			continue
		}
		var prior *geo.Claim
		for n := len(d.recent) - 1; n >= 0 && n >= len(d.recent)-priorReach; n-- {
			if c := d.recent[n]; c.PlaceID == m.place.ID && c.Status == geo.Claimed && c.Faction != geo.None {
				prior = c
				break
			}
		}
		if prior == nil {
			continue
		}
		// "Rebels said they still held Homs" confirms, not denies.
		var act *actor
		for n := len(actors) - 1; n >= 0; n-- {
			if actors[n].last <= k {
				act = &actors[n]
				break
			}
		}
		if act != nil && !act.resolved && act.party != partyGeneric && factionOf(act.party, m.place) == prior.Faction {
			continue
		}
		pl := m.place
		out = append(out, anchoredClaim{at: k, claim: &geo.Claim{
			PlaceID: pl.ID, Name: pl.Name, Lon: pl.Point.Lon(), Lat: pl.Point.Lat(),
			Faction: prior.Faction, Action: prior.Action, Actor: prior.Actor, Status: geo.Denied,
			Attribution: d.attribution(s, k),
			Quote:       d.text[s.bstart:s.bend], Start: s.start, End: s.end,
		}})
	}
	return out
}

// speechBefore reports whether a speech verb stands just before word k:
// "families said they", where "they" are the speakers.
func (d *doc) speechBefore(s *sentence, k int) bool {
	for j := k - 1; j >= s.first && j >= k-2; j-- {
		if speechVerbs[d.toks[j].fold] {
			return true
		}
	}
	return false
}
