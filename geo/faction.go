package geo

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
)

// Faction is a party that held ground.
type Faction struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"` // CSS hex
}

// Factions lists every faction in display order. Colours are the
// Okabe-Ito palette, which stays distinguishable under the common forms
// of colour blindness.
var Factions = []Faction{
	{Government, "Assad government and allies", "#D55E00"},
	{HTS, "HTS-led Military Operations Command", "#009E73"},
	{SNA, "Syrian National Army (Turkish-backed)", "#F0E442"},
	{SDF, "Syrian Democratic Forces", "#56B4E9"},
	{Southern, "Southern Operations Room and local factions", "#CC79A7"},
	{ISIS, "Islamic State", "#000000"},
	{Coalition, "Syrian Free Army and US-led coalition", "#0072B2"},
	{Israel, "Israel", "#E69F00"},
}

// FactionByID returns the faction with the id, or nil.
func FactionByID(id string) *Faction {
	for i := range Factions {
		if Factions[i].ID == id {
			return &Factions[i]
		}
	}
	return nil
}
