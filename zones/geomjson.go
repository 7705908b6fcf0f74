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
	switch c := g.Coordinates.(type) {
	case nil:
		e.raw("null")
	case orb.Point:
		e.raw(`{"type":"Point","coordinates":`)
		e.point(c)
		e.b = append(e.b, '}')
	case orb.MultiPoint:
		e.raw(`{"type":"MultiPoint","coordinates":`)
		e.points(c)
		e.b = append(e.b, '}')
	case orb.LineString:
		e.raw(`{"type":"LineString","coordinates":`)
		e.points(c)
		e.b = append(e.b, '}')
	case orb.MultiLineString:
		e.raw(`{"type":"MultiLineString","coordinates":`)
		if c == nil {
			e.raw("null")
		} else {
			e.b = append(e.b, '[')
			for i, l := range c {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				e.points(l)
			}
			e.b = append(e.b, ']')
		}
		e.b = append(e.b, '}')
	case orb.Ring:
		// orb writes a lone ring as a one-ring polygon.
		e.raw(`{"type":"Polygon","coordinates":[`)
		e.points(c)
		e.raw("]}")
	case orb.Polygon:
		e.raw(`{"type":"Polygon","coordinates":`)
		e.polygon(c)
		e.b = append(e.b, '}')
	case orb.MultiPolygon:
		e.raw(`{"type":"MultiPolygon","coordinates":`)
		if c == nil {
			e.raw("null")
		} else {
			e.b = append(e.b, '[')
			for i, p := range c {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				e.polygon(p)
			}
			e.b = append(e.b, ']')
		}
		e.b = append(e.b, '}')
	default:
		e.marshal(g)
	}
}

func (e *jsonWriter) point(p orb.Point) {
	e.b = append(e.b, '[')
	e.float(p[0])
	e.b = append(e.b, ',')
	e.float(p[1])
	e.b = append(e.b, ']')
}

// points writes a point list; nil is null, as encoding/json writes a nil slice.
func (e *jsonWriter) points(ps []orb.Point) {
	if ps == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '[')
	for i, p := range ps {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.point(p)
	}
	e.b = append(e.b, ']')
}

func (e *jsonWriter) polygon(p orb.Polygon) {
	if p == nil {
		e.raw("null")
		return
	}
	e.b = append(e.b, '[')
	for i, r := range p {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.points(r)
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
