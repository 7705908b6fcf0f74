package api

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
)

// Listener wraps ln, the listener HTTPServer's server serves, so that an answer
// written whole — a check's report — leaves in one write. net/http writes
// through a 4 KiB buffer: a report of 7–8 KB with its header went out in two
// writes, two trips through the network stack and two wake-ups of the client.
// Connections of other listeners are served as before.
//
// Its connections also read and write large buffers (a batch's body and
// answer) without handing their goroutine's P back to the scheduler for the
// system call (see rawWrite).
func (s *Server) Listener(ln net.Listener) net.Listener { return gatherListener{ln} }

type gatherListener struct{ net.Listener }

func (l gatherListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	g := &gatherConn{Conn: c, raw: rawConnOf(c)}
	g.bindRaw()
	return g, nil
}

// gatherConn is a connection whose writes can be held and then sent as one.
type gatherConn struct {
	net.Conn
	mu   sync.Mutex
	held bool
	buf  *[]byte // from gatherBuffers while held
	// raw is the socket's, for the reads of rawMin bytes or more and the
	// writes (rawWriteMin); nil where rawWrite and rawRead are not
	// built (outside Linux) or the connection has no file descriptor.
	raw syscall.RawConn
	// rr and rw are raw's reads and writes, each with its callback bound
	// once (bindRaw).
	rr, rw rawOp
}

// rawMin is the least a read asks for to go through the socket's RawConn
// (rawRead): net/http's fills of its 4 KiB buffer (request heads) and a
// batch's body; its one-byte reads that watch for a closed connection stay on
// the runtime's path.
const rawMin = 4 << 10

// rawWriteMin is the least a write sends through the socket's RawConn
// (rawWrite): every write but an empty one. Through the runtime's syscall
// path, a system call made after the server's Ps had all been idle wakes the
// runtime's monitor thread (sysmon), which then polls every 20 µs for a
// millisecond and more; a batch made such calls at its start (the request
// head's read) and as it went (net/http's 4 KiB buffer that starts each chunk
// of the answer, a flush's few bytes while the writer waits). 100k points
// over HTTP (2 cores, perf stat on the server, 3 interleaved pairs each): with
// the buffer's writes raw, the monitor's sleeps 140 -> 100 a request and
// context switches 446 -> 399; with every write and the 4 KiB reads raw too,
// 94 -> 69 and 396 -> 341 (task-clock 72.7 -> 69.3 ms a request).
const rawWriteMin = 1

// gatherBuffers hold the bytes of held writes (a report and its header).
var gatherBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func (c *gatherConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.held {
		*c.buf = append(*c.buf, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	if c.raw != nil && len(p) >= rawWriteMin {
		return c.rawWrite(p)
	}
	return c.Conn.Write(p)
}

func (c *gatherConn) Read(p []byte) (int, error) {
	if c.raw != nil && len(p) >= rawMin {
		return c.rawRead(p)
	}
	return c.Conn.Read(p)
}

// ioError words an error of rawWrite's or rawRead's system call as net.Conn's
// Write and Read do.
func (c *gatherConn) ioError(op string, errno error) error {
	return &net.OpError{Op: op, Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError(op, errno)}
}

// hold keeps what is written until release.
func (c *gatherConn) hold() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.held {
		c.held = true
		c.buf = gatherBuffers.Get().(*[]byte)
	}
}

// release writes what was held, in one write, and lets writes through again.
func (c *gatherConn) release() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.held {
		return nil
	}
	c.held = false
	var err error
	if b := *c.buf; len(b) > 0 {
		if c.raw != nil {
			_, err = c.rawWrite(b)
		} else {
			_, err = c.Conn.Write(b)
		}
	}
	if cap(*c.buf) <= maxPooledJSON {
		*c.buf = (*c.buf)[:0]
		gatherBuffers.Put(c.buf)
	}
	c.buf = nil
	return err
}

// ReadFrom keeps sendfile for files served (http.ServeContent) when no write
// is held.
func (c *gatherConn) ReadFrom(r io.Reader) (int64, error) {
	c.mu.Lock()
	held := c.held
	c.mu.Unlock()
	if rf, ok := c.Conn.(io.ReaderFrom); ok && !held {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c}, r)
}

// writerOnly hides a writer's ReadFrom from io.Copy.
type writerOnly struct{ io.Writer }

// CloseWrite keeps net/http's half-close of a connection it ends.
func (c *gatherConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

type gatherKey struct{}

// gatherContext is HTTPServer's ConnContext: a request on a connection of
// Listener finds it (gatherOf).
func gatherContext(ctx context.Context, c net.Conn) context.Context {
	if g, ok := c.(*gatherConn); ok {
		return context.WithValue(ctx, gatherKey{}, g)
	}
	return ctx
}

func gatherOf(r *http.Request) *gatherConn {
	g, _ := r.Context().Value(gatherKey{}).(*gatherConn)
	return g
}

// writeWhole writes b as the whole body of w's answer, with the status and the
// header set so far, in one write where the connection allows it.
func writeWhole(w http.ResponseWriter, r *http.Request, b []byte) {
	g := gatherOf(r)
	if g == nil {
		w.WriteHeader(http.StatusOK)
		w.Write(b)
		return
	}
	g.hold()
	defer g.release()
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	http.NewResponseController(w).Flush()
}
