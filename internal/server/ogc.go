package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"frontline/geo"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// OGC API - Features, Part 1 (core, GeoJSON, OpenAPI 3.0), rooted at /ogc.

const (
	geoJSONType    = "application/geo+json"
	openAPIType    = "application/vnd.oai.openapi+json;version=3.0"
	crs84          = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	defaultLimit   = 100
	maxLimit       = 10000
	syriaBBoxWest  = 35.5
	syriaBBoxSouth = 32.2
	syriaBBoxEast  = 42.5
	syriaBBoxNorth = 37.4
)

var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
}

type collectionInfo struct {
	id, title, description string
}

var collections = []collectionInfo{
	{"control", "Ground held by each faction",
		"One multipolygon per faction per keyframe interval, valid from valid_from until valid_to (null: still)."},
	{"events", "Control changes and claims",
		"A point per recorded change: confirmed, claimed or denied, with its sources."},
	{"places", "Syrian places and who held them",
		"The settlements and points of interest the timeline follows, with their controller at the requested time (default: the end of the timeline)."},
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// checkParams answers 400 for a query parameter the endpoint does not
// define, as the standard requires.
func checkParams(r *http.Request, allowed ...string) error {
	for k := range r.URL.Query() {
		ok := k == "f"
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			return geo.Errorf(geo.EINVALID, "unknown query parameter %q; this endpoint takes %s", k, strings.Join(append(allowed, "f"), ", "))
		}
	}
	if f := r.URL.Query().Get("f"); f != "" && f != "json" && f != "geojson" {
		return geo.Errorf(geo.EINVALID, "f=%s: only json is served", f)
	}
	return nil
}

func (s *Server) ogcLanding(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	b := baseURL(r) + "/ogc"
	return writeJSON(w, "application/json", map[string]any{
		"title":       "frontline",
		"description": "Who controlled what in Syria, 26 Nov - 12 Dec 2024. " + s.Attribution,
		"links": []link{
			{b, "self", "application/json", "this document"},
			{b + "/api", "service-desc", openAPIType, "the API definition"},
			{b + "/conformance", "conformance", "application/json", "conformance classes"},
			{b + "/collections", "data", "application/json", "the collections"},
		},
	})
}

func (s *Server) ogcConformance(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	return writeJSON(w, "application/json", map[string]any{"conformsTo": conformance})
}

func (s *Server) collectionJSON(r *http.Request, c collectionInfo) map[string]any {
	b := baseURL(r) + "/ogc/collections/" + c.id
	kfs := s.Timeline.KeyframeList()
	return map[string]any{
		"id": c.id, "title": c.title, "description": c.description, "itemType": "feature",
		"crs": []string{crs84},
		"extent": map[string]any{
			"spatial": map[string]any{"bbox": [][]float64{{syriaBBoxWest, syriaBBoxSouth, syriaBBoxEast, syriaBBoxNorth}}, "crs": crs84},
			"temporal": map[string]any{
				"interval": [][]*string{{strPtr(kfs[0].At.Format(time.RFC3339)), strPtr(geo.TimelineEnd.Format(time.RFC3339))}},
				"trs":      "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
			},
		},
		"links": []link{
			{b, "self", "application/json", c.title},
			{b + "/items", "items", geoJSONType, c.title + " as GeoJSON"},
		},
	}
}

func strPtr(s string) *string { return &s }

func (s *Server) ogcCollections(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	var cs []map[string]any
	for _, c := range collections {
		cs = append(cs, s.collectionJSON(r, c))
	}
	b := baseURL(r) + "/ogc/collections"
	return writeJSON(w, "application/json", map[string]any{
		"links":       []link{{b, "self", "application/json", "the collections"}},
		"collections": cs,
	})
}

func findCollection(id string) (collectionInfo, error) {
	for _, c := range collections {
		if c.id == id {
			return c, nil
		}
	}
	return collectionInfo{}, geo.Errorf(geo.ENOTFOUND, "no collection %q; the collections are control, events and places", id)
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	return writeJSON(w, "application/json", s.collectionJSON(r, c))
}

// timeFilter is a datetime parameter: an instant (From == To) or an
// interval, either end possibly open.
type timeFilter struct {
	set                 bool
	from, to            time.Time
	openFrom, openUntil bool
}

