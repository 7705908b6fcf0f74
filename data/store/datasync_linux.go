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
