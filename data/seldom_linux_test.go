package data_test

import (
	"os"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// TestSeldomReadLeftOut: an index opened from its mapped snapshot leaves the
// snapshot's header and the zones' own geometries (Index.SeldomRead) out of
// the process's memory, the first start (which writes the snapshot and serves
// from it) as the second; reading the zones' geometries brings their pages
// back, and what is read is the zones: their vertices lie in the boxes the
// snapshot stored for them.
func TestSeldomReadLeftOut(t *testing.T) {
	dir := demoDir(t)
	for _, start := range []string{"first", "second"} {
		idx, info, err := data.Open(dir, "", zones.IndexOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if (start == "second") != info.FromSnapshot {
			t.Fatalf("%s start: %+v", start, info)
		}
		page := os.Getpagesize()
		parts := idx.SeldomRead()
		if len(parts) != 2 {
			t.Fatalf("%s start: %d parts seldom read, want the header and the zones' geometries", start, len(parts))
		}
		for k, part := range parts {
			part = data.WholePages(part, page)
			if len(part) < 8*page {
				t.Fatalf("%s start: part %d: %d bytes on whole pages: too few to tell", start, k, len(part))
			}
			if n, of := data.PresentPages(t, part, page); n != 0 {
				t.Fatalf("%s start: part %d: %d of %d pages in memory after the open", start, k, n, of)
			}
		}
		cold := data.WholePages(parts[1], page)
		nz := 0
		for _, l := range idx.Dataset().Layers {
			for _, z := range l.Zones {
				b := z.Bound()
				planar.EachPoint(z.Geometry, func(p orb.Point) {
					if !b.Contains(p) {
						t.Fatalf("%s start: layer %s zone %s: vertex %v outside its stored box %v", start, l.ID, z.ID, p, b)
					}
				})
				if b != z.Geometry.Bound() {
					t.Fatalf("%s start: layer %s zone %s: stored box %v, its vertices' %v", start, l.ID, z.ID, b, z.Geometry.Bound())
				}
				nz++
			}
		}
		if n, of := data.PresentPages(t, cold, page); n != of || nz < 10 {
			t.Fatalf("%s start: %d of %d pages in memory after reading %d zones", start, n, of, nz)
		}
	}
}
