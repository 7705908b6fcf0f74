package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/patchgen"
	"github.com/redline-gis/redline/internal/pgtest"
	"github.com/redline-gis/redline/internal/testenv"
)

// The replicas' settings in these tests: a poll of 1 s (the fallback bound) and
// a job lease of 3 s, so that the bounds are seconds, not the defaults' tens.
const (
	testPoll  = time.Second
	testLease = 3 * time.Second
)

// datasetVersions writes copies of the demo dataset under a root, one per
// version, named by their version.
func datasetVersions(t *testing.T, versions ...string) string {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join("..", "..", "data", "demo")
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		dir := filepath.Join(root, v)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			b, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if e.Name() == "dataset.yaml" {
				b = bytes.Replace(b, []byte(`version: "2026.1"`), []byte(`version: "`+v+`"`), 1)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// replicaArgs are the flags of one replica of a pair sharing dsn.
func replicaArgs(dsn, root, data string, extra ...string) []string {
	return append([]string{"--db", dsn, "--data", filepath.Join(root, data), "--data-root", root,
		"--replica-poll", testPoll.String(), "--job-lease", testLease.String(), "--log-format", "text"}, extra...)
}

const checkBody = `{"project": {"name": "示范水厂取水口", "industry": "4610", "type": "water_supply",
	"discharges_pollutants": false, "has_outfall": false},
	"footprint": {"type": "Point", "coordinates": [107.93, 33.3]}, "buffer_m": 500}`

type answer struct {
	status  int
	version string
	body    []byte
	header  http.Header
}

func do(t testing.TB, method, url, token, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("X-Redline-Dataset-Version"), b, resp.Header}
}

// readyVersion is the dataset version a replica's /readyz says it serves, and
// its replica status.
func readyVersion(t testing.TB, base string) (string, map[string]any) {
	a := do(t, "GET", base+"/readyz", "", "")
	var r struct {
		Dataset struct{ Version string } `json:"dataset"`
		Replica map[string]any           `json:"replica"`
	}
	json.Unmarshal(a.body, &r)
	return r.Dataset.Version, r.Replica
}

// TestReplicas runs two `redline serve` processes on one PostgreSQL database
// and checks what makes them one service: a report made through A is read
// through B at once; a reload through A reaches B within the stated bound while
// a load generator runs against both, with no failed request; a replica that
// cannot load the announced dataset keeps serving the old one and says so; and a
// 10⁵-patch job whose replica is killed (SIGKILL) halfway is finished by the
// other with exactly one record per patch.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := pgtest.Schema(t, "redline_replicas")
	bin := buildBinary(t)
	root := datasetVersions(t, "2026.1", "2026.2", "2026.3")
	// 2026.3 reads its red lines from PostGIS, which A reaches and B does not
	// (its --zoning-db names nothing): A loads it, B cannot.
	zoningDB := zoningDatabase(t, filepath.Join(root, "2026.3"))
	a := startServer(t, bin, replicaArgs(dsn, root, "2026.1", "--zoning-db", zoningDB)...)
	b := startServer(t, bin, replicaArgs(dsn, root, "2026.1", "--zoning-db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")...)

	t.Run("report made through A is read through B", func(t *testing.T) {
		r := do(t, "POST", a.base+"/v1/check", "", checkBody)
		if r.status != 200 || r.version != "2026.1" {
			t.Fatalf("check through A: %d, version %q: %s", r.status, r.version, r.body)
		}
		var rep struct {
			ID string `json:"report_id"`
		}
		json.Unmarshal(r.body, &rep)
		got := do(t, "GET", b.base+"/v1/reports/"+rep.ID, "", "")
		if got.status != 200 || !bytes.Equal(bytes.TrimSpace(got.body), bytes.TrimSpace(r.body)) {
			t.Fatalf("report %s through B: %d\n%s\nthrough A:\n%s", rep.ID, got.status, got.body, r.body)
		}
		if got.version != "2026.1" {
			t.Errorf("B's answer carries X-Redline-Dataset-Version %q", got.version)
		}
		list := do(t, "GET", b.base+"/v1/reports?dataset_version=2026.1&verdict=admissible", "", "")
		if list.status != 200 || !bytes.Contains(list.body, []byte(rep.ID)) {
			t.Errorf("B's report list does not hold %s: %d %s", rep.ID, list.status, list.body)
		}
	})

	t.Run("reload through A reaches B under load", func(t *testing.T) {
		var stop atomic.Bool
		var wg sync.WaitGroup
		var mu sync.Mutex
		var failures []string
		type seen struct {
			start   time.Time
			version string
		}
		var onB []seen
		requests := 0
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stop.Load(); i++ {
					base := a.base
					if (w+i)%2 == 1 {
						base = b.base
					}
					start := time.Now()
					r := do(t, "POST", base+"/v1/check", "", checkBody)
					mu.Lock()
					requests++
					if r.status != 200 {
						failures = append(failures, fmt.Sprintf("%s: %d %s", base, r.status, r.body))
					}
					if base == b.base {
						onB = append(onB, seen{start, r.version})
					}
					mu.Unlock()
				}
			}()
		}
		time.Sleep(500 * time.Millisecond)
		reload := do(t, "POST", a.base+"/v1/admin/reload?data=2026.2&wait=true", "e2e-token", "")
		announced := time.Now()
		if reload.status != 200 || !bytes.Contains(reload.body, []byte(`"generation"`)) {
			t.Fatalf("reload through A: %d %s", reload.status, reload.body)
		}
		var switched time.Time
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if v, _ := readyVersion(t, b.base); v == "2026.2" {
				switched = time.Now()
				break
			}
		}
		time.Sleep(500 * time.Millisecond) // the load goes on against the new version
		stop.Store(true)
		wg.Wait()
		if switched.IsZero() {
			t.Fatalf("B still serves %v 30 s after the reload through A:\n%s", func() string { v, _ := readyVersion(t, b.base); return v }(), b.logs)
		}
		lag := switched.Sub(announced)
		// The README's bound: the notification's latency plus one load; at worst
		// (no notification) the poll interval plus one load. B's own load time
		// is in its /v1/admin/reload status.
		var st struct {
			Dataset struct {
				LoadMS float64 `json:"load_ms"`
			} `json:"dataset"`
		}
		json.Unmarshal(do(t, "GET", b.base+"/v1/admin/reload", "e2e-token", "").body, &st)
		bound := testPoll + time.Duration(st.Dataset.LoadMS*float64(time.Millisecond)) + time.Second // + the readiness poll and scheduling on 2 busy cores
		t.Logf("B served 2026.2 %v after A's reload answered (B's load %.0f ms; bound %v); %d requests during the reload, %d failed",
			lag.Round(time.Millisecond), st.Dataset.LoadMS, bound, requests, len(failures))
		if lag > bound {
			t.Errorf("B took %v to follow, over the bound %v", lag, bound)
		}
		if len(failures) > 0 {
			t.Errorf("%d of %d requests failed during the reload, first: %s", len(failures), requests, failures[0])
		}
		late := 0
		for _, s := range onB {
			if s.start.After(switched) && s.version != "2026.2" {
				late++
			}
		}
		if late > 0 {
			t.Errorf("%d answers of B begun after it switched carry an older version", late)
		}
		if r := do(t, "POST", a.base+"/v1/check", "", checkBody); r.version != "2026.2" {
			t.Errorf("A answers with version %q after its reload", r.version)
		}
	})

	t.Run("a replica that cannot load the announced dataset says so", func(t *testing.T) {
		if zoningDB == "" {
			t.Skip("SKIPPING: no PostGIS (said above)")
		}
		reload := do(t, "POST", a.base+"/v1/admin/reload?data=2026.3&wait=true", "e2e-token", "")
		if reload.status != 200 {
			t.Fatalf("reload of 2026.3 through A: %d %s", reload.status, reload.body)
		}
		var behind map[string]any
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if _, rs := readyVersion(t, b.base); rs["behind"] == true {
				behind = rs
				break
			}
		}
		if behind == nil {
			t.Fatalf("B never said it is behind:\n%s", b.logs)
		}
		ready := do(t, "GET", b.base+"/readyz", "", "")
		if ready.status != 200 || !bytes.Contains(ready.body, []byte(`"ready, behind"`)) || !strings.Contains(fmt.Sprint(behind["error"]), "zoning database") || behind["version"] != "2026.3" {
			t.Errorf("B's /readyz while behind: %d %s", ready.status, ready.body)
		}
		if m := do(t, "GET", b.base+"/metrics", "", ""); !bytes.Contains(m.body, []byte("\nredline_dataset_behind 1\n")) {
			t.Errorf("B's /metrics does not say it is behind:\n%s", grepLines(m.body, "redline_dataset_"))
		}
		if r := do(t, "POST", b.base+"/v1/check", "", checkBody); r.status != 200 || r.version != "2026.2" {
			t.Errorf("B while behind: %d, version %q (want the old one, 2026.2, serving)", r.status, r.version)
		}
		if r := do(t, "POST", a.base+"/v1/check", "", checkBody); r.version != "2026.3" {
			t.Errorf("A serves %q after loading 2026.3", r.version)
		}
		// Back to a dataset B can load: it catches up and is no longer behind.
		if r := do(t, "POST", a.base+"/v1/admin/reload?data=2026.2&wait=true", "e2e-token", ""); r.status != 200 {
			t.Fatalf("reload of 2026.2 through A: %d %s", r.status, r.body)
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			v, rs := readyVersion(t, b.base)
			if v == "2026.2" && rs["behind"] == false && rs["generation"] == rs["applied"] {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("B did not catch up: %s %v", v, rs)
			}
		}
		if m := do(t, "GET", b.base+"/metrics", "", ""); !bytes.Contains(m.body, []byte("\nredline_dataset_behind 0\n")) ||
			!bytes.Contains(m.body, []byte("\nredline_dataset_sync_failures_total ")) {
			t.Errorf("B's /metrics after catching up:\n%s", grepLines(m.body, "redline_dataset_"))
		}
	})

	t.Run("a job whose replica is killed is finished by the other", func(t *testing.T) {
		const n = 100_000
		id := submitJob(t, a.base, patchgen.Squares(n))
		w := &jobWatcher{t: t, id: id}
		at := w.until(a.base, func(j jobState) bool { return j.Done >= n/5 })
		if at.Done >= n {
			t.Fatalf("the job finished before the kill (%d done)", at.Done)
		}
		var job struct{ Worker string }
		json.Unmarshal(do(t, "GET", a.base+"/v1/jobs/"+id, "", "").body, &job)
		victim, other := a, b
		if strings.HasSuffix(job.Worker, strings.TrimPrefix(b.base, "http://")) {
			victim, other = b, a
		}
		if err := victim.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-victim.done
		killed := time.Now()
		t.Logf("SIGKILL of %s (running the job) at %d of %d", job.Worker, at.Done, n)
		var resumed time.Time
		first := -1
		j := w.until(other.base, func(j jobState) bool {
			switch {
			case first < 0:
				first = j.Done
			case resumed.IsZero() && j.Done > first:
				resumed = time.Now()
			}
			return false
		})
		if j.State != "done" || j.Done != n || j.Total != n {
			t.Fatalf("after the kill: %+v\n%s", j, other.logs)
		}
		json.Unmarshal(do(t, "GET", other.base+"/v1/jobs/"+id, "", "").body, &job)
		if !strings.HasSuffix(job.Worker, strings.TrimPrefix(other.base, "http://")) {
			t.Errorf("the job was finished by %q, not by the surviving replica %s", job.Worker, other.base)
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var rows, distinct, lo, hi int
		if err := db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT idx), MIN(idx), MAX(idx) FROM redline_job_results WHERE job_id = $1`, id).Scan(&rows, &distinct, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		if rows != n || distinct != n || lo != 0 || hi != n-1 {
			t.Fatalf("%d records, %d distinct indexes from %d to %d; want %d each, 0 to %d", rows, distinct, lo, hi, n, n-1)
		}
		// The README's bound: the lease, then the next sweep; plus the first
		// chunk's work and scheduling on 2 busy cores.
		took, bound := resumed.Sub(killed), testLease+testLease/3+2*time.Second
		t.Logf("finished by %s with %d records, one per patch; it went on %v after the kill (bound %v)",
			other.base, rows, took.Round(time.Millisecond), bound)
		if resumed.IsZero() || took > bound {
			t.Errorf("the job went on %v after the kill, over the bound %v", took, bound)
		}
	})
}

// zoningDatabase puts the demo red lines into PostGIS (a schema of their own,
// with a version table saying 2026.3) and makes dir's manifest read them from
// there; it returns the database's URL, or "" without PostGIS (the test says so
// and goes on; under CI it fails).
func zoningDatabase(t *testing.T, dir string) string {
	var have bool
	if db, err := sql.Open("pgx", testenv.PostgresURL(t)); err != nil {
		t.Fatal(err)
	} else {
		err = db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')`).Scan(&have)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if !have {
		t.Run("PostGIS", func(t *testing.T) {
			testenv.Missing(t, "PostGIS is not installed for the test server (postgresql-15-postgis-3): a replica failing to load a PostGIS dataset is not tested")
		})
		return ""
	}
	var dsn string
	{
		zdsn, schema, db := pgtest.PostGIS(t, "redline_replicas_zoning")
		pgtest.LoadGeoJSON(t, db, filepath.Join(dir, "redline.geojson"), "redline", 4490, []string{"HXBM", "HXMC", "HXLX", "JB", "PZWH"})
		if _, err := db.Exec(`CREATE TABLE dataset_version (version text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now());
			INSERT INTO dataset_version (version) VALUES ('2026.3')`); err != nil {
			t.Fatal(err)
		}
		m := filepath.Join(dir, "dataset.yaml")
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.Replace(b, []byte("    file: redline.geojson\n"), []byte("    source: postgis\n    table: "+schema+".redline\n"), 1)
		b = append(b, []byte("version_table: "+schema+".dataset_version\n")...)
		if err := os.WriteFile(m, b, 0o644); err != nil {
			t.Fatal(err)
		}
		dsn = zdsn
	}
	return dsn
}

