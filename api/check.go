package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// checkInput is a decoded check request.
type checkInput struct {
	footprint zones.Footprint
	project   zones.Project
	opts      zones.CheckOptions
	// raw is the footprint as received (the file, or the envelope's member), with
	// its name and media type, for the archive.
	raw      []byte
	rawName  string
	rawType  string
	language string
}

func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	release, err := acquire(r.Context(), s.checks, s.cfg.QueueWait, "checks")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer release()
	l, err := s.current()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format, err := reportFormat(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// A body that trickles in must not hold a check slot past the time limit.
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.CheckTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxCheckBody)
	in, err := s.readCheck(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := zones.ValidateProjectFor(in.project, l.engine.Dataset()); err != nil {
		s.writeError(w, r, asInput(err, errcode.InvalidProject))
		return
	}
	in.opts.MaxVertices = s.cfg.MaxVertices
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.CheckTimeout)
	defer cancel()
	rep, err := l.engine.Check(ctx, in.footprint, in.project, in.opts)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return // the client went away
		}
		s.writeError(w, r, err)
		return
	}
	if rep.ReportID == "" {
		rep.ReportID = newReportID()
	}
	if rep.Project == nil && !in.project.IsZero() {
		p := in.project
		rep.Project = &p
	}
	if err := s.archive(ctx, rep, in); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.metrics.check(rep.Verdict)
	w.Header().Set("X-Redline-Dataset-Version", rep.Dataset.Version)
	if s.cfg.Store != nil {
		w.Header().Set("Location", "/v1/reports/"+rep.ReportID)
	}
	if !in.opts.IncludeGeometry {
		for i := range rep.Intersections {
			rep.Intersections[i].Geometry = nil
		}
	}
	s.writeReport(w, r, rep, format, in.language)
}

// readCheck decodes the three forms of a check: the JSON envelope, a bare
// footprint file in the body (options in the query), or a multipart upload.
func (s *Server) readCheck(r *http.Request) (*checkInput, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	q := r.URL.Query()
	in := &checkInput{language: language(r)}
	if mt == "multipart/form-data" {
		return in, s.readMultipartCheck(r, params["boundary"], in)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errorf(http.StatusBadRequest, errcode.BadRequest, "the request body is empty: send a check envelope, a footprint file, or a multipart upload")
	}
	if (mt == "" || mt == "application/json" || mt == "text/json") && isEnvelope(b) {
		return in, in.parseEnvelope(b)
	}
	// A bare footprint file; options and project in the query string.
	name := q.Get("name")
	if name == "" {
		name = nameForMedia(mt)
	}
	fields := map[string]string{}
	for _, k := range []string{"project", "crs", "buffer_m", "strict", "include_geometry", "industry", "encoding"} {
		if v := q.Get(k); v != "" {
			fields[k] = v
		}
	}
	if err := in.apply(fields, b, name); err != nil {
		return nil, err
	}
	in.raw, in.rawName, in.rawType = b, name, mt
	return in, nil
}

// nameForMedia gives a bare body a file name that helps format detection.
func nameForMedia(mt string) string {
	switch mt {
	case "application/json", "application/geo+json":
		return "footprint.geojson"
	case "application/vnd.google-earth.kml+xml":
		return "footprint.kml"
	case "application/zip", "application/x-zip-compressed":
		return "footprint.zip"
	case "application/geopackage+sqlite3":
		return "footprint.gpkg"
	}
	return ""
}

func (s *Server) readMultipartCheck(r *http.Request, boundary string, in *checkInput) error {
	if boundary == "" {
		return errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a boundary")
	}
	// Everything in memory: the body is already bounded by MaxCheckBody.
	if err := r.ParseMultipartForm(s.cfg.MaxCheckBody); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		return errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a \"file\" part")
	}
	if len(files) > 1 {
		return errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body with %d \"file\" parts: send one file (a shapefile as one .zip)", len(files))
	}
	fh := files[0]
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open uploaded file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("read uploaded file: %w", err)
	}
	fields := map[string]string{}
	for k, v := range r.MultipartForm.Value {
		if len(v) > 0 {
			fields[k] = v[0]
		}
	}
	for k := range fields {
		switch k {
		case "project", "crs", "buffer_m", "strict", "include_geometry", "industry", "encoding", "lang":
		default:
			return errorf(http.StatusBadRequest, errcode.BadRequest, "unknown multipart field %q", k).withDetails(map[string]any{"field": k})
		}
	}
	if v := fields["lang"]; v != "" {
		in.language = v
	}
	if err := in.apply(fields, b, fh.Filename); err != nil {
		return err
	}
	in.raw, in.rawName, in.rawType = b, fh.Filename, fh.Header.Get("Content-Type")
	return nil
}

func (e *httpError) withDetails(d map[string]any) *httpError { e.details = d; return e }

