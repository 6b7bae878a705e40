package ingest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"frontline/geo"
)

func describeClaims(cs []*geo.Claim) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n  %s (%s) %s %s %q by %q at %s/%s attr %q", c.PlaceID, c.Name, c.Faction, c.Status,
			c.Action, c.Actor, c.At.Format(time.RFC3339), c.Precision, c.Attribution)
	}
	return b.String()
}

// wantClaim is what a claim must say; empty fields are not checked.
type wantClaim struct {
	place, faction string
	status         geo.Status
	action, actor  string
	at             time.Time
	prec           geo.Precision
	attribution    string
}

func local(day, hour int) time.Time {
	return time.Date(2024, 12, day, hour, 0, 0, 0, time.FixedZone("UTC+3", 3*3600)).UTC()
}

func TestClaims(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []wantClaim
	}{
		{"capture with actor, time and source",
			"Islamist-led rebels captured Hama on Thursday, a war monitor said.",
			[]wantClaim{{place: "gn:170017", faction: "hts", status: geo.Claimed, action: "captured", actor: "Islamist-led rebels",
				at: local(5, 12), prec: geo.Day, attribution: "Syrian Observatory for Human Rights"}}},
		{"took control of, told AFP",
			"Local fighters took control of Sweida late on Friday, a resident told AFP.",
			[]wantClaim{{place: "gn:172408", faction: "southern", action: "took control of", at: local(6, 22), prec: geo.Hour, attribution: "AFP"}}},
		{"rebels in the south are the southern factions",
			"Rebels entered Daraa early on December 7.",
			[]wantClaim{{place: "gn:170905", faction: "southern", action: "entered", at: local(7, 4), prec: geo.Hour}}},
		{"the early hours of a date",
			"Rebels entered Sweida in the early hours of December 7.",
			[]wantClaim{{place: "gn:172408", faction: "southern", at: local(7, 4), prec: geo.Hour}}},
		{"withdrawal: the side that takes over",
			"Government forces withdrew from Hama overnight, Reuters reported.",
			[]wantClaim{{place: "gn:170017", faction: "hts", action: "withdrew from", actor: "Government forces", at: local(8, 2), prec: geo.Hour, attribution: "Reuters"}}},
		{"withdrawal in the east is the SDF's",
			"The army abandoned Deir ez-Zor on Friday.",
			[]wantClaim{{place: "gn:170794", faction: "sdf", action: "abandoned"}}},
		{"the SDF leaving Manbij is the SNA's",
			"The Syrian Democratic Forces withdrew from Manbij.",
			[]wantClaim{{place: "gn:167357", faction: "sna"}}},
		{"a loss names its taker",
			"Kurdish-led forces lost control of Tal Rifaat to Turkish-backed fighters.",
			[]wantClaim{{place: "gn:163476", faction: "sna", action: "lost control of"}}},
		{"Israeli troops",
			"Israeli troops moved into the buffer zone on Sunday.",
			[]wantClaim{{place: "ne:SY.UNDOF", faction: "israel", action: "moved into", at: local(8, 12)}}},
		{"Islamic State",
			"Islamic State jihadists seized Sukhnah last week.",
			[]wantClaim{{place: "gn:172425", faction: "isis", at: local(1, 12)}}},
		{"US-backed Syrian Free Army",
			"The US-backed Syrian Free Army captured Palmyra.",
			[]wantClaim{{place: "gn:163808", faction: "coalition"}}},
		{"government recapture",
			"Government forces recaptured Khanasir yesterday.",
			[]wantClaim{{place: "gn:168351", faction: "government", action: "recaptured", at: local(7, 12)}}},
		{"coordinated places",
			"Insurgents seized the towns of Rastan and Talbiseh.",
			[]wantClaim{{place: "gn:172946", faction: "hts"}, {place: "gn:163779", faction: "hts"}}},
		{"passive",
			"Homs was the third city seized by the rebels.",
			[]wantClaim{{place: "gn:169577", faction: "hts", action: "seized"}}},
		{"a pronoun takes the previous subject",
			"Opposition fighters swept out of Idlib province. They first captured Aleppo.",
			[]wantClaim{{place: "gn:170063", faction: "hts", actor: "Opposition fighters"}}},
		{"denial of a capture",
			"The defence ministry denied that rebels had entered Homs.",
			[]wantClaim{{place: "gn:169577", faction: "hts", status: geo.Denied, action: "entered", attribution: "defence ministry"}}},
		{"denial of a withdrawal",
			"Officials in the capital denied the army had withdrawn from villages around Hama.",
			[]wantClaim{{place: "gn:170017", faction: "hts", status: geo.Denied, action: "withdrew from"}}},
		{"no truth to news",
			`A military spokesman said: "There is no truth to news claiming our units have withdrawn" from positions near Hama.`,
			[]wantClaim{{place: "gn:170017", faction: "hts", status: geo.Denied}}},
		{"reports called untrue",
			"The defence ministry said reports of an army withdrawal from Hama were untrue.",
			[]wantClaim{{place: "gn:170017", faction: "hts", status: geo.Denied}}},
		{"the jail named in the sentence",
			"They announced the end of tyranny in the prison of Sednaya as they broke into the jail.",
			[]wantClaim{{place: "fl:sednaya-prison", action: "broke into"}}},
		{"the country's third city",
			"Rebels celebrated in Homs after rebel forces entered Syria's third city overnight.",
			[]wantClaim{{place: "gn:169577", faction: "hts", action: "entered"}}},
		{"a fronted place",
			"In Sweida, a fighter said that after government forces withdrew, they secured the offices.",
			[]wantClaim{{place: "gn:172408", faction: "southern"}}},
		{"a border crossing abroad",
			"Kurdish-led forces took control of the Al Qaim border crossing.",
			[]wantClaim{{place: "fl:abu-kamal-al-qaim-crossing", faction: "sdf"}}},
		{"a denial whose places are the previous sentence's",
			"Rebels said they had captured Karnaz and Tremseh. The army denied losing them.",
			[]wantClaim{{place: "gn:167739", faction: "hts", status: geo.Claimed}, {place: "gn:9847679", faction: "hts", status: geo.Claimed},
				{place: "gn:167739", faction: "hts", status: geo.Denied}, {place: "gn:9847679", faction: "hts", status: geo.Denied}}},
		{"handed over to its fighters: the main clause's subject",
			"The SDF said the army had handed over its positions in Mayadin to its fighters.",
			[]wantClaim{{place: "gn:173480", faction: "sdf", action: "handed over"}}},
		{"a party after from is the loser",
			"Military Operations Command forces said they took Deir ez-Zor from the SDF on Tuesday.",
			[]wantClaim{{place: "gn:170794", faction: "hts"}}},
		{"a passive with the loser after from",
			"Mayadin was taken from the SDF within hours.",
			[]wantClaim{{place: "gn:173480", faction: "hts"}}},
		{"unnamed fighters carry over the taker, not the loser",
			"The SDF withdrew from Al-Tibni on Tuesday. Fighters also entered Mayadin.",
			[]wantClaim{{place: "gn:172327", faction: "hts"}, {place: "gn:173480", faction: "hts", action: "entered"}}},
		{"unnamed gunmen are never the government",
			"The army said it was regrouping in Daraa. Gunmen took control of Jasim.",
			[]wantClaim{{place: "gn:165997", faction: "southern"}}},
		{"an origin in an advancing clause is the taker",
			"Government forces withdrew from Kiswah as fighters from Daraa closed in.",
			[]wantClaim{{place: "gn:173598", faction: "southern", action: "withdrew from"}}},
		{"state media's restored security and stability",
			"Army units restored security and stability to Halfaya, state news agency SANA said.",
			[]wantClaim{{place: "gn:170044", faction: "government", action: "recaptured", attribution: "Syrian state media"}}},
		{"had come under the control of",
			"Halfaya had come under the control of the rebels.",
			[]wantClaim{{place: "gn:170044", faction: "hts"}}},
		{"a presence claimed",
			"Rebels say they are now inside Hama.",
			[]wantClaim{{place: "gn:170017", faction: "hts", status: geo.Claimed, action: "entered"}}},
		{"reached the centre of",
			"Rebels had reached the centre of Homs.",
			[]wantClaim{{place: "gn:169577", faction: "hts", action: "entered"}}},
		{"had taken with an appositive",
			"The Syrian Free Army said it had taken the desert city of Palmyra.",
			[]wantClaim{{place: "gn:163808", faction: "coalition"}}},
		{"a withdrawal with its object before out of",
			"The SDF said it had pulled hundreds of its fighters out of Muhassan.",
			[]wantClaim{{place: "gn:162284", faction: "hts", action: "withdrew from"}}},
		{"a claim in a relative clause after a future",
			"The SDF said its fighters would leave Manbij, which Turkish-backed factions captured on Monday.",
			[]wantClaim{{place: "gn:167357", faction: "sna", action: "captured"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := parse(t, c.text)
			if len(res.Claims) != len(c.want) {
				t.Fatalf("%d claims, want %d:%s", len(res.Claims), len(c.want), describeClaims(res.Claims))
			}
			for i, w := range c.want {
				got := res.Claims[i]
				check := func(field, have, want string) {
					if want != "" && have != want {
						t.Errorf("claim %d %s = %q, want %q", i, field, have, want)
					}
				}
				check("place", got.PlaceID, w.place)
				check("faction", got.Faction, w.faction)
				check("status", string(got.Status), string(w.status))
				check("action", got.Action, w.action)
				check("actor", got.Actor, w.actor)
				check("precision", string(got.Precision), string(w.prec))
				check("attribution", got.Attribution, w.attribution)
				if !w.at.IsZero() && !got.At.Equal(w.at) {
					t.Errorf("claim %d at %s, want %s", i, got.At.Format(time.RFC3339), w.at.Format(time.RFC3339))
				}
				if got.Status == "" || got.Faction == "" || geo.FactionByID(got.Faction) == nil {
					t.Errorf("claim %d: status %q, faction %q", i, got.Status, got.Faction)
				}
				if got.ID != 0 || got.Article != 0 || got.Review != "" {
					t.Errorf("claim %d: ID, Article and Review are the store's to set", i)
				}
				if got.Quote == "" {
					t.Errorf("claim %d has no quote", i)
				}
			}
		})
	}
}

