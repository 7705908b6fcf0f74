package ogc

import (
	"net/http"
	"slices"
)

// obj is a JSON object of the OpenAPI document.
type obj = map[string]any

// apiDoc is this service's OpenAPI 3.0 document (/ogc/api, rel=service-desc),
// written for the dataset in service: the collection ids and CRSs are listed.
func (s *Service) apiDoc(base string, collections []string, crss []string) obj {
	ref := func(name string) obj { return obj{"$ref": "#/components/" + name} }
	str := obj{"type": "string"}
	content := func(types ...string) obj {
		c := obj{}
		for _, t := range types {
			switch t {
			case mediaHTML:
				c[t] = obj{"schema": str}
			default:
				c[t] = obj{"schema": obj{"type": "object"}}
			}
		}
		return c
	}
	ok := func(desc string, types ...string) obj {
		return obj{"description": desc, "content": content(types...)}
	}
	errs := func(r obj, codes ...string) obj {
		for _, c := range codes {
			r[c] = ref("responses/Error")
		}
		return r
	}
	op := func(id, summary string, params []any, responses obj) obj {
		return obj{"get": obj{"operationId": id, "summary": summary, "parameters": params, "responses": responses}}
	}
	f := ref("parameters/f")
	doc := obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "redline — OGC API – Features",
			"version":     "1.0.0",
			"description": "Zoning layers in service and archived checks as OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS by reference). 分区图层与审查报告档案。",
		},
		"servers": []any{obj{"url": base}},
		"paths": obj{
			"/": op("getLandingPage", "landing page 首页", []any{f},
				errs(obj{"200": ok("links to the API, conformance and collections", mediaJSON, mediaHTML)}, "400")),
			"/conformance": op("getConformance", "conformance classes 符合性声明", []any{f},
				errs(obj{"200": ok("the conformance classes implemented", mediaJSON, mediaHTML)}, "400")),
			"/api": op("getAPI", "this document 本接口定义", []any{f},
				errs(obj{"200": ok("the OpenAPI document, or its HTML summary", mediaOpenAPI, mediaHTML)}, "400")),
			"/collections": op("getCollections", "the collections: one per layer, and reports 数据集合", []any{f},
				errs(obj{"200": ok("the collections", mediaJSON, mediaHTML)}, "400", "503")),
			"/collections/{collectionId}": op("describeCollection", "one collection", []any{ref("parameters/collectionId"), f},
				errs(obj{"200": ok("the collection", mediaJSON, mediaHTML)}, "400", "404", "503")),
			"/collections/{collectionId}/items": op("getFeatures", "features of a collection, paged 要素",
				[]any{ref("parameters/collectionId"), f, ref("parameters/limit"), ref("parameters/offset"), ref("parameters/bbox"),
					ref("parameters/bbox-crs"), ref("parameters/crs"), ref("parameters/datetime"), ref("parameters/class"),
					ref("parameters/verdict"), ref("parameters/industry"), ref("parameters/dataset_version"), ref("parameters/project")},
				errs(obj{"200": obj{"description": "a page of features (GeoJSON FeatureCollection with numberMatched, numberReturned, timeStamp, next/prev links)",
					"headers": obj{"Content-Crs": ref("headers/Content-Crs")}, "content": content(mediaGeoJSON, mediaHTML)}}, "400", "404", "503")),
			"/collections/{collectionId}/items/{featureId}": op("getFeature", "one feature: a zone by its id, a report by its id",
				[]any{ref("parameters/collectionId"), ref("parameters/featureId"), f, ref("parameters/crs")},
				errs(obj{"200": obj{"description": "the feature", "headers": obj{"Content-Crs": ref("headers/Content-Crs")},
					"content": content(mediaGeoJSON, mediaHTML)}}, "400", "404", "503")),
		},
		"components": obj{
			"parameters": obj{
				"f": obj{"name": "f", "in": "query", "required": false, "description": "the format: json (GeoJSON for features) or html; default by the Accept header",
					"schema": obj{"type": "string", "enum": []string{"json", "html"}}},
				"collectionId": obj{"name": "collectionId", "in": "path", "required": true,
					"description": "a layer id of the dataset in service, or reports (the archive)", "schema": obj{"type": "string", "enum": collections}},
				"featureId": obj{"name": "featureId", "in": "path", "required": true, "description": "the zone id, or the report id", "schema": str},
				"limit": obj{"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
					"description": "features per page; values above 10000 are served as 10000",
					"schema":      obj{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}},
				"offset": obj{"name": "offset", "in": "query", "required": false,
					"description": "features skipped before the page (next and prev links set it)", "schema": obj{"type": "integer", "minimum": 0, "default": 0}},
				"bbox": obj{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
					"description": "lower corner, upper corner in the axis order of bbox-crs (CRS84: lon,lat); 6 numbers: heights ignored",
					"schema":      obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}},
				"bbox-crs": obj{"name": "bbox-crs", "in": "query", "required": false, "description": "the CRS of bbox",
					"schema": obj{"type": "string", "format": "uri", "enum": crss}},
				"crs": obj{"name": "crs", "in": "query", "required": false, "description": "the CRS of the geometries in the answer (Content-Crs says which)",
					"schema": obj{"type": "string", "format": "uri", "enum": crss}},
				"datetime": obj{"name": "datetime", "in": "query", "required": false,
					"description": "reports: created_at at an RFC 3339 instant or in an interval start/end (.. for an open end); layers: checked, then ignored (zones carry no time)",
					"schema":      str},
				"class": obj{"name": "class", "in": "query", "required": false, "description": "layers: the canonical zone class (core, priority, level1, …)", "schema": str},
				"verdict": obj{"name": "verdict", "in": "query", "required": false, "description": "reports: the overall verdict",
					"schema": obj{"type": "string", "enum": []string{"prohibited", "needs_info", "conditional", "admissible"}}},
				"industry": obj{"name": "industry", "in": "query", "required": false,
					"description": "reports: a GB/T 4754-2017 code prefix at any level (C, C25, 2511)", "schema": str},
				"dataset_version": obj{"name": "dataset_version", "in": "query", "required": false, "description": "reports: the dataset version checked against", "schema": str},
				"project":         obj{"name": "project", "in": "query", "required": false, "description": "reports: the project's name, exactly", "schema": str},
			},
			"headers": obj{
				"Content-Crs": obj{"description": "the CRS of the geometries, as <URI>", "schema": str},
			},
			"schemas": obj{
				"Error": obj{"type": "object", "required": []string{"error"}, "properties": obj{
					"error": obj{"type": "object", "properties": obj{
						"code": str, "message": str, "details": obj{"type": "object"},
					}},
				}},
			},
			"responses": obj{
				"Error": obj{"description": "an error: 400 a bad parameter (named in details), 404 no such collection or feature, 503 no dataset loaded",
					"content": obj{mediaJSON: obj{"schema": obj{"$ref": "#/components/schemas/Error"}}}},
			},
		},
	}
	return doc
}

// apiPage is the HTML summary of the document (rel=service-doc).
type apiPage struct {
	Doc   string
	Paths []struct{ Path, Summary string }
}

func (s *Service) handleAPI(w http.ResponseWriter, r *http.Request) {
	html, ok := s.plain(w, r)
	if !ok {
		return
	}
	doc, err := s.Document(r)
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	if !html {
		writeJSON(w, mediaOpenAPI, doc)
		return
	}
	page := apiPage{Doc: s.base(r) + "/api?f=json"}
	paths := doc["paths"].(obj)
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		get := paths[k].(obj)["get"].(obj)
		page.Paths = append(page.Paths, struct{ Path, Summary string }{s.cfg.Prefix + k, get["summary"].(string)})
	}
	s.writeHTML(w, r, "api", page)
}

// Document returns the OpenAPI document as served to r (tests dump it for the
// validator).
func (s *Service) Document(r *http.Request) (map[string]any, error) {
	ds, _, m, err := s.dataset()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, ly := range ds.Layers {
		ids = append(ids, ly.ID)
	}
	if s.cfg.Store != nil && !slices.Contains(ids, ReportsID) {
		ids = append(ids, ReportsID)
	}
	return s.apiDoc(s.base(r), ids, uris(m.crss)), nil
}
