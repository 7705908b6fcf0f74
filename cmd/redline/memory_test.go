package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/redline-gis/redline/internal/proccpu"
)

// rssBytes is this process's resident set.
func rssBytes(t *testing.T) int64 {
	t.Helper()
	n, err := proccpu.RSS(0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPrefault: the memory prefault touched is resident once it returns (that
// the requests then allocate from it without faults is the bench's to show:
// bench scale's first runs at 32×). It runs in a process of its own: in this
// one, the heap the other tests left may hold resident pages prefault reuses.
func TestPrefault(t *testing.T) {
	if os.Getenv("REDLINE_TEST_PREFAULT") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPrefault$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), "REDLINE_TEST_PREFAULT=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestPrefault") {
			t.Fatalf("the test in a process of its own: %v\n%s", err, out)
		}
		return
	}
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
