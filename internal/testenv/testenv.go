// Package testenv decides what a test does when something it needs from outside
// the repository is missing — ../shared/data, a tool (GDAL, node, chromium), the
// PostgreSQL of scripts/pg-test.sh: when CI is set it fails, because a
// conformance or integration test must not pass silently there; elsewhere it is
// skipped, saying so.
package testenv

import (
	"os"
	"testing"
)

// Missing fails t under CI, else skips it; what says what is missing and what
// goes untested for it.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set, and " + what)
	}
	t.Skip("SKIPPING: " + what)
}

// PostgresURL returns the PostgreSQL URL of scripts/pg-test.sh (REDLINE_TEST_PG),
// or fails t under CI and skips it elsewhere.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("REDLINE_TEST_PG")
	if dsn == "" {
		Missing(t, "REDLINE_TEST_PG is not set (run through scripts/pg-test.sh): the PostgreSQL cases cannot run")
	}
	return dsn
}
