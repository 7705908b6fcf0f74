package shapefile

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/vector"
)

// Property of every fuzz target: an error or a valid result, never a panic, a
// hang or an allocation out of proportion to the input.

// seedFixtures adds the committed fixtures' parts to f through add.
func seedFixtures(f *testing.F, add func(shp, shx, dbf []byte)) {
	names, _ := filepath.Glob("testdata/*.shp")
	for _, n := range names {
		base := n[:len(n)-4]
		shp, _ := os.ReadFile(base + ".shp")
		shx, _ := os.ReadFile(base + ".shx")
		dbf, _ := os.ReadFile(base + ".dbf")
		add(shp, shx, dbf)
	}
	shp, shx := writeSHP(typePolygon, []tShape{
		{typ: typePolygon, parts: [][]orb.Point{square(2, 2, 6, false), square(0, 0, 10, true), square(20, 20, 1, false)}},
		{typ: typeNull},
		{typ: typePolyLineZ, parts: [][]orb.Point{square(0, 0, 1, false), square(0.2, 0.2, 0.5, false)}},
		{typ: typeMultiPointM, parts: [][]orb.Point{{{1, 2}, {3, 4}}}},
		{typ: typePointZ, parts: [][]orb.Point{{{1, 2}}}},
	})
	add(shp, shx, simpleDBF("a", "b", "c", "d", "e"))

	// Enough rings for the shell grid, and a shell large enough for its index.
	var many [][]orb.Point
	for i := range 70 {
		x := float64(i%10) * 10
		y := float64(i/10) * 10
		many = append(many, square(x, y, 8, true), square(x+1, y+1, 2, false))
	}
	big := make([]orb.Point, 0, 301)
	for i := range 300 {
		a := -2 * math.Pi * float64(i) / 300
		big = append(big, orb.Point{100 * math.Cos(a), 100 * math.Sin(a)})
	}
	big = append(big, big[0])
	withHoles := [][]orb.Point{big}
	for i := range 12 {
		withHoles = append(withHoles, square(float64(i*10-60), 0, 3, false))
	}
	shp, shx = writeSHP(typePolygon, []tShape{{typ: typePolygon, parts: many}, {typ: typePolygon, parts: withHoles}})
	add(shp, shx, simpleDBF("grid", "index"))
}

func checkCollection(t *testing.T, c *vector.Collection, err error) {
	if err != nil {
		if c != nil {
			t.Fatalf("both a result and an error: %v", err)
		}
		return
	}
	for i, f := range c.Features {
		if f.Geometry == nil {
			t.Fatalf("feature %d has no geometry", i)
		}
		if i > 0 && f.Index <= c.Features[i-1].Index {
			t.Fatalf("feature indexes not rising: %d after %d", f.Index, c.Features[i-1].Index)
		}
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			checkPolygon(t, g)
		case orb.MultiPolygon:
			for _, p := range g {
				checkPolygon(t, p)
			}
		}
	}
}

func checkPolygon(t *testing.T, p orb.Polygon) {
	if len(p) == 0 {
		t.Fatal("empty polygon")
	}
	// Equal as numbers (0 and -0 are), or the same bits (a ring of NaN coordinates
	// is closed, though NaN != NaN).
	same := func(a, b float64) bool { return a == b || math.Float64bits(a) == math.Float64bits(b) }
	for _, r := range p {
		if len(r) < 4 || !same(r[0][0], r[len(r)-1][0]) || !same(r[0][1], r[len(r)-1][1]) {
			t.Fatalf("ring of %d points not closed: %v", len(r), r)
		}
	}
}

func FuzzReadFiles(f *testing.F) {
	seedFixtures(f, func(shp, shx, dbf []byte) { f.Add(shp, shx, dbf, false) })
	f.Fuzz(func(t *testing.T, shp, shx, dbf []byte, polygonize bool) {
		c, err := ReadFiles(shp, shx, dbf, "", "", Options{Polygonize: polygonize})
		checkCollection(t, c, err)
	})
}

// FuzzSHP mutates the .shp alone, with its index rebuilt consistently by walking
// the records, so that the record parser itself is reached.
func FuzzSHP(f *testing.F) {
	seedFixtures(f, func(shp, _, _ []byte) { f.Add(shp) })
	f.Fuzz(func(t *testing.T, shp []byte) {
		if len(shp) < headerLen {
			return
		}
		shx := append([]byte(nil), shp[:headerLen]...)
		off := headerLen
		for off+8 <= len(shp) && len(shx) < 1<<16 {
			n := int(uint32(shp[off+4])<<24|uint32(shp[off+5])<<16|uint32(shp[off+6])<<8|uint32(shp[off+7])) * 2
			e := make([]byte, 8)
			be32(e, uint32(off/2))
			be32(e[4:], uint32(n/2))
			shx = append(shx, e...)
			if n < 0 || off+8+n > len(shp) {
				break
			}
			off += 8 + n
		}
		be32(shx[24:], uint32(len(shx)/2))
		names := make([]string, (len(shx)-headerLen)/8)
		c, err := ReadFiles(shp, shx, simpleDBF(names...), "", "", Options{ClosedLineAsPolygon: true})
		checkCollection(t, c, err)
	})
}

func FuzzDBF(f *testing.F) {
	seedFixtures(f, func(_, _, dbf []byte) { f.Add(dbf, "") })
	f.Add(writeDBF(0, []tField{{name: []byte("N"), typ: 'N', length: 5, dec: 2}, {name: []byte("D"), typ: 'D', length: 8},
		{name: []byte("L"), typ: 'L', length: 1}, {name: []byte("I"), typ: 'I', length: 4}, {name: []byte("O"), typ: 'O', length: 8}},
		[][][]byte{{[]byte("1.5"), []byte("20200101"), []byte("T"), []byte("abcd"), []byte("abcdefgh")}}), "GBK")
	f.Fuzz(func(t *testing.T, dbf []byte, enc string) {
		w := &warnings{}
		tab, err := readDBF(dbf, "f.dbf", "", enc, w)
		if err != nil {
			return
		}
		for i := range tab.n {
			if tab.deleted(i) {
				continue
			}
			props, err := tab.record(i)
			if err != nil {
				continue
			}
			if len(props) > len(tab.fields) {
				t.Fatalf("record %d: %d properties from %d fields", i, len(props), len(tab.fields))
			}
		}
		_ = w.list()
	})
}

func FuzzReadZip(f *testing.F) {
	f.Add(writeZip(f, shapefileMembers("dir/site", "x")))
	f.Add(writeZip(f, append(shapefileMembers("a/one", "1"), shapefileMembers("b/two", "2")...)))
	f.Add(writeZip(f, []tMember{{name: "../x.shp", data: []byte("x")}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		// A small budget keeps every run fast whatever the archive claims.
		c, err := ReadZip(b, Options{MaxUncompressed: 1 << 20})
		checkCollection(t, c, err)
	})
}
