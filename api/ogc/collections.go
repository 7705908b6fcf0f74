package ogc

import (
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// ReportsID is the collection id of the report archive.
const ReportsID = "reports"

type landing struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []link `json:"links"`
}

func (s *Service) handleLanding(w http.ResponseWriter, r *http.Request) {
	html, ok := s.plain(w, r)
	if !ok {
		return
	}
	ds, _, _, err := s.dataset()
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	w.Header().Set(versionHeader, ds.Version)
	b := s.base(r)
	page := landing{
		Title: "redline 生态环境分区管控 — OGC API – Features",
		Description: fmt.Sprintf("数据集 %s（版本 %s）的分区图层与审查报告档案。Zoning layers of dataset %s (version %s) and the archive of checks.",
			ds.Name, ds.Version, ds.Name, ds.Version),
		Links: append(selfLinks(b, nil, mediaJSON, html),
			link{Href: b + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "OpenAPI 3.0 接口定义"},
			link{Href: b + "/api?f=html", Rel: "service-doc", Type: mediaHTML, Title: "接口说明 API documentation"},
			link{Href: b + "/conformance", Rel: "conformance", Type: mediaJSON, Title: "符合性声明 Conformance"},
			link{Href: b + "/collections", Rel: "data", Type: mediaJSON, Title: "数据集合 Collections"},
		),
	}
	if html {
		s.writeHTML(w, r, "landing", page)
		return
	}
	writeJSON(w, mediaJSON, page)
}

func (s *Service) handleConformance(w http.ResponseWriter, r *http.Request) {
	html, ok := s.plain(w, r)
	if !ok {
		return
	}
	v := struct {
		ConformsTo []string `json:"conformsTo"`
	}{conformance}
	if html {
		s.writeHTML(w, r, "conformance", v)
		return
	}
	writeJSON(w, mediaJSON, v)
}

// collection is an OGC API collection description.
type collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Links       []link   `json:"links"`
	Extent      *extent  `json:"extent,omitempty"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	// Kind, classes and counts are redline's own members (Part 1 allows more).
	Kind    string   `json:"kind,omitempty"`
	Classes []string `json:"classes,omitempty"`
	Count   *int64   `json:"numberOfFeatures,omitempty"`
}

type extent struct {
	Spatial  *spatialExtent  `json:"spatial,omitempty"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	Bbox [][]float64 `json:"bbox"`
	CRS  string      `json:"crs"`
}

type temporalExtent struct {
	Interval [][]*string `json:"interval"`
	TRS      string      `json:"trs"`
}

func spatial(b orb.Bound) *spatialExtent {
	return &spatialExtent{Bbox: [][]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, CRS: CRS84}
}

// layerCollection describes a layer.
func (s *Service) layerCollection(b string, ly *zones.Layer, m *datasetMeta) collection {
	kind, _ := zones.KindName(ly.Kind)
	title := ly.Title
	if title == "" {
		title = ly.ID
	}
	n := int64(len(ly.Zones))
	c := collection{
		ID: ly.ID, Title: title,
		Description: fmt.Sprintf("%s（%s）：%d 个区域，类别 %v。%s layer, %d zones.", kind.Zh, ly.ID, len(ly.Zones), ly.Kind.Classes(), kind.En, len(ly.Zones)),
		ItemType:    "feature", CRS: uris(m.crss), StorageCRS: CRS84,
		Kind: string(ly.Kind), Classes: ly.Kind.Classes(), Count: &n,
	}
	if len(ly.Zones) > 0 {
		c.Extent = &extent{Spatial: spatial(m.extents[ly.ID])}
	}
	c.Links = s.collectionLinks(b, ly.ID)
	return c
}

func (s *Service) collectionLinks(b, id string) []link {
	u := b + "/collections/" + id
	return []link{
		{Href: u + "?f=json", Rel: "self", Type: mediaJSON, Title: "JSON"},
		{Href: u + "?f=html", Rel: "alternate", Type: mediaHTML, Title: "HTML 网页"},
		{Href: u + "/items?f=json", Rel: "items", Type: mediaGeoJSON, Title: "要素 Features (GeoJSON)"},
		{Href: u + "/items?f=html", Rel: "items", Type: mediaHTML, Title: "要素 Features (HTML)"},
	}
}

