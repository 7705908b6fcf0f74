//go:build !unix

package store

import "time"

// processCPU is not measured here: SQLite's window stays shut.
func processCPU() (time.Duration, bool) { return 0, false }
