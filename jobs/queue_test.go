package jobs

import (
	"path/filepath"
	"testing"

	"github.com/redline-gis/redline/internal/patchgen"
)

// TestSQLiteQueueWithoutListener: on SQLite, River runs without its polled
// listener (quietSQLite), so a job inserted writes no notification for it to
// poll, and the job still runs, woken by the insert itself.
func TestSQLiteQueueWithoutListener(t *testing.T) {
	m := open(t, filepath.Join(t.TempDir(), "redline.db"), 100)
	defer m.Stop(t.Context())
	for i := range 3 {
		j, err := m.Submit(t.Context(), Spec{Kind: KindLocate}, patchgen.Squares(50), "patches.ndjson", "")
		if err != nil {
			t.Fatal(err)
		}
		if j = watch(t, m, j.ID, nil); j.State != StateDone || j.Done != 50 {
			t.Fatalf("job %d: %s %d/%d", i, j.State, j.Done, j.Total)
		}
	}
	var notes int
	if err := m.riverDB.QueryRowContext(t.Context(), `SELECT count(*) FROM river_notification`).Scan(&notes); err != nil {
		t.Fatal(err)
	}
	if notes != 0 {
		t.Errorf("%d notifications written for River's listener; want none (it polls them every 50 ms)", notes)
	}
}
