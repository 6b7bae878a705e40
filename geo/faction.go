package geo

import "time"

// Faction ids are a public contract: the API, the tiles and the page use
// them as written here.
const (
	Government = "government"
	HTS        = "hts"
	SNA        = "sna"
	SDF        = "sdf"
	Southern   = "southern"
	ISIS       = "isis"
	Coalition  = "coalition"
	Israel     = "israel"
	Russia     = "russia"
	// None holds ground no single force held: contested, or left empty.
	None = "none"
)

// Faction is a party that held ground.
type Faction struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"` // CSS hex
	// Ended is when the faction ceased to exist, zero while it lasts:
	// ground it still held then, by no newer report, is held by [None].
	Ended time.Time `json:"ended,omitzero"`
}

// GovernmentEnded is the fall of the Assad government: the hour the
// curated timeline records opposition forces entering Damascus and the
// president gone (Reuters and AP, 8 Dec 2024: the army command told
// officers the government's rule was over; Russia said he had left the
// country). data/timeline/NOTES.md has the sources.
var GovernmentEnded = time.Date(2024, 12, 8, 4, 0, 0, 0, time.UTC)

// Factions lists every faction in display order. Colours are the
// Okabe-Ito palette, which stays distinguishable under the common forms
// of colour blindness; it has eight colours, so Russia takes Paul Tol's
// wine, far darker than the vermilion and reddish purple beside it, and
// None a neutral grey the page draws hatched.
var Factions = []Faction{
	{Government, "Assad government and allies", "#D55E00", GovernmentEnded},
	{HTS, "HTS-led Military Operations Command", "#009E73", time.Time{}},
	{SNA, "Syrian National Army (Turkish-backed)", "#F0E442", time.Time{}},
	{SDF, "Syrian Democratic Forces", "#56B4E9", time.Time{}},
	{Southern, "Southern Operations Room and local factions", "#CC79A7", time.Time{}},
	{ISIS, "Islamic State", "#000000", time.Time{}},
	{Coalition, "Syrian Free Army and US-led coalition", "#0072B2", time.Time{}},
	{Israel, "Israel", "#E69F00", time.Time{}},
	{Russia, "Russian forces", "#882255", time.Time{}},
	{None, "No single force (contested or empty)", "#BBBBBB", time.Time{}},
}

// Holds reports whether the faction still existed at t.
func (f *Faction) Holds(t time.Time) bool { return f.Ended.IsZero() || t.Before(f.Ended) }

// FactionByID returns the faction with the id, or nil.
func FactionByID(id string) *Faction {
	for i := range Factions {
		if Factions[i].ID == id {
			return &Factions[i]
		}
	}
	return nil
}
