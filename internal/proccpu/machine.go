package proccpu

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Machine is how long the machine's processors have been busy and idle since
// boot, summed over them, from /proc/stat's first line: busy is user, nice,
// system, irq, softirq and steal; idle is idle and iowait. Linux only;
// elsewhere an error. It counts in the kernel's USER_HZ ticks (10 ms).
func Machine() (busy, idle time.Duration, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, fmt.Errorf("machine CPU: %w", err)
	}
	return parseProcStat(b)
}

// parseProcStat reads the busy and idle times from /proc/stat's first ("cpu")
// line, in USER_HZ ticks (100 a second on Linux whatever the kernel's HZ).
func parseProcStat(b []byte) (busy, idle time.Duration, err error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: first line %.100q, want cpu and 8 counters", line)
	}
	var ticks [2]int64
	for i, name := range []string{"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"} {
		n, err := strconv.ParseInt(f[1+i], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %s %q: %w", name, f[1+i], err)
		}
		if name == "idle" || name == "iowait" {
			ticks[1] += n
		} else {
			ticks[0] += n
		}
	}
	const tick = time.Second / 100
	return time.Duration(ticks[0]) * tick, time.Duration(ticks[1]) * tick, nil
}