// TestNoClaims holds sentences that name places where nothing changes
// hands.
func TestNoClaims(t *testing.T) {
	for _, text := range []string{
		"Hundreds of soldiers fled into Iraq through the Al Qaim border crossing.",
		"State television said troops were inside Hama to repel any attack.",
		"Troops said they had pulled the wounded out of the rubble in Homs.",
		"Government troops handed over their weapons in Deir ez-Zor.",
		"The SDF would pull its fighters out of Manbij under the truce.",
		"State media said the army would restore security and stability to Hama.",
		"Rebels have held the city of Idlib since 2015.",
		"Displaced families said they were now inside Idlib.",
		"Other units reached the outskirts of Hama.",
		"Russian and Syrian jets struck Idlib and Sarmada on Wednesday.",
		"Turkey's foreign minister said in Ankara that the fighting must stop.",
		"Some fighters were heading to Latakia and others to the Hermel area in Lebanon.",
		"They first moved north and then advanced on Hama.",
		"In a Damascus suburb, protesters toppled a statue of Assad's father.",
		"Syrian President Bashar al-Assad boarded a plane and left Damascus.",
		"Offices in Hama are to stay under the governor until they are formally handed over.",
		"The army was ordered to withdraw from the Homs area.",
		"Hezbollah instructed its fighters to withdraw from the Homs area.",
		"Residents of Nubl and Zahraa evacuated their homes.",
		"The Kurdish-led administration still held Raqqa.",
		"Mazloum Abdi said his forces would not hand over the Tishrin Dam.",
		"The prime minister said he was ready to hand over power in Damascus.",
		"AFPTV images from Hama showed abandoned tanks.",
		"Insurgents pushed into the northern countryside of Hama province.",
		"Syria's army chief of staff flew to Hama.",
		"Gunfire: 'Entering Damascus'\n\nResidents hid indoors.",
		"Israeli troops crossed into Lebanon.",
		"Rebels said they would capture Homs within days.",
		"In Hama, a statue of Hafez al-Assad was toppled.",
		"Captured soldiers were paraded through Hama.",
		"Rebels toured the captured city of Hama.",
	} {
		t.Run(text, func(t *testing.T) {
			res := parse(t, text)
			if len(res.Claims) != 0 {
				t.Errorf("%d claims, want none:%s", len(res.Claims), describeClaims(res.Claims))
			}
		})
	}
}

