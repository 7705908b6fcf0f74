//go:build !linux

package store

import (
	"errors"
	"os"
)

// aioSync is Linux's (aiosync_linux.go); elsewhere the log uses datasync.
type aioSync struct{}

var errNoAIO = errors.New("AIO fdatasync not available")

func newAIOSync(*os.File) (*aioSync, error) { return nil, errNoAIO }
func (*aioSync) sync() error                { return errNoAIO }
func (*aioSync) close()                     {}
