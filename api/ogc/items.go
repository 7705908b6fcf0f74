package ogc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/project"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// feature is one GeoJSON Feature as written, with its links (Part 1 items).
type feature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
	Links      []link            `json:"links,omitempty"`
}

// page is a FeatureCollection's members other than its features.
type page struct {
	Type           string `json:"type"`
	TimeStamp      string `json:"timeStamp"`
	NumberMatched  int64  `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	Links          []link `json:"links"`
}

// itemParams are what an items request asks for, read and checked up front so
// that a bad parameter is a 400 before anything is written.
type itemParams struct {
	html          bool
	out           refCRS
	bbox          *orb.Bound
	limit, offset int
	class         string
	reports       store.Filter
}

func (s *Service) itemParams(r *http.Request, t target) (itemParams, error) {
	var p itemParams
	var err error
	known := []string{"f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime"}
	if t.reports {
		known = append(known, ReportFilterParams...)
	} else {
		known = append(known, "class")
	}
	if err = onlyParams(r, known...); err != nil {
		return p, err
	}
	if p.html, err = wantHTML(r); err != nil {
		return p, err
	}
	q := r.URL.Query()
	p.out = t.meta.crss[0]
	if v := q.Get("crs"); v != "" {
		if p.out, err = findCRS(t.meta.crss, "crs", v); err != nil {
			return p, err
		}
	}
	if p.limit, p.offset, err = paging(q); err != nil {
		return p, err
	}
	if p.bbox, err = bbox(q, t.meta.crss); err != nil {
		return p, err
	}
	if t.reports {
		if p.reports, err = ParseReportFilter(q); err != nil {
			return p, err
		}
		p.reports.Bbox = p.bbox
		p.reports.Limit, p.reports.Offset = p.limit, p.offset
		p.reports.Footprints = true
		return p, nil
	}
	if v := q.Get("datetime"); v != "" {
		// Zones carry no time: the filter is checked, then every zone passes, as
		// they hold whatever the instant (the dataset version in force).
		if _, err := ParseDatetime(v); err != nil {
			return p, err
		}
	}
	if v := q.Get("class"); v != "" {
		if t.layer.Kind != zones.KindCustom && !t.layer.Kind.ValidClass(v) {
			return p, badParam("class", v, fmt.Sprintf("class must be one of layer %s's classes %v, not %q", t.layer.ID, t.layer.Kind.Classes(), v))
		}
		p.class = v
	}
	return p, nil
}

// pageLinks are the self, alternate, next and prev links of an items page.
func pageLinks(r *http.Request, u string, p itemParams, matched int64, returned int) []link {
	q := r.URL.Query()
	q.Del("f")
	jsonType := mediaGeoJSON
	links := selfLinks(u, q, jsonType, p.html)
	format, typ := "json", jsonType
	if p.html {
		format, typ = "html", mediaHTML
	}
	at := func(offset int) string {
		n := url.Values{}
		for k, v := range q {
			n[k] = v
		}
		n.Set("limit", strconv.Itoa(p.limit))
		n.Set("offset", strconv.Itoa(offset))
		return withQuery(u, n, format)
	}
	if int64(p.offset+returned) < matched {
		links = append(links, link{Href: at(p.offset + returned), Rel: "next", Type: typ, Title: "下一页 next page"})
	}
	if p.offset > 0 {
		links = append(links, link{Href: at(max(p.offset-p.limit, 0)), Rel: "prev", Type: typ, Title: "上一页 previous page"})
	}
	return links
}

func (s *Service) handleItems(w http.ResponseWriter, r *http.Request) {
	t, err := s.target(r)
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	p, err := s.itemParams(r, t)
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	w.Header().Set(versionHeader, t.ds.Version)
	base := s.base(r)
	u := base + "/collections/" + chi.URLParam(r, "collectionId") + "/items"
	if t.reports {
		pg, err := s.cfg.Store.List(r.Context(), p.reports)
		if err != nil {
			s.cfg.WriteError(w, r, err)
			return
		}
		hdr := page{Type: "FeatureCollection", TimeStamp: s.cfg.Now().UTC().Format(time.RFC3339),
			NumberMatched: pg.Total, NumberReturned: len(pg.Reports), Links: pageLinks(r, u, p, pg.Total, len(pg.Reports))}
		i := 0
		s.writeItems(w, r, p, hdr, func() (*feature, error) {
			if i == len(pg.Reports) {
				return nil, nil
			}
			i++
			return reportFeature(base, &pg.Reports[i-1], p.out)
		})
		return
	}
	match := s.zonesMatching(t, p)
	start := min(p.offset, len(match))
	end := min(start+p.limit, len(match))
	hdr := page{Type: "FeatureCollection", TimeStamp: s.cfg.Now().UTC().Format(time.RFC3339),
		NumberMatched: int64(len(match)), NumberReturned: end - start, Links: pageLinks(r, u, p, int64(len(match)), end-start)}
	i := start
	s.writeItems(w, r, p, hdr, func() (*feature, error) {
		if i == end {
			return nil, nil
		}
		i++
		return zoneFeature(t.layer, match[i-1], p.out), nil
	})
}

// zonesMatching returns the layer's zones that pass the bbox and class filters,
// in the layer's order. The index answers a bbox; without one (an engine that
// keeps none) every zone is tested.
func (s *Service) zonesMatching(t target, p itemParams) []*zones.Zone {
	var match []*zones.Zone
	switch {
	case p.bbox != nil && t.idx != nil:
		match = t.idx.Intersecting(t.layer.ID, *p.bbox)
	case p.bbox != nil:
		for _, z := range t.layer.Zones {
			if planar.MeetsBound(z.Geometry, *p.bbox) {
				match = append(match, z)
			}
		}
	default:
		match = t.layer.Zones
	}
	if p.class != "" {
		match = slices.DeleteFunc(slices.Clone(match), func(z *zones.Zone) bool { return z.Class != p.class })
	}
	return match
}

// writeItems writes a page: the FeatureCollection's members first, then the
// features one at a time as next gives them (nil at the end), so that a page
// of large zones is never held whole. A feature that fails after the answer has
// begun ends the body early; the client sees invalid JSON rather than a short
// page passed off as whole.
func (s *Service) writeItems(w http.ResponseWriter, r *http.Request, p itemParams, hdr page, next func() (*feature, error)) {
	w.Header().Set("Content-Crs", "<"+p.out.URI+">")
	if p.html {
		var feats []*feature
		for {
			f, err := next()
			if err != nil {
				s.cfg.WriteError(w, r, err)
				return
			}
			if f == nil {
				break
			}
			f.Geometry = nil // the HTML table lists properties only
			feats = append(feats, f)
		}
		s.writeHTML(w, r, "items", struct {
			Page     page
			Title    string
			Features []*feature
		}{hdr, chi.URLParam(r, "collectionId"), feats})
		return
	}
	head, err := json.Marshal(hdr)
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", mediaGeoJSON)
	bw := bufio.NewWriterSize(w, 32<<10)
	defer bw.Flush()
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"features":[`)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for n := 0; ; n++ {
		f, err := next()
		if err != nil || f == nil {
			if err != nil {
				return
			}
			break
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		if enc.Encode(f) != nil {
			return
		}
		if r.Context().Err() != nil {
			return
		}
	}
	bw.WriteString("]}\n")
}

