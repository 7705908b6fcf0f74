package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/zones"
)

// buildBinary builds redline into a temp dir once per test binary run.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "redline")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type server struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
	done chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServer runs `redline serve` on a free loopback port and waits until /readyz.
func startServer(t testing.TB, bin string, args ...string) *server {
	t.Helper()
	addr := freePort(t)
	s := &server{base: "http://" + addr, logs: &lockedBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(bin, append([]string{"serve", "--addr", addr, "--db", filepath.Join(t.TempDir(), "e2e.db")}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	s.cmd.Env = append(os.Environ(), "REDLINE_ADMIN_TOKEN=e2e-token")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("server exited early (%v):\n%s", err, s.logs)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server not ready in time:\n%s", s.logs)
	return nil
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("server exit after SIGTERM: %v\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not stop after SIGTERM:\n%s", s.logs)
	}
	if !strings.Contains(s.logs.String(), "stopped cleanly") {
		t.Errorf("no clean stop in the log:\n%s", s.logs)
	}
}

// TestServeEndToEnd builds the binary, serves the conformance dataset, posts every
// oracle footprint with buffer_m 5000, and compares the answers with PostGIS's
// (expected.json) as the in-process conformance test does.
func TestServeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	shared := oracle.SharedDir(t)
	exp, err := oracle.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)
	s := startServer(t, bin, "--data", shared)

	b, err := os.ReadFile(filepath.Join(shared, "oracle", "footprints.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties struct {
				ID string `json:"id"`
			} `json:"properties"`
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	geom := map[string]json.RawMessage{}
	for _, f := range fc.Features {
		geom[f.Properties.ID] = f.Geometry
	}
	client := &http.Client{Timeout: 60 * time.Second}
	var counts oracle.Counts
	refused, repaired, mismatches := 0, 0, 0
	var firstID string
	for i := range exp.Footprints {
		ef := &exp.Footprints[i]
		g, ok := geom[ef.ID]
		if !ok {
			t.Fatalf("%s is not in footprints.geojson", ef.ID)
		}
		body := `{"footprint":` + string(g) + `,"buffer_m":5000}`
		resp, err := client.Post(s.base+"/v1/check", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if ef.Expect == "reject" {
			var rep zones.Report
			switch {
			case resp.StatusCode == 422:
				refused++
			case resp.StatusCode == 200 && json.Unmarshal(rb, &rep) == nil && rep.Footprint.Repaired && len(rep.Footprint.Warnings) > 0:
				repaired++
			default:
				t.Errorf("%s (%s): status %d, want a refusal or a disclosed repair: %.300s", ef.ID, ef.Defect, resp.StatusCode, rb)
			}
			continue
		}
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d: %.300s", ef.ID, resp.StatusCode, rb)
			continue
		}
		var rep zones.Report
		if err := json.Unmarshal(rb, &rep); err != nil {
			t.Fatalf("%s: %v", ef.ID, err)
		}
		if rep.Dataset.Version != "2020.06-test" || rep.ReportID == "" {
			t.Errorf("%s: dataset %+v report %q", ef.ID, rep.Dataset, rep.ReportID)
		}
		if firstID == "" {
			firstID = rep.ReportID
		}
		for _, m := range oracle.Compare(ef, &rep, &counts) {
			mismatches++
			t.Error(m)
		}
	}
	t.Logf("end to end: %s; %d mismatches; defective footprints: %d refused, %d repaired", counts, mismatches, refused, repaired)
	if counts.Footprints < 200 {
		t.Errorf("only %d footprints compared", counts.Footprints)
	}

	// The first report is archived and served again.
	resp, err := client.Get(s.base + "/v1/reports/" + firstID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("archived report %s: %d", firstID, resp.StatusCode)
	}

	// The oracle footprints as one batch: one line per feature, in order.
	resp, err = client.Post(s.base+"/v1/locate", "application/geo+json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var rec struct {
			Index int    `json:"index"`
			ID    string `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec.Index != n || rec.ID != fc.Features[n].Properties.ID {
			t.Fatalf("locate line %d: %v %s", n, err, sc.Bytes())
		}
		n++
	}
	resp.Body.Close()
	if n != len(fc.Features) {
		t.Errorf("locate answered %d of %d features", n, len(fc.Features))
	}

	// REDLINE_ADMIN_TOKEN (set by startServer) turned the admin routes on.
	for token, want := range map[string]int{"e2e-token": 200, "wrong": 401} {
		req, _ := http.NewRequest("GET", s.base+"/v1/admin/reload", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("admin with token %q: %d, want %d", token, resp.StatusCode, want)
		}
	}
	s.stop(t)
}

// TestServeGracefulShutdown: SIGTERM during a slow batch lets it finish.
func TestServeGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	shared := oracle.SharedDir(t)
	bin := buildBinary(t)
	s := startServer(t, bin, "--data", shared)
	pr, pw := io.Pipe()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", s.base+"/v1/locate?format=csv", pr)
	req.Header.Set("Content-Type", "application/x-ndjson")
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{string(b), err}
	}()
	line := func(i int) string {
		return fmt.Sprintf(`{"type":"Feature","id":"p%d","geometry":{"type":"Point","coordinates":[108.9,34.2]}}`+"\n", i)
	}
	io.WriteString(pw, line(0))
	time.Sleep(200 * time.Millisecond)
	s.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	io.WriteString(pw, line(1))
	pw.Close()
	r := <-got
	if r.err != nil {
		t.Fatalf("batch in flight at SIGTERM: %v", r.err)
	}
	if !strings.Contains(r.body, "\n0,p0,") || !strings.Contains(r.body, "\n1,p1,") {
		t.Errorf("batch answer: %q", r.body)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exit: %v\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

func TestServeFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runServe([]string{"--log-level", "loud"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "log-level") {
		t.Errorf("bad log level: %d %s", code, errb.String())
	}
	errb.Reset()
	if code := runServe([]string{"--max-body", "lots"}, nil, &out, &errb); code != 2 {
		t.Errorf("bad size: %d %s", code, errb.String())
	}
	errb.Reset()
	if code := runServe([]string{"--db", filepath.Join(t.TempDir(), "no", "dir", "x.db"), "--addr", "127.0.0.1:0"}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "store") {
		t.Errorf("unopenable db: %d %s", code, errb.String())
	}
	errb.Reset()
	args := []string{"--data", filepath.Join(t.TempDir(), "no-dataset"), "--db", filepath.Join(t.TempDir(), "x.db"), "--addr", "127.0.0.1:0"}
	if code := runServe(args, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), "no-dataset") {
		t.Errorf("missing dataset: %d %s", code, errb.String())
	}
	var bs byteSize
	for in, want := range map[string]int64{"20MiB": 20 << 20, "512KB": 512000, "1048576": 1 << 20, "1.5GiB": 3 << 29} {
		if err := bs.Set(in); err != nil || int64(bs) != want {
			t.Errorf("byteSize(%q) = %d, %v; want %d", in, bs, err, want)
		}
	}
}

// TestLocateCommand runs `redline locate` in process on a few features from stdin.
func TestLocateCommand(t *testing.T) {
	shared := oracle.SharedDir(t)
	in := `{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[108.9,34.2]}}` + "\n" +
		`{"type":"Feature","id":"b","geometry":null}` + "\n" +
		`{"type":"Feature","properties":{"id":"c"},"geometry":{"type":"Point","coordinates":[120.0,20.0]}}` + "\n"
	var out, errb bytes.Buffer
	code := runLocate([]string{"--data", shared, "--format", "csv", "-"}, strings.NewReader(in), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != "index,id,layer,zone_id,zone_class,overlap_area_m2,overlap_length_m,error" {
		t.Errorf("header %q", lines[0])
	}
	var a, b, c int
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "0,a,"):
			a++
		case strings.HasPrefix(l, "1,b,,,,,,empty_geometry"):
			b++
		case l == "2,c,,,,,,":
			c++
		default:
			t.Errorf("unexpected row %q", l)
		}
	}
	// 108.9,34.2 (Xi'an) lies in a county of each county layer and a basin.
	if a < 3 || b != 1 || c != 1 {
		t.Errorf("rows a=%d b=%d c=%d:\n%s", a, b, c, out.String())
	}
	if !strings.Contains(errb.String(), "1 with errors") {
		t.Errorf("stderr: %s", errb.String())
	}
	errb.Reset()
	if code := runLocate([]string{"--format", "xml", "-"}, strings.NewReader(in), &out, &errb); code != 2 {
		t.Errorf("--format xml: exit %d", code)
	}
	if code := runLocate([]string{"--data", shared, filepath.Join(t.TempDir(), "missing.geojson")}, nil, &out, &errb); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
	// The input is opened before the dataset loads: its error is the one reported.
	errb.Reset()
	missing := filepath.Join(t.TempDir(), "missing.geojson")
	if code := runLocate([]string{"--data", filepath.Join(t.TempDir(), "no-dataset"), missing}, nil, &out, &errb); code != 1 || !strings.Contains(errb.String(), missing) {
		t.Errorf("missing file and dataset: exit %d, stderr %s", code, errb.String())
	}
}

// TestServePostgres: the binary archives to PostgreSQL when --db is a postgres://
// URL (REDLINE_TEST_PG; skipped without it unless CI is set).
func TestServePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := testPG(t)
	schema := fmt.Sprintf("redline_serve_%d", time.Now().UnixNano())
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	defer db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	bin := buildBinary(t)
	s := startServer(t, bin, "--db", dsn+sep+"search_path="+schema)
	body := `{"footprint":{"type":"Point","coordinates":[108.9,34.2]},"project":{"industry":"C2511"}}`
	resp, err := http.Post(s.base+"/v1/check", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var rep zones.Report
	json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if resp.StatusCode != 200 || rep.ReportID == "" {
		t.Fatalf("check: %d", resp.StatusCode)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM `+schema+`.reports WHERE id = $1 AND dataset_version = $2`, rep.ReportID, rep.Dataset.Version).Scan(&n); err != nil || n != 1 {
		t.Errorf("report %s in PostgreSQL: %d rows, %v", rep.ReportID, n, err)
	}
	resp, err = http.Get(s.base + "/v1/reports/" + rep.ReportID + "?format=html")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("archived report from PostgreSQL: %d", resp.StatusCode)
	}
	if !strings.Contains(s.logs.String(), `"kind":"postgres"`) {
		t.Errorf("log does not say postgres:\n%s", s.logs)
	}
	s.stop(t)
}

