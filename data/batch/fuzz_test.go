package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
)

// FuzzParseFeature: no input makes the feature decoder panic, and a feature it
// accepts has a geometry and no error.
func FuzzParseFeature(f *testing.F) {
	for _, s := range []string{
		`{"type":"Feature","id":"a","properties":{"id":1},"geometry":{"type":"Point","coordinates":[108,34]}}`,
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]}}`,
		`{"type":"Point","coordinates":[108,34,5]}`,
		`{"type":"Feature","geometry":null}`,
		`{"type":"Feature","id":"\u4e2d\"","geometry":{"coordinates":[1e400,34],"type":"Point"}}`,
		`{"a":[{"b":"]}"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"type":"Feature","id":7,"properties":{"id":"x","k":[1]},"geometry":{"type":"Point","coordinates":[108.12345678901234,34.5]}}`))
	f.Add([]byte(`{"type":"Feature","properties":{"id":null},"geometry":{"type":"Point","coordinates":[8,34]}}`))
	f.Add([]byte(`{"type":"Feature","id":2,"properties":{"k":[3]},"geometry":{"type":"Polygon","coordinates":[[[108,34],[108.1,34],[108.1,34.1],[108,34]]]}}`))
	f.Add([]byte(`{"type":"Feature","id":3,"properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[108,34],[108.1,34],[108.1,34.1],[108,34]]],[[[109,34],[109.1,34],[109.1,34.1],[109,34]],[]]]}}`))
	f.Add([]byte(`{"type":"Feature","id":4,"geometry":{"type":"LineString","coordinates":[[108.25,34.5],[108.5,34.75,3]]}}`))
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[8,34],[108.1,34],[108.1,34.1],[8,34]]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ft := parseFeature(b, 0, 1000, false)
		if ft.Err == nil && ft.Geometry == nil {
			t.Fatalf("accepted without geometry: %q", b)
		}
		// The reader's point fast path ends a feature where skipCounting does.
		if end, positions, ok := skipFeature(b, 0); ok {
			if want, wantPositions, err := skipCounting(b, 0); err != nil || end != want || positions != wantPositions {
				t.Fatalf("%q: skipFeature ends at %d (%d positions), skipCounting at %d (%d), %v", b, end, positions, want, wantPositions, err)
			}
		}
		// The fast path reads what the walk over the members reads.
		for _, stable := range []bool{false, true} {
			fast, pt, kind := parseFixed(b, 3, 1000, stable)
			if kind == fixedNone {
				continue
			}
			if kind == fixedPoint {
				fast.Geometry = pt
			}
			if slow := parseMembers(b, 3, 1000, stable); !reflect.DeepEqual(fast, slow) {
				t.Fatalf("%q: fast path (%d) %+v, members %+v", b, kind, fast, slow)
			}
		}
	})
}

// FuzzReaders: the streaming readers end on any input, with io.EOF or an error,
// and never return more features than the input has bytes.
func FuzzReaders(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[108,34]}}]}`))
	f.Add([]byte("{\"type\":\"Feature\",\"geometry\":null}\n\x1e{\"type\":\"Point\",\"coordinates\":[1,2]}\n"))
	f.Add([]byte(`{"features":[1,[],"x",{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range []Reader{NewCollection(bytes.NewReader(b)), NewNDJSON(bytes.NewReader(b)), Open(bytes.NewReader(b), "application/json", 100)} {
			n := 0
			for {
				_, err := r.Next()
				if err != nil {
					if !errors.Is(err, io.EOF) && err.Error() == "" {
						t.Fatal("error without message")
					}
					break
				}
				n++
				if n > len(b)+1 {
					t.Fatalf("%d features from %d bytes", n, len(b))
				}
			}
		}
	})
}

// FuzzParseSpans: a point feature read from the spans the reader found
// (parseSpans) is the feature parseFixed reads, field for field, and
// each reads it where the other does.
func FuzzParseSpans(f *testing.F) {
	for _, s := range []string{
		`{"type":"Feature","id":7,"properties":{"id":"x","k":[1]},"geometry":{"type":"Point","coordinates":[108.12345678901234,34.5]}}`,
		`{"type":"Feature","id":"a\"b","properties":{},"geometry":{"type":"Point","coordinates":[108,34]}}`,
		`{"type":"Feature","properties":{"id":null},"geometry":{"type":"Point","coordinates":[8,34]}}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[1-2,34]}}`,
		`{"type":"Feature","properties":{"a" 1},"geometry":{"type":"Point","coordinates":[108,34]}}`,
		`{"type":"Feature","id":tru,"geometry":{"type":"Point","coordinates":[108,34e0]}},{"type":"Feature"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		end, _, sp, ok := skipFeatureSpans(b, 0)
		if !ok || !sp.point {
			return
		}
		raw := b[:end]
		for _, stable := range []bool{false, true} {
			want, pt, wantOK := parsePointFeature(raw, 3, stable)
			want.point, want.isPoint = pt, true
			// A feature as decode hands it over, lazy, and with every other
			// field set too: parseSpans clears it all in place.
			before := Feature{Index: -1, ID: json.RawMessage(`"old"`), Geometry: orb.Point{1, 2},
				RawGeometry: json.RawMessage(`{}`), Properties: json.RawMessage(`{"k":1}`),
				Err: &errcode.Error{Code: "old"}, lazy: lazyFeature{raw: raw, maxVertices: 9, line: 4, positions: 2, spans: sp},
				point: orb.Point{3, 4}}
			got := before
			gotOK := parseSpans(&got, raw, 3, sp, stable)
			if gotOK != wantOK || gotOK && !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: spans %v %+v, parseFixed %v %+v", raw, gotOK, got, wantOK, want)
			}
			if !gotOK && !reflect.DeepEqual(got, before) {
				t.Fatalf("%q: refused, but wrote the feature", raw)
			}
		}
	})
}
