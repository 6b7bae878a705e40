package ingest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"frontline/geo"
	"frontline/internal/ingest"
)

var dec8 = time.Date(2024, 12, 8, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, text string) ingest.Result {
	t.Helper()
	res := mustParser(t).Parse(text, dec8)
	checkSpans(t, text, res)
	return res
}

// checkSpans holds every mention and claim to its offsets: code points,
// within the text, spelling the mention's text or the claim's quote.
func checkSpans(t testing.TB, text string, res ingest.Result) {
	t.Helper()
	runes := []rune(text)
	for _, m := range res.Mentions {
		if m.Start < 0 || m.End > len(runes) || m.Start >= m.End {
			t.Fatalf("mention %q: span [%d,%d) out of the text (%d code points)", m.Text, m.Start, m.End, len(runes))
		}
		if got := string(runes[m.Start:m.End]); got != m.Text {
			t.Fatalf("mention [%d,%d) spells %q, says %q", m.Start, m.End, got, m.Text)
		}
	}
	for _, c := range res.Claims {
		if c.Start < 0 || c.End > len(runes) || c.Start >= c.End {
			t.Fatalf("claim quote span [%d,%d) out of the text", c.Start, c.End)
		}
		if got := string(runes[c.Start:c.End]); got != c.Quote {
			t.Fatalf("claim quote [%d,%d) spells %q, says %q", c.Start, c.End, got, c.Quote)
		}
	}
}

func describeMentions(ms []geo.Mention) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "\n  %q [%d,%d) %s %s org=%v", m.Text, m.Start, m.End, m.PlaceID, m.Name, m.InOrg)
	}
	return b.String()
}

// wantMention is a mention a text must have: its text, place and,
// when set, its start.
type wantMention struct {
	text, place string
	inOrg       bool
}

func findMention(ms []geo.Mention, text string) *geo.Mention {
	for i := range ms {
		if ms[i].Text == text {
			return &ms[i]
		}
	}
	return nil
}

