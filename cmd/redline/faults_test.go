package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// acked is a check the server acknowledged: 200 with a report id.
type acked struct {
	id     string
	input  string
	answer []byte
}

// burst posts distinct checks from clients goroutines until stop is closed,
// and returns every acknowledged one. Requests cut by a dying server are not
// acknowledged and are not counted.
func burst(base string, clients int, stop <-chan struct{}, n *atomic.Int64) []acked {
	var mu sync.Mutex
	var out []acked
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	for c := range clients {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				// Each input differs (a site name), so that each stored input is
				// its own.
				input := fmt.Sprintf(`{"type":"Feature","properties":{"name":"site %d-%d"},"geometry":%s}`, c, i, goodSquare)
				resp, err := client.Post(base+"/v1/check", "application/geo+json", strings.NewReader(input))
				if err != nil {
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				var rep struct {
					ID string `json:"report_id"`
				}
				if err != nil || resp.StatusCode != 200 || json.Unmarshal(b, &rep) != nil || rep.ID == "" {
					continue
				}
				mu.Lock()
				out = append(out, acked{rep.ID, input, b})
				mu.Unlock()
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return out
}

// killDuringBurst starts `redline serve` on db, kills it with SIGKILL while
// clients check, restarts it on the same db, and checks that every
// acknowledged report is there, its input byte for byte and its report as it
// was answered.
func killDuringBurst(t *testing.T, bin, db string) {
	s := startServer(t, bin, "--db", db)
	stop := make(chan struct{})
	var n atomic.Int64
	var got []acked
	done := make(chan struct{})
	go func() { got = burst(s.base, 8, stop, &n); close(done) }()
	// Kill once a good number is acknowledged (bounded in time).
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	for n.Load() < 150 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done
	close(stop)
	<-done
	if len(got) < 50 {
		t.Fatalf("only %d checks acknowledged before the kill", len(got))
	}
	t.Logf("%d checks acknowledged, then SIGKILL", len(got))

	s2 := startServer(t, bin, "--db", db)
	defer s2.stop(t)
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(path string) (int, []byte) {
		resp, err := client.Get(s2.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	lost, changed := 0, 0
	for _, a := range got {
		code, in := get("/v1/reports/" + a.id + "/input")
		if code != 200 {
			lost++
			continue
		}
		if string(in) != a.input {
			changed++
			t.Errorf("report %s: input changed: %.100s", a.id, in)
		}
		code, rep := get("/v1/reports/" + a.id)
		if code != 200 || string(rep) != string(a.answer) {
			changed++
			t.Errorf("report %s: %d, answer changed:\n%.300s\nwas\n%.300s", a.id, code, rep, a.answer)
		}
	}
	if lost > 0 || changed > 0 {
		t.Errorf("%d of %d acknowledged reports lost, %d changed", lost, len(got), changed)
	}
}

// TestKillDuringBurstSQLite: kill -9 mid-burst loses no acknowledged report
// (SQLite, WAL, synchronous FULL).
func TestKillDuringBurstSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	killDuringBurst(t, buildBinary(t), filepath.Join(t.TempDir(), "kill.db"))
}

// TestKillDuringBurstPostgres: the same with the PostgreSQL archive.
func TestKillDuringBurstPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	killDuringBurst(t, buildBinary(t), testPG(t))
}
