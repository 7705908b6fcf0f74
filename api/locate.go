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
	"path"
	"strings"
	"time"

	"github.com/redline-gis/redline/data/batch"
	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/errcode"
)

// handleLocate answers a batch: one record per input feature, in input order,
// streamed as the features are located.
func (s *Server) handleLocate(w http.ResponseWriter, r *http.Request) {
	release, err := acquire(r.Context(), s.locates, 0, "batches")
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
	format, err := locateFormat(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Answers stream while the body is still arriving: HTTP/1.1 needs leave for that.
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex()
	rc.SetReadDeadline(time.Now().Add(s.cfg.LocateTimeout))
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
	rid := requestID(r.Context())
	st, err := batch.Run(ctx, rd, l.engine.Locate, bw, batch.Options{
		Workers: s.cfg.LocateWorkers,
		OnError: func(index int, err error) {
			s.log.Error("locate failed", slog.String("request_id", rid), slog.Int("feature", index), slog.String("error", err.Error()))
		},
	})
	s.metrics.located(st.Features)
	switch {
	case err == nil:
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil:
		// Say so at the end of what was sent: the status line is long gone.
		bw.Fail(st.Features, &errcode.Error{Code: errcode.Timeout,
			Message: fmt.Sprintf("the batch took longer than the limit of %s; %d features were answered", s.cfg.LocateTimeout, st.Features),
			Details: map[string]any{"feature": st.Features}})
		bw.Close()
		s.log.Warn("locate timed out", slog.String("request_id", rid), slog.Int("features", st.Features))
	default:
		s.log.Warn("locate ended early", slog.String("request_id", rid), slog.Int("features", st.Features), slog.String("error", err.Error()))
	}
}

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
		for _, ok := range batch.Formats {
			if f == ok {
				return f, nil
			}
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

// jsonBatchTypes are the media types read as a streamed JSON batch.
var jsonBatchTypes = map[string]bool{
	"": true, "application/json": true, "application/geo+json": true, "text/json": true,
	"application/x-ndjson": true, "application/ndjson": true, "application/geo+json-seq": true,
	"application/jsonl": true, "application/x-jsonlines": true,
}

// locateReader returns the features of the request body: streamed JSON, or a
// multipart file (streamed when it is JSON, else read whole by its format reader).
func (s *Server) locateReader(r *http.Request) (batch.Reader, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	crs := r.URL.Query().Get("crs")
	if jsonBatchTypes[mt] && crs == "" {
		return batch.Open(r.Body, mt, s.cfg.MaxVertices), nil
	}
	if mt != "multipart/form-data" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		return s.formatReader(b, formats.Options{Name: nameForMedia(mt), CRS: crs})
	}
	if params["boundary"] == "" {
		return nil, errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a boundary")
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	opts := formats.Options{CRS: crs}
	// Fields must come before the file: the file is streamed.
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
		switch part.FormName() {
		case "crs", "encoding":
			v, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return nil, err
			}
			if part.FormName() == "crs" {
				opts.CRS = strings.TrimSpace(string(v))
			} else {
				opts.Encoding = strings.TrimSpace(string(v))
			}
		case "file":
			opts.Name = part.FileName()
			ext := strings.ToLower(path.Ext(opts.Name))
			pmt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
			streamable := ext == ".ndjson" || ext == ".jsonl" || ext == ".geojsonl" || ext == ".geojsons" ||
				((ext == ".geojson" || ext == ".json") && opts.CRS == "")
			if streamable {
				return batch.Open(part, pmt, s.cfg.MaxVertices), nil
			}
			b, err := io.ReadAll(part)
			if err != nil {
				return nil, err
			}
			return s.formatReader(b, opts)
		default:
			return nil, errorf(http.StatusBadRequest, errcode.BadRequest, "unknown multipart field %q", part.FormName()).
				withDetails(map[string]any{"field": part.FormName()})
		}
	}
}

// formatReader reads a whole file in any supported format and converts it to lon/lat.
func (s *Server) formatReader(b []byte, opts formats.Options) (batch.Reader, error) {
	c, err := formats.Read(b, opts)
	if err != nil {
		return nil, err
	}
	if _, _, err := formats.ToLonLat(c, opts); err != nil {
		return nil, err
	}
	sl := batch.NewSlice(c)
	sl.MaxVertices = s.cfg.MaxVertices
	return sl, nil
}