func (s *Service) handleItem(w http.ResponseWriter, r *http.Request) {
	t, err := s.target(r)
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	if err := onlyParams(r, "f", "crs"); err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	html, err := wantHTML(r)
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return
	}
	out := t.meta.crss[0]
	if v := r.URL.Query().Get("crs"); v != "" {
		if out, err = findCRS(t.meta.crss, "crs", v); err != nil {
			s.cfg.WriteError(w, r, err)
			return
		}
	}
	w.Header().Set(versionHeader, t.ds.Version)
	id := chi.URLParam(r, "featureId")
	base := s.base(r)
	coll := base + "/collections/" + chi.URLParam(r, "collectionId")
	var f *feature
	if t.reports {
		page, err := s.cfg.Store.List(r.Context(), store.Filter{ID: id, Footprints: true, Limit: 1})
		if err != nil {
			s.cfg.WriteError(w, r, err)
			return
		}
		if len(page.Reports) == 0 {
			s.cfg.WriteError(w, r, notFound(map[string]any{"collection": ReportsID, "feature": id}, "no report %q in the archive", id))
			return
		}
		if f, err = reportFeature(base, &page.Reports[0], out); err != nil {
			s.cfg.WriteError(w, r, err)
			return
		}
	} else {
		i := slices.IndexFunc(t.layer.Zones, func(z *zones.Zone) bool { return z.ID == id })
		if i < 0 {
			s.cfg.WriteError(w, r, notFound(map[string]any{"collection": t.layer.ID, "feature": id}, "no zone %q in layer %q", id, t.layer.ID))
			return
		}
		f = zoneFeature(t.layer, t.layer.Zones[i], out)
	}
	self := coll + "/items/" + url.PathEscape(id)
	q := url.Values{}
	if v := r.URL.Query().Get("crs"); v != "" {
		q.Set("crs", v)
	}
	f.Links = append(selfLinks(self, q, mediaGeoJSON, html), append([]link{
		{Href: coll + "?f=json", Rel: "collection", Type: mediaJSON, Title: "所属集合 the collection"},
	}, f.Links...)...)
	w.Header().Set("Content-Crs", "<"+out.URI+">")
	if html {
		s.writeHTML(w, r, "item", f)
		return
	}
	writeJSON(w, mediaGeoJSON, f)
}

