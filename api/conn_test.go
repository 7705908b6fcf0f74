package api

import (
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// countingListener counts the writes on the connections it accepts.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestReportOneWrite: on a connection of Server.Listener a report of many
// kilobytes (more than net/http's 4 KiB buffer) leaves with its header in one
// write, whole and with its length, and the connection serves the next
// requests (an error answer, another report) as before.
func TestReportOneWrite(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Store = nil })
	var writes atomic.Int64
	ts := httptest.NewUnstartedServer(h.srv.Handler())
	ts.Config = h.srv.HTTPServer()
	ts.Listener = h.srv.Listener(countingListener{ts.Listener, &writes})
	ts.Start()
	defer ts.Close()

	// A footprint of 800 vertices, put back into the report by include_geometry.
	var ring strings.Builder
	for i := range 800 {
		fmt.Fprintf(&ring, "[%.6f,%.6f],", 108+0.01*float64(i)/800, 34+0.001*float64(i%2))
	}
	ring.WriteString("[108.01,34.01],[108,34.01],[108,34]")
	fp := `{"type":"Polygon","coordinates":[[[108,34],` + ring.String() + `]]}`
	big := `{"footprint":` + fp + `,"include_geometry":true}`

	client := ts.Client()
	for i, c := range []struct {
		body   string
		status int
		one    bool
	}{{big, 200, true}, {envBody(""), 200, true}, {`{"footprint":`, 400, false}, {big, 200, true}} {
		before := writes.Load()
		resp, err := client.Post(ts.URL+"/v1/check", "application/json", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != c.status {
			t.Fatalf("request %d: status %d: %s", i, resp.StatusCode, b)
		}
		n := writes.Load() - before
		if c.status != 200 {
			continue
		}
		if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(b)) {
			t.Errorf("request %d: Content-Length %q for %d bytes", i, cl, len(b))
		}
		rep := decodeReport(t, b)
		if i == 0 && (len(b) < 8<<10 || rep.Intersections[0].Geometry == nil) {
			t.Fatalf("request %d: a report of %d bytes tests nothing", i, len(b))
		}
		if c.one && n != 1 {
			t.Errorf("request %d: the report of %d bytes left in %d writes", i, len(b), n)
		}
	}
}
