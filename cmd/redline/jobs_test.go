package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/ledgertest"
	"github.com/redline-gis/redline/internal/patchgen"
	"github.com/redline-gis/redline/internal/pgtest"
)

type jobState struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

var stateRank = map[string]int{"queued": 0, "running": 1, "done": 2, "failed": 2, "canceled": 2}

// jobWatcher polls a job over HTTP, failing if its state or count goes back,
// across servers (a restart).
type jobWatcher struct {
	t    *testing.T
	id   string
	last jobState
}

func (w *jobWatcher) poll(base string) (jobState, error) {
	resp, err := http.Get(base + "/v1/jobs/" + w.id)
	if err != nil {
		return jobState{}, err
	}
	defer resp.Body.Close()
	var j jobState
	if err := json.NewDecoder(resp.Body).Decode(&j); err != nil {
		return j, err
	}
	if stateRank[j.State] < stateRank[w.last.State] || j.Done < w.last.Done {
		w.t.Fatalf("job went backwards: %s %d after %s %d", j.State, j.Done, w.last.State, w.last.Done)
	}
	w.last = j
	return j, nil
}

// until polls until cond or a final state.
func (w *jobWatcher) until(base string, cond func(j jobState) bool) jobState {
	w.t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		j, err := w.poll(base)
		if err != nil {
			w.t.Fatal(err)
		}
		if stateRank[j.State] == 2 || cond(j) {
			return j
		}
		time.Sleep(25 * time.Millisecond)
	}
	w.t.Fatalf("job %s: not there in time: %+v", w.id, w.last)
	return jobState{}
}

func submitJob(t *testing.T, base string, input []byte) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("kind", "locate")
	fw, _ := mw.CreateFormFile("file", "patches.ndjson")
	fw.Write(input)
	mw.Close()
	resp, err := http.Post(base+"/v1/jobs", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var j jobState
	json.NewDecoder(resp.Body).Decode(&j)
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get("Location") != "/v1/jobs/"+j.ID || j.ID == "" {
		t.Fatalf("POST /v1/jobs: %s, Location %q, %+v", resp.Status, resp.Header.Get("Location"), j)
	}
	return j.ID
}

// jobRestart runs a 10⁵-patch job through `redline serve`, kills the server
// with SIGKILL in the middle, starts it again on the same database, and checks
// the job finishes with exactly one record per patch; then a second job is
// canceled and stops.
func jobRestart(t *testing.T, db, driver, driverDSN string) {
	const n = 100_000
	bin := buildBinary(t)
	input := patchgen.Squares(n)
	// A short lease: the restarted server takes the killed one's job over once
	// its lease has run out.
	s := startServer(t, bin, "--db", db, "--job-lease", testLease.String())
	id := submitJob(t, s.base, input)
	w := &jobWatcher{t: t, id: id}
	at := w.until(s.base, func(j jobState) bool { return j.Done >= n/5 })
	if at.Done >= n {
		t.Fatalf("the job finished before the kill (%d done): nothing was resumed", at.Done)
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done
	t.Logf("SIGKILL at %d of %d", at.Done, n)

	s2 := startServer(t, bin, "--db", db, "--job-lease", testLease.String())
	defer s2.stop(t)
	j := w.until(s2.base, func(jobState) bool { return false })
	if j.State != "done" || j.Done != n || j.Total != n {
		t.Fatalf("after the restart: %+v\n%s", j, s2.logs)
	}
	conn, err := sql.Open(driver, driverDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows, distinct int
	q := `SELECT COUNT(*), COUNT(DISTINCT idx) FROM redline_job_results WHERE job_id = ` + map[string]string{"sqlite": "?", "pgx": "$1"}[driver]
	if err := conn.QueryRow(q, id).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != n || distinct != n {
		t.Fatalf("%d records, %d distinct indexes; want %d each", rows, distinct, n)
	}
	// The ledger has every patch, once per zone it lies in (once when in none).
	resp, err := http.Get(s2.base + "/v1/jobs/" + id + "/result?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	recs := ledgertest.CSV(t, body)
	col := -1
	for i, h := range recs[0] {
		if h == "要素序号" {
			col = i
		}
	}
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		seen[r[col]] = true
	}
	if len(seen) != n {
		t.Errorf("the ledger names %d patches, want %d", len(seen), n)
	}

	// `redline jobs` against the server: list, show, fetch.
	var o, e bytes.Buffer
	if code := runJobs([]string{"list", "--server", s2.base}, nil, &o, &e); code != 0 || !strings.Contains(o.String(), id) || !strings.Contains(o.String(), "100000/100000") {
		t.Errorf("jobs list: exit %d\n%s%s", code, o.String(), e.String())
	}
	o.Reset()
	if code := runJobs([]string{"show", "--server", s2.base, id}, nil, &o, &e); code != 0 || !strings.Contains(o.String(), `"state": "done"`) {
		t.Errorf("jobs show: exit %d\n%s%s", code, o.String(), e.String())
	}
	xlsx := filepath.Join(t.TempDir(), "台账.xlsx")
	if code := runJobs([]string{"fetch", "--server", s2.base, "--format", "xlsx", "-o", xlsx, id}, nil, &o, &e); code != 0 {
		t.Errorf("jobs fetch: exit %d\n%s", code, e.String())
	}
	if x, err := os.ReadFile(xlsx); err != nil {
		t.Error(err)
	} else {
		ledgertest.SameRows(t, x, recs)
	}
	if code := runJobs([]string{"show", "--server", s2.base, "nope"}, nil, &o, &e); code == 0 || !strings.Contains(e.String(), "not_found") {
		t.Errorf("jobs show nope: exit %d, %s", code, e.String())
	}

	// Cancel stops a job: its state stays canceled and its count stops.
	id2 := submitJob(t, s2.base, input)
	w2 := &jobWatcher{t: t, id: id2}
	w2.until(s2.base, func(j jobState) bool { return j.Done > 0 })
	req, _ := http.NewRequest(http.MethodDelete, s2.base+"/v1/jobs/"+id2, nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var c jobState
	json.NewDecoder(resp.Body).Decode(&c)
	resp.Body.Close()
	if c.State != "canceled" {
		t.Fatalf("DELETE: %+v", c)
	}
	time.Sleep(time.Second)
	later, err := w2.poll(s2.base)
	if err != nil {
		t.Fatal(err)
	}
	if later.State != "canceled" || later.Done != c.Done || later.Done >= n {
		t.Errorf("after cancel: %+v; at cancel %+v", later, c)
	}
	resp, err = http.Get(s2.base + "/v1/jobs/" + id2 + "/result?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("result of a canceled job: %s, want 409", resp.Status)
	}
}

func TestJobRestartSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	db := filepath.Join(t.TempDir(), "jobs.db")
	jobRestart(t, db, "sqlite", "file:"+db+"?_pragma=busy_timeout(10000)")
}

func TestJobRestartPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	// A schema of its own: River's tables are not shared with other tests' servers.
	dsn := pgtest.Schema(t, "redline_jobs_e2e")
	jobRestart(t, dsn, "pgx", dsn)
}
