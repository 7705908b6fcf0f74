package zones_test

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// A footprint straddling the border of two zones: the overlap with each, in m² on
// the GRS80 ellipsoid, and the share of the footprint in each.
func ExampleChecker_Check() {
	l := &zones.Layer{ID: "units", Kind: zones.KindCustom, Geom: zones.Polygonal}
	l.Zones = []*zones.Zone{
		{ID: "A", Class: "unit", Layer: l, Geometry: orb.Polygon{{{108, 34}, {108.1, 34}, {108.1, 34.1}, {108, 34.1}, {108, 34}}}},
		{ID: "B", Class: "unit", Layer: l, Geometry: orb.Polygon{{{108.1, 34}, {108.2, 34}, {108.2, 34.1}, {108.1, 34.1}, {108.1, 34}}}},
	}
	c, err := zones.NewChecker(&zones.Dataset{Name: "example", Version: "1", Layers: []*zones.Layer{l}})
	if err != nil {
		panic(err)
	}
	site := orb.Polygon{{{108.095, 34.05}, {108.11, 34.05}, {108.11, 34.06}, {108.095, 34.06}, {108.095, 34.05}}}
	r, err := c.Check(context.Background(), zones.Footprint{Geometry: site}, zones.Project{}, zones.CheckOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("footprint %.0f m²\n", r.Footprint.AreaM2)
	for _, in := range r.Intersections {
		fmt.Printf("%s: %.0f m², share %.3f\n", in.ZoneID, in.OverlapAreaM2, in.FootprintShare)
	}
	// The closed form for a lon/lat rectangle on GRS80 (authalic latitude) gives
	// 1,536,153.5, 1,024,102.3 and 512,051.2 m².

	// Output:
	// footprint 1536154 m²
	// B: 1024102 m², share 0.667
	// A: 512051 m², share 0.333
}
