//go:build !linux

package store

import "os"

// datasync is fsync where fdatasync is not to be had.
func datasync(f *os.File) error { return f.Sync() }

// datasyncHolding is datasync: holding the processor through the flush is
// done on Linux only.
func datasyncHolding(f *os.File) error { return datasync(f) }
