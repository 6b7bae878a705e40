package server

import (
	"net/http"
	"strings"
)

// ogcAPI answers GET /ogc/api: the OpenAPI 3.0 definition of the OGC API.
func (s *Server) ogcAPI(w http.ResponseWriter, r *http.Request) error {
	if err := checkParams(r); err != nil {
		return err
	}
	return writeJSON(w, openAPIType, openAPIDocument(baseURL(r)+"/ogc"))
}

func openAPIDocument(server string) map[string]any {
	param := func(name, in, desc string, schema map[string]any, required bool) map[string]any {
		return map[string]any{"name": name, "in": in, "description": desc, "required": required, "schema": schema,
			"style": "form", "explode": false}
	}
	str := map[string]any{"type": "string"}
	f := param("f", "query", "Encoding; only json is served.", map[string]any{"type": "string", "enum": []string{"json", "geojson"}}, false)
	collection := param("collection", "path", "Collection id.", map[string]any{"type": "string", "enum": collectionIDs()}, true)
	collection["style"] = "simple"
	feature := param("featureID", "path", "Feature id.", str, true)
	feature["style"] = "simple"
	limit := param("limit", "query", "Most features to return (default 100; larger values are cut to 10000).",
		map[string]any{"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}, false)
	offset := param("offset", "query", "Features to skip, for paging.", map[string]any{"type": "integer", "minimum": 0, "default": 0}, false)
	bbox := param("bbox", "query", "minlon,minlat,maxlon,maxlat in CRS84; features whose extent meets it.",
		map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}, false)
	datetime := param("datetime", "query",
		"An RFC 3339 instant, or an interval a/b with '..' for an open end; features whose validity meets it. "+
			"For places, the controller is given at the instant (or at the interval's end).", str, false)
	version := param("v", "query", "The data version the URL was made for (TileJSON and /api/timeline give it); "+
		"an answer to a URL naming the version in force is immutable.", str, false)
	problem := map[string]any{"description": "Bad request or not found.", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{
			"type": str, "title": str, "status": map[string]any{"type": "integer"}, "detail": str}}}}}
	jsonOK := func(desc string) map[string]any {
		return map[string]any{"200": map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"type": "object"}}}}, "400": problem}
	}
	geoOK := func(desc string) map[string]any {
		return map[string]any{
			"200": map[string]any{"description": desc, "content": map[string]any{geoJSONType: map[string]any{
				"schema": map[string]any{"type": "object"}}}},
			"304": map[string]any{"description": "Not modified (If-None-Match)."},
			"400": problem, "404": problem,
		}
	}
	op := func(id, summary string, params []any, responses map[string]any) map[string]any {
		return map[string]any{"get": map[string]any{"operationId": id, "summary": summary, "parameters": params, "responses": responses}}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "frontline OGC API - Features", "version": "1.0.0",
			"description": "Who controlled what in Syria, 26 Nov - 12 Dec 2024. Places: GeoNames (CC BY 4.0); boundaries: Natural Earth."},
		"servers": []any{map[string]any{"url": server}},
		"paths": map[string]any{
			"/":                               op("getLandingPage", "Landing page", []any{f}, jsonOK("Links to the API's parts.")),
			"/conformance":                    op("getConformance", "Conformance classes", []any{f}, jsonOK("The classes the API conforms to.")),
			"/api":                            op("getAPI", "This OpenAPI document", []any{f}, jsonOK("OpenAPI 3.0 definition.")),
			"/collections":                    op("getCollections", "The collections", []any{f}, jsonOK(strings.Join(collectionIDs(), ", ")+".")),
			"/collections/{collection}":       op("describeCollection", "One collection", []any{collection, f}, jsonOK("The collection with its extent.")),
			"/collections/{collection}/items": op("getFeatures", "Features of a collection", []any{collection, limit, offset, bbox, datetime, version, f}, geoOK("A GeoJSON FeatureCollection with links, numberMatched, numberReturned and timeStamp.")),
			"/collections/{collection}/items/{featureID}": op("getFeature", "One feature", []any{collection, feature, datetime, version, f}, geoOK("A GeoJSON Feature.")),
		},
	}
}
