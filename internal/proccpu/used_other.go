//go:build !unix

package proccpu

import "time"

// Used cannot read the process's CPU time here.
func Used() (time.Duration, bool) { return 0, false }
