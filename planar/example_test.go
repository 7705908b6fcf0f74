package planar_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// A parcel listed as surveyors write it: the outer ring and a courtyard, both
// counter-clockwise, and a separate plot.
func ExampleNest() {
	outer := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	yard := orb.Ring{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}
	plot := orb.Ring{{20, 0}, {25, 0}, {25, 5}, {20, 5}, {20, 0}}
	mp, roles := planar.Nest([]orb.Ring{yard, outer, plot}, planar.AnyOrientation)
	fmt.Println(len(mp), "polygons; rings of the first:", len(mp[0]))
	fmt.Println(roles)
	// Output:
	// 2 polygons; rings of the first: 2
	// [hole shell shell]
}

func ExampleRingLocate() {
	r := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	for _, p := range []orb.Point{{5, 5}, {10, 5}, {10 + 1e-15, 5}, {11, 5}} {
		fmt.Println(p, planar.RingLocate(r, p))
	}
	// Output:
	// [5 5] inside
	// [10 5] boundary
	// [10.000000000000002 5] boundary
	// [11 5] outside
}
