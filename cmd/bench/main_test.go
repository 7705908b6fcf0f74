package main

import (
	"slices"
	"testing"
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