// testPG returns the PostgreSQL URL of scripts/pg-test.sh; without it the test
// is skipped, or fails under CI.
func testPG(t *testing.T) string {
	t.Helper()
	return testenv.PostgresURL(t)
}

// TestServeWithoutArchive: with --db off the server answers checks (no
// Location: nothing archived), opens no archive, turns /v1/reports and
// /v1/jobs off (404) and stops cleanly.
func TestServeWithoutArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	s := startServer(t, bin, "--db", "off") // after startServer's own --db: the last one counts
	resp, err := http.Post(s.base+"/v1/check", "application/json", strings.NewReader(
		`{"footprint":{"type":"Polygon","coordinates":[[[108,34],[108.001,34],[108.001,34.001],[108,34.001],[108,34]]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"verdict"`) || resp.Header.Get("Location") != "" {
		t.Errorf("check: %d, Location %q: %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	for _, c := range []struct{ method, path string }{{"GET", "/v1/reports"}, {"GET", "/v1/jobs"}} {
		req, _ := http.NewRequest(c.method, s.base+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s %s without an archive: %d, want 404", c.method, c.path, resp.StatusCode)
		}
	}
	s.stop(t)
	if strings.Contains(s.logs.String(), "report archive open") || !strings.Contains(s.logs.String(), "no report archive") {
		t.Errorf("no warning that checks are not archived:\n%s", s.logs)
	}
}
