package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/batch"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/zones"
)

// handleLocate answers a batch: one record per input feature, in input order,
// streamed as the features are located.
func (s *Server) handleLocate(w http.ResponseWriter, r *http.Request) {
	l, err := s.admit(r.Context(), s.locates, 0, "batches")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer s.locates.give()
	format, err := locateFormat(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Answers stream while the body is still arriving: HTTP/1.1 needs leave for that.
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex()
	s.bodyDeadline(w, r, s.cfg.LocateTimeout)
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.LocateTimeout)
	defer cancel()
	r.Body = limitBody{http.MaxBytesReader(w, r.Body, s.cfg.MaxLocateBody)}
	rd, err := s.locateReader(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Read the first feature before answering, so that a body that is not a batch
	// at all gets an error status rather than a 200 with one error record.
	rd = batch.Limit(rd, s.cfg.MaxFeatures)
	if rd, err = batch.Peek(rd); err != nil {
		s.writeError(w, r, err)
		return
	}

	w.Header().Set("Content-Type", batch.ContentType(format))
	w.Header().Set("X-Redline-Dataset-Version", l.engine.Dataset().Version)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	bw, err := batch.NewWriter(w, format, func() { rc.Flush() })
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	log := s.logger(r.Context())
	opts := batch.Options{
		Workers: s.cfg.LocateWorkers,
		OnError: func(index int, err error) {
			log.Error("locate failed", slog.Int("feature", index), slog.String("error", s.loggable(ctx, err)))
		},
	}
	if pl, ok := l.engine.(pointLocator); ok {
		opts.LocatePoint = pl.LocatePoint
	}
	if ps, ok := l.engine.(pointsLocator); ok {
		opts.LocatePoints = ps.LocatePoints
	}
	st, err := batch.Run(ctx, rd, l.engine.Locate, bw, opts)
	s.metrics.located(st.Features)
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil:
		// Say so at the end of what was sent: the status line is long gone.
		bw.Fail(st.Features, &errcode.Error{Code: errcode.Timeout,
			Message: fmt.Sprintf("the batch took longer than the limit of %s; %d features were answered", s.cfg.LocateTimeout, st.Features),
			Details: map[string]any{"feature": st.Features}})
		bw.Close()
		log.Warn("locate timed out", slog.Int("features", st.Features))
	default:
		log.Warn("locate ended early", slog.Int("features", st.Features), slog.String("error", s.loggable(ctx, err)))
	}
}

// pointLocator is an Engine that locates a point into a buffer of the caller
// (zones.Checker): a batch's points then allocate nothing for their hits.
type pointLocator interface {
	LocatePoint(pt orb.Point, dst []zones.Hit) ([]zones.Hit, error)
}

// pointsLocator is an Engine that locates many points at once, each as
// LocatePoint does, with what it reads ahead for them kept for their lookups,
// their hits given as positions in a table (zones.Checker.LocatePoints).
type pointsLocator interface {
	LocatePoints(pts []orb.Point, dst []int32, ends []int) ([]int32, []int, []zones.Hit)
}

// zones.Checker, the engine that serve puts in service, locates points both
// ways.
var _ interface {
	pointLocator
	pointsLocator
} = (*zones.Checker)(nil)

// limitBody turns the body limit into an input error, so that a batch cut by it
// ends with a payload_too_large record.
type limitBody struct{ io.ReadCloser }

func (l limitBody) Read(p []byte) (int, error) {
	n, err := l.ReadCloser.Read(p)
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		err = &errcode.Error{Code: errcode.PayloadTooLarge,
			Message: fmt.Sprintf("the request body is larger than the limit of %d bytes", mb.Limit),
			Details: map[string]any{"limit": mb.Limit}}
	}
	return n, err
}

// locateFormat picks ndjson, csv or geojson from ?format= or Accept.
func locateFormat(r *http.Request) (string, error) {
	if f := r.URL.Query().Get("format"); f != "" {
		if slices.Contains(batch.Formats, f) {
			return f, nil
		}
		return "", errcode.New(errcode.BadRequest, map[string]any{"field": "format"}, "format must be ndjson, csv or geojson, not %q", f)
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		switch mt {
		case "text/csv":
			return "csv", nil
		case "application/geo+json":
			return "geojson", nil
		case "application/x-ndjson", "application/ndjson":
			return "ndjson", nil
		}
	}
	return "ndjson", nil
}

// locateReader returns the features of the request body: the body itself, or the
// file part of a multipart upload (its option parts come first: the file is
// streamed), handed to the intake with the option fields.
func (s *Server) locateReader(r *http.Request) (batch.Reader, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	fields := intake.FieldsOf(r.URL.Query(), intake.BatchOptions())
	if mt != "multipart/form-data" {
		return intake.OpenBatch(r.Body, nameForMedia(mt), mt, fields, s.cfg.MaxVertices)
	}
	if params["boundary"] == "" {
		return nil, errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a boundary")
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a \"file\" part")
		}
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return nil, err
			}
			return nil, errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body: %v", err)
		}
		if part.FormName() == "file" {
			pmt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			return intake.OpenBatch(part, part.FileName(), pmt, fields, s.cfg.MaxVertices)
		}
		v, err := io.ReadAll(io.LimitReader(part, 1024))
		if err != nil {
			return nil, err
		}
		field := map[string][]string{part.FormName(): {strings.TrimSpace(string(v))}}
		if err := intake.Unknown(field, intake.BatchOptions()); err != nil {
			return nil, err
		}
		for k, v := range intake.FieldsOf(field, intake.BatchOptions()) {
			fields[k] = v
		}
	}
}
