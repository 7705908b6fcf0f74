package tiles_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/render/tiles"
	"github.com/redline-gis/redline/zones"
)

func demoIndex(tb testing.TB) *zones.Index {
	tb.Helper()
	ds, err := data.LoadDemo()
	return index(tb, ds, err)
}

// index indexes the dataset just loaded (err: how loading went).
func index(tb testing.TB, ds *zones.Dataset, err error) *zones.Index {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
	c, err := zones.NewChecker(ds)
	if err != nil {
		tb.Fatal(err)
	}
	return c.Index()
}

// decode gunzips and decodes a tile into its layers' features, in tile units.
func decode(t *testing.T, b []byte) mvt.Layers {
	t.Helper()
	ls, err := mvt.UnmarshalGzipped(b)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	return ls
}

func zoneIDs(ls mvt.Layers) map[string]bool {
	ids := map[string]bool{}
	for _, l := range ls {
		for _, f := range l.Features {
			ids[fmt.Sprint(f.Properties["zone_id"])] = true
		}
	}
	return ids
}

// firstVertex is a point on the zone's boundary: every tile holding it shows
// part of the zone.
func firstVertex(z *zones.Zone) orb.Point {
	var first *orb.Point
	planar.EachPoint(z.Geometry, func(p orb.Point) {
		if first == nil {
			first = &p
		}
	})
	return *first
}

func TestTileHoldsZoneItCovers(t *testing.T) {
	idx := demoIndex(t)
	tl := tiles.New(1 << 20)
	for _, ly := range idx.Dataset().Layers {
		z := ly.Zones[len(ly.Zones)/2]
		for _, zoom := range []maptile.Zoom{6, 10, 14} {
			near := maptile.At(firstVertex(z), zoom)
			b, err := tl.Tile("g1", idx, ly, near)
			if err != nil {
				t.Fatal(err)
			}
			ls := decode(t, b)
			if len(ls) != 1 || ls[0].Name != ly.ID {
				t.Fatalf("layer %s tile %v: want one layer named %s, got %d", ly.ID, near, ly.ID, len(ls))
			}
			if !zoneIDs(ls)[z.ID] {
				t.Errorf("layer %s zoom %d: zone %s not in the tile %v holding its first vertex", ly.ID, zoom, z.ID, near)
			}
			for _, f := range ls[0].Features {
				if f.Properties["zone_id"] == z.ID {
					if f.Properties["name"] != z.Name || f.Properties["class"] != z.Class || f.Properties["layer"] != ly.ID ||
						f.Properties["class_zh"] != zones.ClassLabel(ly.Kind, z.Class) {
						t.Errorf("layer %s zone %s: properties %v", ly.ID, z.ID, f.Properties)
					}
				}
			}
			// The tile on the other side of the world holds none of the province.
			far := maptile.New(0, 0, zoom)
			b, err = tl.Tile("g1", idx, ly, far)
			if err != nil {
				t.Fatal(err)
			}
			if ids := zoneIDs(decode(t, b)); len(ids) != 0 {
				t.Errorf("layer %s: far tile %v holds zones %v", ly.ID, far, ids)
			}
		}
	}
}

// TestTilesStayValid: at every zoom, every area the tiles of the demo's zones
// carry is valid (GEOS), exterior rings positive and holes negative by the
// surveyor's formula in tile units, and within the tile's margin.
func TestTilesStayValid(t *testing.T) {
	idx := demoIndex(t)
	checkTilesValid(t, idx, []maptile.Zoom{4, 6, 8, 10, 12, 14})
}

