package reportid

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

var idFormat = regexp.MustCompile(`^[0-9a-f]{24}$`)

// prefix reads the ticks an id starts with.
func prefix(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id[:10], 16, 64)
	if err != nil {
		t.Fatalf("id %q: time prefix: %v", id, err)
	}
	return n
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   time.Time
	}{
		{"epoch", time.Unix(0, 0)},
		{"before the epoch", time.Unix(-5, 0)},
		{"now", time.Now()},
		{"2026", time.Date(2026, 12, 3, 15, 4, 5, 999_999_999, time.UTC)},
		{"last tick before 2^40", time.Unix((1<<40-1)/256, 255*(1e9/256)+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := At(tc.at)
			if !idFormat.MatchString(id) {
				t.Fatalf("At(%v) = %q: want 24 lowercase hex digits", tc.at, id)
			}
			want := max(0, Ticks(tc.at))
			if got := prefix(t, id); got != want {
				t.Errorf("At(%v) = %q: prefix %d ticks, want %d", tc.at, id, got, want)
			}
		})
	}
	if !idFormat.MatchString(New()) {
		t.Errorf("New() = %q: want 24 lowercase hex digits", New())
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want int64
	}{
		{time.Unix(0, 0), 0},
		{time.Unix(0, 1e9/256-1), 0},
		{time.Unix(0, 1e9/256+1), 1},
		{time.Unix(1, 500_000_000), 384},
		{time.Unix(1<<32, 0), 0}, // 2^32 s = 2^40 ticks: wraps
	} {
		if got := Ticks(tc.at); got != tc.want {
			t.Errorf("Ticks(%v) = %d, want %d", tc.at, got, tc.want)
		}
	}
}

// Ids made later sort after (as strings, as the archive's index sorts them)
// once the time has moved by a tick; within a tick their random parts differ.
func TestOrderAndUniqueness(t *testing.T) {
	start := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	prev := ""
	for i := range 10_000 {
		at := start.Add(time.Duration(i) * time.Second / 256)
		id := At(at)
		if id <= prev {
			t.Fatalf("At(%v) = %q sorts before or as the id of a tick earlier, %q", at, id, prev)
		}
		prev = id
		// Another id in the same tick: same prefix, another random part.
		other := At(at)
		if other[:10] != id[:10] {
			t.Fatalf("ids of the same instant %v have prefixes %q and %q", at, id[:10], other[:10])
		}
		if seen[id] || seen[other] || id == other {
			t.Fatalf("id repeated: %q / %q", id, other)
		}
		seen[id], seen[other] = true, true
	}
}
