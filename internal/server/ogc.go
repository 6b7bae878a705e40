package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"frontline/geo"
	"frontline/internal/app"

	"github.com/go-chi/chi/v5"
)

// OGC API - Features, Part 1 (core, GeoJSON, OpenAPI 3.0), rooted at /ogc.

const (
	geoJSONType  = "application/geo+json"
	openAPIType  = "application/vnd.oai.openapi+json;version=3.0"
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	defaultLimit = 100
	maxLimit     = 10000
)

var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
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

func (s *Server) collectionJSON(r *http.Request, snap *app.Snapshot, c *collection) map[string]any {
	b := baseURL(r) + "/ogc/collections/" + c.id
	bb := snap.Bound
	return map[string]any{
		"id": c.id, "title": c.title, "description": c.description, "itemType": "feature",
		"crs": []string{crs84},
		"extent": map[string]any{
			"spatial": map[string]any{"bbox": [][]float64{{floor2(bb.Min[0]), floor2(bb.Min[1]), ceil2(bb.Max[0]), ceil2(bb.Max[1])}}, "crs": crs84},
			"temporal": map[string]any{
				"interval": [][]*string{{strPtr(snap.Keyframes[0].At.Format(time.RFC3339)), strPtr(geo.TimelineEnd.Format(time.RFC3339))}},
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
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	var cs []map[string]any
	for i := range catalogue {
		cs = append(cs, s.collectionJSON(r, snap, &catalogue[i]))
	}
	b := baseURL(r) + "/ogc/collections"
	cacheFor(w, r, snap)
	return writeJSON(w, "application/json", map[string]any{
		"links":       []link{{b, "self", "application/json", "the collections"}},
		"collections": cs,
	})
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	cacheFor(w, r, snap)
	return writeJSON(w, "application/json", s.collectionJSON(r, snap, c))
}

// matching lists c's features in v that meet the query's time and place.
func (s *Server) matching(v *view, c *collection, iq itemsQuery) []ogcFeature {
	all := c.features(s, v, iq.when)
	if !iq.hasBBox {
		return all
	}
	out := all[:0:0]
	for _, f := range all {
		if f.bound.Intersects(iq.bbox) {
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request) error {
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	iq, err := parseItemsQuery(r)
	if err != nil {
		return err
	}
	v, err := s.current()
	if err != nil {
		return err
	}
	key := v.snap.Version + "|ogc:" + c.id + "?" + r.URL.Query().Encode() + "|" + r.Host
	resp, ok := s.cache.get(key)
	if !ok {
		all := s.matching(v, c, iq)
		from, to := min(iq.offset, len(all)), min(iq.offset+iq.limit, len(all))
		page := make([]json.RawMessage, 0, to-from)
		for _, f := range all[from:to] {
			raw, err := v.encodeFeature(f)
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
		if to < len(all) {
			links = append(links, pageLink(to, "next"))
		}
		if iq.offset > 0 {
			links = append(links, pageLink(max(0, iq.offset-iq.limit), "prev"))
		}
		fc := map[string]any{
			"type": "FeatureCollection", "features": page, "links": links,
			"numberMatched": len(all), "numberReturned": len(page),
			"timeStamp": v.snap.Built.Format(time.RFC3339), "attribution": s.Attribution,
		}
		if resp, err = encodeResponse(v.snap.Version, fc); err != nil {
			return err
		}
		s.cache.put(key, resp)
	}
	cacheFor(w, r, v.snap)
	return serveBytes(w, r, geoJSONType, resp)
}

func queryString(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func encodeResponse(version string, doc any) (*response, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return newResponse(version, raw, true), nil
}

func (s *Server) ogcItem(w http.ResponseWriter, r *http.Request) error {
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	if err := checkParams(r, "datetime", versionParam); err != nil {
		return err
	}
	when, err := parseDatetime(r.URL.Query().Get("datetime"))
	if err != nil {
		return err
	}
	v, err := s.current()
	if err != nil {
		return err
	}
	id := chi.URLParam(r, "featureID")
	// A linear search: collections hold hundreds of features.
	for _, f := range c.features(s, v, when) {
		if f.id != id {
			continue
		}
		self := baseURL(r) + "/ogc/collections/" + c.id + "/items/" + url.PathEscape(id)
		b, err := v.encodeFeature(f)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		m["links"] = []link{
			{self, "self", geoJSONType, "this feature"},
			{baseURL(r) + "/ogc/collections/" + c.id, "collection", "application/json", c.title},
		}
		resp, err := encodeResponse(v.snap.Version, m)
		if err != nil {
			return err
		}
		cacheFor(w, r, v.snap)
		return serveBytes(w, r, geoJSONType, resp)
	}
	return geo.Errorf(geo.ENOTFOUND, "collection %s has no feature %q", c.id, id)
}
