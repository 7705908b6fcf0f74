package crs_test

import (
	"fmt"

	"github.com/redline-gis/redline/geo/crs"
)

// A point on the central meridian of CGCS2000 3° zone 36: the easting is the false
// easting with the zone prefix, the northing the meridian arc (PROJ 9.1 gives
// 36500000, 3763661.44206821).
func ExampleTM_Forward() {
	c, err := crs.Parse("EPSG:4524")
	if err != nil {
		panic(err)
	}
	e, n := c.TM.Forward(108, 34)
	fmt.Printf("%.3f %.3f\n", e, n)
	// Output: 36500000.000 3763661.442
}

func ExampleFromPRJ() {
	c, err := crs.FromPRJ(`PROJCS["CGCS2000_3_Degree_GK_CM_108E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",` +
		`DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],` +
		`PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",108.0],` +
		`PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`)
	fmt.Println(c.Code, c.Zone, err)
	// Output: EPSG:4545 36 <nil>
}

// Numbers without a declared CRS: a zone-prefixed easting gives the zone, with a
// warning for the user.
func ExampleDetect() {
	d, err := crs.Detect(crs.Bounds{MinX: 3786212, MinY: 36582952, MaxX: 3787330, MaxY: 36583874})
	fmt.Println(d.CRS.Code, d.Swap, err)
	fmt.Println(d.Warning)
	// Output:
	// EPSG:4524 true <nil>
	// no coordinate system was declared: coordinates taken as northing,easting (X,Y) in CGCS2000 3° Gauss-Krüger zone 36 (EPSG:4524) because the second numbers carry the zone prefix 36
}
