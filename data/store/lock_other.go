//go:build !unix

package store

import (
	"errors"
	"os"
)

// errLocked means another process holds the redo log.
var errLocked = errors.New("the redo log is held by another process")

// lockFile cannot lock here: the store keeps to group commit.
func lockFile(*os.File) error { return errors.New("no file locks on this system") }
