package server

import (
	"net/http"
	"strconv"
	"strings"

	"frontline/geo"
)

// ogcAPI answers GET /ogc/api: the OpenAPI 3.0 definition of the OGC API,
// and of the write routes of /api, which it declares with their bearer
// token so that one document says what a client may read freely and what
// needs the token.
func (s *Server) ogcAPI(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseOGCQuery(r, false); err != nil {
		return err
	}
	if f := r.URL.Query().Get("f"); f == "html" {
		return geo.Errorf(geo.EINVALID, "f=html: the API definition is served as JSON only")
	}
	return serveDoc(w, r, openAPIType, docVersion, openAPIDocument(s.baseURL(r)))
}

// openAPIDocument describes the API served at base.
func openAPIDocument(base string) map[string]any {
	type obj = map[string]any
	param := func(name, in, desc string, schema obj, required bool) obj {
		p := obj{"name": name, "in": in, "description": desc, "required": required, "schema": schema}
		if in == "query" {
			p["style"], p["explode"] = "form", false
		}
		return p
	}
	str := obj{"type": "string"}
	f := param("f", "query", "The form of the answer: json (or geojson) or html. Without it, a client whose Accept header "+
		"ranks text/html above JSON (a browser) gets HTML, any other JSON.",
		obj{"type": "string", "enum": []string{"json", "geojson", "html"}}, false)
	fJSON := param("f", "query", "The form of the answer; the definition is JSON only.",
		obj{"type": "string", "enum": []string{"json"}}, false)
	collection := param("collection", "path", "Collection id.", obj{"type": "string", "enum": collectionIDs()}, true)
	feature := param("featureID", "path", "Feature id.", str, true)
	limit := param("limit", "query", "Most features to return (default "+strconv.Itoa(defaultLimit)+"; larger values are cut to "+
		strconv.Itoa(maxLimit)+", which is more than any collection holds, so one request may read a collection whole).",
		obj{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defaultLimit}, false)
	offset := param("offset", "query", "Features to skip, for paging; the next and prev links give it.",
		obj{"type": "integer", "minimum": 0, "default": 0}, false)
	bbox := param("bbox", "query", "minlon,minlat,maxlon,maxlat in CRS84 (six numbers with heights are read as four): "+
		"features whose extent meets it. May be repeated: a feature must meet each. Routes that list no features "+
		"carry it into their links.",
		obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}, false)
	datetime := param("datetime", "query",
		"An RFC 3339 instant, or an interval a/b with '..' for an open end: features whose validity meets it. "+
			"May be repeated (GDAL and QGIS repeat the query of the URL they were given): a feature must meet each. "+
			"For places, the controller is given at the instant (or an interval's end). Routes that list no features "+
			"carry it into their links, so that a client given /ogc?datetime=... opens the collections at that instant.", str, false)
	version := param("v", "query", "The data version the URL was made for (TileJSON and /api/timeline give it); "+
		"an answer to a URL naming the version in force is immutable.", str, false)
	filters := []any{datetime, bbox, version}

	problemSchema := obj{"type": "object", "properties": obj{"type": str, "title": str, "status": obj{"type": "integer"}, "detail": str, "instance": str}}
	problem := func(desc string) obj {
		return obj{"description": desc, "content": obj{"application/problem+json": obj{"schema": problemSchema}}}
	}
	notModified := obj{"description": "Not modified: the client's copy (If-None-Match) is current."}
	doc := obj{"type": "object"}
	html := obj{"text/html": obj{"schema": str}}
	read := func(desc, jsonType string, withHTML bool, notFound bool) obj {
		content := obj{jsonType: obj{"schema": doc}}
		if withHTML {
			content["text/html"] = html["text/html"]
		}
		rs := obj{
			"200": obj{"description": desc, "content": content},
			"304": notModified,
			"400": problem("A malformed or unknown query parameter."),
			"503": problem("The data are still being loaded."),
		}
		if notFound {
			rs["404"] = problem("No such collection or feature.")
		}
		return rs
	}
	get := func(id, summary, description string, params []any, responses obj) obj {
		return obj{"get": obj{"operationId": id, "summary": summary, "description": description, "tags": []string{"OGC API - Features"},
			"parameters": params, "responses": responses, "security": []any{}}}
	}
	with := func(ps ...any) []any { return append(append([]any{}, ps...), filters...) }

	// The write routes live under /api, beside the OGC API: their paths
	// name the service root as their server.
	root := []any{obj{"url": base, "description": "the service root"}}
	bearer := []any{obj{"bearerAuth": []string{}}}
	writeResponses := func(ok, desc string) obj {
		return obj{
			ok:    obj{"description": desc, "content": obj{"application/json": obj{"schema": doc}}},
			"400": problem("A malformed body or parameter."),
			"401": problem("No bearer token, or the wrong one."),
			"403": problem("The service is read-only: it was started without a token."),
			"404": problem("No such claim."),
			"409": problem("The claim was already decided."),
			"413": problem("The body is too large."),
		}
	}
	post := func(id, summary, description string, params []any, body obj, responses obj) obj {
		op := obj{"operationId": id, "summary": summary, "description": description, "tags": []string{"News and claims"},
			"security": bearer, "responses": responses}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if body != nil {
			op["requestBody"] = body
		}
		return obj{"servers": root, "post": op}
	}
	claim := param("claim", "path", "Claim id.", obj{"type": "integer", "minimum": 1}, true)
	jsonBody := func(desc string, required bool) obj {
		return obj{"description": desc, "required": required, "content": obj{"application/json": obj{"schema": doc}}}
	}
	articles := post("postArticle", "Submit a news article",
		"Stores the article and proposes the claims it makes; nothing changes the map until a claim is accepted.", nil,
		jsonBody("The article: text, url, outlet, published.", true), writeResponses("201", "The stored article with its mentions and proposed claims."))
	delete(articles["post"].(obj)["responses"].(obj), "409")
	delete(articles["post"].(obj)["responses"].(obj), "404")

	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "frontline OGC API - Features", "version": "1.0.0",
			"description": "Who controlled what in Syria, 26 Nov - 12 Dec 2024, as OGC API - Features (GeoJSON and HTML). " +
				"Reads are public; the write routes of /api need the service's bearer token. " +
				"Places: GeoNames (CC BY 4.0); boundaries: Natural Earth (public domain).",
			"license": obj{"name": "CC BY 4.0 (places from GeoNames; Natural Earth boundaries are public domain)",
				"url": "https://creativecommons.org/licenses/by/4.0/"}},
		"servers": []any{obj{"url": base + "/ogc", "description": "the OGC API"}},
		"tags": []any{
			obj{"name": "OGC API - Features", "description": "The collections and their features; public."},
			obj{"name": "News and claims", "description": "Writes: articles and review decisions; need the bearer token."},
		},
		"security": []any{},
		"components": obj{"securitySchemes": obj{"bearerAuth": obj{"type": "http", "scheme": "bearer",
			"description": "The token the service was started with (FRONTLINE_TOKEN); without one every write is 403."}}},
		"paths": obj{
			"/": get("getLandingPage", "Landing page", "Links to the API's parts; the filters given are carried into them.",
				with(f), read("Links to the API's parts.", "application/json", true, false)),
			"/conformance": get("getConformance", "Conformance classes", "The conformance classes the API implements.",
				with(f), read("The classes the API conforms to.", "application/json", true, false)),
			"/api": get("getAPI", "This OpenAPI document", "The definition of the API, as OpenAPI 3.0 JSON.",
				with(fJSON), read("OpenAPI 3.0 definition.", openAPIType, false, false)),
			"/collections": get("getCollections", "The collections", "Every collection with its extent and links: "+strings.Join(collectionIDs(), ", ")+".",
				with(f), read("The collections.", "application/json", true, false)),
			"/collections/{collection}": get("describeCollection", "One collection", "A collection with its extent and links.",
				with(collection, f), read("The collection with its extent.", "application/json", true, true)),
			"/collections/{collection}/items": get("getFeatures", "Features of a collection",
				"A page of the collection's features meeting datetime and bbox. Without datetime, control holds every keyframe's ground. "+
					"The page's links (self, next, prev) name its canonical query: for control, the keyframes the datetime selects.",
				with(collection, limit, offset, f),
				read("A GeoJSON FeatureCollection with links, numberMatched, numberReturned and timeStamp.", geoJSONType, true, true)),
			"/collections/{collection}/items/{featureID}": get("getFeature", "One feature",
				"One feature by id; 404 when it does not meet the datetime or bbox given.",
				with(collection, feature, f), read("A GeoJSON Feature.", geoJSONType, true, true)),
			"/api/articles": articles,
			"/api/claims/{claim}/accept": post("acceptClaim", "Accept a claim",
				"Accepts a proposed claim, optionally corrected; the map is rebuilt with it.", []any{claim},
				jsonBody("An optional correction: at, faction, place, precision, status.", false),
				writeResponses("200", "The decision.")),
			"/api/claims/{claim}/reject": post("rejectClaim", "Reject a claim",
				"Rejects a proposed claim, with an optional reason.", []any{claim},
				jsonBody("An optional reason: {\"reason\": \"...\"}.", false),
				writeResponses("200", "The decision.")),
		},
	}
}