// apply reads the footprint b (named name) and the option fields of a multipart
// upload or a query string.
func (in *checkInput) apply(fields map[string]string, b []byte, name string) error {
	if v, ok := fields["buffer_m"]; ok {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 100000 {
			return errcode.New(errcode.BadRequest, map[string]any{"field": "buffer_m"}, "buffer_m must be a number of metres between 0 and 100000, not %q", v)
		}
		if f == 0 {
			f = -1 // explicitly none
		}
		in.opts.BufferM = f
	}
	for _, k := range []string{"strict", "include_geometry"} {
		v, ok := fields[k]
		if !ok {
			continue
		}
		bv, err := strconv.ParseBool(v)
		if err != nil {
			return errcode.New(errcode.BadRequest, map[string]any{"field": k}, "%s must be true or false, not %q", k, v)
		}
		if k == "strict" {
			in.opts.Strict = bv
		} else {
			in.opts.IncludeGeometry = bv
		}
	}
	if v, ok := fields["project"]; ok && strings.TrimSpace(v) != "" {
		p, err := decodeProject([]byte(v))
		if err != nil {
			return err
		}
		in.project = p
	} else if p, ok, err := projectInFile(b); err != nil {
		return err
	} else if ok {
		in.project = p
	}
	if v := fields["industry"]; v != "" {
		code, err := zones.NormalizeIndustry(v)
		if err != nil {
			return asInput(err, errcode.InvalidProject)
		}
		in.project.Industry = code
	}
	fp, err := readFootprint(b, formats.Options{Name: name, CRS: fields["crs"], Encoding: fields["encoding"]})
	if err != nil {
		return err
	}
	in.footprint = fp
	return nil
}

// asInput gives an untyped validation error the input code it stands for.
func asInput(err error, code errcode.Code) error {
	var ie *errcode.Error
	if errors.As(err, &ie) {
		return err
	}
	return &errcode.Error{Code: code, Message: err.Error(), Details: map[string]any{"field": "project"}}
}

// archive saves the check with everything needed to show it again; it returns
// once the store has committed.
func (s *Server) archive(ctx context.Context, rep *zones.Report, in *checkInput) error {
	if s.cfg.Store == nil {
		return nil
	}
	// The archived report keeps the overlap geometries so that it renders later
	// as it did now, whatever the request asked.
	for i := range rep.Intersections {
		in := &rep.Intersections[i]
		if in.Geometry == nil && in.Overlap != nil {
			in.Geometry = geojson.NewGeometry(in.Overlap)
		}
	}
	body, err := json.Marshal(rep)
	if err != nil {
		return fmt.Errorf("archive report %s: encode: %w", rep.ReportID, err)
	}
	var fp []byte
	if rep.Geometry != nil {
		if fp, err = json.Marshal(geojson.NewGeometry(rep.Geometry)); err != nil {
			return fmt.Errorf("archive report %s: encode footprint: %w", rep.ReportID, err)
		}
	}
	project := []byte("{}")
	if rep.Project != nil {
		project, _ = json.Marshal(rep.Project)
	}
	sum := sha256.Sum256(in.raw)
	rec := &store.Record{
		ID: rep.ReportID, CreatedAt: rep.CreatedAt, InputHash: hex.EncodeToString(sum[:]),
		Input: in.raw, InputName: in.rawName, InputType: in.rawType, Project: project,
		DatasetName: rep.Dataset.Name, DatasetVersion: rep.Dataset.Version, Verdict: string(rep.Verdict),
		Report: body, Footprint: fp,
	}
	// The archive write must not be cut short by the check's deadline: the work is
	// done, and an acknowledged report has to be on record.
	if err := s.cfg.Store.Save(context.WithoutCancel(ctx), rec); err != nil {
		return err
	}
	s.metrics.saved()
	s.log.Debug("report archived", slog.String("report_id", rep.ReportID), slog.String("input_hash", rec.InputHash))
	return nil
}

func newReportID() string { return newRequestID() + newRequestID()[:8] }

// reportFormat picks json, html or geojson from ?format= or the Accept header.
func reportFormat(r *http.Request) (string, error) {
	if f := r.URL.Query().Get("format"); f != "" {
		switch f {
		case "json", "html", "geojson":
			return f, nil
		}
		return "", errcode.New(errcode.BadRequest, map[string]any{"field": "format"}, "format must be json, html or geojson, not %q", f)
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		switch mt {
		case "application/json":
			return "json", nil
		case "text/html":
			return "html", nil
		case "application/geo+json":
			return "geojson", nil
		}
	}
	return "json", nil
}

// language is the report language: ?lang=, else Accept-Language, else Chinese.
func language(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return l
	}
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	if strings.HasPrefix(al, "en") {
		return "en"
	}
	return "zh"
}

// writeReport answers rep in the asked format.
func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, rep *zones.Report, format, lang string) {
	var buf bytes.Buffer
	var err error
	switch format {
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err = RenderHTML(&buf, rep, lang)
	case "geojson":
		w.Header().Set("Content-Type", "application/geo+json")
		err = RenderGeoJSON(&buf, rep)
	default:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		err = enc.Encode(rep)
	}
	if err != nil {
		w.Header().Del("Content-Type")
		s.writeError(w, r, fmt.Errorf("render report %s as %s: %w", rep.ReportID, format, err))
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
