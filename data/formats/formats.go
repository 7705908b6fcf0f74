// Package formats reads footprints and layers in every format redline supports,
// detected from content and name, and converts them to CGCS2000 lon/lat.
package formats

import (
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/vector"
)

// Options steer reading.
type Options struct {
	// Name is the file name (used for detection by extension); may be "".
	Name string
	// CRS is a declared CRS that overrides what the source says ("EPSG:4524",
	// "GCJ02", "BD09", …); "" detects.
	CRS string
	// Encoding is the DBF text encoding when neither .cpg nor LDID says.
	Encoding string
	// Polygonize takes closed boundary lines as the polygons they bound.
	Polygonize bool
}

// Read parses b in whatever supported format it is. (GeoJSON only for now.)
func Read(b []byte, opts Options) (*vector.Collection, error) {
	return geojson.Read(b)
}

// ToLonLat converts c in place to EPSG:4490 lon/lat and returns the CRS it took the
// coordinates to be in, with warnings. (Identity for now.)
func ToLonLat(c *vector.Collection, opts Options) (crs string, warnings []string, err error) {
	return "EPSG:4490", nil, nil
}
