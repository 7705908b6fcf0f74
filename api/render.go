package api

import (
	"errors"
	"io"

	"github.com/redline-gis/redline/zones"
)

// RenderHTML writes the printable report page for r in lang ("zh" default, "en").
// (Placeholder until the rules issue lands.)
func RenderHTML(w io.Writer, r *zones.Report, lang string) error {
	return errors.New("api: html report not implemented yet")
}

// RenderGeoJSON writes r as a GeoJSON FeatureCollection: the footprint and each
// overlap geometry, with the report's fields as properties.
// (Placeholder until the rules issue lands.)
func RenderGeoJSON(w io.Writer, r *zones.Report) error {
	return errors.New("api: geojson report not implemented yet")
}
