package pgtest

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/redline-gis/redline/internal/testenv"
)

// PostGIS returns a URL of a fresh schema as Schema does, with public (where
// PostGIS lives) after it on the search path, the schema's name and a
// connection; PostGIS is created when missing. Without PostGIS on the server
// the test is skipped, or fails under CI.
func PostGIS(t testing.TB, prefix string) (string, string, *sql.DB) {
	t.Helper()
	dsn := Schema(t, prefix)
	schema := dsn[strings.LastIndex(dsn, "search_path=")+len("search_path="):]
	dsn += ",public"
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var have bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')`).Scan(&have); err != nil {
		t.Fatal(err)
	}
	if !have {
		testenv.Missing(t, "PostGIS is not installed for the test server (postgresql-15-postgis-3): the postgis layers cannot be tested")
	}
	// Tests of other packages may create it at the same moment: the loser retries.
	for try := 0; ; try++ {
		_, err := db.Exec(`CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public`)
		if err == nil {
			break
		}
		if try == 3 {
			t.Fatalf("create extension postgis: %v", err)
		}
	}
	return dsn, schema, db
}

// LoadGeoJSON puts the features of a GeoJSON FeatureCollection file into a new
// table (serial gid, cols as text, geom as MultiPolygon in srid, transformed by
// PostGIS from EPSG:4490).
func LoadGeoJSON(t testing.TB, db *sql.DB, file, table string, srid int, cols []string) {
	t.Helper()
	defs := make([]string, len(cols))
	names := make([]string, len(cols))
	sel := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = fmt.Sprintf("%q text", c)
		names[i] = fmt.Sprintf("%q", c)
		sel[i] = fmt.Sprintf("f->'properties'->>'%s'", c)
	}
	if _, err := db.Exec(fmt.Sprintf(`CREATE TABLE %s (gid serial PRIMARY KEY, %s, geom geometry(MultiPolygon, %d))`,
		table, strings.Join(defs, ", "), srid)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	q := fmt.Sprintf(`INSERT INTO %s (%s, geom)
		SELECT %s, ST_Transform(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4490)), %d)
		FROM jsonb_array_elements($1::jsonb->'features') f`, table, strings.Join(names, ", "), strings.Join(sel, ", "), srid)
	if _, err := db.Exec(q, string(b)); err != nil {
		t.Fatalf("load %s into %s: %v", file, table, err)
	}
}
