package ingest_test

import (
	"strings"
	"testing"

	"frontline/geo"
)

// TestSeedArticle reads the seed article (AFP via a Gulf paper, 8 Dec
// 2024), which the repository does not hold: see seedArticle.
func TestSeedArticle(t *testing.T) {
	text := seedArticle(t)
	res := mustParser(t).Parse(text, dec8)
	checkSpans(t, text, res)

	t.Run("places", func(t *testing.T) {
		want := map[string]string{
			"Beirut": "gn:276781", "Damascus": "gn:170654", "Homs": "gn:169577", "Hama": "gn:170017",
			"Aleppo": "gn:170063", "Idlib province": "fl:idlib-province", "Daraa": "gn:170905",
			"Sweida": "gn:172408", "Quneitra": "gn:173334", "Golan Heights": "fl:golan-heights",
			"Latakia": "gn:173576", "Hermel": "gn:279997", "Al Qaim border crossing": "fl:abu-kamal-al-qaim-crossing",
			"Baghdad": "gn:98182", "Jordan": "ne:JO", "Qatar": "fl:qatar", "Moscow": "gn:524901",
			"Tehran": "gn:112931", "Syria": "ne:SY", "Lebanon": "ne:LB", "Iraq": "ne:IQ", "Iran": "fl:iran",
			"Russia": "fl:russia", "United States": "fl:united-states",
			"prison of Sednaya":                   "fl:sednaya-prison",
			"Sednaya' prison":                     "fl:sednaya-prison",
			"Damascus International Airport":      "fl:damascus-international-airport",
			"the capital's international airport": "fl:damascus-international-airport",
			"the capital":                         "gn:170654",
			"the Syrian capital":                  "gn:170654",
			"Daraa province":                      "ne:SY.06",
			"Hama governorate":                    "ne:SY.10",
		}
		for name, id := range want {
			m := findMention(res.Mentions, name)
			if m == nil {
				t.Errorf("no mention %q", name)
				continue
			}
			if m.PlaceID != id {
				t.Errorf("%q is %s (%s), want %s", name, m.PlaceID, m.Name, id)
			}
		}
	})

	t.Run("no people, organisations or adjectives", func(t *testing.T) {
		runes := []rune(text)
		for _, m := range res.Mentions {
			around := string(runes[max(0, m.Start-25):min(len(runes), m.End+25)])
			for _, bad := range []string{"Assad", "Jolani", "Sharaa", "Jalali", "Rahmoun", "Araghchi", "Fidan",
				"Lavrov", "Pedersen", "Trump", "Blinken", "Rania", "Tahrir", "Observatory", "Hezbollah", "Qaeda",
				"Truth Social", "Lebanese", "Iraqi", "Iranian", "Russian", "Turkish", "Israeli", "Britain"} {
				if strings.Contains(m.Text, bad) {
					t.Errorf("mention %q (%s) from %q", m.Text, m.PlaceID, around)
				}
			}
			if strings.Contains(m.Text, "Syrian") && m.Text != "the Syrian capital" {
				t.Errorf("mention %q (%s) from an adjective", m.Text, m.PlaceID)
			}
			if m.InOrg && m.Text != "Damascus" {
				t.Errorf("in_org mention %q: only the Damascus Conquest operations room has one", m.Text)
			}
		}
		if m := findMention(res.Mentions, "Damascus"); m == nil {
			t.Fatal("no Damascus")
		}
		orgs := 0
		for _, m := range res.Mentions {
			if m.InOrg {
				orgs++
			}
		}
		if orgs != 1 {
			t.Errorf("%d in_org mentions, want 1 (Damascus Conquest operations room)", orgs)
		}
	})

	if res.Focus.Country != "SY" || res.Focus.Region != "ne:SY.13" {
		t.Errorf("focus %+v, want Syria, Damascus", res.Focus)
	}

	t.Run("claims", func(t *testing.T) {
		type key struct {
			place, faction string
			status         geo.Status
			quote          string // a phrase of the sentence
		}
		want := []key{
			{"gn:170654", "hts", geo.Claimed, "entering Damascus"},
			{"fl:damascus-international-airport", "hts", geo.Claimed, "abandoned the capital's international airport"},
			{"gn:170654", "hts", geo.Claimed, "moving into the capital"},
			{"fl:sednaya-prison", "hts", geo.Claimed, "broke into the jail"},
			{"gn:169577", "hts", geo.Claimed, "entered Syria's third city"},
			{"gn:169577", "hts", geo.Claimed, "HTS said they had captured"},
			{"gn:169577", "hts", geo.Denied, "denied that rebels had entered Homs"},
			{"gn:169577", "hts", geo.Claimed, "seized by the rebels"},
			{"gn:170063", "hts", geo.Claimed, "They first captured Aleppo"},
			{"fl:damascus-international-airport", "hts", geo.Claimed, "withdrew from Damascus International Airport"},
			{"gn:170654", "hts", geo.Denied, "denied the army had withdrawn"},
			{"gn:170654", "hts", geo.Denied, "There is no truth"},
			{"ne:SY.06", "southern", geo.Claimed, "losing control of all southern Daraa province"},
			{"gn:173334", "southern", geo.Claimed, "evacuating posts in Quneitra"},
			{"gn:172408", "southern", geo.Claimed, "In Sweida"},
		}
		used := make([]bool, len(res.Claims))
		for _, w := range want {
			found := false
			for i, c := range res.Claims {
				if !used[i] && c.PlaceID == w.place && c.Faction == w.faction && c.Status == w.status && strings.Contains(c.Quote, w.quote) {
					used[i], found = true, true
					break
				}
			}
			if !found {
				t.Errorf("no claim %s %s %s from %q", w.status, w.faction, w.place, w.quote)
			}
		}
		for i, c := range res.Claims {
			if !used[i] {
				t.Errorf("unexpected claim %s %s %s from %q", c.Status, c.Faction, c.PlaceID, c.Quote)
			}
			for _, q := range []string{"Al Qaim", "Latakia", "Hermel", "toppled a statue", "left Damascus", "handed over"} {
				if strings.Contains(c.Quote, q) {
					t.Errorf("claim %s %s from a sentence where nothing changes hands: %q", c.PlaceID, c.Action, c.Quote)
				}
			}
			switch c.PlaceID {
			case "gn:170017", "gn:173576", "gn:279997", "fl:abu-kamal-al-qaim-crossing", "gn:98182":
				t.Errorf("claim on %s (%s), which only is advanced on, headed to or passed through: %q", c.PlaceID, c.Name, c.Quote)
			}
		}
		for _, c := range res.Claims {
			if c.Precision != geo.Day && c.Precision != geo.Hour {
				t.Errorf("claim %s: precision %q", c.PlaceID, c.Precision)
			}
			if c.At.Year() != 2024 || c.At.Month() != 12 || c.At.Day() < 7 || c.At.Day() > 8 {
				t.Errorf("claim %s at %s, want 7-8 Dec 2024", c.PlaceID, c.At)
			}
		}
	})
}
