package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"frontline/geo"
	"frontline/internal/app"

	"github.com/go-chi/chi/v5"
)

// OGC API - Features, Part 1 (core, GeoJSON, HTML, OpenAPI 3.0), rooted
// at /ogc. Every route answers JSON, or HTML to a browser (Accept ranking
// text/html above JSON, or f=html); each form links to the other.
//
// An items page is encoded once per snapshot and canonical query and then
// served as bytes, as a tile is: the query is reduced to what it selects
// (for control, the keyframes a datetime falls in), and the page's own
// links name that canonical query, so that every instant inside one
// keyframe's interval is the same page with the same self link.

const (
	geoJSONType  = "application/geo+json"
	openAPIType  = "application/vnd.oai.openapi+json;version=3.0"
	htmlType     = "text/html; charset=utf-8"
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	defaultLimit = 100
	// maxLimit bounds a page. It is well above any collection's whole
	// size (control without datetime, every keyframe's ground, is under a
	// thousand features; TestOGCRoutes checks), so a
	// client that reads one page, as OpenLayers' VectorSource does, can
	// ask for a collection whole.
	maxLimit = 10000
	// docVersion names the documents that come with the build, not the
	// data (landing page, conformance, API definition): their validators
	// hash their bodies.
	docVersion = "ogc"
)

var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// versionInForce is the version of the snapshot in force, "" while none
// is built; documents that need no snapshot carry v only when it names it.
func (s *Server) versionInForce() string {
	if snap := s.App.Current(); snap != nil {
		return snap.Version
	}
	return ""
}

// forms returns the self and alternate links of a document at href with
// query lq: its JSON form (of type jsonType) and its HTML form, self
// being the one answered.
func forms(href string, lq linkQuery, jsonType string, html bool) []link {
	j := link{href + lq.format(false).String(), "self", jsonType, "this document"}
	h := link{href + lq.format(true).String(), "alternate", "text/html", "this document as HTML"}
	if html {
		j.Rel, j.Title, h.Rel, h.Title = "alternate", "this document as JSON", "self", "this document"
		return []link{h, j}
	}
	return []link{j, h}
}

func (s *Server) ogcLanding(w http.ResponseWriter, r *http.Request) error {
	q, err := parseOGCQuery(r, false)
	if err != nil {
		return err
	}
	carry := q.filters(q.when.canonical(), s.versionInForce())
	b := s.baseURL(r) + "/ogc"
	doc := landingDoc{
		Title:       "frontline",
		Description: "Who controlled what in Syria, 26 Nov - 12 Dec 2024. " + s.Attribution,
		Links: append(forms(b, carry, "application/json", q.html),
			link{b + "/api", "service-desc", openAPIType, "the API definition"},
			link{b + "/conformance" + linkQuery(nil).format(false).String(), "conformance", "application/json", "conformance classes"},
			link{b + "/collections" + carry.format(false).String(), "data", "application/json", "the collections"},
		),
	}
	if q.html {
		return s.serveHTML(w, r, docVersion, "landing", s.landingPage(b, carry, doc))
	}
	w.Header().Add("Vary", "Accept")
	return serveDoc(w, r, "application/json", docVersion, doc)
}

type landingDoc struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []link `json:"links"`
}

func (s *Server) ogcConformance(w http.ResponseWriter, r *http.Request) error {
	q, err := parseOGCQuery(r, false)
	if err != nil {
		return err
	}
	if q.html {
		b := s.baseURL(r) + "/ogc"
		return s.serveHTML(w, r, docVersion, "conformance", s.conformancePage(b))
	}
	w.Header().Add("Vary", "Accept")
	return serveDoc(w, r, "application/json", docVersion, map[string]any{"conformsTo": conformance})
}

// collectionInfo is a collection's description, in the collections
// document and on its own.
type collectionInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	Extent      extent   `json:"extent"`
	Links       []link   `json:"links"`
}

type extent struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
	Temporal struct {
		Interval [][2]*string `json:"interval"`
		TRS      string       `json:"trs"`
	} `json:"temporal"`
}

func collectionOf(base string, snap *app.Snapshot, c *collection, carry linkQuery, html bool) collectionInfo {
	b := base + "/ogc/collections/" + c.id
	bb := snap.Bound
	info := collectionInfo{ID: c.id, Title: c.title, Description: c.description, ItemType: "feature", CRS: []string{crs84}}
	info.Extent.Spatial.BBox = [][4]float64{{floor2(bb.Min[0]), floor2(bb.Min[1]), ceil2(bb.Max[0]), ceil2(bb.Max[1])}}
	info.Extent.Spatial.CRS = crs84
	start, end := formatInstant(snap.Keyframes[0].At), formatInstant(geo.TimelineEnd)
	info.Extent.Temporal.Interval = [][2]*string{{&start, &end}}
	info.Extent.Temporal.TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
	// The GeoJSON items link is bare: GDAL appends /{featureId} to it for
	// an id lookup, and repeats the query it was given itself (as QGIS
	// does, which builds the items URL from the collections link).
	info.Links = append(forms(b, carry, "application/json", html),
		link{b + "/items", "items", geoJSONType, c.title + " as GeoJSON"},
		link{b + "/items" + carry.format(true).String(), "items", "text/html", c.title + " as HTML"},
	)
	return info
}

