package proccpu

import (
	"os"
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

func TestParseRSS(t *testing.T) {
	n, err := parseRSS([]byte("Name:\tredline\nVmPeak:\t  999 kB\nVmRSS:\t  429436 kB\nRssAnon:\t 1 kB\n"), "status")
	if err != nil || n != 429436<<10 {
		t.Errorf("%d, %v; want %d", n, err, 429436<<10)
	}
	for _, bad := range []string{"Name:\tx\n", "VmRSS:\t12 MB\n", "VmRSS:\tx kB\n", "VmRSS:\n"} {
		if _, err := parseRSS([]byte(bad), "status"); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	self, err := RSS(0)
	if err != nil || self < 1<<20 || self > 1<<40 {
		t.Fatalf("RSS(0) = %d, %v; want this test's resident set", self, err)
	}
	if byPid, err := RSS(os.Getpid()); err != nil || byPid < 1<<20 {
		t.Errorf("RSS(own pid) = %d, %v", byPid, err)
	}
}