func TestGeoparse(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []wantMention // exactly these mentions, in order
	}{
		{"people are not places",
			"President Bashar al-Assad, Bashar Al Assad's brother Maher and his father Hafez al-Assad met Abu Mohammed al-Golani, Al Jolani and Ahmed al-Sharaa.",
			nil},
		{"officials by title and given name",
			"Prime Minister Mohammed al-Jalali, Interior Minister Mohammed al-Rahmoun, Abbas Araghchi, Hakan Fidan, Sergei Lavrov and envoy Geir Pedersen spoke; one woman, Rania, wept.",
			nil},
		{"a known name hides a place inside it",
			"Al Sharaa thanked Jolani and Sharaa's deputies.",
			nil},
		{"a place longer than a person's name",
			"Flights resumed at Bassel al-Assad International Airport.",
			[]wantMention{{"Bassel al-Assad International Airport", "fl:latakia-airport", false}}},
		{"organisations are not places",
			"Hayat Tahrir al-Sham, the Syrian Observatory for Human Rights, the Syrian Democratic Forces, the Syrian National Army, Sham FM, Hezbollah, Al Qaeda, Truth Social, the United Nations, the Security Council and SANA all spoke.",
			nil},
		{"a place inside an organisation is in_org",
			"The University of Aleppo, the Damascus Conquest operations room, the Manbij Military Council and the Deir ez-Zor Military Council issued statements.",
			[]wantMention{{"Aleppo", "gn:170063", true}, {"Damascus", "gn:170654", true}, {"Manbij", "gn:167357", true}, {"Deir ez-Zor", "gn:170794", true}}},
		{"adjectives and demonyms",
			"Syrian, Iraqi, Lebanese, Iranian, Russian and Turkish officials met Kurdish-led, Turkish-backed and US-backed fighters from the Israeli-annexed heights and Britain-based and Iran-backed groups.",
			nil},
		{"highways, months, weekdays and common words",
			"On Sunday in December the Army cut the M4 and M5 highways. Central Command said the Observatory was wrong. Side roads stayed open.",
			nil},
		{"the capital",
			"Rebels reached Homs and then the capital, where the Syrian capital's residents hid.",
			[]wantMention{{"Homs", "gn:169577", false}, {"the capital", "gn:170654", false}, {"the Syrian capital", "gn:170654", false}}},
		{"the capital named after it",
			"Rebels in Aleppo moved on the Syrian capital Damascus.",
			[]wantMention{{"Aleppo", "gn:170063", false}, {"Damascus", "gn:170654", false}}},
		{"the capital of another country",
			"Syrian soldiers fled from Homs to the Lebanese capital.",
			[]wantMention{{"Homs", "gn:169577", false}, {"the Lebanese capital", "gn:276781", false}}},
		{"the capital's airport",
			"Troops in Syria abandoned the capital's international airport.",
			[]wantMention{{"Syria", "ne:SY", false}, {"the capital's international airport", "fl:damascus-international-airport", false}}},
		{"longest match",
			"Damascus International Airport, Sednaya prison, the prison of Sednaya, the Al Qaim border crossing, Mount Hermon, the Golan Heights and Tishrin Dam.",
			[]wantMention{
				{"Damascus International Airport", "fl:damascus-international-airport", false},
				{"Sednaya prison", "fl:sednaya-prison", false},
				{"prison of Sednaya", "fl:sednaya-prison", false},
				{"Al Qaim border crossing", "fl:abu-kamal-al-qaim-crossing", false},
				{"Mount Hermon", "fl:mount-hermon", false},
				{"Golan Heights", "fl:golan-heights", false},
				{"Tishrin Dam", "fl:tishrin-dam", false},
			}},
		{"districts and provinces",
			"Kurdish fighters held Sheikh Maqsoud while rebels crossed Idlib province and Daraa province.",
			[]wantMention{{"Sheikh Maqsoud", "fl:sheikh-maqsoud", false}, {"Idlib province", "fl:idlib-province", false}, {"Daraa province", "ne:SY.06", false}}},
		{"the provinces of",
			"Thousands fled the provinces of Idlib and Aleppo.",
			[]wantMention{{"Idlib", "ne:SY.12", false}, {"Aleppo", "ne:SY.09", false}}},
		{"quoted name before its feature word",
			"The doors of the infamous 'Sednaya' prison were opened.",
			[]wantMention{{"Sednaya' prison", "fl:sednaya-prison", false}}},
		{"places abroad and countries",
			"Beirut, Moscow, Tehran and Baghdad spoke; Qatar, Jordan, Iraq, Lebanon, Turkey, Israel, Iran and Russia too, as did the United States, on Syria.",
			[]wantMention{
				{"Beirut", "gn:276781", false}, {"Moscow", "gn:524901", false}, {"Tehran", "gn:112931", false},
				{"Baghdad", "gn:98182", false}, {"Qatar", "fl:qatar", false}, {"Jordan", "ne:JO", false},
				{"Iraq", "ne:IQ", false}, {"Lebanon", "ne:LB", false}, {"Turkey", "ne:TR", false},
				{"Israel", "ne:IL", false}, {"Iran", "fl:iran", false}, {"Russia", "fl:russia", false},
				{"United States", "fl:united-states", false}, {"Syria", "ne:SY", false},
			}},
		{"buffer zone in lower case",
			"Israeli tanks entered the buffer zone.",
			[]wantMention{{"buffer zone", "ne:SY.UNDOF", false}}},
		{"Arabic script",
			"دخل المقاتلون حماة وحلب",
			[]wantMention{{"حماة", "gn:170017", false}, {"حلب", "gn:170063", false}}},
		{"Arabic common nouns",
			"السجن المركزي في المدينة",
			nil},
		{"a two-place name is two places",
			"Residents of Nubl and Zahraa fled.",
			[]wantMention{{"Nubl", "gn:166331", false}, {"Zahraa", "fl:zahraa", false}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := parse(t, c.text)
			if len(res.Mentions) != len(c.want) {
				t.Fatalf("%d mentions, want %d:%s", len(res.Mentions), len(c.want), describeMentions(res.Mentions))
			}
			for i, w := range c.want {
				m := res.Mentions[i]
				if m.Text != w.text || m.PlaceID != w.place || m.InOrg != w.inOrg {
					t.Errorf("mention %d is %q %s org=%v, want %q %s org=%v", i, m.Text, m.PlaceID, m.InOrg, w.text, w.place, w.inOrg)
				}
				if m.Score <= 0 || m.Score > 1 {
					t.Errorf("mention %q: score %v outside (0, 1]", m.Text, m.Score)
				}
			}
		})
	}
}