func checkTilesValid(t *testing.T, idx *zones.Index, zooms []maptile.Zoom) {
	tl := tiles.New(0)
	gctx := geo.NewContext()
	seen := map[maptile.Tile]bool{}
	var polys, checked int
	for _, ly := range idx.Dataset().Layers {
		for _, z := range ly.Zones {
			for _, zoom := range zooms {
				tile := maptile.At(firstVertex(z), zoom)
				if seen[tile] {
					continue
				}
				seen[tile] = true
				b, err := tl.Tile("g", idx, ly, tile)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range decode(t, b)[0].Features {
					checked++
					bd := f.Geometry.Bound()
					if bd.Min[0] < -tiles.Buffer || bd.Min[1] < -tiles.Buffer || bd.Max[0] > tiles.Extent+tiles.Buffer || bd.Max[1] > tiles.Extent+tiles.Buffer {
						t.Errorf("layer %s zone %v tile %v: bound %v beyond the margin", ly.ID, f.Properties["zone_id"], tile, bd)
					}
					if ly.Geom != zones.Polygonal {
						continue
					}
					for _, p := range planar.Polygons(f.Geometry) {
						polys++
						g, err := gctx.FromOrb(p)
						if err != nil {
							t.Fatal(err)
						}
						ok, why, err := g.IsValid()
						g.Destroy()
						if err != nil || !ok {
							t.Errorf("layer %s zone %v tile %v: invalid polygon: %s %v", ly.ID, f.Properties["zone_id"], tile, why, err)
						}
						for i, r := range p {
							if a := area(r); (i == 0) != (a > 0) {
								t.Errorf("layer %s zone %v tile %v: ring %d has signed area %g", ly.ID, f.Properties["zone_id"], tile, i, a)
							}
						}
					}
				}
			}
		}
	}
	if polys == 0 || checked == 0 {
		t.Fatalf("no polygon checked (%d features)", checked)
	}
	t.Logf("%d tiles, %d features, %d polygons valid", len(seen), checked, polys)
}

func area(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}

// TestCacheGenerations: a tile is served from the cache within a generation,
// and made anew for another one.
func TestCacheGenerations(t *testing.T) {
	a := demoIndex(t)
	ly := a.Dataset().Layers[0]
	z := ly.Zones[0]
	tile := maptile.At(firstVertex(z), 10)

	// b: the same dataset with that zone renamed.
	ds, err := data.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	ds.Layers[0].Zones[0].Name = "改名后的单元"
	b := index(t, ds, nil)

	tl := tiles.New(1 << 20)
	nameIn := func(gen string, idx *zones.Index) string {
		t.Helper()
		raw, err := tl.Tile(gen, idx, idx.Dataset().Layer(ly.ID), tile)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range decode(t, raw)[0].Features {
			if f.Properties["zone_id"] == z.ID {
				return fmt.Sprint(f.Properties["name"])
			}
		}
		t.Fatalf("zone %s not in tile %v", z.ID, tile)
		return ""
	}
	if got := nameIn("v1", a); got != z.Name {
		t.Fatalf("first generation: name %q, want %q", got, z.Name)
	}
	if got := nameIn("v1", b); got != z.Name {
		t.Errorf("same generation: name %q, want the cached %q", got, z.Name)
	}
	if got := nameIn("v2", b); got != "改名后的单元" {
		t.Errorf("new generation: name %q, want the reloaded one", got)
	}
	if n, size := tl.CacheStats(); n != 2 || size <= 0 {
		t.Errorf("cache holds %d tiles, %d bytes; want 2", n, size)
	}
	tl.Purge()
	if n, _ := tl.CacheStats(); n != 0 {
		t.Errorf("after Purge the cache holds %d tiles", n)
	}
}

