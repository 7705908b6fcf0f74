// Package vector holds what every format reader of redline returns: features with
// geometry in the source's coordinates, their properties, and the coordinate
// reference system the source declared or that was detected.
//
// Readers do not transform coordinates; data/formats does, to CGCS2000 lon/lat.
package vector

import "github.com/paulmach/orb"

// Feature is one feature read from a source.
type Feature struct {
	// Index is the 0-based position of the feature in the source (record number for
	// shapefiles and DBFs, parcel number for 国土 TXT files, Placemark order for KML).
	Index int
	// ID is the feature's id when the source has one (GeoJSON "id", properties.id …),
	// as a string; "" when absent.
	ID string
	// Geometry in the source's CRS. Polygons keep the rings as read; orientation is
	// not normalised here.
	Geometry orb.Geometry
	// Properties are the attributes, text already decoded to UTF-8.
	Properties map[string]any
}

// Collection is everything read from one source.
type Collection struct {
	Features []Feature
	// CRS names the coordinate reference system of the geometries as the source
	// declared it (".prj", GeoPackage srs, 国土 TXT header, KML = EPSG:4326,
	// ovkml = GCJ02, GeoJSON "crs" member): "EPSG:4490", "EPSG:4524", "GCJ02", …;
	// "" when the source says nothing.
	CRS string
	// Format names the format read: "geojson", "shapefile", "gpkg", "kml", "ovkml",
	// "gtxt" (国土 TXT), "wkt", "coords".
	Format string
	// Warnings are remarks for the user: Z values dropped, encoding guessed, a
	// closed line taken as a polygon, ….
	Warnings []string
}
