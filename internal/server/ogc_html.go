package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"frontline/geo"
)

// The HTML face of the OGC API: the same documents as pages a person can
// read, each linking to its JSON form. Templates are embedded and escape
// everything; the maps draw the page's own GeoJSON over the offline
// basemap with the Leaflet the service bundles, so nothing is fetched
// from elsewhere.

//go:embed ogchtml/*.html
var ogcTemplateFiles embed.FS

var ogcTemplates = template.Must(template.New("ogc").ParseFS(ogcTemplateFiles, "ogchtml/*.html"))

// pageFrame is what every page shows around its content.
type pageFrame struct {
	Title       string
	Home        string // the landing page's HTML form
	Crumbs      []link // from the landing page down to this page's parent
	JSON        link   // this document's JSON form
	Filters     []string
	Attribution string
	Map         *mapData // nil: the page has no map
}

// mapData is what a page's map draws: the GeoJSON at Src, coloured by
// controller.
type mapData struct {
	Src         string
	Colors      string // JSON object: faction id to CSS colour
	Attribution string
}

// mapAttribution is the map's short credit; the page's footer has the
// whole.
const mapAttribution = "Places: GeoNames (CC BY 4.0) · Boundaries: Natural Earth"

func (s *Server) renderOGC(name string, page any) ([]byte, error) {
	var buf bytes.Buffer
	if err := ogcTemplates.ExecuteTemplate(&buf, name+".html", page); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// serveHTML answers with the page name made from data, validated as
// [serveBytes] validates.
func (s *Server) serveHTML(w http.ResponseWriter, r *http.Request, version, name string, data any) error {
	body, err := s.renderOGC(name, data)
	if err != nil {
		return err
	}
	w.Header().Add("Vary", "Accept")
	return serveBytes(w, r, htmlType, newResponse(version, body, true))
}

// frame starts a page at b (the base URL and /ogc) carrying query lq.
func (s *Server) frame(b string, lq linkQuery, title string, json link, crumbs ...link) pageFrame {
	home := b + lq.format(true).String()
	return pageFrame{Title: title, Home: home, Crumbs: append([]link{{Href: home, Title: "OGC API"}}, crumbs...),
		JSON: json, Filters: shownFilters(lq), Attribution: s.Attribution}
}

// shownFilters lists the datetime, bbox and v a page carries, as the
// page says it is filtered.
func shownFilters(lq linkQuery) []string {
	var out []string
	for _, kv := range lq {
		k, v, _ := strings.Cut(kv, "=")
		if k == "datetime" || k == "bbox" || k == versionParam {
			if u, err := url.QueryUnescape(v); err == nil {
				v = u
			}
			out = append(out, k+" = "+v)
		}
	}
	return out
}

func jsonForm(ls []link) link {
	for _, l := range ls {
		if l.Type != "text/html" && (l.Rel == "self" || l.Rel == "alternate") {
			return l
		}
	}
	return link{}
}

var factionColors = func() string {
	m := map[string]string{}
	for _, f := range geo.Factions {
		m[f.ID] = f.Color
	}
	b, _ := json.Marshal(m)
	return string(b)
}()

type landingPage struct {
	pageFrame
	Description string
	Collections []link
	Links       []link
	URL         string // the landing page's URL, for clients
	Example     string // the same with a datetime
}

func (s *Server) landingPage(b string, carry linkQuery, doc landingDoc) landingPage {
	p := landingPage{pageFrame: s.frame(b, carry, "frontline OGC API – Features", jsonForm(doc.Links)),
		Description: doc.Description, Links: doc.Links, URL: b + carry.String(),
		Example: b + "?datetime=2024-12-05T10:00:00Z"}
	p.Crumbs = nil
	for _, c := range catalogue {
		p.Collections = append(p.Collections, link{Href: b + "/collections/" + c.id + carry.format(true).String(), Rel: c.id, Title: c.title})
	}
	return p
}

type conformancePage struct {
	pageFrame
	Classes []string
}

func (s *Server) conformancePage(b string) conformancePage {
	json := link{Href: b + "/conformance?f=json", Type: "application/json"}
	return conformancePage{pageFrame: s.frame(b, nil, "Conformance", json), Classes: conformance}
}

// collectionHTML is a collection as a page shows it.
type collectionHTML struct {
	collectionInfo
	Href, ItemsHref, ItemsJSON string
	BBox, Interval             string
}

func collectionHTMLOf(c collectionInfo, carry linkQuery, base string) collectionHTML {
	b := base + "/ogc/collections/" + c.ID
	h := collectionHTML{collectionInfo: c, Href: b + carry.format(true).String(),
		ItemsHref: b + "/items" + carry.format(true).String(), ItemsJSON: b + "/items" + carry.format(false).String()}
	if len(c.Extent.Spatial.BBox) > 0 {
		bb := c.Extent.Spatial.BBox[0]
		h.BBox = formatFloats(bb[:])
	}
	if iv := c.Extent.Temporal.Interval; len(iv) > 0 {
		end := func(s *string) string {
			if s == nil {
				return ".."
			}
			return *s
		}
		h.Interval = end(iv[0][0]) + " – " + end(iv[0][1])
	}
	return h
}

func formatFloats(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.Join(s, ", ")
}

type collectionsPage struct {
	pageFrame
	Collections []collectionHTML
}

func (s *Server) collectionsPage(base string, carry linkQuery, doc collectionsDoc) collectionsPage {
	p := collectionsPage{pageFrame: s.frame(base+"/ogc", carry, "Collections", jsonForm(doc.Links))}
	for _, c := range doc.Collections {
		p.Collections = append(p.Collections, collectionHTMLOf(c, carry, base))
	}
	return p
}

type collectionPage struct {
	pageFrame
	C collectionHTML
}

func (s *Server) collectionPage(base string, carry linkQuery, c collectionInfo) collectionPage {
	b := base + "/ogc"
	return collectionPage{
		pageFrame: s.frame(b, carry, c.Title, jsonForm(c.Links), link{Href: b + "/collections" + carry.format(true).String(), Title: "Collections"}),
		C:         collectionHTMLOf(c, carry, base),
	}
}

// cell is a property value as a table shows it: text, or links.
type cell struct {
	Text    string
	Links   []link
	Numeric bool
	Time    bool   // an RFC 3339 instant, kept on one line
	Color   string // a faction's colour, shown beside its id
}

// cellFor is the cell of property name with value v.
func cellFor(name string, v any) cell {
	c := cellOf(v)
	if _, err := time.Parse(time.RFC3339, c.Text); err == nil {
		c.Time = true
	}
	if name == "controller" {
		if f := geo.FactionByID(c.Text); f != nil {
			c.Color = f.Color
		}
	}
	return c
}

func cellOf(v any) cell {
	switch x := v.(type) {
	case nil:
		return cell{}
	case string:
		return cell{Text: x}
	case float64:
		return cell{Text: strconv.FormatFloat(x, 'f', -1, 64), Numeric: true}
	case int:
		return cell{Text: strconv.Itoa(x), Numeric: true}
	case int64:
		return cell{Text: strconv.FormatInt(x, 10), Numeric: true}
	case bool:
		return cell{Text: strconv.FormatBool(x)}
	case []geo.Source:
		c := cell{}
		for _, s := range x {
			c.Links = append(c.Links, link{Href: s.URL, Title: s.Outlet})
		}
		return c
	default:
		b, _ := json.Marshal(x)
		return cell{Text: string(b)}
	}
}

// columnsOf is c's columns, then any other property the features have.
func columnsOf(c *collection, props []map[string]any) []string {
	cols := slices.Clone(c.columns)
	var extra []string
	for _, p := range props {
		for k := range p {
			if !slices.Contains(cols, k) && !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
	}
	slices.Sort(extra)
	return append(cols, extra...)
}

type featureRow struct {
	ID, Href string
	Cells    []cell
}

type itemsHTMLPage struct {
	pageFrame
	Collection              link
	Columns                 []string
	Rows                    []featureRow
	Matched, First, Last    int
	Next, Prev, Description string
	// Keyframes: the datetime shown names the keyframes the one asked for
	// falls in.
	Keyframes bool
}

func (s *Server) itemsHTML(v *view, p itemsPage, page []*ogcFeature, matched int, links []link) itemsHTMLPage {
	b := p.base + "/ogc"
	coll := link{Href: b + "/collections/" + p.c.id + p.filters.format(true).String(), Title: p.c.title}
	out := itemsHTMLPage{
		pageFrame: s.frame(b, p.filters, p.c.title+": features", jsonForm(links),
			link{Href: b + "/collections" + p.filters.format(true).String(), Title: "Collections"}, coll),
		Collection: coll, Matched: matched, First: p.q.offset + 1, Last: p.q.offset + len(page), Description: p.c.description,
		Keyframes: p.c.keyframed && len(p.q.when) > 0,
	}
	if len(page) == 0 {
		out.First = 0
	}
	for _, l := range links {
		switch l.Rel {
		case "next":
			out.Next = l.Href
		case "prev":
			out.Prev = l.Href
		}
	}
	props := make([]map[string]any, len(page))
	for i, f := range page {
		props[i] = f.build(p.at).Properties
	}
	out.Columns = columnsOf(p.c, props)
	for i, f := range page {
		row := featureRow{ID: f.id, Href: b + "/collections/" + p.c.id + "/items/" + url.PathEscape(f.id) + p.filters.format(true).String()}
		for _, col := range out.Columns {
			row.Cells = append(row.Cells, cellFor(col, props[i][col]))
		}
		out.Rows = append(out.Rows, row)
	}
	out.Map = &mapData{Src: out.JSON.Href, Colors: factionColors, Attribution: mapAttribution}
	return out
}

type prop struct {
	Name  string
	Value cell
}

type itemHTMLPage struct {
	pageFrame
	ID, Name string
	Props    []prop
}

func (s *Server) itemHTML(base string, filters linkQuery, c *collection, f *ogcFeature, at time.Time, links []link) itemHTMLPage {
	b := base + "/ogc"
	coll := link{Href: b + "/collections/" + c.id + filters.format(true).String(), Title: c.title}
	p := itemHTMLPage{
		pageFrame: s.frame(b, filters, f.id, jsonForm(links),
			link{Href: b + "/collections" + filters.format(true).String(), Title: "Collections"}, coll,
			link{Href: b + "/collections/" + c.id + "/items" + filters.format(true).String(), Title: "Features"}),
		ID: f.id,
	}
	props := f.build(at).Properties
	if name, ok := props["name"].(string); ok && name != "" {
		p.Name, p.Title = name, name
	}
	for _, col := range columnsOf(c, []map[string]any{props}) {
		p.Props = append(p.Props, prop{Name: col, Value: cellFor(col, props[col])})
	}
	p.Map = &mapData{Src: p.JSON.Href, Colors: factionColors, Attribution: mapAttribution}
	return p
}
