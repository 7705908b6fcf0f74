package api

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/api/ogc"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

func (s *Server) archiveOn() error {
	if s.cfg.Store == nil {
		return errorf(http.StatusNotFound, errcode.NotFound, "this server keeps no report archive")
	}
	return nil
}

// record fetches the {id} of the path.
func (s *Server) record(r *http.Request) (*store.Record, error) {
	if err := s.archiveOn(); err != nil {
		return nil, err
	}
	id := chi.URLParam(r, "id")
	rec, err := s.cfg.Store.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// handleReport answers an archived report as JSON, HTML or GeoJSON, rendered from
// what was stored: the report, its overlap geometries and the checked footprint.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	format, err := reportFormat(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rec, err := s.record(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := reportOf(rec)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.URL.Query().Get("include_geometry") != "true" {
		for i := range rep.Intersections {
			rep.Intersections[i].Geometry = nil
		}
	}
	w.Header().Set("X-Redline-Dataset-Version", rep.Dataset.Version)
	w.Header().Set("X-Redline-Input-Sha256", rec.InputHash)
	s.writeReport(w, r, rep, format, language(r))
}

// reportOf rebuilds a report from its record, with the geometries renderers use.
func reportOf(rec *store.Record) (*zones.Report, error) {
	var rep zones.Report
	if err := json.Unmarshal(rec.Report, &rep); err != nil {
		return nil, fmt.Errorf("archived report %s: decode: %w", rec.ID, err)
	}
	for i := range rep.Intersections {
		in := &rep.Intersections[i]
		if in.Geometry != nil {
			in.Overlap = in.Geometry.Geometry()
		}
	}
	if len(rec.Footprint) > 0 {
		g, err := geojson.UnmarshalGeometry(rec.Footprint)
		if err != nil {
			return nil, fmt.Errorf("archived report %s: decode footprint: %w", rec.ID, err)
		}
		rep.Geometry = g.Geometry()
	}
	return &rep, nil
}

// handleReportInput answers the footprint exactly as it was received.
func (s *Server) handleReportInput(w http.ResponseWriter, r *http.Request) {
	rec, err := s.record(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// The type is the client's, as sent: served back only when it is a footprint
	// format, so that no upload comes back from our origin as a page or a script
	// (nosniff then keeps browsers from running it either way).
	ct := "application/octet-stream"
	if mt, _, err := mime.ParseMediaType(rec.InputType); err == nil && inputTypes[mt] {
		ct = rec.InputType
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("X-Redline-Input-Sha256", rec.InputHash)
	name := rec.InputName
	if name == "" {
		name = "footprint.geojson"
	}
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(name))
	w.Write(rec.Input)
}

// inputTypes are the media types an archived input is served back with.
var inputTypes = map[string]bool{
	"application/json": true, "application/geo+json": true, "application/x-ndjson": true,
	"application/zip": true, "application/x-zip-compressed": true,
	"application/vnd.google-earth.kml+xml": true, "application/vnd.google-earth.kmz": true,
	"application/geopackage+sqlite3": true, "text/plain": true, "text/csv": true, "application/octet-stream": true,
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// handleReportList lists archived reports, newest first, with the filters that
// /ogc/collections/reports/items takes (ogc.ParseReportFilter: datetime, verdict,
// industry, dataset_version, project) and from=/to= (RFC 3339 or a date, both
// inclusive), input_hash=, limit= and offset=; "next" links the following page.
func (s *Server) handleReportList(w http.ResponseWriter, r *http.Request) {
	if err := s.archiveOn(); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	f, err := ogc.ParseReportFilter(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if hash := q.Get("input_hash"); hash != "" || q.Has("input_hash") {
		if !sha256Hex.MatchString(hash) {
			s.writeError(w, r, errcode.New(errcode.BadRequest, map[string]any{"field": "input_hash"},
				"input_hash must be the lowercase hex SHA-256 of the footprint as sent, not %q", hash))
			return
		}
		f.InputHash = hash
	}
	for _, end := range []struct {
		name string
		t    *time.Time
		to   bool
	}{{"from", &f.From, false}, {"to", &f.To, true}} {
		v := q.Get(end.name)
		if v == "" {
			continue
		}
		if q.Get("datetime") != "" {
			s.writeError(w, r, errcode.New(errcode.BadRequest, map[string]any{"field": end.name},
				"give either datetime or from/to, not both"))
			return
		}
		iv, err := ogc.ParseDatetime(v)
		if err != nil || iv.From.IsZero() {
			s.writeError(w, r, errcode.New(errcode.BadRequest, map[string]any{"field": end.name},
				"%s must be an RFC 3339 date-time (2026-11-01T08:00:00Z) or a date (2026-11-01), not %q", end.name, v))
			return
		}
		*end.t = iv.From
		if end.to {
			*end.t = iv.To
		}
	}
	win, err := queryWindow(q, 100, 1000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f.Limit, f.Offset = win.limit, win.offset
	page, err := s.cfg.Store.List(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	next := win.next(r, len(page.Reports), page.Total)
	writeJSON(w, http.StatusOK, struct {
		Reports []store.Summary `json:"reports"`
		Total   int64           `json:"total"`
		Offset  int             `json:"offset"`
		Next    *string         `json:"next"`
	}{page.Reports, page.Total, f.Offset, next})
}