// zoneFeature is a zone as an item: id = zone id; the zone's name, code, class
// (canonical English) and its Chinese name, the layer, the ECU category and
// access-list clauses, the park's facts, then the source attributes under their
// own names (where they do not collide with ours).
func zoneFeature(ly *zones.Layer, z *zones.Zone, out refCRS) *feature {
	props := map[string]any{
		"name": z.Name, "code": z.ID, "class": z.Class, "class_zh": zones.ClassLabel(ly.Kind, z.Class),
		"kind": string(ly.Kind), "kind_zh": zones.KindLabel(ly.Kind), "layer": ly.ID, "layer_title": ly.Title,
	}
	if ly.Kind == zones.KindECU {
		props["ecu_category"] = zones.ClassLabel(ly.Kind, z.Class)
	}
	if c := z.Clauses; c != nil {
		props["spatial_layout"] = c.SpatialLayout
		props["pollutant_emission"] = c.PollutantEmission
		props["environmental_risk"] = c.EnvironmentalRisk
		props["resource_efficiency"] = c.ResourceEfficiency
	}
	if pk := z.Park; pk != nil {
		props["planning_eia"] = pk.PlanningEIA
		props["park_industries"] = joinCodes(pk.Industries)
	}
	for k, v := range z.Attrs() {
		if _, ours := props[k]; !ours && k != "id" {
			props[k] = v
		}
	}
	return &feature{Type: "Feature", ID: z.ID, Geometry: geometryOut(z.Geometry, out), Properties: props}
}

func joinCodes(codes []string) string {
	out := ""
	for i, c := range codes {
		if i > 0 {
			out += ","
		}
		out += c
	}
	return out
}

// reportFeature is an archived check as an item: the footprint and the facts
// the archive lists, with links to the full report (JSON and HTML).
func reportFeature(base string, m *store.Summary, out refCRS) (*feature, error) {
	var g orb.Geometry
	if len(m.Footprint) > 0 {
		gj, err := geojson.UnmarshalGeometry(m.Footprint)
		if err != nil {
			return nil, fmt.Errorf("archived report %s: decode footprint: %w", m.ID, err)
		}
		g = gj.Geometry()
	}
	root := base[:len(base)-len(pathOf(base))] // scheme://host
	report := root + "/v1/reports/" + url.PathEscape(m.ID)
	props := map[string]any{
		"verdict": m.Verdict, "governing_rule": m.GoverningRule, "project_name": m.ProjectName,
		"industry": m.Industry, "dataset_name": m.DatasetName, "dataset_version": m.DatasetVersion,
		"created_at": m.CreatedAt.Format(time.RFC3339Nano), "input_hash": m.InputHash,
		"report_url": report, "report_html_url": report + "?format=html",
	}
	return &feature{Type: "Feature", ID: m.ID, Geometry: geometryOut(g, out), Properties: props,
		Links: []link{
			{Href: report, Rel: "describedby", Type: mediaJSON, Title: "完整审查报告 the full report (JSON)"},
			{Href: report + "?format=html", Rel: "describedby", Type: mediaHTML, Title: "完整审查报告 the full report (HTML)"},
		}}, nil
}

// pathOf returns the path part of an absolute URL.
func pathOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Path
}

// geometryOut is g in the output CRS, nil for no geometry.
func geometryOut(g orb.Geometry, out refCRS) *geojson.Geometry {
	if g == nil {
		return nil
	}
	if !out.identity() {
		// project.Geometry maps in place; g is the dataset's own geometry.
		g = project.Geometry(orb.Clone(g), out.out)
	}
	return geojson.NewGeometry(g)
}
