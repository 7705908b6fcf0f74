package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// rssBytes is this process's resident set (VmRSS).
func rssBytes(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestPrefault: the memory prefault touched is resident once it returns (that
// the requests then allocate from it without faults is the bench's to show:
// bench scale's first runs at 32×).
func TestPrefault(t *testing.T) {
	const n = 96 << 20
	before := rssBytes(t)
	if got := prefault(n); got != n {
		t.Fatalf("prefault(%d) = %d", n, got)
	}
	after := rssBytes(t)
	if after-before < n*3/4 {
		t.Fatalf("resident %d → %d MiB after prefaulting %d MiB", before>>20, after>>20, n>>20)
	}
	if prefault(0) != 0 || prefault(-5) != 0 {
		t.Error("nothing to prefault: want 0")
	}
}
