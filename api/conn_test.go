package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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

// listenerPair returns a connection accepted by Server.Listener and its
// peer, closed when t ends.
func listenerPair(t *testing.T) (c, peer net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gl := (&Server{}).Listener(ln)
	t.Cleanup(func() { gl.Close() })
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := gl.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	peer, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	c, ok := <-accepted
	if !ok {
		t.Fatal("no connection accepted")
	}
	t.Cleanup(func() { c.Close() })
	return c, peer
}

// TestRawConnIO: the connections of Server.Listener read and write large
// buffers through the socket's RawConn (on Linux), with net.Conn's results: a
// write larger than the socket takes whole waits for the peer and arrives
// whole, as do small writes, a read returns what has arrived and io.EOF once the peer has closed,
// and an expired write deadline ends a write that waits with a timeout.
func TestRawConnIO(t *testing.T) {
	c, peer := listenerPair(t)
	g := c.(*gatherConn)
	if runtime.GOOS == "linux" && g.raw == nil {
		t.Fatal("a TCP connection without its RawConn on Linux")
	}

	data := make([]byte, 16<<20)
	for i := range data {
		data[i] = byte(i*7 + i>>11)
	}
	// Server to peer: one write, read by the peer after a pause (the socket
	// fills first, so the write waits for it).
	got := make(chan []byte, 1)
	go func() {
		time.Sleep(50 * time.Millisecond)
		b := make([]byte, len(data))
		_, err := io.ReadFull(peer, b)
		if err != nil {
			b = nil
		}
		got <- b
	}()
	if n, err := c.Write(data); err != nil || n != len(data) {
		t.Fatalf("Write: %d of %d bytes, %v", n, len(data), err)
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatal("the peer read other bytes than were written")
	}

	// Peer to server, in reads of 64 KiB, then the peer's close: io.EOF.
	go func() {
		peer.Write(data)
		peer.(*net.TCPConn).CloseWrite()
	}()
	var in []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		in = append(in, buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Read after %d bytes: %v", len(in), err)
		}
		if n == 0 {
			t.Fatal("a read of nothing without an error")
		}
	}
	if !bytes.Equal(in, data) {
		t.Fatalf("read %d bytes, not the %d written", len(in), len(data))
	}

	// Small writes (raw too: every write but an empty one), in order and
	// whole.
	var small []byte
	for _, n := range []int{1, 0, 2, 4<<10 - 1, 4 << 10, 1, 4<<10 + 1} {
		p := data[len(small) : len(small)+n]
		if k, err := c.Write(p); err != nil || k != n {
			t.Fatalf("Write of %d bytes: %d, %v", n, k, err)
		}
		small = append(small, p...)
	}
	b := make([]byte, len(small))
	if _, err := io.ReadFull(peer, b); err != nil || !bytes.Equal(b, small) {
		t.Fatalf("the peer read %d other bytes than the %d written (%v)", len(b), len(small), err)
	}

	// A write the peer never reads, cut by its deadline.
	c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	big := make([]byte, 256<<20)
	n, err := c.Write(big)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || n >= len(big) {
		t.Fatalf("a write past its deadline: %d of %d bytes, %v", n, len(big), err)
	}
}

// TestLocateOverListener: a batch of megabytes read, and its answer of
// megabytes written, through a connection of Server.Listener (raw reads and
// writes on Linux) is byte for byte the answer the handler writes to a
// recorder, in every format, and the connection serves the next request.
func TestLocateOverListener(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Store = nil })
	ts := httptest.NewUnstartedServer(h.srv.Handler())
	ts.Config = h.srv.HTTPServer()
	ts.Listener = h.srv.Listener(ts.Listener)
	ts.Start()
	defer ts.Close()

	var fc strings.Builder
	fc.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 30_000 {
		if i > 0 {
			fc.WriteString(",\n")
		}
		fc.WriteString(pointFeature(strconv.Itoa(i), 108+0.1*float64(i%7)/7, 34+0.001*float64(i%1000)))
	}
	fc.WriteString("]}")
	client := ts.Client()
	for _, format := range []string{"ndjson", "csv", "geojson", "ndjson"} {
		want := h.do(t, "POST", "/v1/locate?format="+format, strings.NewReader(fc.String()), "Content-Type", "application/geo+json")
		if want.Code != 200 || want.Body.Len() < 512<<10 {
			t.Fatalf("%s: %d, %d bytes: a recorded answer that tests nothing", format, want.Code, want.Body.Len())
		}
		resp, err := client.Post(ts.URL+"/v1/locate?format="+format, "application/geo+json", strings.NewReader(fc.String()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !bytes.Equal(got, want.Body.Bytes()) {
			t.Fatalf("%s: status %d, %d bytes over the listener, not the %d recorded", format, resp.StatusCode, len(got), want.Body.Len())
		}
	}
}

// TestRawIONoAllocs: the raw reads and writes of a connection of
// Server.Listener (on Linux) make no allocation of their own, and the
// callbacks they share (bound once to the connection) keep concurrent reads
// and writes apart: what each wrote arrives whole and in order.
func TestRawIONoAllocs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("raw system calls are Linux's")
	}
	c, peer := listenerPair(t)
	if c.(*gatherConn).raw == nil {
		t.Fatal("a TCP connection without its RawConn on Linux")
	}

	out, back := []byte("x"), make([]byte, rawMin)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := c.Write(out); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(peer, back[:1]); err != nil {
			t.Fatal(err)
		}
		if _, err := peer.Write(out); err != nil {
			t.Fatal(err)
		}
		if n, err := c.Read(back); err != nil || n != 1 { // raw: rawMin asked for
			t.Fatalf("Read: %d, %v", n, err)
		}
	})
	if allocs > 0 {
		t.Errorf("%.1f allocations a raw write and read", allocs)
	}

	// Writers at once, each of its own bytes: every write arrives whole.
	const writers, each = 4, 64 << 10
	done := make(chan error, writers)
	for w := range writers {
		go func() {
			_, err := c.Write(bytes.Repeat([]byte{byte('a' + w)}, each))
			done <- err
		}()
	}
	got := make([]byte, writers*each)
	if _, err := io.ReadFull(peer, got); err != nil {
		t.Fatal(err)
	}
	for range writers {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	count := map[byte]int{}
	for i := 0; i < len(got); {
		j := i
		for j < len(got) && got[j] == got[i] {
			j++
		}
		if (j-i)%each != 0 {
			t.Fatalf("a run of %d %q at %d: writes interleaved", j-i, got[i], i)
		}
		count[got[i]] += j - i
		i = j
	}
	for w := range writers {
		if count[byte('a'+w)] != each {
			t.Fatalf("writer %d: %d bytes arrived of %d", w, count[byte('a'+w)], each)
		}
	}
}