func parseDatetime(v string) (timeFilter, error) {
	if v == "" {
		return timeFilter{}, nil
	}
	one := func(s string) (time.Time, error) {
		if t, err := geo.ParseTime(s); err == nil {
			return t, nil
		}
		return time.Time{}, geo.Errorf(geo.EINVALID,
			"datetime %q: give an RFC 3339 instant (2024-12-05T10:00:00Z), or an interval a/b where either end may be '..'", v)
	}
	f := timeFilter{set: true}
	a, b, isInterval := strings.Cut(v, "/")
	if !isInterval {
		t, err := one(v)
		f.from, f.to = t, t
		return f, err
	}
	var err error
	if a == ".." || a == "" {
		f.openFrom = true
	} else if f.from, err = one(a); err != nil {
		return f, err
	}
	if b == ".." || b == "" {
		f.openUntil = true
	} else if f.to, err = one(b); err != nil {
		return f, err
	}
	if f.openFrom && f.openUntil {
		return f, geo.Errorf(geo.EINVALID, "datetime %q: an interval needs at least one end", v)
	}
	if !f.openFrom && !f.openUntil && f.to.Before(f.from) {
		return f, geo.Errorf(geo.EINVALID, "datetime %q: the interval ends before it starts", v)
	}
	return f, nil
}

// overlaps reports whether validity [from, until) meets the filter;
// a zero until is open.
func (f timeFilter) overlaps(from, until time.Time) bool {
	if !f.set {
		return true
	}
	if !f.openUntil && from.After(f.to) {
		return false
	}
	if !until.IsZero() && !f.openFrom && !until.After(f.from) {
		return false
	}
	return true
}

// instant is the one moment a filter names for "controller at": an
// instant, else an interval's end (or start when the end is open);
// unset means the end of the timeline.
func (f timeFilter) instant() time.Time {
	switch {
	case !f.set:
		return geo.TimelineEnd.Add(-time.Second)
	case !f.openUntil:
		return f.to
	default:
		return f.from
	}
}

func parseBBox(v string) (orb.Bound, bool, error) {
	if v == "" {
		return orb.Bound{}, false, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, false, geo.Errorf(geo.EINVALID, "bbox %q: give 4 numbers, minlon,minlat,maxlon,maxlat (CRS84)", v)
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, false, geo.Errorf(geo.EINVALID, "bbox %q: %q is not a number", v, p)
		}
		n[i] = f
	}
	var b orb.Bound
	if len(n) == 4 {
		b = orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	} else {
		b = orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[3], n[4]}}
	}
	if b.Min[1] > b.Max[1] || b.Min[1] < -90 || b.Max[1] > 90 || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[0] > b.Max[0] {
		return orb.Bound{}, false, geo.Errorf(geo.EINVALID,
			"bbox %q: need -180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90", v)
	}
	return b, true, nil
}

type itemsQuery struct {
	limit, offset int
	bbox          orb.Bound
	hasBBox       bool
	when          timeFilter
	canonical     bool // datetime is exactly a keyframe's instant
}

func (s *Server) parseItemsQuery(r *http.Request) (itemsQuery, error) {
	if err := checkParams(r, "limit", "offset", "bbox", "datetime"); err != nil {
		return itemsQuery{}, err
	}
	q := r.URL.Query()
	var iq itemsQuery
	var err error
	if iq.limit, err = intParam(q.Get("limit"), "limit", defaultLimit); err != nil {
		return iq, err
	}
	if iq.limit < 1 {
		return iq, geo.Errorf(geo.EINVALID, "limit must be at least 1, got %d", iq.limit)
	}
	iq.limit = min(iq.limit, maxLimit)
	if iq.offset, err = intParam(q.Get("offset"), "offset", 0); err != nil {
		return iq, err
	}
	if iq.offset < 0 {
		return iq, geo.Errorf(geo.EINVALID, "offset must not be negative, got %d", iq.offset)
	}
	if iq.bbox, iq.hasBBox, err = parseBBox(q.Get("bbox")); err != nil {
		return iq, err
	}
	if iq.when, err = parseDatetime(q.Get("datetime")); err != nil {
		return iq, err
	}
	if iq.when.set && !iq.when.openFrom && !iq.when.openUntil && iq.when.from.Equal(iq.when.to) {
		if k := s.Timeline.KeyframeAt(iq.when.from); k >= 0 {
			iq.canonical = s.Timeline.KeyframeList()[k].At.Equal(iq.when.from)
		}
	}
	return iq, nil
}

