package ingest_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"frontline/data"
	"frontline/internal/geocode"
	"frontline/internal/ingest"
)

var (
	parserOnce sync.Once
	parser     *ingest.Parser
	parserErr  error
)

// mustParser returns a parser over the embedded gazetteer, built once.
func mustParser(tb testing.TB) *ingest.Parser {
	tb.Helper()
	parserOnce.Do(func() {
		var gz *geocode.Gazetteer
		if gz, parserErr = geocode.LoadGazetteer(data.FS); parserErr == nil {
			parser = ingest.NewParser(gz)
		}
	})
	if parserErr != nil {
		tb.Fatal(parserErr)
	}
	return parser
}

// seedPath finds the seed article: $FRONTLINE_SEED, else shared/seed/
// beside the checkout, looked for from the package directory upwards.
func seedPath() string {
	if p := os.Getenv("FRONTLINE_SEED"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for range 6 {
		p := filepath.Join(dir, "shared", "seed", "article.txt")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// seedArticle returns the seed article's text, or skips when the checkout
// has no shared/seed beside it. Its text is not kept in the repository.
func seedArticle(tb testing.TB) string {
	tb.Helper()
	p := seedPath()
	if p == "" {
		tb.Skip("seed article not found: set FRONTLINE_SEED or keep ../shared/seed/article.txt beside the checkout")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// variedSentences are wire-style sentences of our own, for the benchmark
// and the fuzz seeds: places in several scripts, people, organisations,
// times and claims of every kind.
var variedSentences = []string{
	"ALEPPO, Nov 30 (Wire) - Insurgents captured the Nayrab air base and the town of Khan Touman on Saturday, a war monitor said.",
	"Government troops withdrew from Khan Sheikhoun overnight, according to the Syrian Observatory for Human Rights.",
	"The army denied that rebels had reached the centre of Ḩamāh, saying its units held their positions.",
	"مقاتلون دخلوا حماة صباح الخميس وسيطروا على السجن المركزي",
	"Kurdish-led forces took over Deir ez-Zor after Iran-backed militias pulled out late on Thursday.",
	"Turkish-backed factions seized Tal Rifaat from the SDF on Sunday, Turkey's defence ministry said.",
	"Israeli troops entered the UN buffer zone near Quneitra, Israel's army said on Monday.",
	"Abu Mohammed al-Golani told CNN in Aleppo that HTS had no plans to rule by force.",
	"The Manbij Military Council said it still held the Tishrin Dam east of the town.",
	"Hezbollah fighters abandoned their posts in Qusayr and crossed into Lebanon's Hermel district.",
	"In Tripoli, Lebanese officials said about 1,500 Syrian soldiers had crossed the border.",
	"Islamic State jihadists took control of several villages near Palmyra last week, activists said.",
	"The US-backed Syrian Free Army moved into Palmyra from its base at al-Tanf.",
	"Residents of Homs said the city fell to the rebels at 0400 GMT on December 7.",
	"Prime Minister Mohammed al-Jalali said he would hand over power to a transitional government.",
	"The Observatory said opposition fighters had entered Daraa and local factions controlled Sweida.",
	"Russia said its bases at Hmeimim and Tartus were on high alert, and Moscow urged calm.",
	"Air strikes hit Idlib and Sarmada on Wednesday, killing 12 civilians, rescuers told Reuters.",
	"The University of Damascus suspended classes as traffic jams clogged the roads out of the capital.",
	"Rebels said they had liberated the city of Hama after the army withdrew to Homs, 45 km (28 miles) to the south.",
}
