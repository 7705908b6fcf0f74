package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The wrk driver: the same checks sent by wrk (Debian's package), a C load
// generator on epoll, two threads. Go's net/http client costs ~40–50 µs of CPU
// a check, on the two cores the server has too; wrk ~20–30. A driver that takes
// less leaves the server more of the machine, as a client on another host
// would, so that the two drivers together bound what the server can do.

// WrkPath is the wrk binary, found on PATH ("" when there is none).
func WrkPath() string {
	p, _ := exec.LookPath("wrk")
	return p
}

// WrkScript is a wrk script that POSTs bodies as JSON to path, in turn: each
// thread starts at its own place in the list, as Drive's clients do.
func WrkScript(path string, bodies [][]byte) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("-- Written by redline's bench checks: POST each body in turn.\n")
	b.WriteString("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n")
	lp := luaString(path)
	if lp == "" {
		return nil, fmt.Errorf("bench: path %q cannot be written as a Lua string", path)
	}
	fmt.Fprintf(&b, "local path = %s\nlocal bodies = {\n", lp)
	for i, body := range bodies {
		s := luaString(string(body))
		if s == "" {
			return nil, fmt.Errorf("bench: body %d cannot be written as a Lua string", i)
		}
		b.WriteString(s)
		b.WriteString(",\n")
	}
	b.WriteString("}\n")
	b.WriteString(`local threads = 0
function setup(thread)
  thread:set("first", threads * 7919)
  threads = threads + 1
end
local i
function init(args) i = first or 0 end
function request()
  i = i % #bodies + 1
  return wrk.format(nil, path, nil, bodies[i])
end
`)
	return b.Bytes(), nil
}

// luaString is s as a Lua long string ([==[...]==]) of the first level whose
// closing bracket s does not hold; "" when s holds a carriage return or starts
// with a newline (a long string would change them).
func luaString(s string) string {
	if strings.ContainsRune(s, '\r') || strings.HasPrefix(s, "\n") {
		return ""
	}
	for level := 0; level < 16; level++ {
		eq := strings.Repeat("=", level)
		if !strings.Contains(s, "]"+eq+"]") && !strings.HasSuffix(s, "]"+eq) {
			return "[" + eq + "[" + s + "]" + eq + "]"
		}
	}
	return ""
}

// Wrk runs wrk with two threads and clients connections against url (its path
// taken from it) for d, the bodies in turn (a script written into dir), and
// returns what it measured. Answers other than 2xx count as failed, except the
// server's 429s: how many there were is busy's difference from before to after
// (the server's count: Metrics.Rejected).
func Wrk(ctx context.Context, wrk, dir, url string, bodies [][]byte, clients int, d time.Duration, busy func() (float64, error)) (Load, error) {
	u, err := neturl.Parse(url)
	if err != nil || u.Host == "" {
		return Load{}, fmt.Errorf("bench: wrk: the URL %q", url)
	}
	script, err := WrkScript(u.RequestURI(), bodies)
	if err != nil {
		return Load{}, err
	}
	name := filepath.Join(dir, "checks.lua")
	if err := os.WriteFile(name, script, 0o644); err != nil {
		return Load{}, fmt.Errorf("bench: %w", err)
	}
	threads := min(2, clients)
	b0, err := busy()
	if err != nil {
		return Load{}, err
	}
	cmd := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(clients),
		"-d", fmt.Sprintf("%ds", max(1, int(d.Round(time.Second)/time.Second))), "--latency", "-s", name, u.Scheme+"://"+u.Host)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return Load{}, fmt.Errorf("bench: %s: %v\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	b1, err := busy()
	if err != nil {
		return Load{}, err
	}
	r, err := ParseWrk(&out)
	if err != nil {
		return Load{}, fmt.Errorf("%w\n%s", err, out.String())
	}
	l := Load{Elapsed: r.Elapsed, CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), quantiles: r.Quantiles}
	l.Busy = min(int(b1-b0+0.5), r.Non2xx)
	l.Failed = r.Non2xx - l.Busy + r.SocketErrors
	l.OK = r.Requests - r.Non2xx
	if l.Failed > 0 {
		l.FirstError = fmt.Sprintf("wrk: %d answers not 2xx (%d of them 429), %d socket errors", r.Non2xx, l.Busy, r.SocketErrors)
	}
	return l, nil
}

// WrkResult is what wrk printed.
type WrkResult struct {
	// Requests answered (whatever their status), in Elapsed.
	Requests int
	Elapsed  time.Duration
	// Non2xx counts answers neither 2xx nor 3xx, SocketErrors connect, read,
	// write errors and timeouts.
	Non2xx, SocketErrors int
	// Quantiles of the latency, by percent (50, 75, 90, 99): --latency.
	Quantiles map[float64]time.Duration
}

// ParseWrk reads wrk's report (wrk 4, with --latency).
func ParseWrk(r io.Reader) (WrkResult, error) {
	res := WrkResult{Quantiles: map[float64]time.Duration{}}
	sc := bufio.NewScanner(r)
	inLatency := false
	found := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		switch {
		case line == "Latency Distribution":
			inLatency = true
		case inLatency && len(f) == 2 && strings.HasSuffix(f[0], "%"):
			p, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
			if err != nil {
				return res, fmt.Errorf("bench: wrk: %q: %w", line, err)
			}
			d, err := wrkDuration(f[1])
			if err != nil {
				return res, fmt.Errorf("bench: wrk: %q: %w", line, err)
			}
			res.Quantiles[p] = d
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			inLatency = false
			n, err := strconv.Atoi(f[0])
			if err != nil {
				return res, fmt.Errorf("bench: wrk: %q: %w", line, err)
			}
			d, err := wrkDuration(strings.TrimSuffix(f[3], ","))
			if err != nil {
				return res, fmt.Errorf("bench: wrk: %q: %w", line, err)
			}
			res.Requests, res.Elapsed, found = n, d, true
		case strings.HasPrefix(line, "Socket errors:"):
			// Socket errors: connect 0, read 0, write 0, timeout 12
			for k := 2; k+1 < len(f); k += 2 {
				n, err := strconv.Atoi(strings.TrimSuffix(f[k+1], ","))
				if err != nil {
					return res, fmt.Errorf("bench: wrk: %q: %w", line, err)
				}
				res.SocketErrors += n
			}
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")))
			if err != nil {
				return res, fmt.Errorf("bench: wrk: %q: %w", line, err)
			}
			res.Non2xx = n
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("bench: wrk: %w", err)
	}
	if !found || res.Elapsed <= 0 {
		return res, errors.New("bench: wrk printed no \"N requests in T\" line")
	}
	if len(res.Quantiles) == 0 {
		return res, errors.New("bench: wrk printed no latency distribution (--latency)")
	}
	return res, nil
}

// wrkDuration reads wrk's durations: 364.00us, 1.59ms, 20.03s, 2.00m, 1.00h.
func wrkDuration(s string) (time.Duration, error) {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 {
				return 0, fmt.Errorf("duration %q", s)
			}
			return time.Duration(x * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("duration %q", s)
}
