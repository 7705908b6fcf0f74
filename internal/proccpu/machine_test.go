package proccpu

import (
	"os"
	"testing"
	"time"
)

// TestParseProcStat: busy sums user, nice, system, irq, softirq and steal,
// idle sums idle and iowait (guest time is in user already); a line that is
// not /proc/stat's is refused; this machine's reads.
func TestParseProcStat(t *testing.T) {
	// user nice system idle iowait irq softirq steal guest guest_nice
	busy, idle, err := parseProcStat([]byte("cpu  1000 20 300 9000 500 4 6 70 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"))
	if want := (1000 + 20 + 300 + 4 + 6 + 70) * 10 * time.Millisecond; err != nil || busy != want {
		t.Errorf("busy %v, %v; want %v", busy, err, want)
	}
	if want := (9000 + 500) * 10 * time.Millisecond; idle != want {
		t.Errorf("idle %v, want %v", idle, want)
	}
	for _, bad := range []string{"", "cpu0 1 2 3 4 5 6 7 8\n", "cpu 1 2 3\n", "cpu 1 2 x 4 5 6 7 8\n"} {
		if _, _, err := parseProcStat([]byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	if _, err := os.Stat("/proc/stat"); err == nil {
		busy, idle, err := Machine()
		if err != nil || busy <= 0 || idle < 0 {
			t.Fatalf("this machine: %v, %v, %v", busy, idle, err)
		}
	}
}