// ogcFeature is a feature of a collection, encoded only when a page
// holds it; control and event features are encoded once and kept.
type ogcFeature struct {
	id    string
	bound orb.Bound
	key   string // cache key of the encoding; "" for none
	build func() *geojson.Feature
}

// cachedFeature is a kept encoding, with the bound filters need.
type cachedFeature struct {
	bound orb.Bound
	once  sync.Once
	raw   json.RawMessage
	err   error
}

func (s *Server) encodeFeature(f ogcFeature) (json.RawMessage, error) {
	if f.key == "" {
		return encodeGeoJSONFeature(f.build())
	}
	v, _ := s.features.LoadOrStore(f.key, &cachedFeature{bound: f.bound})
	cf := v.(*cachedFeature)
	cf.once.Do(func() { cf.raw, cf.err = encodeGeoJSONFeature(f.build()) })
	return cf.raw, cf.err
}

// encodeGeoJSONFeature writes coordinates to 6 decimals (about 10 cm):
// more digits only add bytes.
func encodeGeoJSONFeature(f *geojson.Feature) (json.RawMessage, error) {
	f.Geometry = orb.Round(orb.Clone(f.Geometry), 1e6)
	return json.Marshal(f)
}

// controlBound returns the bound of a keyframe's faction ground, kept with
// its encoding.
func (s *Server) controlBound(key string, shape orb.MultiPolygon) orb.Bound {
	if v, ok := s.features.Load(key); ok {
		return v.(*cachedFeature).bound
	}
	v, _ := s.features.LoadOrStore(key, &cachedFeature{bound: shape.Bound()})
	return v.(*cachedFeature).bound
}

// ogcFeatures lists a collection's features matching the query's time and
// place, in a stable order.
func (s *Server) ogcFeatures(collection string, iq itemsQuery) ([]ogcFeature, error) {
	var out []ogcFeature
	keep := func(f ogcFeature) {
		if !iq.hasBBox || f.bound.Intersects(iq.bbox) {
			out = append(out, f)
		}
	}
	switch collection {
	case "control":
		kfs := s.Timeline.KeyframeList()
		for k, kf := range kfs {
			var until time.Time
			if k+1 < len(kfs) {
				until = kfs[k+1].At
			}
			if !iq.when.overlaps(kf.At, until) {
				continue
			}
			terr, err := s.Territories(k)
			if err != nil {
				return nil, err
			}
			for _, t := range terr {
				id := fmt.Sprintf("%d-%s", k, t.Faction)
				key := "control/" + id
				keep(ogcFeature{id: id, key: key, bound: s.controlBound(key, t.Shape), build: func() *geojson.Feature {
					f := geojson.NewFeature(t.Shape)
					f.ID = id
					f.Properties["controller"] = t.Faction
					if fa := geo.FactionByID(t.Faction); fa != nil {
						f.Properties["faction"] = fa.Name
					}
					f.Properties["keyframe"] = k
					f.Properties["valid_from"] = kf.At.Format(time.RFC3339)
					f.Properties["valid_to"] = nil
					if !until.IsZero() {
						f.Properties["valid_to"] = until.Format(time.RFC3339)
					}
					f.Properties["area_km2"] = math.Round(t.AreaKm2*10) / 10
					return f
				}})
			}
		}
	case "events":
		for _, c := range s.Timeline.AllChanges() {
			if c.At.Equal(geo.TimelineStart) || !iq.when.overlaps(c.At, c.At.Add(time.Nanosecond)) {
				continue
			}
			var pt orb.Point
			if c.Place != "" {
				p := s.Places(c.Place)
				if p == nil {
					continue
				}
				pt = p.Point
			} else {
				pt = c.Shape.Bound().Center()
			}
			keep(ogcFeature{id: c.ID, key: "events/" + c.ID, bound: pt.Bound(), build: func() *geojson.Feature {
				f := geojson.NewFeature(pt)
				f.ID = c.ID
				f.Properties["place"] = c.Place
				f.Properties["area"] = c.Area
				f.Properties["name"] = c.Name
				f.Properties["controller"] = c.Faction
				f.Properties["at"] = c.At.Format(time.RFC3339)
				f.Properties["precision"] = string(c.Precision)
				f.Properties["status"] = string(c.Status)
				f.Properties["summary"] = c.Summary
				f.Properties["sources"] = s.changeJSON(c).Sources
				return f
			}})
		}
	case "places":
		at := iq.when.instant()
		seen := map[string]bool{}
		for _, c := range s.Timeline.AllChanges() {
			if c.Place == "" || seen[c.Place] || !c.At.Equal(geo.TimelineStart) {
				continue
			}
			seen[c.Place] = true
			p := s.Places(c.Place)
			if p == nil {
				continue
			}
			keep(ogcFeature{id: p.ID, bound: p.Point.Bound(), build: func() *geojson.Feature {
				f := geojson.NewFeature(p.Point)
				f.ID = p.ID
				f.Properties["name"] = p.Name
				f.Properties["kind"] = string(p.Kind)
				f.Properties["country"] = p.Country
				f.Properties["admin1"] = s.Geocoder.GovernorateName(p.Admin1)
				f.Properties["population"] = p.Population
				ctl := s.Timeline.Faction(p.Point, at)
				f.Properties["controller"] = ctl
				if fa := geo.FactionByID(ctl); fa != nil {
					f.Properties["faction"] = fa.Name
				}
				f.Properties["at"] = at.Format(time.RFC3339)
				return f
			}})
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].id < out[j].id })
	}
	return out, nil
}