func TestCodePointOffsets(t *testing.T) {
	text := "Über Ḩamāh — «حماة» — and then Aleppo."
	res := parse(t, text)
	want := map[string]int{"Ḩamāh": 5, "حماة": 14, "Aleppo": 31}
	for name, start := range want {
		m := findMention(res.Mentions, name)
		if m == nil {
			t.Fatalf("no mention %q:%s", name, describeMentions(res.Mentions))
		}
		if m.Start != start || m.End != start+len([]rune(name)) {
			t.Errorf("%q at [%d,%d), want [%d,%d)", name, m.Start, m.End, start, start+len([]rune(name)))
		}
	}
	if m := findMention(res.Mentions, "Ḩamāh"); m.PlaceID != "gn:170017" {
		t.Errorf("Ḩamāh is %s, want gn:170017", m.PlaceID)
	}
}

func TestFocusResolvesAmbiguity(t *testing.T) {
	cases := []struct {
		name, text, mention, want, country string
	}{
		{"Homs is Syria's", "Fighting raged in Homs.", "Homs", "gn:169577", "SY"},
		{"Tripoli beside Syria is Lebanon's", "Refugees from Homs and Hama reached Tripoli, officials in Syria said.", "Tripoli", "gn:266826", "SY"},
		{"Tripoli in a Libyan report is Libya's", "Militias from Misrata and Zliten clashed near Benghazi, Sirte and Tripoli.", "Tripoli", "gn:2210247", "LY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := parse(t, c.text)
			m := findMention(res.Mentions, c.mention)
			if m == nil {
				t.Fatalf("no mention %q:%s", c.mention, describeMentions(res.Mentions))
			}
			if m.PlaceID != c.want {
				t.Errorf("%s is %s (%s), want %s", c.mention, m.PlaceID, m.Name, c.want)
			}
			if res.Focus.Country != c.country {
				t.Errorf("focus %+v, want country %s", res.Focus, c.country)
			}
		})
	}
}

func TestFocusRegion(t *testing.T) {
	res := parse(t, "Rebels took Hama and Salamiyah, and fighting spread to Homs. Hama residents fled as the army left Mhardeh.")
	if res.Focus.Country != "SY" || res.Focus.CountryName != "Syria" {
		t.Errorf("focus country %+v, want Syria", res.Focus)
	}
	if res.Focus.Region != "ne:SY.10" || res.Focus.RegionName != "Hama" {
		t.Errorf("focus region %s %s, want ne:SY.10 Hama", res.Focus.Region, res.Focus.RegionName)
	}
}

func TestEmptyAndPlaceless(t *testing.T) {
	for _, text := range []string{"", "   ", "\n\n", "Nothing happened here today.", "!!! ... ???"} {
		res := parse(t, text)
		if len(res.Mentions) != 0 || len(res.Claims) != 0 {
			t.Errorf("%q: %d mentions, %d claims", text, len(res.Mentions), len(res.Claims))
		}
		if res.Mentions == nil || res.Claims == nil {
			t.Errorf("%q: nil slices; want empty ones for JSON", text)
		}
	}
}
