package zones_test

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/zones"
)

// TestBuffer: the zero Buffer is the default, and "0 m" is none — the two meanings
// a bare number used to mix up.
func TestBuffer(t *testing.T) {
	c := newChecker(t, 0)
	// ~460 m east of zone B (its east edge is lon 108.2).
	fp := zones.Footprint{Geometry: orb.Polygon{rect(108.205, 34.05, 108.206, 34.051)}}
	for _, tc := range []struct {
		name   string
		b      zones.Buffer
		metres float64
		none   bool
		nearB  bool
	}{
		{"zero value is the default", zones.Buffer{}, zones.DefaultBufferM, false, true},
		{"NoBuffer", zones.NoBuffer(), 0, true, false},
		{"0 m is none", zones.BufferOf(0), 0, true, false},
		{"negative is none", zones.BufferOf(-5), 0, true, false},
		{"NaN is none", zones.BufferOf(math.NaN()), 0, true, false},
		{"100 m does not reach B", zones.BufferOf(100), 100, false, false},
		{"5 km", zones.BufferOf(5000), 5000, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.Metres(); got != tc.metres {
				t.Errorf("Metres() = %v, want %v", got, tc.metres)
			}
			if got := tc.b.None(); got != tc.none {
				t.Errorf("None() = %v, want %v", got, tc.none)
			}
			if tc.none && tc.b != zones.NoBuffer() {
				t.Errorf("%+v is none but not NoBuffer()", tc.b)
			}
			r, err := c.Check(context.Background(), fp, zones.Project{}, zones.CheckOptions{Buffer: tc.b})
			if err != nil {
				t.Fatal(err)
			}
			if r.BufferM != tc.metres {
				t.Errorf("report buffer_m = %v, want %v", r.BufferM, tc.metres)
			}
			if got := nearOf(r, "units", "B") != nil; got != tc.nearB {
				t.Errorf("B nearby = %v, want %v (nearby %+v)", got, tc.nearB, r.Nearby)
			}
		})
	}
}
