// Package proccpu reads the CPU time the process has used: the figure the
// benchmarks report beside the wall clock (on a machine shared with other work
// it varies less), and the store's measure of its own load.
package proccpu

import "time"

// Now is the CPU time (user and system, all threads, cgo and the kernel's
// share included) the process has used so far; 0 where it cannot be read.
func Now() time.Duration {
	d, _ := Used()
	return d
}
