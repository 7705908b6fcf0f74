package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/jobs"
	"github.com/redline-gis/redline/ledger"
	"github.com/redline-gis/redline/render"
)

// JobsEngine returns the engine in service as the jobs package wants it, for
// jobs.Config.Checker.
func (s *Server) JobsEngine() (jobs.Engine, error) {
	l, err := s.current()
	if err != nil {
		return nil, err
	}
	return l.engine, nil
}

func (s *Server) jobsOn() error {
	if s.cfg.Jobs == nil {
		return errorf(http.StatusNotFound, errcode.NotFound, "this server runs no jobs")
	}
	return nil
}

// jobView is a job as the API answers it: its status and its links.
type jobView struct {
	*jobs.Job
	Links map[string]string `json:"links"`
}

func viewOf(j *jobs.Job) jobView {
	base := "/v1/jobs/" + j.ID
	return jobView{Job: j, Links: map[string]string{
		"self": base, "result_xlsx": base + "/result?format=xlsx", "result_csv": base + "/result?format=csv",
		"result_html": base + "/result?format=html",
	}}
}

// handleJobSubmit takes a multipart upload (file, kind and options), records the
// job with its input and answers 202 with its id.
func (s *Server) handleJobSubmit(w http.ResponseWriter, r *http.Request) {
	if err := s.jobsOn(); err != nil {
		s.writeError(w, r, err)
		return
	}
	l, err := s.current()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.bodyDeadline(w, r, s.cfg.LocateTimeout)
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxJobBody)
	spec, input, name, mediaType, err := readJobUpload(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	spec.MaxVertices, spec.MaxFeatures = s.cfg.MaxVertices, s.cfg.MaxFeatures
	j, err := s.cfg.Jobs.Submit(r.Context(), spec, input, name, mediaType)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/jobs/"+j.ID)
	w.Header().Set("X-Redline-Dataset-Version", l.engine.Dataset().Version)
	writeJSON(w, http.StatusAccepted, viewOf(j))
}

// jobFields are the multipart fields of POST /v1/jobs besides file.
var jobFields = []string{"kind", "project", "fact", "per_feature"}

// readJobUpload reads the parts of a job upload, in any order.
func readJobUpload(r *http.Request) (spec jobs.Spec, input []byte, name, mediaType string, err error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" || params["boundary"] == "" {
		return spec, nil, "", "", errorf(http.StatusUnsupportedMediaType, errcode.UnsupportedMedia,
			"a job is a multipart/form-data upload: a \"file\" part, \"kind\" (locate or check) and options")
	}
	spec.Fields = intake.Fields{}
	seenFile := false
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, perr := mr.NextPart()
		if errors.Is(perr, io.EOF) {
			break
		}
		if perr != nil {
			var mb *http.MaxBytesError
			if errors.As(perr, &mb) {
				return spec, nil, "", "", perr
			}
			return spec, nil, "", "", errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body: %v", perr)
		}
		field := part.FormName()
		if field == "file" {
			if input, err = io.ReadAll(part); err != nil {
				return spec, nil, "", "", err
			}
			name = part.FileName()
			mediaType, _, _ = mime.ParseMediaType(part.Header.Get("Content-Type"))
			if mediaType == "application/octet-stream" {
				mediaType = ""
			}
			seenFile = true
			continue
		}
		v, rerr := io.ReadAll(io.LimitReader(part, 1<<20))
		if rerr != nil {
			return spec, nil, "", "", rerr
		}
		val := strings.TrimSpace(string(v))
		switch field {
		case "kind":
			spec.Kind = val
		case "project":
			spec.Project = []byte(val)
		case "fact":
			fact, prop, ferr := jobs.ParseFact(val)
			if ferr != nil {
				return spec, nil, "", "", ferr
			}
			if spec.Facts == nil {
				spec.Facts = map[string]string{}
			}
			spec.Facts[fact] = prop
		case "per_feature":
			// Every job's features are worked one by one; the field is accepted for
			// the CLI's --per-feature.
		default:
			values := map[string][]string{field: {val}}
			if uerr := intake.Unknown(values, intake.BatchOptions(), jobFields...); uerr != nil {
				return spec, nil, "", "", uerr
			}
			for k, v := range intake.FieldsOf(values, intake.BatchOptions()) {
				spec.Fields[k] = v
			}
		}
	}
	if !seenFile {
		return spec, nil, "", "", errorf(http.StatusBadRequest, errcode.BadRequest, "multipart body without a \"file\" part")
	}
	if spec.Kind == "" {
		spec.Kind = jobs.KindLocate
	}
	return spec, input, name, mediaType, nil
}