func (s *Server) ogcCollections(w http.ResponseWriter, r *http.Request) error {
	q, err := parseOGCQuery(r, false)
	if err != nil {
		return err
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	carry := q.filters(q.when.canonical(), snap.Version)
	base := s.baseURL(r)
	doc := collectionsDoc{Links: forms(base+"/ogc/collections", carry, "application/json", q.html)}
	for i := range catalogue {
		// Each collection's own links name its JSON form; the HTML page
		// shows them as they are.
		doc.Collections = append(doc.Collections, collectionOf(base, snap, &catalogue[i], carry, false))
	}
	cacheFor(w, r, snap)
	if q.html {
		return s.serveHTML(w, r, snap.Version, "collections", s.collectionsPage(base, carry, doc))
	}
	w.Header().Add("Vary", "Accept")
	return serveDoc(w, r, "application/json", snap.Version, doc)
}

type collectionsDoc struct {
	Links       []link           `json:"links"`
	Collections []collectionInfo `json:"collections"`
}

func (s *Server) ogcCollection(w http.ResponseWriter, r *http.Request) error {
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	q, err := parseOGCQuery(r, false)
	if err != nil {
		return err
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	carry := q.filters(q.when.canonical(), snap.Version)
	base := s.baseURL(r)
	cacheFor(w, r, snap)
	info := collectionOf(base, snap, c, carry, q.html)
	if q.html {
		return s.serveHTML(w, r, snap.Version, "collection", s.collectionPage(base, carry, info))
	}
	w.Header().Add("Vary", "Accept")
	return serveDoc(w, r, "application/json", snap.Version, info)
}

// instantOf is the instant a query asks a collection's features for:
// the controller of places then. Only places depend on it.
func instantOf(c *collection, q ogcQuery) (time.Time, error) {
	if !c.atInstant {
		return time.Time{}, nil
	}
	return q.when.instant()
}

func (s *Server) ogcItems(w http.ResponseWriter, r *http.Request) error {
	c, err := findCollection(chi.URLParam(r, "collection"))
	if err != nil {
		return err
	}
	q, err := parseOGCQuery(r, true)
	if err != nil {
		return err
	}
	at, err := instantOf(c, q)
	if err != nil {
		return err
	}
	v, err := s.current()
	if err != nil {
		return err
	}
	// A limit or offset past the whole collection means what the
	// collection's size means: one page, one cache entry, one canonical
	// self link, however many larger numbers a client tries.
	size := len(v.collection(s, c).features)
	q.limit, q.offset = min(q.limit, max(size, 1)), min(q.offset, size)
	filters := q.filters(c.canonicalTimes(v, q.when), v.snap.Version)
	base := s.baseURL(r)
	page := itemsPage{base: base, c: c, q: q, at: at, filters: filters}
	key := v.snap.Version + "|ogc:" + c.id + "/items" + page.query(q.offset).format(q.html).String() + "|" + base
	var all []*ogcFeature
	weight := func() int64 { // the features on the page
		all = v.collection(s, c).matching(q)
		from, to := pageBounds(q, len(all))
		return int64(to - from)
	}
	resp, err := s.cachedOrBuilt(w, r, key, s.cache.work.items, weight, func() (*response, error) {
		return s.encodeItems(v, page, all)
	})
	if err == errAnswered {
		return nil
	}
	if err != nil {
		return err
	}
	release, err := s.cache.work.answers.hold(resp)
	if err != nil {
		w.Header().Set("Retry-After", retryAfter)
		return err
	}
	defer release()
	w.Header().Add("Vary", "Accept")
	cacheFor(w, r, v.snap)
	if q.html {
		return serveBytes(w, r, htmlType, resp)
	}
	return serveBytes(w, r, geoJSONType, resp)
}

// itemsPage is what one page of items is made from.
type itemsPage struct {
	base    string
	c       *collection
	q       ogcQuery
	at      time.Time
	filters linkQuery // canonical datetime and bbox, and v
}

// query is the canonical query of the page at offset.
func (p itemsPage) query(offset int) linkQuery {
	return p.filters.with("limit", strconv.Itoa(p.q.limit)).with("offset", strconv.Itoa(offset))
}

// links are the page's links in the form html says: self, alternate,
// collection, and next and prev where there are such pages.
func (p itemsPage) links(matched, returned int, html bool) []link {
	items := p.base + "/ogc/collections/" + p.c.id + "/items"
	ls := forms(items, p.query(p.q.offset), geoJSONType, html)
	ls = append(ls, link{p.base + "/ogc/collections/" + p.c.id + p.filters.format(html).String(), "collection", formType(html, "application/json"), p.c.title})
	if p.q.offset+returned < matched {
		ls = append(ls, link{items + p.query(p.q.offset+returned).format(html).String(), "next", formType(html, geoJSONType), "next page"})
	}
	if p.q.offset > 0 {
		ls = append(ls, link{items + p.query(max(0, p.q.offset-p.q.limit)).format(html).String(), "prev", formType(html, geoJSONType), "previous page"})
	}
	return ls
}

// formType is the media type of a document's HTML form, or of its JSON
// form, jsonType.
func formType(html bool, jsonType string) string {
	if html {
		return "text/html"
	}
	return jsonType
}

// featurePageTail is what a FeatureCollection page holds beside its
// features.
type featurePageTail struct {
	Links          []link `json:"links"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
	Attribution    string `json:"attribution"`
}

// pageBounds are the indexes in the matched features of the page q asks
// for; an offset near the largest int does not overflow.
func pageBounds(q ogcQuery, matched int) (from, to int) {
	from = min(max(q.offset, 0), matched)
	return from, from + min(max(q.limit, 0), matched-from)
}

// encodeItems makes a page of items in its JSON or HTML form from all
// the features matching the page's query (nil to find them).
func (s *Server) encodeItems(v *view, p itemsPage, all []*ogcFeature) (*response, error) {
	if all == nil {
		all = v.collection(s, p.c).matching(p.q)
	}
	from, to := pageBounds(p.q, len(all))
	page := all[from:to]
	links := p.links(len(all), len(page), p.q.html)
	if p.q.html {
		body, err := s.renderOGC("items", s.itemsHTML(v, p, page, len(all), links))
		if err != nil {
			return nil, err
		}
		return newResponse(v.snap.Version, body, true), nil
	}
	// The features are kept encoded: the page is written around them.
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range page {
		raw, err := f.encode(p.at)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(raw)
	}
	buf.WriteString("],")
	tail, err := marshalJSON(featurePageTail{Links: links, NumberMatched: len(all), NumberReturned: len(page),
		TimeStamp: v.snap.Built.UTC().Format(time.RFC3339), Attribution: s.Attribution})
	if err != nil {
		return nil, err
	}
	buf.Write(tail[1:])
	return newResponse(v.snap.Version, buf.Bytes(), true), nil
}

// marshalJSON is json.Marshal leaving '&' and '<' as they are.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeResponse encodes doc as JSON made from snapshot version, leaving
// '&' and '<' in links as they are.
func encodeResponse(version string, doc any) (*response, error) {
	raw, err := marshalJSON(doc)
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
	q, err := parseOGCQuery(r, false)
	if err != nil {
		return err
	}
	at, err := instantOf(c, q)
	if err != nil {
		return err
	}
	v, err := s.current()
	if err != nil {
		return err
	}
	// chi matches the escaped path when there is one: gn%3A170063 is gn:170063.
	id, err := url.PathUnescape(chi.URLParam(r, "featureID"))
	if err != nil {
		return geo.Errorf(geo.EINVALID, "feature id %q is not a valid path segment", chi.URLParam(r, "featureID"))
	}
	cv := v.collection(s, c)
	i, ok := cv.byID[id]
	if !ok {
		return geo.Errorf(geo.ENOTFOUND, "collection %s has no feature %q", c.id, id)
	}
	f := &cv.features[i]
	if !q.when.meets(f.from, f.until) || !meetsBBoxes(q.bboxes, f.bound) {
		return geo.Errorf(geo.ENOTFOUND, "feature %q of %s does not meet the datetime or bbox given", id, c.id)
	}
	filters := q.filters(c.canonicalTimes(v, q.when), v.snap.Version)
	base := s.baseURL(r)
	self := base + "/ogc/collections/" + c.id + "/items/" + url.PathEscape(id)
	key := v.snap.Version + "|ogc:" + c.id + "/items/" + id + filters.format(q.html).String() + "|" + base
	resp, ok := s.cache.get(key)
	if !ok {
		links := append(forms(self, filters, geoJSONType, q.html),
			link{base + "/ogc/collections/" + c.id + filters.format(q.html).String(), "collection", formType(q.html, "application/json"), c.title})
		var body []byte
		if q.html {
			body, err = s.renderOGC("item", s.itemHTML(base, filters, c, f, at, links))
		} else {
			body, err = featureWithLinks(f, at, links)
		}
		if err != nil {
			return err
		}
		resp = newResponse(v.snap.Version, body, true)
		s.cache.put(key, resp)
	}
	w.Header().Add("Vary", "Accept")
	cacheFor(w, r, v.snap)
	if q.html {
		return serveBytes(w, r, htmlType, resp)
	}
	return serveBytes(w, r, geoJSONType, resp)
}

// featureWithLinks is f's encoding with links added as its last member.
func featureWithLinks(f *ogcFeature, at time.Time, links []link) ([]byte, error) {
	raw, err := f.encode(at)
	if err != nil {
		return nil, err
	}
	ls, err := marshalJSON(links)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimRight(raw, " \n")
	out := make([]byte, 0, len(raw)+len(ls)+10)
	out = append(out, raw[:len(raw)-1]...)
	out = append(out, `,"links":`...)
	out = append(out, ls...)
	return append(out, '}'), nil
}
