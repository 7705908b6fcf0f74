package shapefile

import (
	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/planar"
)

// assemble groups the rings of one record into polygons (planar.Nest): clockwise
// rings are shells, as the shapefile specification has it, unless
// ignoreOrientation is set (rings made from closed lines, which follow no
// convention), when nesting depth alone decides. Rings are kept as read:
// self-intersecting ones stay so, for geo to repair.
func assemble(rings []orb.Ring, ignoreOrientation bool) orb.MultiPolygon {
	o := planar.ClockwiseShells
	if ignoreOrientation {
		o = planar.AnyOrientation
	}
	mp, _ := planar.Nest(rings, o)
	return mp
}