func TestOneLineWithoutStopIsNoHeadline(t *testing.T) {
	res := parse(t, "Rebels entered Damascus")
	if len(res.Claims) != 1 || res.Claims[0].PlaceID != "gn:170654" {
		t.Errorf("claims:%s", describeClaims(res.Claims))
	}
}

func TestClaimWithoutTimeTakesPublication(t *testing.T) {
	res := parse(t, "Rebels captured Saraqib.")
	if len(res.Claims) != 1 {
		t.Fatalf("%d claims:%s", len(res.Claims), describeClaims(res.Claims))
	}
	if c := res.Claims[0]; !c.At.Equal(dec8) || c.Precision != geo.Day {
		t.Errorf("at %s/%s, want the publication time at day precision", c.At, c.Precision)
	}
	res = mustParser(t).Parse("Rebels captured Saraqib on Friday.", time.Time{})
	if len(res.Claims) != 1 {
		t.Fatalf("%d claims:%s", len(res.Claims), describeClaims(res.Claims))
	}
	if c := res.Claims[0]; !c.At.IsZero() || c.Precision != "" {
		t.Errorf("unknown publication: at %s/%q, want none", c.At, c.Precision)
	}
}

func TestClaimQuoteIsItsSentence(t *testing.T) {
	text := "Fighting went on. “We have taken Hama,” a commander said on Thursday. Dec. 5 was calm."
	res := parse(t, text)
	if len(res.Claims) != 1 {
		t.Fatalf("%d claims:%s", len(res.Claims), describeClaims(res.Claims))
	}
	if want := "“We have taken Hama,” a commander said on Thursday."; res.Claims[0].Quote != want {
		t.Errorf("quote %q, want %q", res.Claims[0].Quote, want)
	}
}

