package geo

import "time"

// Article is a news report read for places and control claims.
type Article struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url,omitempty"`
	Outlet    string    `json:"outlet"`
	Published time.Time `json:"published"`
	Text      string    `json:"text"`
	Ingested  time.Time `json:"ingested"`
}

// Mention is a place named in a text. Start and End count Unicode code
// points (End exclusive), so a browser's string indexing over code
// points, or Go's []rune, finds the same span.
type Mention struct {
	Text    string  `json:"text"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
	PlaceID string  `json:"place_id"`
	Name    string  `json:"name"`
	Kind    Kind    `json:"kind"`
	Country string  `json:"country"`
	Lon     float64 `json:"lon"`
	Lat     float64 `json:"lat"`
	Score   float64 `json:"score"`
	// InOrg marks a place named inside an organisation's name ("Manbij
	// Military Council"): it locates the organisation, not an event.
	InOrg bool `json:"in_org,omitempty"`
}

// Focus is what a document is mainly about: a country (ISO 3166-1
// alpha-2) and, when one stands out, a region within it (a governorate).
type Focus struct {
	Country     string `json:"country"`
	CountryName string `json:"country_name"`
	Region      string `json:"region,omitempty"` // place id of the governorate
	RegionName  string `json:"region_name,omitempty"`
}

// Review is where a proposed claim stands with its reviewer.
type Review string

const (
	Pending  Review = "pending"
	Accepted Review = "accepted"
	Rejected Review = "rejected"
)

// Claim is a control claim read from one sentence of an article: Actor
// (as written, mapped to Faction) did Action to the place, at At. Status
// is Claimed, or Denied where the sentence denies it (Faction is then the
// side whose claim is denied).
type Claim struct {
	ID          int64     `json:"id"`
	Article     int64     `json:"article"`
	PlaceID     string    `json:"place_id"`
	Name        string    `json:"name"`
	Lon         float64   `json:"lon"`
	Lat         float64   `json:"lat"`
	Faction     string    `json:"faction"`
	Action      string    `json:"action"`
	Actor       string    `json:"actor"`
	Status      Status    `json:"status"`
	At          time.Time `json:"at"`
	Precision   Precision `json:"precision"`
	Attribution string    `json:"attribution"`
	Quote       string    `json:"quote"`
	// Start and End locate the quote in the article, in code points.
	Start int `json:"start"`
	End   int `json:"end"`

	Review    Review    `json:"review"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Reason    string    `json:"reason,omitempty"` // a rejection's
	Change    string    `json:"change,omitempty"` // the change an acceptance made
}

// Correction is what a reviewer changed of a claim on accepting it; zero
// fields keep the claim's own.
type Correction struct {
	Faction   string    `json:"faction,omitempty"`
	PlaceID   string    `json:"place_id,omitempty"`
	At        time.Time `json:"at,omitzero"`
	Precision Precision `json:"precision,omitempty"`
	Status    Status    `json:"status,omitempty"`
}
