package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redline-gis/redline/data/demo"
)

// TestPrepareAndSnapshotFlag: prepare writes the snapshot where --snapshot says;
// layers uses it and prints what the sources give; a damaged snapshot is said on
// stderr, not used, and rewritten; --snapshot off writes none.
func TestPrepareAndSnapshotFlag(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.FS); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(t.TempDir(), "demo.snap")
	runCmd := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	layers := func(snapshot string) string {
		t.Helper()
		code, out, errOut := runCmd("layers", "--data", dir, "--snapshot", snapshot, "--json")
		if code != 0 {
			t.Fatalf("layers: %d %s", code, errOut)
		}
		// load_ms differs from run to run.
		return out[:strings.Index(out, `"load_ms"`)] + out[strings.Index(out, `"pieces"`):]
	}
	want := layers("off")
	if _, err := os.Stat(snap); err == nil {
		t.Fatal("--snapshot off wrote a snapshot")
	}

	code, out, errOut := runCmd("prepare", "--data", dir, "--snapshot", snap)
	if code != 0 || !strings.Contains(out, "snapshot "+snap+" written") || errOut != "" {
		t.Fatalf("prepare: %d %q %q", code, out, errOut)
	}
	if got := layers(snap); got != want {
		t.Errorf("layers from the snapshot:\n%s\nfrom the sources:\n%s", got, want)
	}
	code, out, _ = runCmd("prepare", "--data", dir, "--snapshot", snap)
	if code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("prepare again: %d %q", code, out)
	}

	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(snap, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCmd("layers", "--data", dir, "--snapshot", snap)
	if code != 0 || !strings.Contains(errOut, "not used (damaged: checksum mismatch)") || !strings.Contains(out, "dataset ") {
		t.Fatalf("layers on a damaged snapshot: %d %q %q", code, out, errOut)
	}
	if fixed, _ := os.ReadFile(snap); bytes.Equal(fixed, b) {
		t.Error("the damaged snapshot was not rewritten")
	}

	// Without --snapshot, the default place beside the manifest.
	if code, _, errOut = runCmd("layers", "--data", dir); code != 0 {
		t.Fatalf("layers: %s", errOut)
	}
	if _, err := fs.Stat(os.DirFS(dir), ".redline/snapshot.bin"); err != nil {
		t.Errorf("no snapshot at the default place: %v", err)
	}
	if code, _, _ = runCmd("prepare"); code != 2 {
		t.Errorf("prepare without --data: exit %d", code)
	}
}