func TestClaimConstructions(t *testing.T) {
	cases := []struct {
		text           string
		place, faction string
		action         string
	}{
		{"Hama fell on Thursday after a week of fighting.", "gn:170017", "hts", "fell"},
		{"The city of Homs has fallen, residents said.", "gn:169577", "hts", "fell"},
		{"Aleppo fell into rebel hands within two days.", "gn:170063", "hts", "fell to"},
		{"Deir ez-Zor came under the control of Kurdish-led forces on Friday.", "gn:170794", "sdf", "came under control of"},
		{"By evening Daraa was now under rebel control.", "gn:170905", "southern", "came under control of"},
		{"Insurgents drove government troops out of Saraqib.", "gn:164816", "hts", "drove out of"},
		{"The SDF expelled the army from Qamishli.", "gn:173377", "sdf", "drove out of"},
		{"Government soldiers fled Qusayr overnight.", "gn:173322", "hts", "fled"},
		{"The airport was handed over to the Syrian Democratic Forces in Qamishli.", "", "", ""},
		{"Hasakah was handed over to the Syrian Democratic Forces.", "gn:173811", "sdf", "handed over"},
		{"Rebels wrested Maarat al-Numan from the army.", "gn:167611", "hts", "captured"},
		{"HTS declared control over Hama.", "gn:170017", "hts", "took control of"},
		{"Hama was taken by the rebels.", "gn:170017", "hts", "captured"},
		{"Rebels now control Hama.", "gn:170017", "hts", "took control of"},
		{"Rebels said they were in full control of Hama.", "gn:170017", "hts", "took control of"},
		{"By Sunday Homs was now in rebel hands.", "gn:169577", "hts", "came under control of"},
		{"Rebels claimed to have captured Saraqib.", "gn:164816", "hts", "captured"},
		{"Forces loyal to Assad retook Khanasir.", "gn:168351", "government", "recaptured"},
		{"Rebels entered Daraa in the early hours of December 7.", "gn:170905", "southern", "entered"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			res := parse(t, c.text)
			if c.place == "" {
				for _, cl := range res.Claims {
					if cl.PlaceID == "gn:173377" {
						t.Errorf("the city is not the airport:%s", describeClaims(res.Claims))
					}
				}
				return
			}
			if len(res.Claims) != 1 {
				t.Fatalf("%d claims, want 1:%s", len(res.Claims), describeClaims(res.Claims))
			}
			got := res.Claims[0]
			if got.PlaceID != c.place || got.Faction != c.faction || got.Action != c.action {
				t.Errorf("got %s %s %q, want %s %s %q", got.PlaceID, got.Faction, got.Action, c.place, c.faction, c.action)
			}
		})
	}
}

func TestNoClaimsFromOtherUses(t *testing.T) {
	for _, text := range []string{
		"Thousands of residents fled Homs overnight.",
		"About 2,000 Syrian soldiers fled into Iraq through the Al Qaim border crossing.",
		"A shell fell near Homs.",
		"In Homs, prices fell sharply.",
		"Raqqa is still under the control of the Kurdish-led administration.",
		"Families were pushed from their homes in Hama.",
		"Government troops remained in control of Tartus.",
		"The army still controls Latakia.",
	} {
		t.Run(text, func(t *testing.T) {
			res := parse(t, text)
			if len(res.Claims) != 0 {
				t.Errorf("%d claims, want none:%s", len(res.Claims), describeClaims(res.Claims))
			}
		})
	}
}
