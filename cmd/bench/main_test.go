package main

import (
	"slices"
	"testing"

	"github.com/redline-gis/redline/internal/bench"
)

// TestServerOptsFlags: -server-args splits on spaces, -server-env on commas
// into KEY=VALUE pairs (a value may hold "="), and a pair without a key or an
// "=" is refused.
func TestServerOptsFlags(t *testing.T) {
	o, err := serverOpts(" --max-checks 64  --timeout 5s", "GOGC=200, GODEBUG=gctrace=1,")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Args, []string{"--max-checks", "64", "--timeout", "5s"}) || !slices.Equal(o.Env, []string{"GOGC=200", "GODEBUG=gctrace=1"}) {
		t.Errorf("args %q, env %q", o.Args, o.Env)
	}
	for _, bad := range []string{"GOGC", "=1", "A=1,B"} {
		if _, err := serverOpts("", bad); err == nil {
			t.Errorf("-server-env %q: want an error", bad)
		}
	}
	if o, err := serverOpts("", ""); err != nil || len(o.Args) != 0 || len(o.Env) != 0 {
		t.Errorf("none: %+v, %v", o, err)
	}
}

// TestBinariesFlag: -redline names each binary by NAME= or by its file name,
// by its path when two share a file name, and refuses a binary given twice or
// an empty name; -archive takes on and off.
func TestBinariesFlag(t *testing.T) {
	bins, err := binaries("base=/tmp/a/redline, new=bin/redline")
	if err != nil || len(bins) != 2 || bins[0] != (bench.Binary{Name: "base", Path: "/tmp/a/redline"}) || bins[1] != (bench.Binary{Name: "new", Path: "bin/redline"}) {
		t.Errorf("named: %+v, %v", bins, err)
	}
	bins, err = binaries("/tmp/a/redline,bin/redline,bin/redline-pgo")
	if err != nil || len(bins) != 3 || bins[0].Name != "/tmp/a/redline" || bins[1].Name != "bin/redline" || bins[2].Name != "redline-pgo" {
		t.Errorf("by file name: %+v, %v", bins, err)
	}
	if bins, err := binaries("bin/redline"); err != nil || len(bins) != 1 || bins[0].Name != "redline" {
		t.Errorf("one: %+v, %v", bins, err)
	}
	for _, bad := range []string{"", " , ", "bin/redline,bin/redline", "=bin/redline", "x="} {
		if _, err := binaries(bad); err == nil {
			t.Errorf("-redline %q: want an error", bad)
		}
	}
	if m, err := archiveModes("off, on"); err != nil || !slices.Equal(m, []bool{false, true}) {
		t.Errorf("-archive off,on: %v, %v", m, err)
	}
	if _, err := archiveModes("yes"); err == nil {
		t.Error("-archive yes: want an error")
	}
}
