package bench

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Runs are the times of several runs of one thing.
type Runs []time.Duration

// Median is the middle run (the mean of the two middle ones for an even count).
func (r Runs) Median() time.Duration { return median([]time.Duration(r)) }

// median is the middle value of v (the mean of the two middle ones for an
// even count); zero for none.
func median[T time.Duration | float64](v []T) T {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Range is "min–max".
func (r Runs) Range() string {
	if len(r) == 0 {
		return "—"
	}
	return Dur(slices.Min(r)) + "–" + Dur(slices.Max(r))
}

// Dur prints a duration the way the README's tables do: ms below 10 s, else s.
func Dur(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}

// Count prints n with thousands separators: 5,262,592.
func Count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Table is a markdown table.
type Table struct {
	Head []string
	Rows [][]string
}

func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

func (t *Table) String() string {
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	line(t.Head)
	sep := make([]string, len(t.Head))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range t.Rows {
		line(r)
	}
	return b.String()
}
