package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/internal/reportid"
	"github.com/redline-gis/redline/render"
	"github.com/redline-gis/redline/zones"
)

func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	l, err := s.admit(r.Context(), s.checks, s.cfg.QueueWait, "checks")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	held := s.checks
	defer func() { held.give() }() // the slot held at the end: a check's, or a save's
	format, err := reportFormat(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// A body that trickles in must not hold a check slot past the time limit.
	s.bodyDeadline(w, r, s.cfg.CheckTimeout)
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxCheckBody)
	in, lang, err := s.readCheck(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := in.Validate(l.engine.Dataset()); err != nil {
		s.writeError(w, r, err)
		return
	}
	in.Options.MaxVertices = s.cfg.MaxVertices
	ctx := withDeadline(r.Context(), time.Now().Add(s.cfg.CheckTimeout))
	defer ctx.cancel()
	rep, err := l.engine.Check(ctx, in.Footprint, in.Project, in.Options)
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
		rep.ReportID = reportid.New() // as the engine names its reports
	}
	if rep.Project == nil && !in.Project.IsZero() {
		p := in.Project
		rep.Project = &p
	}
	var at *archiveText
	if s.cfg.Store != nil {
		// What is left is mostly a wait on the disk (a save returns after the
		// redo log's flush, 1–3 ms): the check moves from its slot to one of
		// the saves', so that checks waiting for a flush do not keep the next
		// ones from the processors. (Holding the check's slot, 16 slots on 2
		// cores, ~2 ms saves: ~6k checks/s, a quarter of the CPU idle, and 429
		// for a burst of 32 clients.) A save's slot is waited for without a
		// limit, as the save itself is: the check is done.
		if s.saves.await(r.Context()) != nil {
			return // the client went away; nothing was acknowledged
		}
		held.give()
		held = s.saves
		at = archiveTexts.Get().(*archiveText)
		defer at.release()
	}
	if err := s.archive(ctx, rep, in, at); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.metrics.check(rep.Verdict)
	if v := l.versionHeader; len(v) == 1 && v[0] == rep.Dataset.Version {
		w.Header()["X-Redline-Dataset-Version"] = v // as datasetVersion set it: no new slice
	} else {
		w.Header().Set("X-Redline-Dataset-Version", rep.Dataset.Version)
	}
	if s.cfg.Store != nil {
		w.Header().Set("Location", "/v1/reports/"+rep.ReportID)
	}
	if at != nil && format == render.FormatJSON {
		// The answer from the archived text, which Save no longer holds: the
		// report is written once.
		if b, ok := zones.AnswerFromArchive(at.report, at.cuts); ok {
			at.report = append(b, '\n') // as render.AppendJSON ends it
			writeJSONAnswer(w, r, at.report)
			return
		}
	}
	s.writeReport(w, r, rep, format, lang)
}

// readCheck reads the three forms of a check — the JSON envelope or a bare
// footprint file in the body (options in the query string), or a multipart upload
// — and hands them to the intake; it returns the check and the report language.
func (s *Server) readCheck(r *http.Request) (*intake.Check, string, error) {
	ct := r.Header.Get("Content-Type")
	mt, params := ct, map[string]string(nil)
	if ct != "application/json" { // the usual one, already as ParseMediaType gives it: no map made for its parameters
		mt, params, _ = mime.ParseMediaType(ct)
	}
	lang := language(r)
	if mt == "multipart/form-data" {
		r.Body = readCloser{intake.LimitPositions(r.Body, s.cfg.MaxVertices), r.Body}
		return s.readMultipartCheck(r, params["boundary"], lang)
	}
	// One pass reads the body, counts its positions as they arrive, checks its
	// text and finds its members; intake.ReadScanned does not scan it again.
	body, err := intake.ReadJSONBody(r.Body, s.cfg.MaxVertices, r.ContentLength)
	if err != nil {
		return nil, "", err
	}
	if b := body.Bytes(); len(bytes.TrimSpace(b)) == 0 {
		return nil, "", errorf(http.StatusBadRequest, errcode.BadRequest, "the request body is empty: send a check envelope, a footprint file, or a multipart upload")
	}
	var q url.Values // most checks have no query string: no map for it
	if r.URL.RawQuery != "" {
		q = r.URL.Query()
	}
	name := q.Get("name")
	if name == "" {
		name = nameForMedia(mt)
	}
	in, err := intake.ReadScanned(body, name, intake.FieldsOf(q, intake.CheckOptions()))
	body.Release()
	if err != nil {
		return nil, "", err
	}
	if in.InputType == "" {
		in.InputType = mt
	}
	return in, lang, nil
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

func (s *Server) readMultipartCheck(r *http.Request, boundary, lang string) (*intake.Check, string, error) {
	if boundary == "" {
		return nil, "", errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a boundary")
	}
	// Everything in memory: the body is already bounded by MaxCheckBody.
	if err := r.ParseMultipartForm(s.cfg.MaxCheckBody); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, "", err
		}
		return nil, "", errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body: %v", err)
	}
	defer r.MultipartForm.RemoveAll()
	files := r.MultipartForm.File["file"]
	if len(files) == 0 {
		return nil, "", errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a \"file\" part")
	}
	if len(files) > 1 {
		return nil, "", errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body with %d \"file\" parts: send one file (a shapefile as one .zip)", len(files))
	}
	fh := files[0]
	f, err := fh.Open()
	if err != nil {
		return nil, "", fmt.Errorf("open uploaded file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, "", fmt.Errorf("read uploaded file: %w", err)
	}
	// lang is the rendering's, not the check's.
	values := r.MultipartForm.Value
	if err := intake.Unknown(values, intake.CheckOptions(), "lang"); err != nil {
		return nil, "", err
	}
	if v := values["lang"]; len(v) > 0 && v[0] != "" {
		lang = v[0]
	}
	in, err := intake.Read(b, fh.Filename, intake.FieldsOf(values, intake.CheckOptions()))
	if err != nil {
		return nil, "", err
	}
	if in.InputType == "" {
		in.InputType = fh.Header.Get("Content-Type")
	}
	return in, lang, nil
}

