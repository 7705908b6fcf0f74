// Package geo is redline's only cgo package: GEOS (through go-geos) for validity,
// repair, subdivision and overlay, and PROJ's geodesic routines for ellipsoidal
// area, length and distance on GRS80 (CGCS2000). Coordinates are lon/lat degrees.
// It imports nothing of redline's; no GEOS or PROJ type escapes it.
package geo
