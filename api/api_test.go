package api

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/render"
	"github.com/redline-gis/redline/zones"
)

// fakeEngine answers without geometry: every check hits zone R1 of layer "redline"
// with the footprint as overlap; a point locates in R1 when east of 108.05.
type fakeEngine struct {
	ds    *zones.Dataset
	block chan struct{} // when set, Check waits for it (or the deadline)
	err   error         // when set, Check returns it
	panic bool
}

func fakeDataset(version string) *zones.Dataset {
	red := &zones.Layer{ID: "redline", Kind: zones.KindRedline, Title: "生态保护红线", Source: "redline.geojson", Geom: zones.Polygonal}
	ecu := &zones.Layer{ID: "ecu", Kind: zones.KindECU, Title: "环境管控单元", Source: "ecu.shp", Geom: zones.Polygonal}
	sq := func(x, y, d float64) orb.Polygon {
		return orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}
	}
	red.Zones = []*zones.Zone{
		{ID: "R1", Name: "秦岭红线", Class: "redline", Geometry: sq(108, 34, 0.1), Layer: red, Attributes: map[string]any{"HXBM": "R1"}},
		{ID: "R2", Name: "汉江红线", Class: "redline", Geometry: sq(107, 33, 0.1), Layer: red},
	}
	for i := range 7 {
		ecu.Zones = append(ecu.Zones, &zones.Zone{ID: fmt.Sprintf("E%d", i), Name: fmt.Sprintf("单元%d", i), Class: []string{"priority", "key", "general"}[i%3],
			Geometry: sq(106+float64(i)*0.5, 34, 0.4), Layer: ecu,
			Clauses: &zones.Clauses{SpatialLayout: "禁止新建化工项目"}})
	}
	return &zones.Dataset{Name: "test-zoning", Version: version, Layers: []*zones.Layer{red, ecu},
		Summary: zones.LoadSummary{Layers: 2, Zones: 9}}
}

func (f *fakeEngine) Dataset() *zones.Dataset { return f.ds }

func (f *fakeEngine) Check(ctx context.Context, fp zones.Footprint, p zones.Project, opts zones.CheckOptions) (*zones.Report, error) {
	if f.panic {
		panic("fake engine panic")
	}
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, fmt.Errorf("check: %w", ctx.Err())
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	z := f.ds.Layers[0].Zones[0]
	// As the checker does: the overlap goes into the JSON only when asked for.
	var overlap *geojson.Geometry
	if opts.IncludeGeometry && fp.Geometry != nil {
		overlap = geojson.NewGeometry(fp.Geometry)
	}
	return &zones.Report{
		ReportID: "", CreatedAt: time.Now().UTC(),
		Dataset: zones.DatasetRef{Name: f.ds.Name, Version: f.ds.Version},
		Verdict: zones.Prohibited,
		Footprint: zones.FootprintInfo{Type: "Polygon", AreaM2: 1000, CRS: fp.CRS, Warnings: fp.Warnings,
			Bounds: [4]float64{108, 34, 108.01, 34.01}},
		Intersections: []zones.Intersection{{Layer: "redline", Kind: zones.KindRedline, ZoneID: z.ID, ZoneName: z.Name,
			ZoneClass: z.Class, OverlapAreaM2: 1000, FootprintShare: 1, Verdict: zones.Prohibited, Rules: []zones.RuleHit{},
			Attributes: map[string]any{}, Geometry: overlap, Overlap: fp.Geometry, Zone: z}},
		Nearby:   []zones.Nearby{},
		BufferM:  opts.Buffer.Metres(),
		Geometry: fp.Geometry,
	}, nil
}

func (f *fakeEngine) Locate(ctx context.Context, g orb.Geometry) ([]zones.Hit, error) {
	p, ok := g.(orb.Point)
	if !ok {
		return nil, errcode.New(errcode.InvalidGeometry, nil, "fake: points only")
	}
	if p[0] > 108.05 {
		return []zones.Hit{{Layer: "redline", ZoneID: "R1", ZoneClass: "redline"}}, nil
	}
	return nil, nil
}

