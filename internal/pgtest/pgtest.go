// Package pgtest gives tests a PostgreSQL database of their own: a fresh schema
// of the server scripts/pg-test.sh starts (REDLINE_TEST_PG), dropped afterwards.
package pgtest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/redline-gis/redline/internal/testenv"
)

// Schema returns REDLINE_TEST_PG with search_path set to a new schema named
// after prefix. Without REDLINE_TEST_PG the test is skipped, or fails when CI
// is set: the PostgreSQL cases must run in CI.
func Schema(t testing.TB, prefix string) string {
	t.Helper()
	dsn := testenv.PostgresURL(t)
	schema := fmt.Sprintf("%s_%d", prefix, time.Now().UnixNano())
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", dsn); err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}
