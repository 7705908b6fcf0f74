package api

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/testenv"
)

// faultServer serves the fake engine with st as its archive, over a real socket.
func faultServer(t *testing.T, st *store.Store) *httptest.Server {
	t.Helper()
	h := newHarness(t, func(c *Config) { c.Store = st })
	ts := httptest.NewServer(h.srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

type answer struct {
	status int
	code   errcode.Code
	body   []byte
	header http.Header
}

func call(t *testing.T, method, url, body string) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e struct {
		Error struct{ Code errcode.Code } `json:"error"`
	}
	json.Unmarshal(b, &e)
	return answer{resp.StatusCode, e.Error.Code, b, resp.Header}
}

// TestArchiveDiskFull: the SQLite archive on a 3 MiB tmpfs fills up; the check
// that does not fit is answered 503 archive_full (not acknowledged), every
// report acknowledged before is intact, the database passes integrity_check,
// and once room is made checks are archived again.
func TestArchiveDiskFull(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir).CombinedOutput(); err != nil {
		testenv.Missing(t, fmt.Sprintf("mounting a tmpfs (needs root): %v %s", err, out))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	dbPath := filepath.Join(dir, "archive.db")
	st, err := store.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts := faultServer(t, st)
	// A filler the operator can delete to make room.
	if err := os.WriteFile(filepath.Join(dir, "filler"), make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}

	blob := strings.Repeat("x", 64<<10)
	body := func(i int) string {
		return `{"type":"Feature","properties":{"n":` + fmt.Sprint(i) + `,"blob":"` + blob + `"},"geometry":` + square + `}`
	}
	acked := map[string]int{}
	full := false
	for i := 0; i < 200 && !full; i++ {
		a := call(t, "POST", ts.URL+"/v1/check", body(i))
		switch {
		case a.status == 200:
			acked[decodeReport(t, a.body).ReportID] = i
		case a.status == 503 && a.code == errcode.ArchiveFull:
			full = true
			if a.header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		default:
			t.Fatalf("check %d: %d %s", i, a.status, a.body)
		}
	}
	if !full || len(acked) < 5 {
		t.Fatalf("full %v after %d acknowledged checks", full, len(acked))
	}
	t.Logf("%d reports acknowledged before the disk was full", len(acked))
	for id, i := range acked {
		a := call(t, "GET", ts.URL+"/v1/reports/"+id+"/input", "")
		if a.status != 200 || string(a.body) != body(i) {
			t.Fatalf("report %s after the disk filled: %d, %d bytes", id, a.status, len(a.body))
		}
	}
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q %v", ok, err)
	}
	db.Close()
	if err := os.Remove(filepath.Join(dir, "filler")); err != nil {
		t.Fatal(err)
	}
	if a := call(t, "POST", ts.URL+"/v1/check", body(999)); a.status != 200 {
		t.Errorf("check after room was made: %d %s", a.status, a.body)
	}
}

// proxy forwards TCP connections to target until cut; restore listens again on
// the same address.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	p := &proxy{target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.DialTimeout("tcp", p.target, 5*time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[u] = true, true
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection: the database "goes away".
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *proxy) restore(t *testing.T) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may linger briefly
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			p.serve(ln)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("listen again on %s: %v", p.addr, err)
}

