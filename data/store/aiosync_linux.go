package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// aioSync fdatasyncs one file through Linux native AIO (IOCB_CMD_FDSYNC, 4.18
// and later): the kernel runs the flush on a worker thread and signals an
// eventfd, which the goroutine waits on through the network poller.
//
// Why: a plain fdatasync holds a Go processor in a system call for the whole
// flush (~0.1–0.6 ms). The runtime's monitor (sysmon) then wakes every 20 µs
// to take the processor back and start another thread for it, and the
// goroutine, back from the call, must find a processor again. At thousands of
// flushes a second (the redo log's, one a group of archived checks) that was
// ~9 % of the server's samples in sysmon alone, and the thread hand-offs more.
// Waiting on an eventfd parks the goroutine like a socket read does: no
// processor is held, none is taken back, and the monitor goes back to sleep.
type aioSync struct {
	fd    uint32 // the file's
	efd   uint32 // the eventfd's
	ctx   uintptr
	event *os.File // the eventfd, non-blocking, in the poller
	// cb is the one request (the kernel holds it while it runs), cbs the list
	// io_submit takes: &cb.
	cb  iocb
	cbs [1]*iocb
	evs [1]ioEvent
	buf [8]byte
}

// iocb is Linux's struct iocb (include/uapi/linux/aio_abi.h), little-endian
// layout (aio_key before aio_rw_flags).
type iocb struct {
	data      uint64
	key       uint32
	rwFlags   int32
	opcode    uint16
	reqprio   int16
	fildes    uint32
	buf       uint64
	nbytes    uint64
	offset    int64
	reserved2 uint64
	flags     uint32
	resfd     uint32
}

// ioEvent is Linux's struct io_event.
type ioEvent struct {
	data, obj uint64
	res, res2 int64
}

const (
	iocbCmdFdsync = 3
	iocbFlagResfd = 1 << 0
)

// errNoAIO reports that the kernel or the file system does not flush through
// AIO: the caller uses fdatasync.
var errNoAIO = errors.New("AIO fdatasync not available")

// newAIOSync sets up the AIO context and eventfd for f, which must stay open
// while it is used. It fails (the caller keeps fdatasync) where the kernel has
// no AIO or refuses a context.
func newAIOSync(f *os.File) (*aioSync, error) {
	if unsafe.Sizeof(iocb{}) != 64 || unsafe.Sizeof(ioEvent{}) != 32 {
		return nil, errNoAIO
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	a := &aioSync{}
	a.cbs[0] = &a.cb
	if err := rc.Control(func(fd uintptr) { a.fd = uint32(fd) }); err != nil {
		return nil, err
	}
	if _, _, e := syscall.Syscall(unix.SYS_IO_SETUP, 1, uintptr(unsafe.Pointer(&a.ctx)), 0); e != 0 {
		return nil, fmt.Errorf("io_setup: %w", e)
	}
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		a.destroy()
		return nil, fmt.Errorf("eventfd: %w", err)
	}
	a.efd = uint32(fd)
	a.event = os.NewFile(uintptr(fd), "aio-eventfd")
	return a, nil
}

// sync flushes the file's data, as datasync does; errNoAIO (wrapped) when
// the kernel refuses the request, before it started.
func (a *aioSync) sync() error {
	a.cb = iocb{opcode: iocbCmdFdsync, fildes: a.fd, flags: iocbFlagResfd, resfd: a.efd}
	for {
		n, _, e := syscall.Syscall(unix.SYS_IO_SUBMIT, a.ctx, 1, uintptr(unsafe.Pointer(&a.cbs[0])))
		if e == syscall.EINTR || e == syscall.EAGAIN {
			continue
		}
		if e != 0 {
			return fmt.Errorf("%w: io_submit: %v", errNoAIO, e)
		}
		if n != 1 {
			return fmt.Errorf("%w: io_submit took %d requests", errNoAIO, n)
		}
		break
	}
	// From here the request is the kernel's: wait for it to end, whatever
	// happens to the eventfd, before the iocb can be reused.
	for {
		if _, err := a.event.Read(a.buf[:]); err != nil && !errors.Is(err, syscall.EINTR) {
			return a.reap(true)
		}
		if err := a.reap(false); err != errAIOPending {
			return err
		}
	}
}

// errAIOPending: no completion yet.
var errAIOPending = errors.New("AIO request pending")

// noWait is io_getevents's zero timeout: return at once.
var noWait unix.Timespec

// reap collects the request's completion: waiting for it when wait is set,
// else not at all (errAIOPending if it has not completed).
func (a *aioSync) reap(wait bool) error {
	ts := &noWait
	if wait {
		ts = nil // no timeout
	}
	for {
		n, _, e := syscall.Syscall6(unix.SYS_IO_GETEVENTS, a.ctx, 1, 1, uintptr(unsafe.Pointer(&a.evs[0])), uintptr(unsafe.Pointer(ts)), 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return fmt.Errorf("io_getevents: %w", e)
		}
		if n == 0 {
			return errAIOPending
		}
		if res := a.evs[0].res; res < 0 {
			return syscall.Errno(-res)
		}
		return nil
	}
}

// close releases the context and the eventfd (not the file).
func (a *aioSync) close() {
	if a.event != nil {
		a.event.Close()
	}
	a.destroy()
}

func (a *aioSync) destroy() {
	if a.ctx != 0 {
		syscall.Syscall(unix.SYS_IO_DESTROY, a.ctx, 0, 0)
		a.ctx = 0
	}
}