// reportsCollection describes the archive.
func (s *Service) reportsCollection(r *http.Request, b string, m *datasetMeta) (collection, error) {
	e, err := s.cfg.Store.Extent(r.Context())
	if err != nil {
		return collection{}, err
	}
	c := collection{
		ID: ReportsID, Title: "审查报告档案 Archived checks",
		Description: fmt.Sprintf("已存档的选址审查：项目范围、结论、决定性规则、项目名称与行业。%d archived checks: footprint, verdict, governing rule, project name and industry; filter with verdict=, industry=, datetime=.", e.Count),
		ItemType:    "feature", CRS: uris(m.crss), StorageCRS: CRS84, Count: &e.Count,
	}
	if e.Count > 0 {
		c.Extent = &extent{}
		if e.Bbox != nil {
			c.Extent.Spatial = spatial(*e.Bbox)
		}
		first, last := e.First.Format(time.RFC3339), e.Last.Format(time.RFC3339)
		c.Extent.Temporal = &temporalExtent{Interval: [][]*string{{&first, &last}},
			TRS: "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
	}
	c.Links = s.collectionLinks(b, ReportsID)
	return c, nil
}

func (s *Service) handleCollections(w http.ResponseWriter, r *http.Request) {
	html, ok := s.plain(w, r)
	if !ok {
		return
	}
	ds, _, m, err := s.dataset()
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	w.Header().Set(versionHeader, ds.Version)
	b := s.base(r)
	out := struct {
		Links       []link       `json:"links"`
		Collections []collection `json:"collections"`
		CRS         []string     `json:"crs"`
	}{Links: selfLinks(b+"/collections", nil, mediaJSON, html), Collections: []collection{}, CRS: uris(m.crss)}
	for _, ly := range ds.Layers {
		if ly.ID == ReportsID && s.cfg.Store != nil {
			continue // the archive's collection id wins (see README)
		}
		out.Collections = append(out.Collections, s.layerCollection(b, ly, m))
	}
	if s.cfg.Store != nil {
		c, err := s.reportsCollection(r, b, m)
		if err != nil {
			s.cfg.WriteError(w, r, err)
			return
		}
		out.Collections = append(out.Collections, c)
	}
	if html {
		s.writeHTML(w, r, "collections", out)
		return
	}
	writeJSON(w, mediaJSON, out)
}

// target is the collection a path names: a layer, or the archive.
type target struct {
	ds      *zones.Dataset
	idx     *zones.Index
	meta    *datasetMeta
	layer   *zones.Layer // nil for the archive
	reports bool
}

func (s *Service) target(r *http.Request) (target, error) {
	ds, idx, m, err := s.dataset()
	if err != nil {
		return target{}, err
	}
	id := chi.URLParam(r, "collectionId")
	if id == ReportsID && s.cfg.Store != nil {
		return target{ds: ds, idx: idx, meta: m, reports: true}, nil
	}
	ly := ds.Layer(id)
	if ly == nil {
		return target{}, notFound(map[string]any{"collection": id}, "no collection %q: the collections are the layers of dataset %q, and reports when the server keeps an archive", id, ds.Name)
	}
	return target{ds: ds, idx: idx, meta: m, layer: ly}, nil
}

func (s *Service) handleCollection(w http.ResponseWriter, r *http.Request) {
	html, ok := s.plain(w, r)
	if !ok {
		return
	}
	t, err := s.target(r)
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	w.Header().Set(versionHeader, t.ds.Version)
	b := s.base(r)
	var c collection
	if t.reports {
		c, err = s.reportsCollection(r, b, t.meta)
		if err != nil {
			s.cfg.WriteError(w, r, err)
			return
		}
	} else {
		c = s.layerCollection(b, t.layer, t.meta)
	}
	if html {
		s.writeHTML(w, r, "collection", c)
		return
	}
	writeJSON(w, mediaJSON, c)
}

// versionHeader carries the version of the dataset in service, as on /v1.
const versionHeader = "X-Redline-Dataset-Version"
