package shapefile_test

import (
	"fmt"

	"github.com/redline-gis/redline/data/formats/shapefile"
)

// A DBF in GBK whose .cpg says CP936: field names and values come out as UTF-8.
func ExampleReadPath() {
	c, err := shapefile.ReadPath("testdata/gbk_poly.shp", shapefile.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range c.Features {
		fmt.Println(f.Index, f.Geometry.GeoJSONType(), f.Properties["名称"], f.Properties["面积"])
	}
	// Output:
	// 0 Polygon 秦岭核心保护区 12.5
	// 1 MultiPolygon 渭河 <nil>
	// 2 Polygon <nil> 0.5
}

// A PolyLineM whose second record is two closed rings: polygonized, the inner ring
// becomes a hole because it lies inside the outer one.
func ExampleOptions_polygonize() {
	c, err := shapefile.ReadPath("testdata/lines_m.shp", shapefile.Options{ClosedLineAsPolygon: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range c.Features {
		fmt.Println(f.Index, f.Geometry.GeoJSONType())
	}
	for _, w := range c.Warnings {
		fmt.Println(w)
	}
	// Output:
	// 0 LineString
	// 1 Polygon
	// M values dropped: shape type PolyLineM
	// closed boundary line taken as the polygon it bounds: record 1
}
