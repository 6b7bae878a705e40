package server

import (
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"frontline/geo"

	"github.com/paulmach/orb"
)

// The query of every OGC route: the filters (datetime, bbox), the version
// a URL was made for (v) and the format (f), plus paging on items. GDAL
// and QGIS repeat the query of the URL a user gave them on every request,
// even on links that already carry it, so datetime and bbox may come more
// than once: a feature must then meet each value.

// ogcQuery is an OGC route's query, parsed.
type ogcQuery struct {
	when          timeFilters
	bboxes        []orb.Bound
	limit, offset int
	version       string // v as given
	html          bool   // the answer is the HTML form
}

// timeFilters are the datetime values of a query; a feature meets them
// when it meets each.
type timeFilters []timeFilter

func (fs timeFilters) meets(from, until time.Time) bool {
	for _, f := range fs {
		if !f.overlaps(from, until) {
			return false
		}
	}
	return true
}

// instant is the one moment the values name for "controller at" (see
// [timeFilter.instant]); values naming different moments are EINVALID.
func (fs timeFilters) instant() (time.Time, error) {
	if len(fs) == 0 {
		return timeFilter{}.instant(), nil
	}
	at := fs[0].instant()
	for _, f := range fs[1:] {
		if !f.instant().Equal(at) {
			return time.Time{}, geo.Errorf(geo.EINVALID,
				"datetime given as %s and %s: the places collection answers for one instant", fs[0], f)
		}
	}
	return at, nil
}

// canonical writes the values in one form each, sorted, without repeats.
func (fs timeFilters) canonical() []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// String writes the filter as a datetime parameter, in UTC.
func (f timeFilter) String() string {
	end := func(open bool, t time.Time) string {
		if open {
			return ".."
		}
		return formatInstant(t)
	}
	if !f.openFrom && !f.openUntil && f.from.Equal(f.to) {
		return formatInstant(f.from)
	}
	return end(f.openFrom, f.from) + "/" + end(f.openUntil, f.to)
}

func formatInstant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// formatBBox writes a bbox as four numbers, the shortest that read back
// the same.
func formatBBox(b orb.Bound) string {
	n := []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	s := make([]string, len(n))
	for i, x := range n {
		s[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.Join(s, ",")
}

func canonicalBBoxes(bs []orb.Bound) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = formatBBox(b)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// meetsBBoxes reports whether a feature's bound meets every bbox.
func meetsBBoxes(bs []orb.Bound, b orb.Bound) bool {
	for _, q := range bs {
		if !b.Intersects(q) {
			return false
		}
	}
	return true
}

// maxOffset bounds offset: it is far beyond the end of every collection
// (the largest, places, holds a few thousand features), so no page is
// lost, and offset+limit cannot overflow. An offset between a collection's
// end and maxOffset is an empty page.
const maxOffset = 1_000_000

// parseOGCQuery reads the query of an OGC route; items routes also take
// limit and offset. Unknown parameters and malformed values are EINVALID.
func parseOGCQuery(r *http.Request, paged bool) (ogcQuery, error) {
	allowed := []string{"datetime", "bbox", versionParam, "f"}
	if paged {
		allowed = append(allowed, "limit", "offset")
	}
	q := r.URL.Query()
	for k := range q {
		if !slices.Contains(allowed, k) {
			return ogcQuery{}, geo.Errorf(geo.EINVALID, "unknown query parameter %q; this endpoint takes %s", k, strings.Join(allowed, ", "))
		}
	}
	var oq ogcQuery
	for _, v := range q["datetime"] {
		f, err := parseDatetime(v)
		if err != nil {
			return oq, err
		}
		if f.set {
			oq.when = append(oq.when, f)
		}
	}
	for _, v := range q["bbox"] {
		b, ok, err := parseBBox(v)
		if err != nil {
			return oq, err
		}
		if ok {
			oq.bboxes = append(oq.bboxes, b)
		}
	}
	oq.version = q.Get(versionParam)
	switch f := q.Get("f"); f {
	case "json", "geojson":
	case "html":
		oq.html = true
	case "":
		oq.html = prefersHTML(r.Header.Get("Accept"))
	default:
		return oq, geo.Errorf(geo.EINVALID, "f=%s: give json, geojson or html", f)
	}
	if !paged {
		return oq, nil
	}
	var err error
	if oq.limit, err = intParam(q.Get("limit"), "limit", defaultLimit); err != nil {
		return oq, err
	}
	if oq.limit < 1 {
		return oq, geo.Errorf(geo.EINVALID, "limit must be at least 1, got %d", oq.limit)
	}
	oq.limit = min(oq.limit, maxLimit)
	if oq.offset, err = intParam(q.Get("offset"), "offset", 0); err != nil {
		return oq, err
	}
	if oq.offset < 0 || oq.offset > maxOffset {
		return oq, geo.Errorf(geo.EINVALID, "offset must be within 0..%d, got %d", maxOffset, oq.offset)
	}
	return oq, nil
}

// prefersHTML reports whether an Accept header ranks HTML above JSON: a
// browser's does; */*, JSON and GeoJSON clients' do not.
func prefersHTML(accept string) bool {
	html, json := 0.0, 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, given := params["q"]; given {
			var valid bool
			if q, valid = parseDecimal(v); !valid {
				continue
			}
		}
		switch {
		case mt == "text/html" || mt == "application/xhtml+xml":
			html = max(html, q)
		case mt == "*/*" || mt == "application/*" || mt == "application/json" || strings.HasSuffix(mt, "+json"):
			json = max(json, q)
		}
	}
	return html > json
}

// linkQuery is the query of a link, its parameters in a fixed order so
// that equal queries are equal strings.
type linkQuery []string

// with returns the query with k=v added; an empty v adds nothing.
func (q linkQuery) with(k string, vs ...string) linkQuery {
	out := slices.Clip(q)
	for _, v := range vs {
		if v != "" {
			out = append(out, k+"="+escapeQueryValue(v))
		}
	}
	return out
}

func (q linkQuery) String() string {
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// escapeQueryValue escapes v for a query but leaves ':', '/' and ',' as
// they are (RFC 3986 allows them there): GDAL looks for the query the user
// gave it in a link's text, and finds 2024-12-05T10:00:00Z only unescaped.
func escapeQueryValue(v string) string {
	return strings.NewReplacer("%3A", ":", "%2F", "/", "%2C", ",").Replace(url.QueryEscape(v))
}

// filters is the query a document's links carry on to the documents they
// name: datetime and bbox in canonical form, and v when it names the
// snapshot the answer was drawn from.
func (q ogcQuery) filters(times []string, version string) linkQuery {
	var lq linkQuery
	lq = lq.with("datetime", times...).with("bbox", canonicalBBoxes(q.bboxes)...)
	if version != "" && q.version == version {
		lq = lq.with(versionParam, version)
	}
	return lq
}

// format returns the query naming the JSON or HTML form.
func (lq linkQuery) format(html bool) linkQuery {
	if html {
		return lq.with("f", "html")
	}
	return lq.with("f", "json")
}
