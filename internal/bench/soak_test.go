package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoak: checks are sent until as many as asked are answered, the jobs run
// beside them, and the RSS is read at the start, after each round and at the
// end, the highest kept; a round without an answer ends the soak with an
// error, and so does a job that fails, at the next round.
func TestSoak(t *testing.T) {
	var checks, locates atomic.Int64
	var failChecks, failJobs atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch {
		case r.URL.Path == "/v1/check" && !failChecks.Load():
			checks.Add(1)
			w.Write([]byte("{}"))
		case r.URL.Path == "/v1/locate" && !failJobs.Load():
			locates.Add(1)
			time.Sleep(5 * time.Millisecond)
			w.Write([]byte("{}"))
		default:
			http.Error(w, "no", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	var mu sync.Mutex
	var read []int64
	values := []int64{100, 300, 200, 250, 260, 270, 280, 290, 295, 296, 297, 298}
	rss := func() (int64, error) {
		mu.Lock()
		defer mu.Unlock()
		v := values[min(len(read), len(values)-1)]
		read = append(read, v)
		return v, nil
	}
	jobs := []Job{{Name: "squares", Body: []byte(`{"type":"FeatureCollection","features":[]}`)}}
	s, err := Soak(context.Background(), srv.URL, 2000, 100*time.Millisecond, jobs, rss, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.Checks < 2000 || int64(s.Checks) > checks.Load() {
		t.Errorf("%d checks counted, %d answered by the server; want at least 2,000", s.Checks, checks.Load())
	}
	if s.Jobs == 0 || int64(s.Jobs) > locates.Load() {
		t.Errorf("%d jobs counted, %d run", s.Jobs, locates.Load())
	}
	if len(s.Samples) == 0 || len(read) != len(s.Samples)+2 {
		t.Fatalf("%d samples, %d readings: want one a round, and the start's and the end's", len(s.Samples), len(read))
	}
	if s.Start != read[0] || s.End != read[len(read)-1] || !slices.Equal(s.Samples, read[1:len(read)-1]) {
		t.Errorf("start %d, samples %v, end %d from readings %v", s.Start, s.Samples, s.End, read)
	}
	if want := slices.Max(read[:len(read)-1]); s.Max != want {
		t.Errorf("highest %d, want %d", s.Max, want)
	}

	failChecks.Store(true)
	if _, err := Soak(context.Background(), srv.URL, 10, 50*time.Millisecond, nil, rss, io.Discard); err == nil || !strings.Contains(err.Error(), "no answer") {
		t.Errorf("checks failing: %v", err)
	}
	failChecks.Store(false)
	failJobs.Store(true)
	// Asked for more checks than it could ever send, the soak ends at the round
	// after the job failed: not when ctx ends its checks ("no answer").
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := Soak(ctx, srv.URL, 1<<40, 50*time.Millisecond, jobs, rss, io.Discard); err == nil || !strings.Contains(err.Error(), "squares") || strings.Contains(err.Error(), "no answer") {
		t.Errorf("a job failing: %v", err)
	}
}
