package formats_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/data/formats"
)

// A surveyor's list of boundary points, northing first with zone-prefixed eastings
// and no CRS: detected as CGCS2000 3° zone 36, swapped, converted. The numbers are
// GDAL's projection of 108.90°E 34.20°N and its neighbours, so they come back to
// them.
func ExampleToLonLat() {
	list := "点号,X,Y\n" +
		"J1,3786212.499,36582952.203\n" +
		"J2,3786220.683,36583873.923\n" +
		"J3,3787329.996,36583864.018\n" +
		"J1,3786212.499,36582952.203\n"
	c, err := formats.Read([]byte(list), formats.Options{})
	if err != nil {
		panic(err)
	}
	used, warnings, err := formats.ToLonLat(c, formats.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Format, used)
	fmt.Println(warnings[0])
	for _, p := range c.Features[0].Geometry.(orb.Polygon)[0][:3] {
		fmt.Printf("%.6f %.6f\n", p[0], p[1])
	}
	// Output:
	// coords EPSG:4524
	// no coordinate system was declared: coordinates taken as northing,easting (X,Y) in CGCS2000 3° Gauss-Krüger zone 36 (EPSG:4524) because the second numbers carry the zone prefix 36
	// 108.900000 34.200000
	// 108.910000 34.200000
	// 108.910000 34.210000
}
