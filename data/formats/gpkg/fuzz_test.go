package gpkg

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

// Property: an error or a valid geometry, never a panic, a hang or an allocation
// out of proportion to the input.

func seedWKB(f *testing.F, add func(b []byte)) {
	for _, g := range tGeoms {
		add(encWKB(g, wkbOpt{}))
		add(encWKB(g, wkbOpt{big: true, z: true, m: true}))
		add(encWKB(g, wkbOpt{ewkb: true, z: true, srid: true}))
	}
}

func checkGeometry(t *testing.T, g orb.Geometry, err error) {
	if err != nil {
		if g != nil {
			t.Fatalf("geometry and error: %v", err)
		}
		return
	}
	if g == nil {
		t.Fatal("no geometry and no error")
	}
	var walk func(g orb.Geometry)
	walk = func(g orb.Geometry) {
		switch g := g.(type) {
		case orb.LineString:
			if len(g) == 0 {
				t.Fatal("empty line returned")
			}
		case orb.Polygon:
			if len(g) == 0 {
				t.Fatal("empty polygon returned")
			}
		case orb.Collection:
			if len(g) == 0 {
				t.Fatal("empty collection returned")
			}
			for _, x := range g {
				walk(x)
			}
		}
	}
	walk(g)
}

func FuzzDecodeWKB(f *testing.F) {
	seedWKB(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, b []byte) {
		g, _, err := DecodeWKB(b)
		if errors.Is(err, ErrEmpty) {
			return
		}
		checkGeometry(t, g, err)
	})
}

func FuzzDecodeBlob(f *testing.F) {
	seedWKB(f, func(b []byte) {
		f.Add(blob(b, 0, nil, false))
		f.Add(blob(b, 1<<1, []float64{0, 1, 2, 3}, true))
		f.Add(blob(b, 4<<1, []float64{0, 1, 2, 3, 4, 5, 6, 7}, false))
	})
	f.Fuzz(func(t *testing.T, b []byte) {
		g, _, err := DecodeBlob(b)
		if errors.Is(err, ErrEmpty) {
			return
		}
		checkGeometry(t, g, err)
	})
}
