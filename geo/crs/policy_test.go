package crs

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/redline-gis/redline/errcode"
)

func TestCheckLonLat(t *testing.T) {
	at := Where{}.Feature(2).Part(0).Ring(1).Vertex(7)
	for _, tc := range []struct {
		name     string
		x, y     float64
		code     errcode.Code // "" = accepted
		says     string
		shape    Shape
		detected error // Detect on the point alone: nil = accepted
	}{
		{"Xi'an", 108.9, 34.2, "", "", LonLat, nil},
		{"south-west corner", ChinaMinLon, ChinaMinLat, "", "", LonLat, nil},
		{"north-east corner", ChinaMaxLon, ChinaMaxLat, "", "", LonLat, nil},
		{"NaN", math.NaN(), 34, errcode.InvalidCoordinates, "not a finite number", NotFinite, ErrCoordinates},
		{"infinity", 108, math.Inf(-1), errcode.InvalidCoordinates, "not a finite number", NotFinite, ErrCoordinates},
		{"lat/lon swapped", 34.2, 108.9, errcode.InvalidCoordinates, "latitude,longitude", LatLon, ErrCoordinates},
		{"Gauss-Krüger zone 36", 36500000, 3800000, errcode.UnknownCRS, "EPSG:4524", GaussKruger, nil},
		{"Gauss-Krüger northing first", 3800000, 36500000, errcode.UnknownCRS, "northing first", GaussKruger, nil},
		{"Gauss-Krüger 6° zone 19", 19400000, 4400000, errcode.UnknownCRS, "EPSG:4497", GaussKruger, nil},
		{"metres without zone prefix", 500000, 3800000, errcode.UnknownCRS, "without a zone prefix", Metres, ErrUnknown},
		{"metres without zone prefix, northing first", 3800000, 500000, errcode.UnknownCRS, "without a zone prefix", Metres, ErrUnknown},
		{"web mercator", 12128000, 4060000, errcode.InvalidCoordinates, "neither longitude/latitude nor CGCS2000 Gauss-Krüger metres", Elsewhere, ErrCoordinates},
		{"latitude out of range", 108, 95, errcode.InvalidCoordinates, "latitude 95 is out of range", Elsewhere, ErrCoordinates},
		{"longitude out of range", 300, 33, errcode.InvalidCoordinates, "longitude 300 is out of range", Elsewhere, ErrCoordinates},
		{"Paris", 2.35, 48.85, errcode.InvalidCoordinates, "outside China", Elsewhere, ErrCoordinates},
		{"just west of China", 72.9, 40, errcode.InvalidCoordinates, "outside China", Elsewhere, ErrCoordinates},
		{"null island", 0, 0, errcode.InvalidCoordinates, "outside China", Elsewhere, ErrCoordinates},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := Bounds{tc.x, tc.y, tc.x, tc.y}
			if got := Classify(b).Shape; got != tc.shape {
				t.Errorf("Classify = %v, want %v", got, tc.shape)
			}
			if got := tc.shape.Code(); got != tc.code {
				t.Errorf("%v.Code() = %q, want %q", tc.shape, got, tc.code)
			}
			if _, err := Detect(b); !errors.Is(err, tc.detected) || (tc.detected == nil) != (err == nil) {
				t.Errorf("Detect: %v, want %v", err, tc.detected)
			}
			err := CheckLonLat(tc.x, tc.y, at)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Code != tc.code {
				t.Errorf("code %s, want %s (%s)", err.Code, tc.code, err.Message)
			}
			if !strings.Contains(err.Message, tc.says) || !strings.HasPrefix(err.Message, "feature 2, part 0, ring 1, vertex 7: coordinate (") {
				t.Errorf("message %q: want the position, the coordinate and %q", err.Message, tc.says)
			}
			for k, v := range map[string]int{"feature": 2, "part": 0, "ring": 1, "vertex": 7} {
				if err.Details[k] != v {
					t.Errorf("details %v: %s is not %d", err.Details, k, v)
				}
			}
			if _, ok := err.Details["coordinate"]; !ok {
				t.Errorf("details %v lack the coordinate", err.Details)
			}
			// Details go out as JSON: NaN must not break them.
			if _, jerr := json.Marshal(err.Details); jerr != nil {
				t.Errorf("details are not JSON: %v", jerr)
			}
		})
	}
}

func TestCheckConverted(t *testing.T) {
	gk, err := GK3(36, true)
	if err != nil {
		t.Fatal(err)
	}
	at := Where{}.Feature(0).Vertex(3)
	for _, tc := range []struct {
		name string
		c    CRS
		x, y float64
		code errcode.Code
		says string
	}{
		{"lon/lat in China", CGCS2000(), 108.9, 34.2, "", ""},
		{"lon/lat swapped: the lon/lat policy speaks", CGCS2000(), 34.2, 108.9, errcode.InvalidCoordinates, "latitude,longitude"},
		{"metres read as lon/lat: the lon/lat policy speaks", WGS84(), 500000, 3800000, errcode.UnknownCRS, "without a zone prefix"},
		{"Gauss-Krüger in China", gk, 36500000, 3800000, "", ""},
		{"Gauss-Krüger leaving China", gk, 36500000, 7000000, errcode.InvalidCoordinates, "read as CGCS2000 3° Gauss-Krüger zone 36"},
		{"Gauss-Krüger NaN", gk, math.NaN(), 3800000, errcode.InvalidCoordinates, "not a finite number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lon, lat := tc.c.ToLonLat(tc.x, tc.y)
			err := tc.c.CheckConverted(tc.x, tc.y, lon, lat, at)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || err.Code != tc.code || !strings.Contains(err.Message, tc.says) || !strings.HasPrefix(err.Message, "feature 0, vertex 3: ") {
				t.Fatalf("got %v, want %s saying %q at feature 0, vertex 3", err, tc.code, tc.says)
			}
		})
	}
}

func TestWhere(t *testing.T) {
	for _, tc := range []struct {
		w    Where
		s    string
		keys int
	}{
		{Where{}, "", 0},
		{Where{}.Vertex(0), "vertex 0", 1},
		{Where{}.Part(1).Vertex(4), "part 1, vertex 4", 2},
		{Where{}.Vertex(4).Feature(9), "feature 9, vertex 4", 2},
		{Where{}.Feature(0).Part(0).Ring(0).Vertex(0), "feature 0, part 0, ring 0, vertex 0", 4},
	} {
		if got := tc.w.String(); got != tc.s {
			t.Errorf("String() = %q, want %q", got, tc.s)
		}
		if got := len(tc.w.Details()); got != tc.keys {
			t.Errorf("%q: %d details, want %d", tc.s, got, tc.keys)
		}
	}
	if err := CheckLonLat(2, 48, Where{}); err == nil || !strings.HasPrefix(err.Message, "coordinate (2, 48) is outside China") || len(err.Details) != 1 {
		t.Errorf("nowhere: %v %v", err, err.Details)
	}
}

// The policy runs for every vertex of every layer and batch feature: accepting a
// coordinate must cost a comparison, not an allocation.
func BenchmarkCheckLonLat(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for v := range 1000 {
			if CheckLonLat(108+float64(v)*1e-4, 34, Where{}.Feature(n).Part(0).Ring(0).Vertex(v)) != nil {
				b.Fatal("refused")
			}
		}
		n++
	}
}
