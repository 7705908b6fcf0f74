package replica

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redline-gis/redline/internal/pgtest"
)

// fake is a replica's dataset in service, loaded by name; names in bad fail.
type fake struct {
	mu      sync.Mutex
	source  string
	version string
	loads   []string
	bad     map[string]bool
}

func (f *fake) load(_ context.Context, source string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads = append(f.loads, source)
	if f.bad[source] {
		return "", errors.New("cannot read " + source)
	}
	f.source, f.version = source, "v-"+source
	return f.version, nil
}

func (f *fake) current() (string, string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.source, f.version, f.source != ""
}

func (f *fake) loaded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.loads...)
}

func open(t *testing.T, dsn string, f *fake) *Sync {
	t.Helper()
	s, err := Open(t.Context(), Config{DSN: dsn, Origin: t.Name(), Poll: time.Hour, Load: f.load, Current: f.current})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// until waits for cond on s's status; the poll is an hour, so only the
// notification can bring it in time.
func until(t *testing.T, s *Sync, what string, cond func(Status) bool) Status {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if st := s.Status(); cond(st) {
			return st
		}
	}
	t.Fatalf("%s: not in time: %+v", what, s.Status())
	return Status{}
}

func TestAnnounceAndFollow(t *testing.T) {
	dsn := pgtest.Schema(t, "redline_replica_test")
	a, b := &fake{source: "one", version: "v-one"}, &fake{source: "one", version: "v-one", bad: map[string]bool{"three": true}}
	sa, sb := open(t, dsn, a), open(t, dsn, b)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go sb.Run(ctx)
	until(t, sb, "B listening", func(st Status) bool { return st.Listening })

	// A loads "two" and announces it: B follows on the notification.
	a.load(ctx, "two")
	if err := sa.Announce(ctx, "two", "v-two"); err != nil {
		t.Fatal(err)
	}
	st := until(t, sb, "B follows two", func(st Status) bool { return st.Applied == 1 })
	if _, v, _ := b.current(); v != "v-two" || st.Behind || st.Version != "v-two" || st.CheckedAt == nil {
		t.Fatalf("B after the announcement: %s, %+v", v, st)
	}

	// "three" fails on B: it keeps "two", says it is behind, and tries again.
	if err := sa.Announce(ctx, "three", "v-three"); err != nil {
		t.Fatal(err)
	}
	st = until(t, sb, "B behind", func(st Status) bool { return st.Behind })
	if _, v, _ := b.current(); v != "v-two" || st.Generation != 2 || st.Applied != 1 || st.Failures < 1 || st.Error == "" || st.BehindSince == nil {
		t.Fatalf("B behind: serving %s, %+v", v, st)
	}
	if err := sb.Follow(ctx); err == nil {
		t.Error("Follow of a source that fails: no error")
	}
	if st := sb.Status(); st.Failures < 2 {
		t.Errorf("the retry was not counted: %+v", st)
	}

	// Back to "two": B catches up without loading what it already serves.
	loads := len(b.loaded())
	if err := sa.Announce(ctx, "two", "v-two"); err != nil {
		t.Fatal(err)
	}
	st = until(t, sb, "B caught up", func(st Status) bool { return st.Applied == 3 })
	if st.Behind || st.Error != "" || len(b.loaded()) != loads {
		t.Errorf("B after catching up: %+v, loads %v", st, b.loaded())
	}

	// A replica that starts later joins at the announcement, at once.
	c := &fake{source: "one", version: "v-one"}
	sc := open(t, dsn, c)
	if err := sc.Follow(ctx); err != nil {
		t.Fatal(err)
	}
	if _, v, _ := c.current(); v != "v-two" || sc.Status().Applied != 3 {
		t.Errorf("a late replica serves %s: %+v", v, sc.Status())
	}
	// And A, which announced, loads nothing of its own announcement.
	if err := sa.Follow(ctx); err != nil || len(a.loaded()) != 1 {
		t.Errorf("A followed its own announcement: %v, loads %v", err, a.loaded())
	}
}