// TestCacheBound: the cache never holds more than its bytes, dropping the least
// recently used tile first.
func TestCacheBound(t *testing.T) {
	idx := demoIndex(t)
	ly := idx.Dataset().Layers[0]
	probe := tiles.New(1 << 20)
	first := maptile.At(firstVertex(ly.Zones[0]), 8)
	one, err := probe.Tile("g", idx, ly, first)
	if err != nil {
		t.Fatal(err)
	}
	limit := int64(len(one)) * 3
	tl := tiles.New(limit)
	for _, z := range ly.Zones {
		for _, zoom := range []maptile.Zoom{8, 9, 10, 11} {
			if _, err := tl.Tile("g", idx, ly, maptile.At(firstVertex(z), zoom)); err != nil {
				t.Fatal(err)
			}
			if _, size := tl.CacheStats(); size > limit {
				t.Fatalf("cache holds %d bytes, limit %d", size, limit)
			}
		}
	}
	if n, _ := tl.CacheStats(); n == 0 {
		t.Error("the cache kept nothing")
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		z, x, y string
		want    maptile.Tile
		bad     string
	}{
		{"0", "0", "0", maptile.New(0, 0, 0), ""},
		{"12", "3300", "1650", maptile.New(3300, 1650, 12), ""},
		{"22", "4194303", "0", maptile.New(4194303, 0, 22), ""},
		{"23", "0", "0", maptile.Tile{}, "zoom"},
		{"-1", "0", "0", maptile.Tile{}, "zoom"},
		{"a", "0", "0", maptile.Tile{}, "zoom"},
		{"3", "8", "0", maptile.Tile{}, "x"},
		{"3", "0", "8", maptile.Tile{}, "y"},
		{"3", "0", "1.5", maptile.Tile{}, "y"},
		{"3", "", "0", maptile.Tile{}, "x"},
	} {
		got, err := tiles.Parse(tc.z, tc.x, tc.y)
		if tc.bad != "" {
			if !errors.Is(err, tiles.ErrBadTile) || !containsWord(err.Error(), tc.bad) {
				t.Errorf("%s/%s/%s: error %v, want one naming %s", tc.z, tc.x, tc.y, err, tc.bad)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s/%s/%s: %v %v, want %v", tc.z, tc.x, tc.y, got, err, tc.want)
		}
	}
}

func containsWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w {
			return true
		}
	}
	return false
}

// sharedIndex loads ../shared/data when it is there (the tiles of real zoning).
func sharedIndex(tb testing.TB) *zones.Index {
	tb.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "dataset.yaml")); err != nil {
		testenv.Missing(tb, "../shared/data is not beside the repository: "+err.Error())
	}
	ds, err := data.LoadDir(dir)
	return index(tb, ds, err)
}

// TestSharedTilesStayValid: the real zoning (detailed county and basin
// boundaries) stays valid at a few zooms.
func TestSharedTilesStayValid(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	checkTilesValid(t, sharedIndex(t), []maptile.Zoom{6, 9, 12})
}

// benchTiles makes the tiles of the zoom around the dataset's zones, uncached,
// and reports tiles per second.
func benchTiles(b *testing.B, idx *zones.Index, zoom maptile.Zoom) {
	type job struct {
		ly *zones.Layer
		t  maptile.Tile
	}
	var jobs []job
	seen := map[string]bool{}
	for _, ly := range idx.Dataset().Layers {
		for _, z := range ly.Zones {
			t := maptile.At(firstVertex(z), zoom)
			if k := fmt.Sprint(ly.ID, t); !seen[k] {
				seen[k] = true
				jobs = append(jobs, job{ly, t})
			}
		}
	}
	tl := tiles.New(0)
	n := 0
	for b.Loop() {
		j := jobs[n%len(jobs)]
		if _, err := tl.Tile("g", idx, j.ly, j.t); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "tiles/s")
}

func BenchmarkTilesDemo(b *testing.B) {
	idx := demoIndex(b)
	for _, zoom := range []maptile.Zoom{8, 12} {
		b.Run(fmt.Sprintf("z%d", zoom), func(b *testing.B) { benchTiles(b, idx, zoom) })
	}
}

func BenchmarkTilesShared(b *testing.B) {
	idx := sharedIndex(b)
	for _, zoom := range []maptile.Zoom{8, 12} {
		b.Run(fmt.Sprintf("z%d", zoom), func(b *testing.B) { benchTiles(b, idx, zoom) })
	}
}
