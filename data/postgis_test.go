package data

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/internal/pgtest"
	"github.com/redline-gis/redline/zones"
)

// copyDemo writes the demo dataset into a directory, with manifest edited by edit.
func copyDemo(t *testing.T, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	ents, err := os.ReadDir("demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("demo", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "dataset.yaml" {
			b = []byte(edit(string(b)))
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPostGISLayers loads two demo layers from PostGIS — the red lines as
// stored (EPSG:4490), the Qinling zones transformed by PostGIS to Gauss-Krüger
// zone 36 (EPSG:4524) behind a view — and checks that the dataset answers as the
// one read from the files: the same zones, the same hits and overlap areas on a
// grid of squares, the version from the version table.
func TestPostGISLayers(t *testing.T) {
	dsn, schema, db := pgtest.PostGIS(t, "redline_zoning")
	pgtest.LoadGeoJSON(t, db, filepath.Join("demo", "redline.geojson"), "redline", 4490, []string{"HXBM", "HXMC", "HXLX", "JB", "PZWH"})
	pgtest.LoadGeoJSON(t, db, filepath.Join("demo", "qinling.geojson"), "qinling_gk", 4524, []string{"QLBM", "QLMC", "GKFQ", "HBFW"})
	if _, err := db.Exec(`CREATE VIEW qinling AS SELECT "QLBM", "QLMC", "GKFQ", "HBFW", geom AS shape FROM qinling_gk`); err != nil {
		t.Fatal(err)
	}
	var srid int
	var x float64
	if err := db.QueryRow(`SELECT ST_SRID(shape), ST_XMin(shape) FROM qinling LIMIT 1`).Scan(&srid, &x); err != nil || srid != 4524 || x < 36e6 {
		t.Fatalf("the qinling view is not in zone-prefixed Gauss-Krüger: SRID %d, x %.0f, %v", srid, x, err)
	}
	if _, err := db.Exec(`CREATE TABLE dataset_version (version text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now());
		INSERT INTO dataset_version VALUES ('2026.8', now() - interval '1 day'), ('2026.9', now())`); err != nil {
		t.Fatal(err)
	}
	dir := copyDemo(t, func(m string) string {
		m = strings.Replace(m, "    file: redline.geojson\n", "    source: postgis\n    table: "+schema+".redline\n", 1)
		m = strings.Replace(m, "    file: qinling.geojson\n", "    source: postgis\n    table: qinling\n", 1)
		return m + "version_table: " + schema + ".dataset_version\n"
	})
	fromPG, err := LoadDirWith(t.Context(), dir, LoadOptions{ZoningDB: dsn})
	if err != nil {
		t.Fatal(err)
	}
	fromFiles, err := LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	if fromPG.Version != "2026.9" {
		t.Errorf("version %q, want the newest row's, 2026.9", fromPG.Version)
	}
	for i, l := range fromFiles.Layers {
		p := fromPG.Layers[i]
		if len(p.Zones) != len(l.Zones) {
			t.Fatalf("layer %s: %d zones from PostGIS, %d from the file", l.ID, len(p.Zones), len(l.Zones))
		}
		// The table is read in the order of the id field, the file in its own.
		byID := map[string]*zones.Zone{}
		for _, z := range p.Zones {
			byID[z.ID] = z
		}
		for _, z := range l.Zones {
			pz := byID[z.ID]
			if pz == nil {
				t.Errorf("layer %s zone %s: not read from PostGIS", l.ID, z.ID)
				continue
			}
			if pz.Name != z.Name || pz.Class != z.Class {
				t.Errorf("layer %s zone %s: %s %s from PostGIS, %s %s from the file", l.ID, z.ID, pz.Name, pz.Class, z.Name, z.Class)
			}
			for k, v := range z.Attributes {
				if fmt.Sprint(pz.Attributes[k]) != fmt.Sprint(v) {
					t.Errorf("layer %s zone %s attribute %s: %v from PostGIS, %v from the file", l.ID, z.ID, k, pz.Attributes[k], v)
				}
			}
			if _, ok := pz.Attributes["gid"].(int64); l.ID == "redline" && !ok {
				t.Errorf("layer %s zone %s: the serial gid column is not an integer: %T", l.ID, z.ID, pz.Attributes["gid"])
			}
		}
	}
	if got := fromPG.Layers[1].Source; got != "postgis:"+schema+".redline" {
		t.Errorf("redline layer source %q", got)
	}
	pc, err := zones.NewChecker(fromPG)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := zones.NewChecker(fromFiles)
	if err != nil {
		t.Fatal(err)
	}
	// Squares of ~1 km over the demo province: every hit the same, areas within
	// 1e-6 (the Qinling layer went to Gauss-Krüger and back: PROJ there, our
	// series here, within a millimetre).
	hits, worst := 0, 0.0
	for lon := 106.0; lon < 110.0; lon += 0.07 {
		for lat := 32.5; lat < 35.5; lat += 0.07 {
			sq := orb.Polygon{{{lon, lat}, {lon + 0.01, lat}, {lon + 0.01, lat + 0.01}, {lon, lat + 0.01}, {lon, lat}}}
			a, err := pc.Locate(context.Background(), sq)
			if err != nil {
				t.Fatal(err)
			}
			b, err := fc.Locate(context.Background(), sq)
			if err != nil {
				t.Fatal(err)
			}
			sortHits(a)
			sortHits(b)
			if len(a) != len(b) {
				t.Fatalf("square at %.2f,%.2f: %d hits from PostGIS, %d from the files: %+v / %+v", lon, lat, len(a), len(b), a, b)
			}
			for k := range a {
				if a[k].Layer != b[k].Layer || a[k].ZoneID != b[k].ZoneID || a[k].ZoneClass != b[k].ZoneClass {
					t.Fatalf("square at %.2f,%.2f: hit %+v from PostGIS, %+v from the files", lon, lat, a[k], b[k])
				}
				if d := math.Abs(a[k].OverlapAreaM2-b[k].OverlapAreaM2) / math.Max(b[k].OverlapAreaM2, 1); d > worst {
					worst = d
				}
				hits++
			}
		}
	}
	if hits < 100 {
		t.Fatalf("only %d hits: the grid misses the demo province", hits)
	}
	if worst > 1e-6 {
		t.Errorf("worst relative area difference %.2g, want ≤ 1e-6", worst)
	}
	t.Logf("%d hits compared; worst relative area difference %.2g", hits, worst)
}

func sortHits(h []zones.Hit) {
	slices.SortFunc(h, func(a, b zones.Hit) int {
		return cmp.Or(cmp.Compare(a.Layer, b.Layer), cmp.Compare(a.ZoneID, b.ZoneID))
	})
}

// TestPostGISErrors: what goes wrong names the table, the row and the column.
func TestPostGISErrors(t *testing.T) {
	dsn, schema, db := pgtest.PostGIS(t, "redline_zoning")
	if _, err := db.Exec(`CREATE TABLE two_geoms (id text, cls text, a geometry(Polygon, 4490), b geometry(Polygon, 4490));
		CREATE TABLE bad (id text, cls text, geom geometry(Polygon, 4490));
		INSERT INTO bad VALUES ('R1', 'redline', 'SRID=4490;POLYGON((108 34, 108.1 34, 108.1 34.1, 108 34))'),
			('R2', 'redline', NULL);
		CREATE TABLE far (id text, geom geometry(Polygon, 4490));
		INSERT INTO far VALUES ('F1', 'SRID=4490;POLYGON((8 34, 8.1 34, 8.1 34.1, 8 34))');
		CREATE TABLE classy (id text, cls text, geom geometry(Polygon, 4490));
		INSERT INTO classy VALUES ('C1', 'core', 'SRID=4490;POLYGON((108 34, 108.1 34, 108.1 34.1, 108 34))'),
			('C2', 'middle', 'SRID=4490;POLYGON((108 34, 108.1 34, 108.1 34.1, 108 34))');
		CREATE TABLE dataset_version (version text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	manifest := func(layer, extra string) string {
		return "name: t\nversion_table: " + schema + ".dataset_version\nlayers:\n  - id: z\n    kind: " + layer + "\n    source: postgis\n" + extra
	}
	for _, tc := range []struct {
		name, manifest string
		version        bool
		want           []string
	}{
		{"no version row", manifest("redline", "    table: bad\n    id_field: id\n"), false,
			[]string{"dataset_version", "has no row"}},
		{"no such table", manifest("redline", "    table: nope\n    id_field: id\n"), true,
			[]string{`layer "z"`, `table "nope"`, "no such table"}},
		{"two geometry columns", manifest("redline", "    table: two_geoms\n    id_field: id\n"), true,
			[]string{"two_geoms", "several geometry columns (a, b)", "geometry_column"}},
		{"unknown geometry column", manifest("redline", "    table: two_geoms\n    geometry_column: c\n    id_field: id\n"), true,
			[]string{"two_geoms", `"c"`, "there: a, b"}},
		{"unknown id field", manifest("redline", "    table: bad\n    id_field: code\n"), true,
			[]string{".bad", `column "code"`}},
		{"null geometry", manifest("redline", "    table: bad\n    id_field: id\n"), true,
			[]string{`layer "z"`, "feature 1", "R2", "no geometry"}},
		{"outside China", manifest("redline", "    table: far\n    id_field: id\n"), true,
			[]string{`layer "z"`, "table far", "feature 0"}},
		{"unmapped class", manifest("nature_reserve", "    table: classy\n    id_field: id\n    class_field: cls\n"), true,
			[]string{`layer "z"`, "feature 1", "C2", "cls", `"middle"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db.Exec(`DELETE FROM dataset_version`)
			if tc.version {
				db.Exec(`INSERT INTO dataset_version (version) VALUES ('1')`)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "dataset.yaml"), []byte(tc.manifest), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadDirWith(t.Context(), dir, LoadOptions{ZoningDB: dsn})
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	// Without a zoning database named anywhere.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "dataset.yaml"), []byte(manifest("redline", "    table: bad\n")), 0o644)
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "zoning_db") {
		t.Errorf("no zoning database: %v", err)
	}
}
