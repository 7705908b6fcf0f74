package api

import (
	"io"
	"net"
	"sync"
	"syscall"
	"unsafe"
)

// rawConnOf returns c's RawConn, or nil.
func rawConnOf(c net.Conn) syscall.RawConn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return raw
}

// rawWrite is net.Conn's Write with the system calls made as raw ones: the
// socket is non-blocking, so a write(2) copies what the socket buffer takes and
// returns (EAGAIN when it takes nothing: then the poller waits, deadlines
// included, as for net.Conn's Write). Through the runtime's syscall path, a
// write of a batch's 256 KiB was long enough (tens of µs over loopback, the
// receiving side's TCP work included) for the runtime's monitor thread to take
// the goroutine's P away and hand it to another thread, then to give one back
// when the write returned: a wake-up of a thread each way, and a monitor that,
// having taken a P, kept polling every 20 µs for the whole request. 100k points
// over HTTP (2 cores, 26.6 MB out): the monitor's share of the server's CPU
// 5.8 % -> 2.0 %, the kernel's scheduling 7.8 % -> 4.4 % (perf).
func (c *gatherConn) rawWrite(p []byte) (int, error) {
	c.rw.begin(p)
	err := c.raw.Write(c.rw.write)
	n, errno := c.rw.end()
	if err == nil && errno != 0 {
		err = c.ioError("write", errno)
	}
	return n, err
}

// rawRead is net.Conn's Read as rawWrite is its Write: the body of a batch
// arrives in reads of up to a megabyte.
func (c *gatherConn) rawRead(p []byte) (int, error) {
	c.rr.begin(p)
	err := c.raw.Read(c.rr.read)
	n, errno := c.rr.end()
	switch {
	case err != nil:
	case errno != 0:
		err = c.ioError("read", errno)
	case n == 0:
		err = io.EOF // the peer closed its side
	}
	return n, err
}

// rawOp is one direction's raw system calls on a connection: the callback
// RawConn's Read or Write runs, bound once to its connection (bindRaw) with
// the bytes it works on, so that a read or a write makes no closure of its
// own (a small check made two). mu keeps the bytes of one call from another's:
// the runtime's lock on the descriptor covers only the callback.
type rawOp struct {
	mu    sync.Mutex
	p     []byte
	n     int
	errno syscall.Errno
	read  func(fd uintptr) bool // for RawConn.Read
	write func(fd uintptr) bool // for RawConn.Write
}

// begin takes o for a call on p; end gives the bytes moved and the error
// number, and o back (keeping no request's bytes).
func (o *rawOp) begin(p []byte) {
	o.mu.Lock()
	o.p, o.n, o.errno = p, 0, 0
}

func (o *rawOp) end() (int, syscall.Errno) {
	n, errno := o.n, o.errno
	o.p = nil
	o.mu.Unlock()
	return n, errno
}

// bindRaw makes c's callbacks, once: c.rr's read(2), c.rw's write(2).
func (c *gatherConn) bindRaw() {
	if c.raw == nil {
		return
	}
	c.rr.read = c.rr.readOnce
	c.rw.write = c.rw.writeAll
}

// readOnce makes one read(2) into o.p: false (wait for the poller) on EAGAIN.
func (o *rawOp) readOnce(fd uintptr) bool {
	k, wait, e := rawIO(syscall.SYS_READ, fd, o.p)
	o.n, o.errno = k, e
	return !wait
}

// writeAll writes o.p from o.n on, as far as the socket takes it: false (wait
// for the poller) when it takes nothing more.
func (o *rawOp) writeAll(fd uintptr) bool {
	for o.n < len(o.p) {
		k, wait, e := rawIO(syscall.SYS_WRITE, fd, o.p[o.n:])
		if wait {
			return false
		}
		if e != 0 {
			o.errno = e
			return true
		}
		o.n += k
	}
	return true
}

// rawIO makes one read(2) or write(2) (trap) of p (not empty) on fd as a raw
// system call, again when a signal interrupts it: the bytes moved, or wait
// (EAGAIN: nothing to read or no room to write; the poller waits), or the
// error.
func rawIO(trap, fd uintptr, p []byte) (n int, wait bool, errno syscall.Errno) {
	for {
		k, _, e := syscall.RawSyscall(trap, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(min(len(p), maxRW)))
		switch e {
		case 0:
			return int(k), false, 0
		case syscall.EINTR:
		case syscall.EAGAIN:
			return 0, true, 0
		default:
			return 0, false, e
		}
	}
}

// maxRW is the most one read(2) or write(2) is asked to move, as package
// poll's.
const maxRW = 1 << 30
