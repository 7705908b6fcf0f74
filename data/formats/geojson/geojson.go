// Package geojson reads GeoJSON (RFC 7946 and the common non-conforming files:
// clockwise shells, a "crs" member, numeric or string ids) into vector features.
package geojson

import (
	"errors"

	"github.com/redline-gis/redline/data/vector"
)

// Read parses a GeoJSON Geometry, Feature or FeatureCollection.
func Read(b []byte) (*vector.Collection, error) {
	return nil, errors.New("geojson: not implemented yet")
}
