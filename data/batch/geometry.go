package batch

import (
	"github.com/paulmach/orb"

	gj "github.com/redline-gis/redline/data/formats/geojson"
)

// The geometry scanner is package geojson's (data/formats/geojson/scan.go): one
// scanner reads the geometries of a batch here and the footprint of a check there.
// It takes only what it reads exactly as orb's decoder (encoding/json) would, and
// says ok=false for anything else, which decodeGeometry then hands to orb.

// scanGeometry reads the geometry object at b[i] (after spaces); see gj.ScanGeometry.
func scanGeometry(b []byte, i int) (orb.Geometry, int, bool) { return gj.ScanGeometry(b, i) }

// scanNumber reads the JSON number at b[i]; see gj.ScanNumber.
func scanNumber(b []byte, i int) (float64, int, bool) { return gj.ScanNumber(b, i) }