// handleJobList lists jobs, newest first.
func (s *Server) handleJobList(w http.ResponseWriter, r *http.Request) {
	if err := s.jobsOn(); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	win, err := queryWindow(q, 100, 1000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, total, err := s.cfg.Jobs.List(r.Context(), win.limit, win.offset)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]jobView, len(list))
	for i, j := range list {
		views[i] = viewOf(j)
	}
	out := map[string]any{"jobs": views, "total": total}
	if next := win.next(r, len(list), int64(total)); next != nil {
		out["next"] = *next
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) job(r *http.Request) (*jobs.Job, error) {
	if err := s.jobsOn(); err != nil {
		return nil, err
	}
	return s.cfg.Jobs.Get(r.Context(), chi.URLParam(r, "id"))
}

// handleJob answers a job's status.
func (s *Server) handleJob(w http.ResponseWriter, r *http.Request) {
	j, err := s.job(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewOf(j))
}

// handleJobCancel cancels a job; a finished job is left as it is.
func (s *Server) handleJobCancel(w http.ResponseWriter, r *http.Request) {
	if _, err := s.job(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	j, err := s.cfg.Jobs.Cancel(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewOf(j))
}

// handleJobResult streams a job's result: the ledger (xlsx, csv, geojson, shp),
// the records (ndjson) or the HTML summary. A job that is not done answers 409
// unless ?partial=true asks for what is there.
func (s *Server) handleJobResult(w http.ResponseWriter, r *http.Request) {
	j, err := s.job(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	if !slices.Contains(jobs.ResultFormats, format) {
		s.writeError(w, r, errcode.New(errcode.BadRequest, map[string]any{"field": "format"},
			"format must be one of %s, not %q", strings.Join(jobs.ResultFormats, ", "), format))
		return
	}
	if j.State != jobs.StateDone && r.URL.Query().Get("partial") != "true" {
		s.writeError(w, r, errcode.New(errcode.JobNotDone, map[string]any{"state": j.State, "done": j.Done, "total": j.Total},
			"job %s is %s (%d of %d features): its result is not complete; ask with partial=true for what is there", j.ID, j.State, j.Done, j.Total))
		return
	}
	ext := map[string]string{"xlsx": "xlsx", "csv": "csv", "geojson": "geojson", "shp": "zip", "ndjson": "ndjson", "html": "html"}[format]
	ct := ledger.ContentType(format)
	switch format {
	case "ndjson":
		ct = "application/x-ndjson"
	case "html":
		ct = "text/html; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Redline-Job-State", j.State)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if format == "html" {
		// Standalone like a report page: inline style, no script.
		w.Header().Set("Content-Security-Policy", reportCSP)
	} else {
		w.Header().Set("Content-Disposition", `attachment; filename="job-`+j.ID+`.`+ext+`"`)
	}
	err = s.cfg.Jobs.WriteResult(r.Context(), j, format, w, planHTML)
	if err != nil {
		// The status line may be gone: log it; the client sees a cut answer.
		s.logger(r.Context()).Warn("job result cut short", "job", j.ID, "error", s.loggable(r.Context(), err))
	}
}

func planHTML(w io.Writer, j *jobs.Job, sum *ledger.Summary, parcels []*ledger.Patch) error {
	return render.PlanHTML(w, &render.Plan{JobID: j.ID, Kind: j.Kind, Dataset: j.Dataset, Created: j.CreatedAt,
		Summary: sum, Parcels: parcels, Attributes: j.Spec.Attributes})
}
