package scalegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// appendFeature appends a GeoJSON Feature: id (omitted when ""), properties, and
// the geometry with every position passed through move.
func appendFeature(b []byte, id string, props map[string]any, g orb.Geometry, move func(orb.Point) orb.Point) ([]byte, error) {
	b = append(b, `{"type":"Feature"`...)
	if id != "" {
		b = append(b, `,"id":`...)
		b = strconv.AppendQuote(b, id)
	}
	b = append(b, `,"properties":`...)
	var pb bytes.Buffer
	enc := json.NewEncoder(&pb)
	enc.SetEscapeHTML(false)
	if props == nil {
		props = map[string]any{}
	}
	if err := enc.Encode(props); err != nil {
		return nil, fmt.Errorf("properties: %w", err)
	}
	b = append(b, bytes.TrimRight(pb.Bytes(), "\n")...)
	b = append(b, `,"geometry":`...)
	b, err := appendGeometry(b, g, move)
	if err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

func appendGeometry(b []byte, g orb.Geometry, move func(orb.Point) orb.Point) ([]byte, error) {
	typed := func(t string) []byte {
		b = append(b, `{"type":"`...)
		b = append(b, t...)
		return append(b, `","coordinates":`...)
	}
	switch g := g.(type) {
	case nil:
		return append(b, "null"...), nil
	case orb.Point:
		b = appendPosition(typed("Point"), move(g))
	case orb.MultiPoint:
		b = appendPositions(typed("MultiPoint"), g, move)
	case orb.LineString:
		b = appendPositions(typed("LineString"), g, move)
	case orb.MultiLineString:
		b = appendList(typed("MultiLineString"), g, func(b []byte, l orb.LineString) []byte { return appendPositions(b, l, move) })
	case orb.Polygon:
		b = appendRings(typed("Polygon"), g, move)
	case orb.MultiPolygon:
		b = appendList(typed("MultiPolygon"), g, func(b []byte, p orb.Polygon) []byte { return appendRings(b, p, move) })
	case orb.Collection:
		b = append(b, `{"type":"GeometryCollection","geometries":[`...)
		for i, m := range g {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendGeometry(b, m, move); err != nil {
				return nil, err
			}
		}
		return append(b, "]}"...), nil
	default:
		return nil, fmt.Errorf("%w: %T", errGeometry, g)
	}
	return append(b, '}'), nil
}

func appendRings(b []byte, p orb.Polygon, move func(orb.Point) orb.Point) []byte {
	return appendList(b, p, func(b []byte, r orb.Ring) []byte { return appendPositions(b, r, move) })
}

func appendPositions[P ~[]orb.Point](b []byte, ps P, move func(orb.Point) orb.Point) []byte {
	return appendList(b, ps, func(b []byte, p orb.Point) []byte { return appendPosition(b, move(p)) })
}

// appendList appends a JSON array of items, each written by each.
func appendList[T any, S ~[]T](b []byte, items S, each func([]byte, T) []byte) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, it)
	}
	return append(b, ']')
}

// appendPosition writes the shortest decimals that read back as the same float64s.
func appendPosition(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = strconv.AppendFloat(b, p[0], 'f', -1, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, p[1], 'f', -1, 64)
	return append(b, ']')
}
