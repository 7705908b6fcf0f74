package gpkg_test

import (
	"fmt"

	"github.com/redline-gis/redline/data/formats/gpkg"
)

func ExampleReadPath() {
	c, err := gpkg.ReadPath("testdata/multi.gpkg", "points_z")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.CRS, len(c.Features), c.Features[0].Geometry)
	fmt.Println(c.Warnings)
	// Output:
	// EPSG:4979 2 [[108 34] [108.5 34.5]]
	// [Z values dropped: coordinates kept in 2-D]
}