func (e *httpError) withDetails(d map[string]any) *httpError { e.details = d; return e }

// archiveText is the text of a check's archived record, in buffers reused
// from check to check: the report (and the spans of its overlap geometries,
// which the answer leaves out: zones.AnswerFromArchive), the footprint and the
// project.
type archiveText struct {
	report, footprint, project []byte
	cuts                       []int
	// The record saved and its facts, which Save does not keep either.
	rec   store.Record
	facts store.Facts
	bound orb.Bound
}

var archiveTexts = sync.Pool{New: func() any { return &archiveText{report: make([]byte, 0, 16<<10)} }}

// release returns at to the pool, unless a huge report grew it.
func (at *archiveText) release() {
	at.rec, at.facts = store.Record{}, store.Facts{} // no request's bytes kept in the pool
	if cap(at.report)+cap(at.footprint)+cap(at.project) <= maxPooledJSON {
		archiveTexts.Put(at)
	}
}

// testHookSave, when set (tests), runs before each archive save.
var testHookSave func()

// archive saves the check with everything needed to show it again, its text
// written into at; it returns once the store has committed. rep is not changed.
func (s *Server) archive(ctx context.Context, rep *zones.Report, in *intake.Check, at *archiveText) error {
	if s.cfg.Store == nil {
		return nil
	}
	// The archived report keeps the overlap geometries so that it renders later
	// as it did now, whatever the request asked; HTML escaped, as json.Marshal
	// wrote the archive before. Save copies the bytes into its row before it
	// queues it: at is the caller's again when it returns.
	var err error
	at.report, at.cuts, err = rep.AppendArchiveJSON(at.report[:0], at.cuts[:0])
	if err != nil {
		return fmt.Errorf("archive report %s: encode: %w", rep.ReportID, err)
	}
	var fp []byte
	if rep.Geometry != nil {
		if at.footprint, err = zones.AppendGeometryJSON(at.footprint[:0], rep.Geometry); err != nil {
			return fmt.Errorf("archive report %s: encode footprint: %w", rep.ReportID, err)
		}
		fp = at.footprint
	}
	project := []byte("{}")
	if rep.Project != nil {
		at.project = zones.AppendProjectJSON(at.project[:0], rep.Project)
		project = at.project
	}
	// The listing columns from the report itself: reading them back out of its
	// JSON cost more than the insert (TestArchivedAsEncoded checks they agree).
	// The record and its facts are at's: Save keeps neither.
	facts := &at.facts
	*facts = store.Facts{HighEnergy: store.HighEnergyOf(rep.Notes)}
	if rep.Project != nil {
		facts.ProjectName, facts.Industry = rep.Project.Name, rep.Project.Industry
	}
	if rep.Governing != nil {
		facts.GoverningRule = rep.Governing.ID
	}
	if rep.Geometry != nil {
		at.bound = rep.Geometry.Bound()
		facts.Bound = &at.bound
	}
	sum := sha256.Sum256(in.Input)
	var hash [2 * sha256.Size]byte
	hex.Encode(hash[:], sum[:])
	rec := &at.rec
	*rec = store.Record{Facts: facts,
		ID: rep.ReportID, CreatedAt: rep.CreatedAt, InputHash: string(hash[:]),
		Input: in.Input, InputName: in.InputName, InputType: in.InputType, Project: project,
		DatasetName: rep.Dataset.Name, DatasetVersion: rep.Dataset.Version, Verdict: string(rep.Verdict),
		Report: at.report, Footprint: fp,
	}
	// The archive write must not be cut short by the check's deadline: the work is
	// done, and an acknowledged report has to be on record.
	if testHookSave != nil {
		testHookSave()
	}
	start := time.Now()
	err = s.cfg.Store.Save(context.WithoutCancel(ctx), rec)
	s.metrics.archiveWrite(time.Since(start), err)
	if err != nil {
		return err
	}
	if s.log.Enabled(ctx, slog.LevelDebug) {
		s.logger(ctx).Debug("report archived", slog.String("report_id", rep.ReportID), slog.String("input_hash", rec.InputHash))
	}
	return nil
}

// readCloser reads through one reader and closes another (the body it wraps).
type readCloser struct {
	io.Reader
	io.Closer
}
