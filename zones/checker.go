package zones

import (
	"context"
	"errors"

	"github.com/paulmach/orb"
)

// Footprint is a project's footprint ready to check: lon/lat (EPSG:4490) geometry,
// the CRS it was given in, and what reading and converting it had to say.
type Footprint struct {
	// Geometry: Polygon, MultiPolygon, LineString, MultiLineString, Point, MultiPoint,
	// or a Collection of them (a project of several parts).
	Geometry orb.Geometry
	CRS      string
	Warnings []string
}

// Hit is one zone a batch feature lies in (DESIGN.md locate output).
type Hit struct {
	Layer          string  `json:"layer"`
	ZoneID         string  `json:"zone_id"`
	ZoneClass      string  `json:"zone_class"`
	OverlapAreaM2  float64 `json:"overlap_area_m2"`
	OverlapLengthM float64 `json:"overlap_length_m"`
}

// Checker answers checks and locates against one indexed dataset. It is safe for
// concurrent use.
type Checker struct {
	ds *Dataset
}

// Dataset returns the dataset the checker serves.
func (c *Checker) Dataset() *Dataset { return c.ds }

// Check intersects the footprint with every zone and evaluates the rules for p.
func (c *Checker) Check(ctx context.Context, fp Footprint, p Project, opts CheckOptions) (*Report, error) {
	return nil, errors.New("zones: not implemented")
}

// Locate returns the zones the geometry lies in, with overlap area or length.
func (c *Checker) Locate(ctx context.Context, g orb.Geometry) ([]Hit, error) {
	return nil, errors.New("zones: not implemented")
}
