package gpkg

import (
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

func inputCode(err error) errcode.Code { return errcode.Of(err) }

func hasWarning(c *vector.Collection, sub string) bool {
	return slices.ContainsFunc(c.Warnings, func(w string) bool { return strings.Contains(w, sub) })
}

// poly.gpkg: ogr2ogr from testdata/poly.geojson into table 保护区 (EPSG:4326).
func TestReadPathOGR(t *testing.T) {
	c, err := ReadPath("testdata/poly.gpkg", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.CRS != "EPSG:4326" || c.Format != "gpkg" || len(c.Features) != 3 {
		t.Fatalf("CRS %q, format %q, %d features", c.CRS, c.Format, len(c.Features))
	}
	want := []map[string]any{
		{"fid": int64(1), "名称": "秦岭核心保护区", "编码": "QL-01", "面积": 12.5, "级别": int64(1)},
		{"fid": int64(2), "名称": "渭河", "编码": "WH-02", "面积": nil, "级别": int64(2)},
		{"fid": int64(3), "名称": "", "编码": "X", "面积": 0.5, "级别": nil},
	}
	for i, f := range c.Features {
		if !reflect.DeepEqual(f.Properties, want[i]) {
			t.Errorf("feature %d = %#v, want %#v", i, f.Properties, want[i])
		}
		if f.Index != i {
			t.Errorf("feature %d index %d", i, f.Index)
		}
	}
	wantPoly := orb.Polygon{
		{{108, 34}, {108.2, 34}, {108.2, 34.2}, {108, 34.2}, {108, 34}},
		{{108.05, 34.05}, {108.05, 34.1}, {108.1, 34.1}, {108.1, 34.05}, {108.05, 34.05}},
	}
	if !reflect.DeepEqual(c.Features[0].Geometry, wantPoly) {
		t.Errorf("feature 0 = %v, want %v", c.Features[0].Geometry, wantPoly)
	}
	if mp, ok := c.Features[1].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
		t.Errorf("feature 1 = %v, want a MultiPolygon of 2", c.Features[1].Geometry)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings %q", c.Warnings)
	}

	b, err := os.ReadFile("testdata/poly.gpkg")
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Read(b, "保护区")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, c2) {
		t.Error("Read(bytes) differs from ReadPath")
	}
}

