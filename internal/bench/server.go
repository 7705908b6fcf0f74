// Package bench measures redline from outside, as an operator would: it starts
// the built `redline serve` as a process on a loopback port, times it until
// /readyz answers 200, reads its resident memory from /proc, and sends it the
// issue's three jobs over HTTP (206 oracle footprints, 100k points, 100k 0.01 km²
// squares to /v1/locate), and the same jobs to PostGIS. It serves `make
// bench-scale` and `make bench-postgis` (cmd/bench); nothing here runs in `make
// test` beyond its unit tests.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redline-gis/redline/internal/proccpu"
)

// Server is a running `redline serve`.
type Server struct {
	URL string
	// Ready is how long the process took from its start to its first 200 from
	// /readyz.
	Ready  time.Duration
	cmd    *exec.Cmd
	exited chan error
	log    *bytes.Buffer

	stopOnce sync.Once
	stopErr  error
}

// ServerOpts are what an operator adds to the bench's `redline serve`: Args
// after the bench's own flags (a flag given twice takes its last value), Env
// (KEY=VALUE) over the bench's environment. For measuring a setting, as
// GOGC=200 or --max-checks 64, the way the bench measures the defaults.
type ServerOpts struct {
	Args, Env []string
}

// String says what o adds, for a table's heading ("" when nothing).
func (o ServerOpts) String() string {
	var b strings.Builder
	if len(o.Args) > 0 {
		fmt.Fprintf(&b, "; server flags added: `%s`", strings.Join(o.Args, " "))
	}
	if len(o.Env) > 0 {
		fmt.Fprintf(&b, "; server environment added: `%s`", strings.Join(o.Env, " "))
	}
	return b.String()
}

// environ is the environment of a command run with o: nil (the bench's own)
// when o adds none.
func (o ServerOpts) environ() []string {
	if len(o.Env) == 0 {
		return nil
	}
	return append(os.Environ(), o.Env...)
}

// Start runs bin serve --data dir (the embedded demo dataset when dir is empty)
// on a free loopback port, archiving to a SQLite file in tmp, with extra and
// then opts's flags and opts's environment, and waits (up to limit) until
// /readyz answers 200.
func Start(ctx context.Context, bin string, opts ServerOpts, dir, tmp string, limit time.Duration, extra ...string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	s := &Server{URL: url, log: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, serveArgs(port, dir, tmp, extra, opts)...)
	s.cmd.Env = opts.environ()
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	s.exited = exited
	go func() { exited <- s.cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.Ready = time.Since(start)
				return s, nil
			}
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("bench: %s serve --data %s exited before it was ready (%v):\n%s", bin, dir, err, s.log.String())
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(start) > limit {
			s.kill()
			return nil, fmt.Errorf("bench: %s serve --data %s not ready after %s:\n%s", bin, dir, limit, s.log.String())
		}
	}
}

// serveArgs are the arguments of `redline serve` on port: the bench's flags,
// extra, then opts's.
func serveArgs(port int, dir, tmp string, extra []string, opts ServerOpts) []string {
	args := []string{"serve", "--addr", fmt.Sprintf("127.0.0.1:%d", port),
		"--db", filepath.Join(tmp, fmt.Sprintf("bench-%d.db", port)), "--log-level", "warn"}
	if dir != "" {
		args = append(args, "--data", dir)
	}
	return append(append(args, extra...), opts.Args...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("bench: a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// RSS is the process's resident set (VmRSS of /proc/PID/status) in bytes.
func (s *Server) RSS() (int64, error) {
	n, err := proccpu.RSS(s.cmd.Process.Pid)
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	return n, nil
}

// Size is the number of zones and of vertices of the dataset in service, the
// sums over the layers of GET /v1/layers.
func (s *Server) Size() (zones, vertices int, err error) {
	resp, err := http.Get(s.URL + "/v1/layers")
	if err != nil {
		return 0, 0, fmt.Errorf("bench: /v1/layers: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		Layers []struct {
			Vertices int `json:"vertices"`
			Zones    int `json:"zones"`
		} `json:"layers"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, 0, fmt.Errorf("bench: /v1/layers: %w", err)
	}
	for _, l := range body.Layers {
		zones += l.Zones
		vertices += l.Vertices
	}
	return zones, vertices, nil
}

// Stop ends the server with SIGTERM and waits for it (killing it after 30 s);
// calls after the first return its result.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return nil
	case <-time.After(30 * time.Second):
		s.kill()
		return errors.New("bench: the server did not stop within 30 s of SIGTERM; killed")
	}
}

func (s *Server) kill() {
	s.cmd.Process.Kill()
	<-s.exited
}

// CPU is the CPU time (user and system) the process has used so far, from
// /proc/PID/stat (in clock ticks of 10 ms: measure over many requests).
func (s *Server) CPU() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("bench: server CPU: %w", err)
	}
	// The command name, field 2, is in parentheses and may hold spaces: count
	// the fields after its closing one (utime and stime are fields 14 and 15).
	i := bytes.LastIndexByte(b, ')')
	fields := strings.Fields(string(b[i+1:]))
	if i < 0 || len(fields) < 13 {
		return 0, fmt.Errorf("bench: /proc/%d/stat: %.100q", s.cmd.Process.Pid, b)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bench: /proc/%d/stat: %q: %w", s.cmd.Process.Pid, f, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100), nil
}
