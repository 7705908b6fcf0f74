package store

import (
	"os"
	"syscall"
)

// datasync flushes f's data and what is needed to read it back (its size), but
// not its times: the WAL is overwritten in place after each checkpoint, so most
// syncs change no metadata that matters, and fsync would also write the inode
// for the new mtime (an extra journal commit on ext4).
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}

// datasyncHolding is datasync without leaving the Go scheduler: the calling
// goroutine keeps its processor (P) while the kernel flushes, where datasync
// hands it to other goroutines and, once the flush returns, waits for one
// again. See redoLog.hold for why the logger wants that and what it costs.
func datasyncHolding(f *os.File) error {
	for {
		_, _, e := syscall.RawSyscall(syscall.SYS_FDATASYNC, f.Fd(), 0, 0)
		if e != syscall.EINTR {
			if e != 0 {
				return e
			}
			return nil
		}
	}
}