// grepLines returns the lines of b that hold s.
func grepLines(b []byte, s string) string {
	var out []string
	for l := range strings.SplitSeq(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// BenchmarkReplicas drives one and then two `redline serve` replicas, sharing
// one PostgreSQL archive, through one client (16 requests in flight, round
// robin over the replicas): archived checks of a small footprint, as
// checks/s. On one machine the replicas, PostgreSQL and the client share its
// cores, so the ratio is bounded by them, not by redline (README, "Beyond one
// machine").
//
//	GO=go bash scripts/pg-test.sh -run '^$' -bench Replicas -benchtime 20000x ./cmd/redline
func BenchmarkReplicas(b *testing.B) {
	dsn := pgtest.Schema(b, "redline_replicas_bench")
	bin := buildBinary(b)
	var bases []string
	for range 2 {
		s := startServer(b, bin, "--db", dsn, "--log-level", "warn", "--max-checks", "64")
		bases = append(bases, s.base)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for n := 1; n <= 2; n++ {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			var next, failed atomic.Int64
			b.SetParallelism(8) // ×GOMAXPROCS requests in flight
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					base := bases[int(next.Add(1))%n]
					resp, err := client.Post(base+"/v1/check", "application/json", strings.NewReader(checkBody))
					if err != nil {
						failed.Add(1)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						failed.Add(1)
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "checks/s")
			if f := failed.Load(); f > 0 {
				b.Errorf("%d of %d checks failed", f, b.N)
			}
		})
	}
}
