package zones

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// geometry writes g as encoding/json writes it (its MarshalJSON: orb's
// geojson document through encoding/json, compacted). An archived report
// holds every overlap's geometry, and reflection over their points cost more
// than the rest of the report's JSON; the types orb marshals as plain
// coordinate arrays are written here, the others (collections, bounds, a
// custom marshaler) go through encoding/json as before. TestGeometryJSON
// compares the two.
func (e *jsonWriter) geometry(g *geojson.Geometry) {
	if g == nil {
		e.raw("null")
		return
	}
	if geojson.CustomJSONMarshaler != nil || len(g.Geometries) > 0 {
		e.marshal(g)
		return
	}
	// orb's geometry types are slices (and a point an array): nil is null, as
	// encoding/json writes a nil slice.
	switch c := g.Coordinates.(type) {
	case nil:
		e.raw("null")
		return
	case orb.Point:
		e.raw(`{"type":"Point","coordinates":`)
		e.point(c)
	case orb.MultiPoint:
		e.raw(`{"type":"MultiPoint","coordinates":`)
		e.points(c)
	case orb.LineString:
		e.raw(`{"type":"LineString","coordinates":`)
		e.points(c)
	case orb.MultiLineString:
		e.raw(`{"type":"MultiLineString","coordinates":`)
		jsonList(e, c, func(l orb.LineString) { e.points(l) })
	case orb.Ring:
		// orb writes a lone ring as a one-ring polygon.
		e.raw(`{"type":"Polygon","coordinates":[`)
		e.points(c)
		e.b = append(e.b, ']')
	case orb.Polygon:
		e.raw(`{"type":"Polygon","coordinates":`)
		e.polygon(c)
	case orb.MultiPolygon:
		e.raw(`{"type":"MultiPolygon","coordinates":`)
		jsonList(e, c, e.polygon)
	default:
		e.marshal(g)
		return
	}
	e.b = append(e.b, '}')
}

func (e *jsonWriter) point(p orb.Point) {
	e.b = append(e.b, '[')
	e.float(p[0])
	e.b = append(e.b, ',')
	e.float(p[1])
	e.b = append(e.b, ']')
}

func (e *jsonWriter) points(ps []orb.Point) { jsonList(e, ps, e.point) }

func (e *jsonWriter) polygon(p orb.Polygon) {
	jsonList(e, p, func(r orb.Ring) { e.points(r) })
}

// jsonList writes xs as a JSON array, each element by write; nil is null.
func jsonList[T any](e *jsonWriter, xs []T, write func(T)) {
	if xs == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '[')
	for i, x := range xs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		write(x)
	}
	e.b = append(e.b, ']')
}

// AppendGeometryJSON appends g as json.Marshal(geojson.NewGeometry(g)) writes
// it: the footprint an archived check keeps.
func AppendGeometryJSON(dst []byte, g orb.Geometry) ([]byte, error) {
	e := jsonWriter{b: dst, html: true}
	e.geometry(geojson.NewGeometry(g))
	if e.err != nil {
		return dst, e.err
	}
	return e.b, nil
}