// TestArchivePostgresGoesAway: with the PostgreSQL archive behind a proxy that
// is cut, checks and report reads answer 503 archive_unavailable (with
// Retry-After) and /readyz 503; when it is back, they succeed again and what was
// acknowledged before is there.
func TestArchivePostgresGoesAway(t *testing.T) {
	dsn := testenv.PostgresURL(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	px := newProxy(t, u.Host)
	u.Host = px.addr
	q := u.Query()
	q.Set("connect_timeout", "3")
	u.RawQuery = q.Encode()
	st, err := store.Open(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts := faultServer(t, st)

	a := call(t, "POST", ts.URL+"/v1/check", envBody(""))
	if a.status != 200 {
		t.Fatalf("check: %d %s", a.status, a.body)
	}
	before := decodeReport(t, a.body).ReportID

	px.cut()
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/v1/check", envBody("")},
		{"GET", "/v1/reports/" + before, ""},
	} {
		a := call(t, c.method, ts.URL+c.path, c.body)
		if a.status != 503 || a.code != errcode.ArchiveUnavailable || a.header.Get("Retry-After") == "" {
			t.Errorf("%s %s with the archive away: %d %s", c.method, c.path, a.status, a.body)
		}
	}
	if a := call(t, "GET", ts.URL+"/readyz", ""); a.status != 503 {
		t.Errorf("readyz with the archive away: %d %s", a.status, a.body)
	}

	px.restore(t)
	var after answer
	for range 20 { // the pool reconnects on its next use
		if after = call(t, "POST", ts.URL+"/v1/check", envBody("")); after.status == 200 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if after.status != 200 {
		t.Fatalf("check after the archive came back: %d %s", after.status, after.body)
	}
	for _, id := range []string{before, decodeReport(t, after.body).ReportID} {
		if a := call(t, "GET", ts.URL+"/v1/reports/"+id, ""); a.status != 200 {
			t.Errorf("report %s after recovery: %d", id, a.status)
		}
	}
	if a := call(t, "GET", ts.URL+"/readyz", ""); a.status != 200 {
		t.Errorf("readyz after recovery: %d %s", a.status, a.body)
	}
}

// TestReloadFailsHalfway: a dataset whose first layer loads and whose second is
// corrupt fails to load as a whole; the old dataset keeps serving.
func TestReloadFailsHalfway(t *testing.T) {
	root := t.TempDir()
	good := writeDataset(t, filepath.Join(root, "good"), "1")
	bad := filepath.Join(root, "bad")
	writeDataset(t, bad, "2")
	manifest := `{"name":"reload-test","version":"2","crs":"EPSG:4490","layers":[
		{"id":"zone","kind":"custom","title":"测试区","file":"zone.geojson","id_field":"id","name_field":"name","class":"test"},
		{"id":"more","kind":"custom","title":"更多","file":"more.geojson","id_field":"id","name_field":"name","class":"test"}]}`
	os.WriteFile(filepath.Join(bad, "dataset.yaml"), []byte(manifest), 0o644)
	os.WriteFile(filepath.Join(bad, "more.geojson"), []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"M1"},"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1`), 0o644)

	srv, ts := serveLoaded(t, Config{Load: realLoader, Source: good, DataRoot: root, AdminToken: "tok"})
	req, _ := http.NewRequest("POST", ts.URL+"/v1/admin/reload?wait=true&data=bad", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), "more.geojson") {
		t.Errorf("corrupt second layer: %d %s", resp.StatusCode, b)
	}
	a := call(t, "POST", ts.URL+"/v1/check", `{"footprint":{"type":"Point","coordinates":[108.05,34.05]}}`)
	if a.status != 200 || decodeReport(t, a.body).Dataset.Version != "1" {
		t.Errorf("after the failed reload: %d %s", a.status, a.body)
	}
	if err := srv.Load(t.Context(), bad); err == nil || srv.cur.Load().engine.Dataset().Version != "1" {
		t.Errorf("the failed load: %v, version in service %s", err, srv.cur.Load().engine.Dataset().Version)
	}
}

// TestHugePolygonRefusedAsItStreams: with a body limit far above it, a
// 10⁷-vertex polygon is refused by the vertex limit while it arrives: 413
// payload_too_large naming the limit, long before the client has sent it all.
func TestHugePolygonRefusedAsItStreams(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxCheckBody = 1 << 30; c.MaxVertices = 100_000 })
	ts := httptest.NewServer(h.srv.Handler())
	defer ts.Close()
	pr, pw := io.Pipe()
	var sent atomic.Int64
	go func() {
		bw := bufio.NewWriterSize(pw, 32<<10)
		bw.WriteString(`{"type":"Polygon","coordinates":[[`)
		for i := range 10_000_000 {
			if i > 0 {
				bw.WriteByte(',')
			}
			n, err := fmt.Fprintf(bw, "[108.%07d,34.5]", i)
			if sent.Add(int64(n)); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		bw.WriteString(`]]}`)
		pw.CloseWithError(bw.Flush())
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/v1/check", pr)
	req.Header.Set("Content-Type", "application/geo+json")
	resp, err := http.DefaultClient.Do(req)
	pr.CloseWithError(errors.New("done"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct {
		Error struct {
			Code    errcode.Code   `json:"code"`
			Details map[string]any `json:"details"`
		} `json:"error"`
	}
	json.Unmarshal(b, &e)
	if resp.StatusCode != 413 || e.Error.Code != errcode.PayloadTooLarge || e.Error.Details["limit"] != float64(100_000) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if total := int64(10_000_000 * 17); sent.Load() > total/10 {
		t.Errorf("the client sent %d of ~%d bytes before the refusal", sent.Load(), total)
	}
}
