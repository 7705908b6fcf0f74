package api

import (
	"io"
	"net"
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
	n := 0
	var errno syscall.Errno
	err := c.raw.Write(func(fd uintptr) bool {
		for n < len(p) {
			k, wait, e := rawIO(syscall.SYS_WRITE, fd, p[n:])
			if wait {
				return false
			}
			if e != 0 {
				errno = e
				return true
			}
			n += k
		}
		return true
	})
	if err == nil && errno != 0 {
		err = c.ioError("write", errno)
	}
	return n, err
}

// rawRead is net.Conn's Read as rawWrite is its Write: the body of a batch
// arrives in reads of up to a megabyte.
func (c *gatherConn) rawRead(p []byte) (int, error) {
	n := 0
	var errno syscall.Errno
	err := c.raw.Read(func(fd uintptr) bool {
		k, wait, e := rawIO(syscall.SYS_READ, fd, p)
		n, errno = k, e
		return !wait
	})
	switch {
	case err != nil:
	case errno != 0:
		err = c.ioError("read", errno)
	case n == 0:
		err = io.EOF // the peer closed its side
	}
	return n, err
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
