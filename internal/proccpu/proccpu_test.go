package proccpu

import (
	"runtime"
	"testing"
	"time"
)

// TestNowCountsWork: a loop that spins for 50 ms of wall time shows as CPU time.
func TestNowCountsWork(t *testing.T) {
	if _, ok := Used(); !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("no CPU time on linux")
		}
		t.Skip("no CPU time on", runtime.GOOS)
	}
	t0 := Now()
	x := 0
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
		x++
	}
	if d := Now() - t0; d < 10*time.Millisecond {
		t.Errorf("50 ms of spinning counted %v of CPU (%d turns)", d, x)
	}
}
