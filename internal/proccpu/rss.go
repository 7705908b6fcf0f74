package proccpu

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// RSS is the resident set of process pid (0: this one) in bytes: VmRSS of
// /proc/PID/status, so GEOS's C memory and the runtime's are counted, not only
// the Go heap. Linux only; elsewhere an error.
func RSS(pid int) (int64, error) {
	path := "/proc/self/status"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("resident memory: %w", err)
	}
	return parseRSS(b, path)
}

// parseRSS reads the VmRSS line of a /proc/PID/status (named path in errors).
func parseRSS(status []byte, path string) (int64, error) {
	for line := range bytes.SplitSeq(status, []byte("\n")) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("%s: VmRSS %q, want a number of kB", path, rest)
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: VmRSS %q: %w", path, rest, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("%s has no VmRSS", path)
}
