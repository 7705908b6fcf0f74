//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// errLocked means another process holds the redo log.
var errLocked = errors.New("the redo log is held by another process")

// lockFile takes f's exclusive lock without waiting (flock: released when the
// file is closed, or the process ends however it ends).
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errLocked
		case err != syscall.EINTR:
			return err
		}
	}
}
