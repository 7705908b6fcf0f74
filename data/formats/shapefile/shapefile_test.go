package shapefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// fixture reads testdata/<name>.{shp,shx,dbf} and the optional .prj and .cpg.
func fixture(t *testing.T, name string) (shp, shx, dbf []byte, prj, cpg string) {
	t.Helper()
	read := func(ext string, required bool) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name+ext))
		if err != nil && required {
			t.Fatal(err)
		}
		return b
	}
	return read(".shp", true), read(".shx", true), read(".dbf", true), string(read(".prj", false)), string(read(".cpg", false))
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The CP936 and UTF-8 fixtures written by ogr2ogr from testdata/poly.geojson:
// Chinese field names and values, a hole, a MultiPolygon, blank values.
func TestReadFilesEncodings(t *testing.T) {
	withLDID := func(b []byte, ldid byte) []byte {
		b = append([]byte(nil), b...)
		b[29] = ldid
		return b
	}
	shpG, shxG, dbfG, prjG, cpgG := fixture(t, "gbk_poly")
	shpU, shxU, dbfU, prjU, cpgU := fixture(t, "utf8_poly")
	tests := []struct {
		name      string
		shp, shx  []byte
		dbf       []byte
		prj, cpg  string
		enc       string
		wantCode  errcode.Code
		wantGuess string // substring of the guess warning, "" for none
	}{
		{name: "GBK with .cpg CP936", shp: shpG, shx: shxG, dbf: dbfG, prj: prjG, cpg: cpgG},
		{name: "GBK, no .cpg, LDID 0: detected", shp: shpG, shx: shxG, dbf: dbfG, wantGuess: "GB18030"},
		{name: "GBK, no .cpg, LDID 0x4D", shp: shpG, shx: shxG, dbf: withLDID(dbfG, 0x4D)},
		{name: "GBK, no .cpg, LDID 0x7A", shp: shpG, shx: shxG, dbf: withLDID(dbfG, 0x7A)},
		{name: "GBK, no .cpg, LDID 0x57, option GBK", shp: shpG, shx: shxG, dbf: withLDID(dbfG, 0x57), enc: "gbk"},
		{name: "GBK, .cpg ANSI 936", shp: shpG, shx: shxG, dbf: dbfG, cpg: "ANSI 936\r\n"},
		{name: "GBK, .cpg beats the option", shp: shpG, shx: shxG, dbf: dbfG, cpg: "936", enc: "UTF-8"},
		{name: "GBK but .cpg says UTF-8", shp: shpG, shx: shxG, dbf: dbfG, cpg: "UTF-8", wantCode: "undecodable_text"},
		{name: "GBK but the option says UTF-8", shp: shpG, shx: shxG, dbf: dbfG, enc: "utf8", wantCode: "undecodable_text"},
		{name: "unknown option", shp: shpG, shx: shxG, dbf: dbfG, enc: "klingon", wantCode: "bad_request"},
		{name: "UTF-8 with .cpg", shp: shpU, shx: shxU, dbf: dbfU, prj: prjU, cpg: cpgU},
		{name: "UTF-8 with .cpg 65001", shp: shpU, shx: shxU, dbf: dbfU, cpg: "65001"},
		{name: "UTF-8, no .cpg: detected", shp: shpU, shx: shxU, dbf: dbfU, wantGuess: "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadFiles(tt.shp, tt.shx, tt.dbf, tt.prj, tt.cpg, Options{Encoding: tt.enc})
			if tt.wantCode != "" {
				if got := inputCode(err); got != tt.wantCode {
					t.Fatalf("err = %v (code %q), want code %s", err, got, tt.wantCode)
				}
				if tt.wantCode == "undecodable_text" && !strings.Contains(err.Error(), ".dbf") {
					t.Errorf("message %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Features) != 3 {
				t.Fatalf("features = %d, want 3", len(c.Features))
			}
			want := []map[string]any{
				{"名称": "秦岭核心保护区", "编码": "QL-01", "面积": 12.5, "级别": int64(1)},
				{"名称": "渭河", "编码": "WH-02", "面积": nil, "级别": int64(2)},
				{"名称": nil, "编码": "X", "面积": 0.5, "级别": nil},
			}
			for i, f := range c.Features {
				if !reflect.DeepEqual(f.Properties, want[i]) {
					t.Errorf("feature %d properties = %#v, want %#v", i, f.Properties, want[i])
				}
			}
			if _, ok := c.Features[0].Geometry.(orb.Polygon); !ok || countHoles(c.Features[0].Geometry) != 1 {
				t.Errorf("feature 0 = %T with %d holes, want a Polygon with 1", c.Features[0].Geometry, countHoles(c.Features[0].Geometry))
			}
			if mp, ok := c.Features[1].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 {
				t.Errorf("feature 1 = %T, want a MultiPolygon of 2", c.Features[1].Geometry)
			}
			guessed := hasWarning(c, "guessed")
			if guessed != (tt.wantGuess != "") || (guessed && !hasWarning(c, tt.wantGuess)) {
				t.Errorf("warnings %q: want a guess warning naming %q", c.Warnings, tt.wantGuess)
			}
			if (tt.prj != "") != strings.HasPrefix(c.CRS, "PRJ:GEOGCS") {
				t.Errorf("CRS = %q with .prj %q", c.CRS, tt.prj)
			}
		})
	}
}

// Z and M variants written by ogr2ogr: coordinates kept in 2-D, one warning.
func TestReadFilesZM(t *testing.T) {
	tests := []struct {
		name, warn string
		opts       Options
		want       []orb.Geometry
	}{
		{"multipoint_m", "M values dropped: shape type MultiPointM", Options{}, []orb.Geometry{
			orb.MultiPoint{{108, 34}, {108.5, 34.5}}, orb.MultiPoint{{109, 35}}}},
		{"multipoint_z", "shape type MultiPointZ", Options{}, []orb.Geometry{
			orb.MultiPoint{{108, 34}, {108.5, 34.5}}, orb.MultiPoint{{109, 35}}}},
		{"lines_m", "shape type PolyLineM", Options{}, []orb.Geometry{
			orb.LineString{{108, 34}, {108.5, 34.5}, {109, 34}},
			orb.MultiLineString{
				{{108, 34}, {109, 34}, {109, 35}, {108, 35}, {108, 34}},
				{{108.2, 34.2}, {108.4, 34.2}, {108.4, 34.4}, {108.2, 34.4}, {108.2, 34.2}}}}},
		{"lines_m", "shape type PolyLineM", Options{Polygonize: true}, []orb.Geometry{
			orb.LineString{{108, 34}, {108.5, 34.5}, {109, 34}},
			// Both rings run the same way: nesting, not orientation, makes the hole.
			orb.Polygon{
				{{108, 34}, {109, 34}, {109, 35}, {108, 35}, {108, 34}},
				{{108.2, 34.2}, {108.4, 34.2}, {108.4, 34.4}, {108.2, 34.4}, {108.2, 34.2}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shp, shx, dbf, prj, cpg := fixture(t, tt.name)
			c, err := ReadFiles(shp, shx, dbf, prj, cpg, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []orb.Geometry
			for _, f := range c.Features {
				got = append(got, f.Geometry)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("geometries = %v, want %v", got, tt.want)
			}
			if !hasWarning(c, tt.warn) {
				t.Errorf("warnings %q lack %q", c.Warnings, tt.warn)
			}
		})
	}
	for _, name := range []string{"poly_zm", "poly_m"} {
		shp, shx, dbf, prj, cpg := fixture(t, name)
		c, err := ReadFiles(shp, shx, dbf, prj, cpg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Features) != 3 || countHoles(c.Features[0].Geometry) != 1 || c.Features[0].Properties["名称"] != "秦岭核心保护区" {
			t.Errorf("%s: %d features, first %v %v", name, len(c.Features), c.Features[0].Geometry, c.Features[0].Properties)
		}
		want := orb.Point{108, 34}
		if c.Features[0].Geometry.(orb.Polygon)[0][0] != want {
			t.Errorf("%s: first vertex %v, want %v", name, c.Features[0].Geometry.(orb.Polygon)[0][0], want)
		}
	}
}

// buildAndRead builds a shapefile of shapes with a one-field DBF and reads it.
func buildAndRead(t *testing.T, fileType uint32, shapes []tShape, opts Options) (*vector.Collection, error) {
	t.Helper()
	shp, shx := writeSHP(fileType, shapes)
	names := make([]string, len(shapes))
	for i := range names {
		names[i] = string(rune('a' + i%26))
	}
	return ReadFiles(shp, shx, simpleDBF(names...), "", "", opts)
}

func geometries(c *vector.Collection) []orb.Geometry {
	var gs []orb.Geometry
	for _, f := range c.Features {
		gs = append(gs, f.Geometry)
	}
	return gs
}

func TestPointsAndNulls(t *testing.T) {
	c, err := buildAndRead(t, typePointZ, []tShape{
		{typ: typePointZ, parts: [][]orb.Point{{{108, 34}}}},
		{typ: typeNull},
		{typ: typePointZ, parts: [][]orb.Point{{{109, 35}}}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := geometries(c), []orb.Geometry{orb.Point{108, 34}, orb.Point{109, 35}}; !reflect.DeepEqual(got, want) {
		t.Errorf("geometries = %v, want %v", got, want)
	}
	if c.Features[1].Index != 2 || c.Features[1].Properties["NAME"] != "c" {
		t.Errorf("feature after the null = index %d %v, want index 2 with NAME c", c.Features[1].Index, c.Features[1].Properties)
	}
	if !hasWarning(c, "null or empty shapes skipped: record 1") || !hasWarning(c, "PointZ") {
		t.Errorf("warnings %q: want the null record named and Z dropped", c.Warnings)
	}
	for _, typ := range []uint32{typePoint, typePointM, typeMultiPointM} {
		c, err := buildAndRead(t, typ, []tShape{{typ: typ, parts: [][]orb.Point{{{1, 2}}}}}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", typeName(typ), err)
		}
		var want orb.Geometry = orb.Point{1, 2}
		if typ == typeMultiPointM {
			want = orb.MultiPoint{{1, 2}}
		}
		if !reflect.DeepEqual(c.Features[0].Geometry, want) {
			t.Errorf("%s: %v, want %v", typeName(typ), c.Features[0].Geometry, want)
		}
		if got := hasWarning(c, "M values dropped"); got != (typ != typePoint) {
			t.Errorf("%s: M warning %v in %q", typeName(typ), got, c.Warnings)
		}
	}
}

func TestRingAssembly(t *testing.T) {
	big := square(0, 0, 10, true)
	lake := square(2, 2, 6, false)                                  // hole of big
	island := square(3, 3, 4, true)                                 // shell inside lake
	pond := square(4, 4, 2, false)                                  // hole of island
	far := square(20, 0, 5, true)                                   // second shell
	farHole := square(21, 1, 1, false)                              // hole of far
	stray := square(40, 40, 1, false)                               // counter-clockwise, inside nothing
	touching := []orb.Point{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}} // hole sharing big's corner and edges
	bowtie := []orb.Point{{50, 50}, {52, 52}, {52, 50}, {50, 52}, {50, 50}}
	unclosed := []orb.Point{{60, 60}, {60, 61}, {61, 61}, {61, 60}}
	tests := []struct {
		name  string
		rings [][]orb.Point
		opts  Options
		typ   uint32
		want  orb.Geometry
	}{
		{"hole listed before its shell", [][]orb.Point{lake, big}, Options{}, typePolygon,
			orb.Polygon{big, lake}},
		{"holes matched to their shells, not to the order", [][]orb.Point{big, far, farHole, lake}, Options{}, typePolygon,
			orb.MultiPolygon{{big, lake}, {far, farHole}}},
		{"island in a lake is a polygon of its own", [][]orb.Point{big, lake, island, pond}, Options{}, typePolygon,
			orb.MultiPolygon{{big, lake}, {island, pond}}},
		{"hole in no shell becomes a shell", [][]orb.Point{big, stray}, Options{}, typePolygon,
			orb.MultiPolygon{{big}, {stray}}},
		{"hole touching its shell at a vertex", [][]orb.Point{big, touching}, Options{}, typePolygon,
			orb.Polygon{big, touching}},
		{"all rings counter-clockwise: nesting decides", [][]orb.Point{reverse(big), lake}, Options{}, typePolygon,
			orb.Polygon{reverse(big), lake}},
		{"self-intersecting ring kept as read", [][]orb.Point{bowtie}, Options{}, typePolygon,
			orb.Polygon{bowtie}},
		{"unclosed ring closed", [][]orb.Point{unclosed}, Options{}, typePolygon,
			orb.Polygon{append(append([]orb.Point(nil), unclosed...), unclosed[0])}},
		{"closed lines, same orientation, polygonized by nesting", [][]orb.Point{big, reverse(lake), island}, Options{Polygonize: true}, typePolyLine,
			orb.MultiPolygon{{big, reverse(lake)}, {island}}},
		{"open line stays a line", [][]orb.Point{big[:3]}, Options{Polygonize: true}, typePolyLine,
			orb.LineString(big[:3])},
		{"one open part keeps the record a line", [][]orb.Point{big, far[:3]}, Options{ClosedLineAsPolygon: true}, typePolyLine,
			orb.MultiLineString{big, far[:3]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := buildAndRead(t, tt.typ, []tShape{{typ: tt.typ, parts: tt.rings}}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := geometries(c); len(got) != 1 || !equalGeom(got[0], tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func reverse(r []orb.Point) []orb.Point {
	out := make([]orb.Point, len(r))
	for i := range r {
		out[len(r)-1-i] = r[i]
	}
	return out
}

// equalGeom compares geometries, taking []orb.Point rings and lines by value.
func equalGeom(a, b orb.Geometry) bool {
	return reflect.DeepEqual(toFloats(a), toFloats(b))
}

func toFloats(g orb.Geometry) any {
	switch g := g.(type) {
	case orb.Polygon:
		out := [][]orb.Point{}
		for _, r := range g {
			out = append(out, []orb.Point(r))
		}
		return out
	case orb.MultiPolygon:
		out := [][][]orb.Point{}
		for _, p := range g {
			out = append(out, toFloats(p).([][]orb.Point))
		}
		return out
	case orb.MultiLineString:
		out := [][]orb.Point{}
		for _, l := range g {
			out = append(out, []orb.Point(l))
		}
		return []any{"mls", out}
	case orb.LineString:
		return []any{"ls", []orb.Point(g)}
	}
	return g
}

func TestDBFValues(t *testing.T) {
	fields := []tField{
		{name: []byte("C"), typ: 'C', length: 10},
		{name: []byte("N0"), typ: 'N', length: 12},
		{name: []byte("N2"), typ: 'N', length: 10, dec: 2},
		{name: []byte("F"), typ: 'F', length: 12, dec: 4},
		{name: []byte("L"), typ: 'L', length: 1},
		{name: []byte("D"), typ: 'D', length: 8},
		{name: []byte("M"), typ: 'M', length: 10},
		{name: gbk(t, "名称"), typ: 'C', length: 10},
	}
	rows := [][][]byte{
		{[]byte("  abc  "), []byte("42"), []byte("-3.25"), []byte("1.5e3"), []byte("T"), []byte("20240131"), []byte("17"), gbk(t, "秦岭")},
		{nil, nil, []byte("**********"), []byte("junk"), []byte("?"), []byte("00000000"), nil, nil},
		{[]byte("*DEL*"), []byte("gone")},
		{[]byte("x"), []byte("12345678901"), []byte("7"), nil, []byte("n"), nil, nil, gbk(t, "华山")},
	}
	shp, shx := writeSHP(typePoint, []tShape{
		{typ: typePoint, parts: [][]orb.Point{{{1, 1}}}},
		{typ: typePoint, parts: [][]orb.Point{{{2, 2}}}},
		{typ: typePoint, parts: [][]orb.Point{{{3, 3}}}},
		{typ: typePoint, parts: [][]orb.Point{{{4, 4}}}},
	})
	c, err := ReadFiles(shp, shx, writeDBF(0x4D, fields, rows), "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"C": "abc", "N0": int64(42), "N2": -3.25, "F": 1500.0, "L": true, "D": "2024-01-31", "名称": "秦岭"},
		{"C": nil, "N0": nil, "N2": nil, "F": nil, "L": nil, "D": nil, "名称": nil},
		{"C": "x", "N0": int64(12345678901), "N2": 7.0, "F": nil, "L": false, "D": nil, "名称": "华山"},
	}
	if len(c.Features) != 3 {
		t.Fatalf("features = %d, want 3 (record 2 is deleted)", len(c.Features))
	}
	for i, f := range c.Features {
		if !reflect.DeepEqual(f.Properties, want[i]) {
			t.Errorf("feature %d = %#v\nwant %#v", i, f.Properties, want[i])
		}
	}
	if c.Features[2].Index != 3 {
		t.Errorf("last feature index %d, want 3", c.Features[2].Index)
	}
	for _, w := range []string{"deleted in the .dbf skipped: record 2", `record 1 field F "junk"`, "M (M)"} {
		if !hasWarning(c, w) {
			t.Errorf("warnings %q lack %q", c.Warnings, w)
		}
	}
}

func TestErrors(t *testing.T) {
	ring := [][]orb.Point{square(0, 0, 1, true)}
	shp, shx := writeSHP(typePolygon, []tShape{{typ: typePolygon, parts: ring}, {typ: typePolygon, parts: ring}})
	dbf := simpleDBF("a", "b")
	mod := func(b []byte, f func([]byte)) []byte {
		b = append([]byte(nil), b...)
		f(b)
		return b
	}
	rec1 := 100 + 8 + len(shapeContent(tShape{typ: typePolygon, parts: ring})) // offset of record 1
	tests := []struct {
		name          string
		shp, shx, dbf []byte
		code          errcode.Code
		msg           []string
	}{
		{"missing .shx", shp, nil, dbf, "invalid_archive", []string{".shx"}},
		{"missing .dbf", shp, shx, nil, "invalid_archive", []string{".dbf"}},
		{"not a shapefile", []byte(strings.Repeat("not a shapefile ", 10)), shx, dbf, "bad_request", []string{"9994"}},
		{"truncated .shp", shp[:len(shp)-20], shx, dbf, "bad_request", []string{"record 1", "truncated"}},
		{"truncated .shx", shp, shx[:len(shx)-3], dbf, "bad_request", []string{".shx"}},
		{"lying point count", mod(shp, func(b []byte) { le32(b[rec1+8+40:], 1<<30) }), shx, dbf, "bad_request", []string{"record 1", "1073741824 points"}},
		{"lying part count", mod(shp, func(b []byte) { le32(b[rec1+8+36:], 0xFFFFFFFF) }), shx, dbf, "bad_request", []string{"record 1", "parts"}},
		{"part start beyond the points", mod(shp, func(b []byte) { le32(b[rec1+8+44:], 3) }), shx, dbf, "bad_request", []string{"record 1", "part 0"}},
		{".shx offset outside the .shp", shp, mod(shx, func(b []byte) { be32(b[108:], 1<<20) }), dbf, "bad_request", []string{"record 1", "offset"}},
		{".shx length disagrees", shp, mod(shx, func(b []byte) { be32(b[112:], 7) }), dbf, "bad_request", []string{"record 1"}},
		{"unknown shape type", mod(shp, func(b []byte) { le32(b[rec1+8:], 77) }), shx, dbf, "bad_request", []string{"record 1", "77"}},
		{"MultiPatch", mod(shp, func(b []byte) { le32(b[rec1+8:], typeMultiPatch) }), shx, dbf, "bad_request", []string{"MultiPatch"}},
		{"truncated .dbf", shp, shx, dbf[:len(dbf)-15], "bad_request", []string{".dbf", "record 1"}},
		{".dbf header too short", shp, shx, dbf[:20], "bad_request", []string{".dbf"}},
		{"dBASE 7", shp, shx, mod(dbf, func(b []byte) { b[0] = 0x04 }), "bad_request", []string{"dBASE 7"}},
		{"undecodable text", shp, shx, writeDBF(0, []tField{{name: []byte("NAME"), typ: 'C', length: 4}},
			[][][]byte{{[]byte("ok")}, {[]byte{0xFF, 0xFE, 0x80, 'a'}}}), "undecodable_text", []string{"record 1", "NAME"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadFiles(tt.shp, tt.shx, tt.dbf, "", "", Options{})
			if got := inputCode(err); got != tt.code {
				t.Fatalf("err = %v (code %q), want code %s", err, got, tt.code)
			}
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q lacks %q", err, m)
				}
			}
		})
	}
}

func TestCountMismatchWarns(t *testing.T) {
	shp, shx := writeSHP(typePoint, []tShape{{typ: typePoint, parts: [][]orb.Point{{{1, 1}}}}, {typ: typePoint, parts: [][]orb.Point{{{2, 2}}}}})
	c, err := ReadFiles(shp, shx, simpleDBF("only"), "", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Features) != 2 || len(c.Features[1].Properties) != 0 || !hasWarning(c, "has 2 records but") {
		t.Errorf("features %v, warnings %q", c.Features, c.Warnings)
	}
}

func TestReadPathSidecarCase(t *testing.T) {
	dir := t.TempDir()
	shp, shx := writeSHP(typePoint, []tShape{{typ: typePoint, parts: [][]orb.Point{{{108, 34}}}}})
	for name, b := range map[string][]byte{
		"Site.SHP": shp, "Site.Shx": shx, "site.DBF": simpleDBF("厂址"), "SITE.prj": []byte("\xef\xbb\xbfPROJCS[\"x\"]"), "Site.cpg": []byte("UTF-8"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := ReadPath(filepath.Join(dir, "Site.SHP"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.CRS != `PRJ:PROJCS["x"]` || c.Features[0].Properties["NAME"] != "厂址" {
		t.Errorf("CRS %q, properties %v", c.CRS, c.Features[0].Properties)
	}
	if err := os.Remove(filepath.Join(dir, "Site.Shx")); err != nil {
		t.Fatal(err)
	}
	_, err = ReadPath(filepath.Join(dir, "Site.SHP"), Options{})
	if inputCode(err) != "invalid_archive" || !strings.Contains(err.Error(), "Site.shx") {
		t.Errorf("without .shx: %v", err)
	}
	if _, err := ReadPath(filepath.Join(dir, "other.shp"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing .shp: %v, want fs.ErrNotExist", err)
	}
}

func TestDBFTextEdges(t *testing.T) {
	shp, shx := writeSHP(typePoint, []tShape{{typ: typePoint, parts: [][]orb.Point{{{1, 1}}}}})
	field := func(n int) []tField { return []tField{{name: []byte("NAME"), typ: 'C', length: n}} }
	tests := []struct {
		name      string
		dbf       []byte
		cpg       string
		want      any
		warn      string
		wantGuess string
	}{
		// "1号" in GBK: dropping the last character would leave valid ASCII, which
		// must not make the bytes pass for UTF-8.
		{"short GBK value detected as GBK", writeDBF(0, field(10), [][][]byte{{gbk(t, "1号")}}), "", "1号", "", "GB18030"},
		{"GBK cut by the field width", writeDBF(0x4D, field(4), [][][]byte{{gbk(t, "A秦岭")}}), "", "A秦", "record 0 field NAME", ""},
		{"UTF-8 cut by the field width", writeDBF(0, field(5), [][][]byte{{[]byte("秦岭")}}), "UTF-8", "秦", "record 0 field NAME", ""},
		{"GBK field name, ASCII values", writeDBF(0, []tField{{name: gbk(t, "名称"), typ: 'C', length: 4}}, [][][]byte{{[]byte("ab")}}), "", nil, "", "GB18030"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadFiles(shp, shx, tt.dbf, "", tt.cpg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			p := c.Features[0].Properties
			if tt.want == nil {
				if p["名称"] != "ab" {
					t.Errorf("properties %v, want 名称 = ab", p)
				}
			} else if p["NAME"] != tt.want {
				t.Errorf("NAME = %q, want %q", p["NAME"], tt.want)
			}
			if cut := hasWarning(c, "cut mid-character"); cut != (tt.warn != "") || (cut && !hasWarning(c, tt.warn)) {
				t.Errorf("warnings %q: want a cut-character warning naming %q", c.Warnings, tt.warn)
			}
			if got := hasWarning(c, "guessed"); got != (tt.wantGuess != "") || (got && !hasWarning(c, tt.wantGuess)) {
				t.Errorf("warnings %q, want guess %q", c.Warnings, tt.wantGuess)
			}
		})
	}
}