// multi.gpkg: three tables (ogr2ogr): sites in EPSG:4524, lines_zm (XYZM, a custom
// srs with organization NONE), points_z (EPSG:4979).
func TestReadPathTables(t *testing.T) {
	tests := []struct {
		table, crs, warn string
		n                int
		check            func(t *testing.T, c *vector.Collection)
	}{
		{"", "EPSG:4524", "3 feature tables (sites, lines_zm, points_z)", 3, func(t *testing.T, c *vector.Collection) {
			b := c.Features[0].Geometry.Bound()
			if b.Min[0] < 36_400_000 || b.Max[0] > 36_700_000 || b.Min[1] < 3_600_000 || b.Max[1] > 3_800_000 {
				t.Errorf("sites bbox %v is not zone-36 Gauss-Krüger metres", b)
			}
		}},
		{"LINES_ZM", `PRJ:PROJCS["unknown"`, "Z and M values dropped", 2, func(t *testing.T, c *vector.Collection) {
			want := []orb.Geometry{
				orb.LineString{{108, 34}, {108.5, 34.5}, {109, 34}},
				orb.MultiLineString{
					{{108, 34}, {109, 34}, {109, 35}, {108, 35}, {108, 34}},
					{{108.2, 34.2}, {108.4, 34.2}, {108.4, 34.4}, {108.2, 34.4}, {108.2, 34.2}}},
			}
			for i, f := range c.Features {
				if !reflect.DeepEqual(f.Geometry, want[i]) {
					t.Errorf("feature %d = %v, want %v", i, f.Geometry, want[i])
				}
			}
		}},
		{"points_z", "EPSG:4979", "Z values dropped", 2, func(t *testing.T, c *vector.Collection) {
			if !reflect.DeepEqual(c.Features[0].Geometry, orb.MultiPoint{{108, 34}, {108.5, 34.5}}) {
				t.Errorf("feature 0 = %v", c.Features[0].Geometry)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			c, err := ReadPath("testdata/multi.gpkg", tt.table)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(c.CRS, tt.crs) || len(c.Features) != tt.n || !hasWarning(c, tt.warn) {
				t.Errorf("CRS %.40q, %d features, warnings %q; want %q, %d, %q", c.CRS, len(c.Features), c.Warnings, tt.crs, tt.n, tt.warn)
			}
			tt.check(t, c)
		})
	}
	_, err := ReadPath("testdata/multi.gpkg", "nope")
	if inputCode(err) != "bad_request" || !strings.Contains(err.Error(), "sites, lines_zm, points_z") {
		t.Errorf("unknown table: %v", err)
	}
}

// makeGPKG writes a minimal GeoPackage with one feature table t(fid, geom, extra
// columns) through SQLite and returns its path.
func makeGPKG(t testing.TB, srs []any, extraCols string, rows [][]any) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.gpkg")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{
		`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
			organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
		`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
			description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)`,
		`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
			srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL)`,
		`CREATE TABLE attrs (id INTEGER PRIMARY KEY, x TEXT)`,
		`INSERT INTO gpkg_contents (table_name, data_type) VALUES ('attrs', 'attributes')`,
		`CREATE TABLE "t" (fid INTEGER PRIMARY KEY AUTOINCREMENT, "Geom" GEOMETRY` + extraCols + `)`,
		`INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('t', 'features', ?)`,
		`INSERT INTO gpkg_geometry_columns VALUES ('t', 'geom', 'GEOMETRY', ?, 0, 0)`,
	}
	for _, s := range stmts {
		var args []any
		if strings.Contains(s, "?") {
			args = []any{srs[0]}
		}
		if _, err := db.Exec(s, args...); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if _, err := db.Exec(`INSERT INTO gpkg_spatial_ref_sys VALUES ('x', ?, ?, ?, ?, NULL)`, srs...); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		q := "INSERT INTO t VALUES (NULL" + strings.Repeat(", ?", len(r)) + ")"
		if _, err := tx.Exec(q, r...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadCrafted(t *testing.T) {
	epsg4524 := []any{4524, "epsg", 4524, "PROJCS[...]"}
	pt := blob(encWKB(orb.Point{36_500_000, 3_800_000}, wkbOpt{}), 0, nil, false)
	t.Run("values, nulls and empties", func(t *testing.T) {
		p := makeGPKG(t, epsg4524, `, name TEXT, ok BOOLEAN, day DATE, at DATETIME, n INTEGER, x REAL, raw BLOB`, [][]any{
			{pt, "甲", 1, "2024-01-31", "2024-01-31T08:00:00Z", 7, 1.5, []byte{1, 2}},
			{nil, "null geometry", 0, nil, nil, nil, nil, nil},
			{blob(encWKB(orb.Point{math.NaN(), math.NaN()}, wkbOpt{}), 0x10, nil, false), "empty", 0, nil, nil, nil, nil, nil},
			{blob(encWKB(orb.MultiPolygon{tPoly}, wkbOpt{ewkb: true, z: true, srid: true, big: true}), 4<<1, []float64{0, 1, 0, 1, 0, 1, 0, 1}, true), nil, nil, nil, nil, nil, nil, nil},
		})
		c, err := ReadPath(p, "")
		if err != nil {
			t.Fatal(err)
		}
		if c.CRS != "EPSG:4524" || len(c.Features) != 2 {
			t.Fatalf("CRS %q, %d features (want EPSG:4524, 2)", c.CRS, len(c.Features))
		}
		want := map[string]any{"fid": int64(1), "name": "甲", "ok": true, "day": "2024-01-31", "at": "2024-01-31T08:00:00Z",
			"n": int64(7), "x": 1.5, "raw": []byte{1, 2}}
		if !reflect.DeepEqual(c.Features[0].Properties, want) {
			t.Errorf("properties %#v\nwant %#v", c.Features[0].Properties, want)
		}
		if c.Features[1].Index != 3 || !reflect.DeepEqual(c.Features[1].Geometry, orb.MultiPolygon{tPoly}) {
			t.Errorf("feature 1: index %d, %v", c.Features[1].Index, c.Features[1].Geometry)
		}
		if !hasWarning(c, "null or empty geometry skipped: rows 1, 2") || !hasWarning(c, "Z values dropped") {
			t.Errorf("warnings %q", c.Warnings)
		}
	})
	t.Run("custom srs gives its WKT", func(t *testing.T) {
		p := makeGPKG(t, []any{9000, "NONE", 9000, `PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 108E"]`}, "", [][]any{{pt}})
		c, err := ReadPath(p, "t")
		if err != nil || c.CRS != `PRJ:PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 108E"]` {
			t.Errorf("CRS %q, err %v", c.CRS, err)
		}
	})
	t.Run("WKT2 from the CRS WKT extension", func(t *testing.T) {
		p := makeGPKG(t, []any{9001, "NONE", 9001, "undefined"}, "", [][]any{{pt}})
		db, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{
			`ALTER TABLE gpkg_spatial_ref_sys ADD COLUMN definition_12_063 TEXT`,
			`UPDATE gpkg_spatial_ref_sys SET definition_12_063 = 'PROJCRS["x"]' WHERE srs_id = 9001`,
		} {
			if _, err := db.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		c, err := ReadPath(p, "")
		if err != nil || c.CRS != `PRJ:PROJCRS["x"]` {
			t.Errorf("CRS %q, err %v", c.CRS, err)
		}
	})
	t.Run("undefined srs", func(t *testing.T) {
		p := makeGPKG(t, []any{0, "NONE", 0, "undefined"}, "", [][]any{{pt}})
		c, err := ReadPath(p, "")
		if err != nil || c.CRS != "" || !hasWarning(c, "undefined") {
			t.Errorf("CRS %q, warnings %q, err %v", c.CRS, c.Warnings, err)
		}
	})
	t.Run("broken geometry names the row", func(t *testing.T) {
		p := makeGPKG(t, epsg4524, "", [][]any{{pt}, {[]byte("GP\x00\x01\x00\x00\x00\x00\x01\x02\x00\x00\x00\xff\xff\xff\x7f")}})
		_, err := ReadPath(p, "")
		if inputCode(err) != "invalid_geometry" || !strings.Contains(err.Error(), "row 1") {
			t.Errorf("err = %v, want invalid_geometry naming row 1", err)
		}
	})
	t.Run("geometry that is text", func(t *testing.T) {
		p := makeGPKG(t, epsg4524, "", [][]any{{"POINT(1 2)"}})
		if _, err := ReadPath(p, ""); inputCode(err) != "invalid_geometry" {
			t.Errorf("err = %v, want invalid_geometry", err)
		}
	})
	t.Run("views are refused", func(t *testing.T) {
		p := makeGPKG(t, epsg4524, "", [][]any{{pt}})
		db, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{
			`CREATE VIEW endless AS WITH RECURSIVE c(fid, geom) AS (SELECT 1, NULL UNION ALL SELECT fid+1, NULL FROM c) SELECT * FROM c`,
			`INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('endless', 'features', 4524)`,
			`INSERT INTO gpkg_geometry_columns VALUES ('endless', 'geom', 'GEOMETRY', 4524, 0, 0)`,
		} {
			if _, err := db.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		_, err = ReadPath(p, "endless")
		if inputCode(err) != "bad_request" || !strings.Contains(err.Error(), "view") {
			t.Errorf("err = %v, want bad_request naming the view", err)
		}
		db, err = sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{
			`ALTER TABLE gpkg_contents RENAME TO old_contents`,
			`CREATE VIEW gpkg_contents AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c) SELECT 't' AS table_name, 'features' AS data_type FROM c`,
		} {
			if _, err := db.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		_, err = ReadPath(p, "")
		if inputCode(err) != "bad_request" || !strings.Contains(err.Error(), "gpkg_contents") {
			t.Errorf("gpkg_contents as an endless view: err = %v", err)
		}
	})
	t.Run("generated columns are refused", func(t *testing.T) {
		p := makeGPKG(t, epsg4524, ", big BLOB AS (zeroblob(100000000)) VIRTUAL", [][]any{{pt}})
		_, err := ReadPath(p, "")
		if inputCode(err) != "bad_request" || !strings.Contains(err.Error(), "generated") {
			t.Errorf("err = %v, want bad_request naming generated columns", err)
		}
	})
	t.Run("WAL-mode file read from bytes", func(t *testing.T) {
		p := makeGPKG(t, epsg4524, "", [][]any{{pt}})
		db, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("PRAGMA journal_mode=WAL"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if b[18] != 2 {
			t.Fatalf("journal mode byte %d, want 2 (WAL)", b[18])
		}
		c, err := Read(b, "")
		if err != nil || len(c.Features) != 1 {
			t.Errorf("Read: %v, %v", c, err)
		}
		c, err = ReadPath(p, "")
		if err != nil || len(c.Features) != 1 {
			t.Errorf("ReadPath: %v, %v", c, err)
		}
	})
}

func TestReadNotGPKG(t *testing.T) {
	if _, err := Read([]byte("hello"), ""); inputCode(err) != "bad_request" {
		t.Errorf("not SQLite: %v", err)
	}
	p := filepath.Join(t.TempDir(), "plain.db")
	db, _ := sql.Open("sqlite", p)
	if _, err := db.Exec("CREATE TABLE x (a)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := ReadPath(p, "")
	if inputCode(err) != "bad_request" || !strings.Contains(err.Error(), "not a GeoPackage") {
		t.Errorf("SQLite without gpkg tables: %v", err)
	}
	b, _ := os.ReadFile("testdata/poly.gpkg")
	if _, err := Read(b[:len(b)/2], ""); inputCode(err) != "bad_request" {
		t.Errorf("truncated GeoPackage: %v", err)
	}
	if _, err := ReadPath(filepath.Join(t.TempDir(), "missing.gpkg"), ""); err == nil {
		t.Error("missing file: no error")
	}
}

// BenchmarkReadPath measures the fixed cost of a GeoPackage: open, catalogue
// queries, three rows.
func BenchmarkReadPath(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadPath("testdata/poly.gpkg", ""); err != nil {
			b.Fatal(err)
		}
	}
}
