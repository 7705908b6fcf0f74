package api

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/jobs"
)

// jobsHarness is the harness with a jobs manager on its own SQLite file.
func jobsHarness(t *testing.T, mods ...func(*Config)) *harness {
	t.Helper()
	var h *harness
	m, err := jobs.Open(t.Context(), jobs.Config{DSN: filepath.Join(t.TempDir(), "jobs.db"), Chunk: 2,
		Checker: func() (jobs.Engine, error) { return h.srv.JobsEngine() }})
	if err != nil {
		t.Fatal(err)
	}
	h = newHarness(t, func(c *Config) {
		c.Jobs = m
		for _, mod := range mods {
			mod(c)
		}
	})
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Stop(t.Context()) })
	return h
}

// jobUpload builds a multipart body of fields (name, value pairs) and, unless
// file is nil, a file part.
func jobUpload(file []byte, fields ...string) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "patches.ndjson")
		fw.Write(file)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

const jobPatches = `{"type":"Feature","properties":{"图斑编号":"A1"},"geometry":{"type":"Point","coordinates":[108.9,34.2]}}
{"type":"Feature","properties":{"图斑编号":"A2"},"geometry":{"type":"Point","coordinates":[300,34.2]}}
{"type":"Feature","properties":{"图斑编号":"A3"},"geometry":{"type":"Point","coordinates":[108.95,34.25]}}
`

func TestJobsRefusals(t *testing.T) {
	h := jobsHarness(t)
	cases := []struct {
		name   string
		file   []byte
		fields []string
		ctype  string
		status int
		code   errcode.Code
	}{
		{"not multipart", nil, nil, "application/json", 415, errcode.UnsupportedMedia},
		{"no file", nil, []string{"kind", "locate"}, "", 400, errcode.BadRequest},
		{"bad kind", []byte(jobPatches), []string{"kind", "survey"}, "", 400, errcode.BadRequest},
		{"unknown field", []byte(jobPatches), []string{"colour", "red"}, "", 400, errcode.BadRequest},
		{"bad fact", []byte(jobPatches), []string{"kind", "check", "fact", "industry"}, "", 400, errcode.BadRequest},
		{"unknown fact", []byte(jobPatches), []string{"kind", "check", "fact", "colour=X"}, "", 400, errcode.BadRequest},
		{"facts for locate", []byte(jobPatches), []string{"kind", "locate", "fact", "industry=X"}, "", 400, errcode.BadRequest},
		{"bad project", []byte(jobPatches), []string{"kind", "check", "project", `{"industry":"xyz"}`}, "", 422, errcode.InvalidProject},
		{"empty batch", []byte(""), nil, "", 422, errcode.EmptyGeometry},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, ct := jobUpload(c.file, c.fields...)
			if c.ctype != "" {
				ct = c.ctype
			}
			rec := h.do(t, "POST", "/v1/jobs", body, "Content-Type", ct)
			if rec.Code != c.status || errCode(t, rec) != c.code {
				t.Errorf("%d %s, want %d %s", rec.Code, rec.Body, c.status, c.code)
			}
		})
	}
	if rec := h.do(t, "GET", "/v1/jobs/nope", nil); rec.Code != 404 || errCode(t, rec) != errcode.NotFound {
		t.Errorf("unknown job: %d %s", rec.Code, rec.Body)
	}
	if rec := h.do(t, "GET", "/v1/jobs?limit=0", nil); rec.Code != 400 {
		t.Errorf("limit=0: %d", rec.Code)
	}
}

func TestJobsLimits(t *testing.T) {
	h := jobsHarness(t, func(c *Config) { c.MaxFeatures, c.MaxJobBody = 2, 4096 })
	body, ct := jobUpload([]byte(jobPatches))
	if rec := h.do(t, "POST", "/v1/jobs", body, "Content-Type", ct); rec.Code != 413 || errCode(t, rec) != errcode.PayloadTooLarge {
		t.Errorf("3 features over a limit of 2: %d %s", rec.Code, rec.Body)
	}
	body, ct = jobUpload(bytes.Repeat([]byte(jobPatches), 20))
	if rec := h.do(t, "POST", "/v1/jobs", body, "Content-Type", ct); rec.Code != 413 || errCode(t, rec) != errcode.PayloadTooLarge {
		t.Errorf("a body over --max-job-body: %d %s", rec.Code, rec.Body)
	}
}

func TestJobsLifecycle(t *testing.T) {
	h := jobsHarness(t)
	body, ct := jobUpload([]byte(jobPatches), "kind", "locate")
	rec := h.do(t, "POST", "/v1/jobs", body, "Content-Type", ct)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var j jobs.Job
	json.Unmarshal(rec.Body.Bytes(), &j)
	if loc := rec.Header().Get("Location"); loc != "/v1/jobs/"+j.ID || j.Total != 3 {
		t.Fatalf("Location %q, %+v", loc, j)
	}
	deadline := time.Now().Add(time.Minute)
	for j.State != jobs.StateDone && time.Now().Before(deadline) {
		if j.State != jobs.StateQueued && j.State != jobs.StateRunning {
			t.Fatalf("state %s", j.State)
		}
		time.Sleep(20 * time.Millisecond)
		rec = h.do(t, "GET", "/v1/jobs/"+j.ID, nil)
		j = jobs.Job{}
		json.Unmarshal(rec.Body.Bytes(), &j)
	}
	if j.State != jobs.StateDone || j.Done != 3 || j.ErrorCount != 1 || len(j.Errors) != 1 || j.Errors[0].Index != 1 {
		t.Fatalf("%+v", j)
	}
	for format, ctype := range map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"geojson": "application/geo+json", "shp": "application/zip", "ndjson": "application/x-ndjson", "html": "text/html; charset=utf-8"} {
		rec := h.do(t, "GET", "/v1/jobs/"+j.ID+"/result?format="+format, nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != ctype || rec.Body.Len() == 0 {
			t.Errorf("%s: %d %s %q", format, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
	if rec := h.do(t, "GET", "/v1/jobs/"+j.ID+"/result?format=pdf", nil); rec.Code != 400 {
		t.Errorf("format=pdf: %d", rec.Code)
	}
	// A finished job stays done when canceled.
	rec = h.do(t, "DELETE", "/v1/jobs/"+j.ID, nil)
	json.Unmarshal(rec.Body.Bytes(), &j)
	if rec.Code != 200 || j.State != jobs.StateDone {
		t.Errorf("cancel after done: %d %+v", rec.Code, j)
	}
	rec = h.do(t, "GET", "/v1/jobs", nil)
	var list struct {
		Jobs  []jobs.Job `json:"jobs"`
		Total int        `json:"total"`
	}
	json.Unmarshal(rec.Body.Bytes(), &list)
	if list.Total != 1 || len(list.Jobs) != 1 || list.Jobs[0].ID != j.ID {
		t.Errorf("list: %s", rec.Body)
	}
}
