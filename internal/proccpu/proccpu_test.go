package proccpu

import (
	"runtime"
	"testing"
	"time"
)

// TestNowCountsWork: spinning shows as CPU time. The loop runs until 20 ms of
// CPU are counted, or 10 s of wall time pass on a machine however busy.
func TestNowCountsWork(t *testing.T) {
	if _, ok := Used(); !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("no CPU time on linux")
		}
		t.Skip("no CPU time on", runtime.GOOS)
	}
	t0, start := Now(), time.Now()
	x := 0
	for Now()-t0 < 20*time.Millisecond && time.Since(start) < 10*time.Second {
		x++
	}
	if d := Now() - t0; d < 20*time.Millisecond {
		t.Errorf("%v of spinning counted %v of CPU (%d turns)", time.Since(start), d, x)
	}
}