func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request) error {
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	iq, err := s.parseItemsQuery(r)
	if err != nil {
		return err
	}
	key := "ogc:" + c.id + "?" + r.URL.Query().Encode() + "|" + r.Host
	t, ok := s.tiles.get(key)
	if !ok {
		all, err := s.ogcFeatures(c.id, iq)
		if err != nil {
			return err
		}
		page := make([]json.RawMessage, 0, min(iq.limit, len(all)))
		for _, f := range all[min(iq.offset, len(all)):min(iq.offset+iq.limit, len(all))] {
			raw, err := s.encodeFeature(f)
			if err != nil {
				return err
			}
			page = append(page, raw)
		}
		self := baseURL(r) + "/ogc/collections/" + c.id + "/items"
		pageLink := func(offset int, rel string) link {
			q := r.URL.Query()
			q.Set("offset", strconv.Itoa(offset))
			q.Set("limit", strconv.Itoa(iq.limit))
			return link{self + "?" + q.Encode(), rel, geoJSONType, rel + " page"}
		}
		links := []link{
			{self + queryString(r.URL.Query()), "self", geoJSONType, "this document"},
			{baseURL(r) + "/ogc/collections/" + c.id, "collection", "application/json", c.title},
		}
		if iq.offset+iq.limit < len(all) {
			links = append(links, pageLink(iq.offset+iq.limit, "next"))
		}
		if iq.offset > 0 {
			links = append(links, pageLink(max(0, iq.offset-iq.limit), "prev"))
		}
		fc := map[string]any{
			"type": "FeatureCollection", "features": page, "links": links,
			"numberMatched": len(all), "numberReturned": len(page),
			"timeStamp": time.Now().UTC().Format(time.RFC3339), "attribution": s.Attribution,
		}
		t, err = encodeCached(fc)
		if err != nil {
			return err
		}
		s.tiles.put(key, t)
	}
	cacheControl(w, iq.canonical)
	return serveBytes(w, r, geoJSONType, t)
}

func queryString(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func encodeCached(v any) (*tile, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return newTile(raw, true), nil
}

func (s *Server) ogcItem(w http.ResponseWriter, r *http.Request) error {
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	if err := checkParams(r, "datetime"); err != nil {
		return err
	}
	when, err := parseDatetime(r.URL.Query().Get("datetime"))
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "featureID")
	all, err := s.ogcFeatures(c.id, itemsQuery{when: when})
	if err != nil {
		return err
	}
	for _, f := range all {
		if f.id != id {
			continue
		}
		self := baseURL(r) + "/ogc/collections/" + c.id + "/items/" + url.PathEscape(id)
		b, err := s.encodeFeature(f)
		if err != nil {
			return err
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		m["links"] = []link{
			{self, "self", geoJSONType, "this feature"},
			{baseURL(r) + "/ogc/collections/" + c.id, "collection", "application/json", c.title},
		}
		t, err := encodeCached(m)
		if err != nil {
			return err
		}
		cacheControl(w, false)
		return serveBytes(w, r, geoJSONType, t)
	}
	return geo.Errorf(geo.ENOTFOUND, "collection %s has no feature %q", c.id, id)
}
