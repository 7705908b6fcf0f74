// Package geo is redline's only cgo package, and holds only what needs cgo: GEOS
// contexts and geometries (through go-geos) for validity, repair, subdivision and
// overlay, prepared geometries for repeated predicates, and PROJ's geodesic
// routines for ellipsoidal area, length and distance on GRS80 (CGCS2000).
// Coordinates are lon/lat degrees. Pure geometry on plain coordinates lives in
// package planar, the only package of ours imported here; no GEOS or PROJ type
// escapes.
//
// Every GEOS operation runs in its receiver's context, and an operand from another
// context is copied there first (see Context). Every failure inside GEOS is an
// *Error (matching ErrGEOS) naming its Op, never a default answer: a geometry
// whose validity GEOS cannot decide is neither valid nor invalid, and the caller
// decides what that means. Tests make such failures happen with
// NewFailingContext (fault.go).
package geo