type harness struct {
	srv  *Server
	eng  *fakeEngine
	st   *store.Store
	logs *syncBuffer
	// root is the data root (symbolic links resolved): reloads may name its
	// folders v2, bad-dir and panic, which the fake loader knows by name.
	root string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newHarness returns a ready server on a fake engine (version "v1") with a SQLite
// archive; mod adjusts the config first.
func newHarness(t *testing.T, mod func(*Config)) *harness {
	t.Helper()
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "redline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{eng: &fakeEngine{ds: fakeDataset("v1")}, st: st, logs: &syncBuffer{}}
	if h.root, err = filepath.EvalSymlinks(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"v2", "bad-dir", "panic"} {
		if err := os.Mkdir(filepath.Join(h.root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{
		Logger:   slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Store:    st,
		DataRoot: h.root,
		Load: func(ctx context.Context, source string) (Engine, error) {
			source = filepath.Base(source)
			if strings.HasPrefix(source, "bad") {
				return nil, fmt.Errorf("layer %q: no such file", source)
			}
			if source == "panic" {
				panic("index: nil piece")
			}
			return &fakeEngine{ds: fakeDataset(source)}, nil
		},
		Source:     "v1",
		AdminToken: "s3cret",
		Version:    "test",
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Swap(h.eng, "v1", time.Millisecond)
	t.Cleanup(srv.Wait)
	h.srv = srv
	return h
}

// do runs one request through the handler.
func (h *harness) do(t *testing.T, method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// errCode decodes an error answer and checks its shape.
func errCode(t *testing.T, rec *httptest.ResponseRecorder) errcode.Code {
	t.Helper()
	var e struct {
		Error *struct {
			Code    errcode.Code   `json:"code"`
			Message string         `json:"message"`
			Details map[string]any `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == nil {
		t.Fatalf("status %d: not an error body: %s", rec.Code, rec.Body)
	}
	if e.Error.Message == "" || e.Error.Details == nil {
		t.Errorf("error without message or details: %s", rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q", ct)
	}
	return e.Error.Code
}

const square = `{"type":"Polygon","coordinates":[[[108,34],[108.01,34],[108.01,34.01],[108,34.01],[108,34]]]}`

func envBody(extra string) string {
	return `{"project":{"name":"化工厂","industry":"2614","type":"industrial"},"footprint":` + square + extra + `}`
}

func decodeReport(t *testing.T, b []byte) zones.Report {
	t.Helper()
	var r zones.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("report: %v: %s", err, b)
	}
	return r
}

func TestCheckArchivesAndServesReport(t *testing.T) {
	h := newHarness(t, nil)
	rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody(`,"buffer_m":500`)), "Content-Type", "application/json")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	rep := decodeReport(t, rec.Body.Bytes())
	if rep.ReportID == "" || rep.Dataset.Version != "v1" || rep.Verdict != zones.Prohibited || rep.BufferM != 500 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Project == nil || rep.Project.Industry != "C2614" {
		t.Errorf("project not normalised: %+v", rep.Project)
	}
	if rep.Intersections[0].Geometry != nil {
		t.Error("overlap geometry in JSON without include_geometry")
	}
	if loc := rec.Header().Get("Location"); loc != "/v1/reports/"+rep.ReportID {
		t.Errorf("Location %q", loc)
	}
	if v := rec.Header().Get("X-Redline-Dataset-Version"); v != "v1" {
		t.Errorf("X-Redline-Dataset-Version %q", v)
	}

	// The archived copy, in the three renderings.
	got := h.do(t, "GET", "/v1/reports/"+rep.ReportID, nil)
	if got.Code != 200 {
		t.Fatalf("GET report: %d %s", got.Code, got.Body)
	}
	again := decodeReport(t, got.Body.Bytes())
	if again.ReportID != rep.ReportID || again.Verdict != rep.Verdict || len(again.Intersections) != 1 || again.Intersections[0].Geometry != nil {
		t.Errorf("archived report differs: %s", got.Body)
	}
	withGeom := decodeReport(t, h.do(t, "GET", "/v1/reports/"+rep.ReportID+"?include_geometry=true", nil).Body.Bytes())
	if withGeom.Intersections[0].Geometry == nil {
		t.Error("archived report lost its overlap geometry")
	}
	for _, c := range []struct{ query, accept, ctype string }{
		{"?format=html", "", "text/html"},
		{"", "text/html,application/xhtml+xml", "text/html"},
		{"?format=geojson", "", "application/geo+json"},
		{"", "application/geo+json", "application/geo+json"},
		{"?format=json", "text/html", "application/json"},
	} {
		r := h.do(t, "GET", "/v1/reports/"+rep.ReportID+c.query, nil, "Accept", c.accept)
		if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), c.ctype) {
			t.Errorf("GET report%s Accept %q: %d %s", c.query, c.accept, r.Code, r.Header().Get("Content-Type"))
		}
	}
	// The input exactly as sent, and the listing by its hash.
	in := h.do(t, "GET", "/v1/reports/"+rep.ReportID+"/input", nil)
	if in.Code != 200 || in.Body.String() != square {
		t.Errorf("input: %d %q", in.Code, in.Body)
	}
	sum := sha256.Sum256([]byte(square))
	hash := hex.EncodeToString(sum[:])
	if got := in.Header().Get("X-Redline-Input-Sha256"); got != hash {
		t.Errorf("input hash header %q, want %q", got, hash)
	}
	list := h.do(t, "GET", "/v1/reports?input_hash="+hash, nil)
	if list.Code != 200 || !strings.Contains(list.Body.String(), rep.ReportID) {
		t.Errorf("list: %d %s", list.Code, list.Body)
	}
	rec2, err := h.st.Get(t.Context(), rep.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	if rec2.DatasetName != "test-zoning" || rec2.DatasetVersion != "v1" || !strings.Contains(string(rec2.Project), "C2614") || rec2.InputHash != hash {
		t.Errorf("stored record %+v", rec2)
	}
}

func TestCheckForms(t *testing.T) {
	h := newHarness(t, nil)
	multipartBody := func(fields map[string]string, file string) (io.Reader, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if file != "" {
			fw, _ := mw.CreateFormFile("file", "site.geojson")
			io.WriteString(fw, file)
		}
		mw.Close()
		return &b, mw.FormDataContentType()
	}
	t.Run("multipart", func(t *testing.T) {
		body, ct := multipartBody(map[string]string{"project": `{"industry":"C2511"}`, "buffer_m": "250", "include_geometry": "true"}, square)
		rec := h.do(t, "POST", "/v1/check", body, "Content-Type", ct)
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		rep := decodeReport(t, rec.Body.Bytes())
		if rep.BufferM != 250 || rep.Project.Industry != "C2511" || rep.Intersections[0].Geometry == nil {
			t.Errorf("report %s", rec.Body)
		}
		stored, _ := h.st.Get(t.Context(), rep.ReportID)
		if stored.InputName != "site.geojson" || string(stored.Input) != square {
			t.Errorf("stored input %q %q", stored.InputName, stored.Input)
		}
	})
	t.Run("multipart industry field", func(t *testing.T) {
		body, ct := multipartBody(map[string]string{"industry": "2511"}, square)
		rep := decodeReport(t, h.do(t, "POST", "/v1/check", body, "Content-Type", ct).Body.Bytes())
		if rep.Project == nil || rep.Project.Industry != "C2511" {
			t.Errorf("project %+v", rep.Project)
		}
	})
	t.Run("bare geojson with query options", func(t *testing.T) {
		rec := h.do(t, "POST", "/v1/check?buffer_m=0&project=%7B%22type%22%3A%22mining%22%7D", strings.NewReader(square), "Content-Type", "application/geo+json")
		if rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		rep := decodeReport(t, rec.Body.Bytes())
		if rep.BufferM != 0 || rep.Project.Type != "mining" { // buffer_m=0 is none, not the default
			t.Errorf("buffer %v project %+v", rep.BufferM, rep.Project)
		}
	})
	t.Run("html by Accept", func(t *testing.T) {
		rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json", "Accept", "text/html")
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
	})
	t.Run("geojson by format", func(t *testing.T) {
		rec := h.do(t, "POST", "/v1/check?format=geojson", strings.NewReader(envBody("")), "Content-Type", "application/json")
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/geo+json" || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	})
}

func TestCheckErrors(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxCheckBody = 4096 })
	big := `{"footprint":` + square + `,"project":{"name":"` + strings.Repeat("x", 5000) + `"}}`
	mp := func(field, file string) (io.Reader, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		if field != "" {
			mw.WriteField(field, "1")
		}
		if file != "" {
			fw, _ := mw.CreateFormFile("file", "f.geojson")
			io.WriteString(fw, file)
		}
		mw.Close()
		return &b, mw.FormDataContentType()
	}
	noFile, noFileCT := mp("buffer_m", "")
	badField, badFieldCT := mp("colour", square)
	for _, c := range []struct {
		name, target, ctype, body string
		bodyR                     io.Reader
		status                    int
		code                      errcode.Code
	}{
		{"empty body", "/v1/check", "application/json", "", nil, 400, "bad_request"},
		{"malformed envelope", "/v1/check", "application/json", `{"footprint":{"type":"Point","coordinates":[108,34]}, "buffer_m": "x"}`, nil, 400, "bad_request"},
		{"unknown envelope field", "/v1/check", "application/json", `{"footprint":` + square + `,"colour":1}`, nil, 400, "bad_request"},
		{"buffer out of range", "/v1/check", "application/json", envBody(`,"buffer_m":1e9`), nil, 400, "bad_request"},
		{"bad project type", "/v1/check", "application/json", `{"footprint":` + square + `,"project":{"type":"castle"}}`, nil, 422, "invalid_project"},
		{"bad industry", "/v1/check", "application/json", `{"footprint":` + square + `,"project":{"industry":"Z999"}}`, nil, 422, "invalid_project"},
		{"unknown project field", "/v1/check", "application/json", `{"footprint":` + square + `,"project":{"size":"big"}}`, nil, 422, "invalid_project"},
		{"null footprint", "/v1/check", "application/json", `{"footprint":null}`, nil, 422, "empty_geometry"},
		{"too large", "/v1/check", "application/json", big, nil, 413, "payload_too_large"},
		{"not a footprint", "/v1/check", "application/octet-stream", "\x89PNG\r\n\x1a\n\x00\x00\x00binary", nil, 415, "unsupported_media_type"},
		{"multipart without file", "/v1/check", noFileCT, "", noFile, 400, "bad_request"},
		{"multipart unknown field", "/v1/check", badFieldCT, "", badField, 400, "bad_request"},
		{"multipart without boundary", "/v1/check", "multipart/form-data", "x", nil, 400, "bad_request"},
		{"bad format", "/v1/check?format=pdf", "application/json", envBody(""), nil, 400, "bad_request"},
		{"bad buffer query", "/v1/check?buffer_m=far", "application/geo+json", square, nil, 400, "bad_request"},
		{"bad strict query", "/v1/check?strict=maybe", "application/geo+json", square, nil, 400, "bad_request"},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := c.bodyR
			if body == nil {
				body = strings.NewReader(c.body)
			}
			rec := h.do(t, "POST", c.target, body, "Content-Type", c.ctype)
			if rec.Code != c.status {
				t.Errorf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if code := errCode(t, rec); code != c.code {
				t.Errorf("code %q, want %q", code, c.code)
			}
		})
	}
}

func TestCheckEngineErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    error
		panic  bool
		status int
		code   errcode.Code
	}{
		{"input error", errcode.New(errcode.InvalidGeometry, map[string]any{"ring": 0, "vertex": 3}, "ring 0 crosses itself at vertex 3"), false, 422, "invalid_geometry"},
		{"wrapped input error", fmt.Errorf("check: %w", errcode.New(errcode.InvalidCoordinates, nil, "lat 108 out of range")), false, 422, "invalid_coordinates"},
		{"unknown crs", errcode.New(errcode.UnknownCRS, nil, "projected numbers without a CRS"), false, 422, "unknown_crs"},
		{"vertex limit", errcode.New(errcode.PayloadTooLarge, nil, "too many vertices"), false, 413, "payload_too_large"},
		{"bug", errors.New("geos: nil pointer at overlay.go:12"), false, 500, "internal"},
		{"panic", nil, true, 500, "internal"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.eng.err, h.eng.panic = c.err, c.panic
			rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json")
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			if code := errCode(t, rec); code != c.code {
				t.Errorf("code %q, want %q", code, c.code)
			}
			if c.status == 500 {
				rid := rec.Header().Get("X-Request-Id")
				if !strings.Contains(rec.Body.String(), rid) || strings.Contains(rec.Body.String(), "geos") || strings.Contains(rec.Body.String(), "panic") {
					t.Errorf("500 body should name the request id and hide internals: %s", rec.Body)
				}
				if !strings.Contains(h.logs.String(), rid) {
					t.Errorf("500 not logged with request id %s", rid)
				}
			}
			if c.name == "input error" && !strings.Contains(rec.Body.String(), `"vertex":3`) {
				t.Errorf("details lost: %s", rec.Body)
			}
		})
	}
}

func TestCheckTimeout(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.CheckTimeout = 20 * time.Millisecond })
	h.eng.block = make(chan struct{})
	rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json")
	if rec.Code != 504 || errCode(t, rec) != "timeout" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

// TestConcurrencyLimit: with MaxChecks checks in progress, the next gets 429 with
// Retry-After, and succeeds once one finishes.
func TestConcurrencyLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxChecks = 2 })
	h.eng.block = make(chan struct{})
	var wg sync.WaitGroup
	codes := make(chan int, 2)
	for range 2 {
		wg.Go(func() {
			codes <- h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json").Code
		})
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(h.srv.checks) < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json")
	if rec.Code != 429 || errCode(t, rec) != "too_many_requests" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("third check: %d %s", rec.Code, rec.Body)
	}
	// Other routes are not limited by checks.
	if rec := h.do(t, "GET", "/v1/layers", nil); rec.Code != 200 {
		t.Errorf("layers while saturated: %d", rec.Code)
	}
	close(h.eng.block)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 {
			t.Errorf("blocked check ended with %d", c)
		}
	}
	if rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json"); rec.Code != 200 {
		t.Errorf("after release: %d", rec.Code)
	}
}

// TestSaveWaitFreesCheckSlot: an archived check gives its check slot back once
// computed and waits for its save in a save slot (4×MaxChecks of them), so
// that another check computes meanwhile; with every save slot taken, a
// computed check keeps its check slot until one frees; all answer 200.
func TestSaveWaitFreesCheckSlot(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxChecks = 1 })
	gate := make(chan struct{})
	var waiting atomic.Int32
	testHookSave = func() { waiting.Add(1); <-gate }
	defer func() { testHookSave = nil }()
	saves := cap(h.srv.saves)
	if saves != 4 {
		t.Fatalf("%d save slots for one check slot, want 4", saves)
	}
	codes := make(chan int, saves+1)
	post := func() {
		codes <- h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json").Code
	}
	until := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d saves waiting, %d check slots, %d save slots taken", what, waiting.Load(), len(h.srv.checks), len(h.srv.saves))
			}
		}
	}
	// Checks in turn through the one check slot, each then waiting for its
	// save: the check slot is free, the save slots taken one by one.
	for i := range saves {
		go post()
		until(fmt.Sprintf("save %d", i+1), func() bool { return waiting.Load() == int32(i+1) })
		if len(h.srv.checks) != 0 || len(h.srv.saves) != i+1 {
			t.Fatalf("%d checks waiting for saves hold %d check slots and %d save slots, want 0 and %d", i+1, len(h.srv.checks), len(h.srv.saves), i+1)
		}
	}
	// One more computes, finds no save slot, and keeps its check slot.
	go post()
	until("the check past the save slots", func() bool { return len(h.srv.checks) == 1 })
	time.Sleep(20 * time.Millisecond)
	if n := waiting.Load(); n != int32(saves) {
		t.Fatalf("%d saves began with %d save slots", n, saves)
	}
	close(gate)
	for range saves + 1 {
		if c := <-codes; c != 200 {
			t.Errorf("status %d", c)
		}
	}
	until("slots given back", func() bool { return len(h.srv.checks) == 0 && len(h.srv.saves) == 0 })
}

func TestNotReady(t *testing.T) {
	srv, err := New(Config{Load: func(ctx context.Context, source string) (Engine, error) { return nil, errors.New("never") }})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/readyz"}, {"POST", "/v1/check"}, {"POST", "/v1/locate"}, {"GET", "/v1/layers"}, {"GET", "/v1/layers/x"},
	} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(c.method, c.path, strings.NewReader(square)))
		if rec.Code != 503 || errCode(t, rec) != "not_ready" {
			t.Errorf("%s %s: %d %s", c.method, c.path, rec.Code, rec.Body)
		}
	}
	// A refused request gives its slot back.
	if len(srv.checks) != 0 || len(srv.locates) != 0 {
		t.Errorf("slots held after not_ready answers: %d checks, %d batches", len(srv.checks), len(srv.locates))
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 {
		t.Errorf("healthz before load: %d", rec.Code)
	}
	if err := srv.Load(t.Context(), "x"); err == nil {
		t.Error("Load with a failing loader succeeded")
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a loader succeeded")
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	h := newHarness(t, nil)
	if rec := h.do(t, "GET", "/healthz", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"version":"test"`) {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body)
	}
	rec := h.do(t, "GET", "/readyz", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"version":"v1"`) {
		t.Errorf("readyz: %d %s", rec.Code, rec.Body)
	}
	h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json")
	h.do(t, "POST", "/v1/check", strings.NewReader(`{`), "Content-Type", "application/json")
	h.do(t, "GET", "/v1/layers/nope", nil)
	rec = h.do(t, "GET", "/metrics", nil)
	body := rec.Body.String()
	for _, want := range []string{
		// client_golang writes label names in sorted order.
		`redline_http_requests_total{code="200",method="POST",route="/v1/check"} 1`,
		`redline_http_requests_total{code="404",method="GET",route="/v1/layers/{layer}"} 1`,
		`redline_http_request_duration_seconds_count{route="/v1/check"} 2`,
		`redline_http_request_duration_seconds_bucket{route="/v1/check",le="+Inf"} 2`,
		`redline_checks_total{verdict="prohibited"} 1`,
		`redline_dataset_info{name="test-zoning",version="v1"} 1`,
		`redline_dataset_zones{layer="ecu"} 7`,
		`redline_reports_archived_total 1`,
		`redline_http_errors_total{code="not_found"} 1`,
		"# TYPE redline_http_request_duration_seconds histogram",
		"redline_dataset_load_seconds 0.001",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Errorf("metrics Content-Type %q", rec.Header().Get("Content-Type"))
	}
}

func TestLayers(t *testing.T) {
	h := newHarness(t, nil)
	rec := h.do(t, "GET", "/v1/layers", nil)
	var list struct {
		Dataset datasetInfo    `json:"dataset"`
		Layers  []render.Layer `json:"layers"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v %s", rec.Code, err, rec.Body)
	}
	if list.Dataset.Version != "v1" || len(list.Layers) != 2 || list.Layers[1].Classes["priority"] != 3 || list.Layers[1].Zones != 7 ||
		list.Layers[1].Vertices == 0 {
		t.Errorf("layers: %s", rec.Body)
	}
	rec = h.do(t, "GET", "/v1/layers/ecu", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"source":"ecu.shp"`) || !strings.Contains(rec.Body.String(), `"version":"v1"`) {
		t.Errorf("layer: %d %s", rec.Code, rec.Body)
	}

	type page struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
			Geometry   map[string]any `json:"geometry"`
		} `json:"features"`
		Type     string  `json:"type"`
		Total    int     `json:"total"`
		Returned int     `json:"returned"`
		Next     *string `json:"next"`
	}
	get := func(target string) page {
		t.Helper()
		rec := h.do(t, "GET", target, nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/geo+json" {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
		var p page
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Paging through 7 zones 3 at a time.
	var ids []string
	next := "/v1/layers/ecu/zones?limit=3"
	for range 5 {
		p := get(next)
		if p.Type != "FeatureCollection" || p.Total != 7 {
			t.Fatalf("page %+v", p)
		}
		for _, f := range p.Features {
			ids = append(ids, f.ID)
		}
		if p.Next == nil {
			break
		}
		next = *p.Next
	}
	if strings.Join(ids, ",") != "E0,E1,E2,E3,E4,E5,E6" {
		t.Errorf("paged ids %v", ids)
	}
	// bbox: 106.9..107.6 covers E2 (107..107.4) and E3 (107.5..107.9).
	p := get("/v1/layers/ecu/zones?bbox=106.95,34.1,107.6,34.2&simplify=100")
	if p.Total != 2 || p.Features[0].ID != "E2" || p.Features[1].ID != "E3" || p.Features[0].Properties["class"] != "general" {
		t.Errorf("bbox page %+v", p)
	}
	if _, ok := p.Features[0].Properties["attributes"]; ok {
		t.Error("attributes without ?attributes=true")
	}
	if p := get("/v1/layers/ecu/zones?attributes=true&limit=1"); p.Features[0].Properties["clauses"] == nil {
		t.Errorf("no clauses with attributes=true: %+v", p.Features[0].Properties)
	}

	rec = h.do(t, "GET", "/v1/layers/redline/zones/R1", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"HXBM":"R1"`) || !strings.Contains(rec.Body.String(), `"Polygon"`) {
		t.Errorf("zone: %d %s", rec.Code, rec.Body)
	}
	if rec := h.do(t, "GET", "/v1/layers/ecu/zones/E1?geometry=false", nil); !strings.Contains(rec.Body.String(), `"geometry":null`) ||
		!strings.Contains(rec.Body.String(), "禁止新建化工项目") {
		t.Errorf("zone without geometry: %s", rec.Body)
	}
	for _, c := range []struct {
		target string
		status int
		code   errcode.Code
	}{
		{"/v1/layers/nope", 404, "not_found"},
		{"/v1/layers/nope/zones", 404, "not_found"},
		{"/v1/layers/redline/zones/R9", 404, "not_found"},
		{"/v1/layers/ecu/zones?bbox=1,2,3", 400, "bad_request"},
		{"/v1/layers/ecu/zones?bbox=108,35,107,34", 400, "bad_request"},
		{"/v1/layers/ecu/zones?limit=0", 400, "bad_request"},
		{"/v1/layers/ecu/zones?limit=999999", 400, "bad_request"},
		{"/v1/layers/ecu/zones?simplify=-1", 400, "bad_request"},
		{"/v1/reports/nope", 404, "not_found"},
		{"/v1/reports/nope/input", 404, "not_found"},
		{"/v1/reports?input_hash=xyz", 400, "bad_request"},
		{"/no/such/route", 404, "not_found"},
	} {
		rec := h.do(t, "GET", c.target, nil)
		if rec.Code != c.status || errCode(t, rec) != c.code {
			t.Errorf("GET %s: %d %s", c.target, rec.Code, rec.Body)
		}
	}
	if rec := h.do(t, "DELETE", "/v1/layers", nil); rec.Code != 405 || errCode(t, rec) != "method_not_allowed" {
		t.Errorf("DELETE: %d %s", rec.Code, rec.Body)
	}
	// The check's route sits on the top router too (routes): the /v1 router
	// still answers what it does not take.
	for _, c := range []struct {
		method, target string
		status         int
		code           errcode.Code
	}{
		{"GET", "/v1/check", 405, "method_not_allowed"},
		{"PUT", "/v1/check", 405, "method_not_allowed"},
		{"POST", "/v1/check/", 404, "not_found"},
		{"POST", "/v1/checks", 404, "not_found"},
	} {
		if rec := h.do(t, c.method, c.target, nil); rec.Code != c.status || errCode(t, rec) != c.code {
			t.Errorf("%s %s: %d %s", c.method, c.target, rec.Code, rec.Body)
		}
	}
}

func TestNoArchive(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Store = nil })
	rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json")
	if rec.Code != 200 || rec.Header().Get("Location") != "" {
		t.Fatalf("%d Location %q", rec.Code, rec.Header().Get("Location"))
	}
	id := decodeReport(t, rec.Body.Bytes()).ReportID
	if rec := h.do(t, "GET", "/v1/reports/"+id, nil); rec.Code != 404 {
		t.Errorf("report without archive: %d", rec.Code)
	}
}

func TestAdmin(t *testing.T) {
	h := newHarness(t, nil)
	auth := []string{"Authorization", "Bearer s3cret"}
	if rec := h.do(t, "POST", "/v1/admin/reload", nil); rec.Code != 401 || errCode(t, rec) != "unauthorized" || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("no token: %d %s", rec.Code, rec.Body)
	}
	if rec := h.do(t, "GET", "/v1/admin/reload", nil, "Authorization", "Bearer wrong"); rec.Code != 401 {
		t.Errorf("wrong token: %d", rec.Code)
	}
	rec := h.do(t, "POST", "/v1/admin/reload?wait=true", strings.NewReader(`{"data":"v2"}`), auth...)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"state":"ok"`) || !strings.Contains(rec.Body.String(), `"version":"v2"`) {
		t.Fatalf("reload v2: %d %s", rec.Code, rec.Body)
	}
	if v := decodeReport(t, h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json").Body.Bytes()).Dataset.Version; v != "v2" {
		t.Errorf("check after reload names %q", v)
	}
	// A failing load keeps v2 serving and says why.
	rec = h.do(t, "POST", "/v1/admin/reload?wait=true&data=bad-dir", nil, auth...)
	if rec.Code != 422 || errCode(t, rec) != "invalid_dataset" || !strings.Contains(rec.Body.String(), "no such file") {
		t.Errorf("failed reload: %d %s", rec.Code, rec.Body)
	}
	if v := decodeReport(t, h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json").Body.Bytes()).Dataset.Version; v != "v2" {
		t.Errorf("after a failed reload the check names %q", v)
	}
	if rec := h.do(t, "POST", "/v1/admin/reload?wait=true&data=panic", nil, auth...); rec.Code != 422 || !strings.Contains(rec.Body.String(), "loader panicked") {
		t.Errorf("panicking reload: %d %s", rec.Code, rec.Body)
	}
	rec = h.do(t, "GET", "/v1/admin/reload", nil, auth...)
	if !strings.Contains(rec.Body.String(), `"state":"failed"`) || !strings.Contains(rec.Body.String(), "loader panicked") || !strings.Contains(rec.Body.String(), `"version":"v2"`) {
		t.Errorf("status after failure: %s", rec.Body)
	}
	// Without wait: 202, then the status turns ok. An empty source reloads what serves.
	rec = h.do(t, "POST", "/v1/admin/reload", nil, auth...)
	if rec.Code != 202 {
		t.Fatalf("reload without wait: %d %s", rec.Code, rec.Body)
	}
	h.srv.Wait()
	rec = h.do(t, "GET", "/v1/admin/reload", nil, auth...)
	if !strings.Contains(rec.Body.String(), `"state":"ok"`) || !strings.Contains(rec.Body.String(), `"source":"`+filepath.Join(h.root, "v2")+`"`) {
		t.Errorf("status after background reload: %s", rec.Body)
	}
	if rec := h.do(t, "POST", "/v1/admin/reload", strings.NewReader(`{"dir":"x"}`), auth...); rec.Code != 400 {
		t.Errorf("bad reload body: %d", rec.Code)
	}
	if !strings.Contains(h.do(t, "GET", "/metrics", nil).Body.String(), `redline_dataset_reloads_total{result="failed"} 2`) {
		t.Error("failed reload not counted")
	}

	off := newHarness(t, func(c *Config) { c.AdminToken = "" })
	if rec := off.do(t, "POST", "/v1/admin/reload", nil, "Authorization", "Bearer "); rec.Code != 404 {
		t.Errorf("admin without token configured: %d", rec.Code)
	}
}

func TestCORSAndRequestID(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.CORSOrigins = []string{"https://map.example.cn"} })
	rec := h.do(t, "OPTIONS", "/v1/check", nil, "Origin", "https://map.example.cn", "Access-Control-Request-Method", "POST")
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://map.example.cn" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	rec = h.do(t, "GET", "/v1/layers", nil, "Origin", "https://evil.example")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS header for an origin not allowed")
	}
	rec = h.do(t, "GET", "/v1/layers", nil, "Origin", "https://map.example.cn", "X-Request-Id", "abc-123")
	if rec.Header().Get("Access-Control-Allow-Origin") != "https://map.example.cn" || rec.Header().Get("X-Request-Id") != "abc-123" {
		t.Errorf("headers %v", rec.Header())
	}
	rec = h.do(t, "GET", "/healthz", nil, "X-Request-Id", "bad id\n")
	if id := rec.Header().Get("X-Request-Id"); id == "" || strings.Contains(id, " ") {
		t.Errorf("unsafe request id echoed: %q", id)
	}
	// Every request is logged as JSON with its id and route.
	found := false
	for line := range strings.SplitSeq(h.logs.String(), "\n") {
		var e map[string]any
		if json.Unmarshal([]byte(line), &e) == nil && e["request_id"] == "abc-123" && e["route"] == "/v1/layers" && e["status"] == float64(200) {
			found = true
		}
	}
	if !found {
		t.Errorf("no JSON log line for request abc-123:\n%s", h.logs.String())
	}
	star := newHarness(t, func(c *Config) { c.CORSOrigins = []string{"*"} })
	if rec := star.do(t, "GET", "/healthz", nil, "Origin", "http://127.0.0.1:3000"); rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Error("CORS * not honoured")
	}
}

func TestPageAndOpenAPIServed(t *testing.T) {
	h := newHarness(t, nil)
	rec := h.do(t, "GET", "/", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "生态环境分区管控") || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("page: %d", rec.Code)
	}
	rec = h.do(t, "GET", "/openapi.json", nil)
	if rec.Code != 200 || !json.Valid(rec.Body.Bytes()) {
		t.Errorf("openapi: %d", rec.Code)
	}
}

// ndjsonLines splits an NDJSON answer into records.
func ndjsonLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad NDJSON line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func pointFeature(id string, x, y float64) string {
	return fmt.Sprintf(`{"type":"Feature","id":%q,"properties":{},"geometry":{"type":"Point","coordinates":[%g,%g]}}`, id, x, y)
}

func TestLocate(t *testing.T) {
	h := newHarness(t, nil)
	nd := pointFeature("a", 108.06, 34.05) + "\n" + `{"type":"Feature","geometry":null,"properties":{"id":7}}` + "\n" +
		pointFeature("c", 107, 34) + "\n" + `{"type":"Feature","id":"d","geometry":{"type":"LineString","coordinates":[[108,34],[108.1,34.1]]}}` + "\n"
	rec := h.do(t, "POST", "/v1/locate", strings.NewReader(nd), "Content-Type", "application/x-ndjson")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-ndjson" || rec.Header().Get("X-Redline-Dataset-Version") != "v1" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	lines := ndjsonLines(t, rec.Body.Bytes())
	if len(lines) != 4 {
		t.Fatalf("%d lines: %s", len(lines), rec.Body)
	}
	if lines[0]["id"] != "a" || len(lines[0]["hits"].([]any)) != 1 {
		t.Errorf("line 0: %v", lines[0])
	}
	if e, _ := lines[1]["error"].(map[string]any); e == nil || e["code"] != "empty_geometry" || lines[1]["id"] != float64(7) {
		t.Errorf("line 1: %v", lines[1])
	}
	if lines[2]["id"] != "c" || len(lines[2]["hits"].([]any)) != 0 {
		t.Errorf("line 2: %v", lines[2])
	}
	if e, _ := lines[3]["error"].(map[string]any); e == nil || e["code"] != "invalid_geometry" {
		t.Errorf("line 3: %v", lines[3])
	}

	fc := `{"type":"FeatureCollection","features":[` + pointFeature("a", 108.06, 34.05) + "," + pointFeature("b", 107, 34) + `]}`
	rec = h.do(t, "POST", "/v1/locate?format=csv", strings.NewReader(fc), "Content-Type", "application/geo+json")
	want := "index,id,layer,zone_id,zone_class,overlap_area_m2,overlap_length_m,error\n0,a,redline,R1,redline,0,0,\n1,b,,,,,,\n"
	if rec.Code != 200 || rec.Body.String() != want || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Errorf("csv: %d %q", rec.Code, rec.Body)
	}
	rec = h.do(t, "POST", "/v1/locate", strings.NewReader(fc), "Content-Type", "application/json", "Accept", "application/geo+json")
	var out struct {
		Type     string `json:"type"`
		Features []struct {
			ID         string         `json:"id"`
			Geometry   map[string]any `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Type != "FeatureCollection" || len(out.Features) != 2 ||
		out.Features[0].ID != "a" || out.Features[0].Geometry["type"] != "Point" || out.Features[1].Properties["index"] != float64(1) {
		t.Errorf("geojson: %v %s", err, rec.Body)
	}
	// Multipart with a GeoJSON file streams the same way.
	var mb bytes.Buffer
	mw := multipart.NewWriter(&mb)
	fw, _ := mw.CreateFormFile("file", "patches.geojson")
	io.WriteString(fw, fc)
	mw.Close()
	rec = h.do(t, "POST", "/v1/locate", &mb, "Content-Type", mw.FormDataContentType())
	if lines := ndjsonLines(t, rec.Body.Bytes()); rec.Code != 200 || len(lines) != 2 || lines[1]["id"] != "b" {
		t.Errorf("multipart: %d %s", rec.Code, rec.Body)
	}

	// A file in another format is read whole by its reader: WKT here.
	rec = h.do(t, "POST", "/v1/locate?format=geojson", strings.NewReader("POINT (108.06 34.05)"), "Content-Type", "text/plain")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"zone_id":"R1"`) || !json.Valid(rec.Body.Bytes()) {
		t.Errorf("wkt: %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct {
		name, target, ctype, body string
		status                    int
		code                      errcode.Code
	}{
		{"bad format", "/v1/locate?format=xlsx", "application/json", fc, 400, "bad_request"},
		{"not json", "/v1/locate", "application/json", "[1,2,3]", 400, "bad_request"},
		{"projected crs member", "/v1/locate", "application/json", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4524"}},"features":[]}`, 422, "unsupported_crs"},
		{"binary", "/v1/locate", "application/octet-stream", "\x89PNG\r\n\x1a\nxxxx", 415, "unsupported_media_type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := h.do(t, "POST", c.target, strings.NewReader(c.body), "Content-Type", c.ctype)
			if rec.Code != c.status || errCode(t, rec) != c.code {
				t.Errorf("%d %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestLocateBodyLimit: past the limit the stream ends with a payload_too_large record.
func TestLocateBodyLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxLocateBody = 20000 })
	var b strings.Builder
	for i := range 1000 {
		b.WriteString(pointFeature(fmt.Sprint(i), 108.06, 34.05) + "\n")
	}
	rec := h.do(t, "POST", "/v1/locate", strings.NewReader(b.String()), "Content-Type", "application/x-ndjson")
	lines := ndjsonLines(t, rec.Body.Bytes())
	last := lines[len(lines)-1]
	if rec.Code != 200 || len(lines) < 10 || len(lines) > 300 {
		t.Fatalf("%d, %d lines", rec.Code, len(lines))
	}
	if e, _ := last["error"].(map[string]any); e == nil || e["code"] != "payload_too_large" || last["index"] != float64(len(lines)-1) {
		t.Errorf("last line %v", last)
	}
}

func TestLocateLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxLocates = 1 })
	h.srv.locates <- struct{}{} // one batch in progress
	rec := h.do(t, "POST", "/v1/locate", strings.NewReader(pointFeature("a", 108, 34)), "Content-Type", "application/x-ndjson")
	if rec.Code != 429 || errCode(t, rec) != "too_many_requests" {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	<-h.srv.locates
}

// TestLocateStreams: over a real connection, the answer to the first NDJSON line
// arrives while the client has not sent the second.
func TestLocateStreams(t *testing.T) {
	h := newHarness(t, nil)
	ts := httptest.NewServer(h.srv.Handler())
	defer ts.Close()
	pr, pw := io.Pipe()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", ts.URL+"/v1/locate", pr)
	req.Header.Set("Content-Type", "application/x-ndjson")
	type result struct {
		resp *http.Response
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := ts.Client().Do(req)
		got <- result{resp, err}
	}()
	io.WriteString(pw, pointFeature("first", 108.06, 34.05)+"\n")
	var res result
	select {
	case res = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no answer headers while the body is still open")
	}
	if res.err != nil {
		t.Fatal(res.err)
	}
	defer res.resp.Body.Close()
	br := bufio.NewReader(res.resp.Body)
	for i, id := range []string{"first", "second", "third"} {
		if i > 0 {
			io.WriteString(pw, pointFeature(id, 107, 34)+"\n")
		}
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(line, `"id":"`+id+`"`) {
			t.Fatalf("line %d: %s", i, line)
		}
	}
	pw.Close()
	if rest, _ := io.ReadAll(br); len(rest) != 0 {
		t.Errorf("after the last line: %q", rest)
	}
}

// TestQueueWait: a check beyond the limit waits for a slot that frees in time.
func TestQueueWait(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxChecks = 1; c.QueueWait = 5 * time.Second })
	h.eng.block = make(chan struct{})
	first := make(chan int, 1)
	go func() {
		first <- h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json").Code
	}()
	for len(h.srv.checks) < 1 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan int, 1)
	go func() {
		second <- h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json").Code
	}()
	time.Sleep(50 * time.Millisecond)
	close(h.eng.block)
	if a, b := <-first, <-second; a != 200 || b != 200 {
		t.Errorf("statuses %d and %d, want both 200", a, b)
	}
}

// TestSlowBody: a check whose body trickles in past the time limit gets 504.
func TestSlowBody(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.CheckTimeout = 200 * time.Millisecond })
	ts := httptest.NewServer(h.srv.Handler())
	defer ts.Close()
	pr, pw := io.Pipe()
	defer pw.Close()
	go io.WriteString(pw, `{"footprint":`)
	req, _ := http.NewRequestWithContext(t.Context(), "POST", ts.URL+"/v1/check", pr)
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 504 || !strings.Contains(string(b), `"timeout"`) {
		t.Errorf("%d %s", resp.StatusCode, b)
	}
}
