package data_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo/crs"
	"github.com/redline-gis/redline/intake"
	"github.com/redline-gis/redline/internal/oracle"
)

// TestDXFConformance writes every polygon footprint of the oracle as a CAD
// red-line drawing — CGCS2000 Gauss-Krüger coordinates to the millimetre, the
// boundary on layer 用地红线 (polylines with a hatch over them) among decoy layers
// 道路, 标注 and 图框 (a closed frame) — reads it through intake as an uploaded
// file, checks it, and compares zones and areas with PostGIS at the tolerances of
// the conformance test. Even footprints carry zone-prefixed eastings (detected);
// odd ones plain eastings in millimetres with the CRS declared.
func TestDXFConformance(t *testing.T) {
	checker, exp, fc := oracleData(t)
	polys := map[string]orb.Polygon{}
	for _, f := range fc.Features {
		if p, ok := f.Geometry.(orb.Polygon); ok {
			polys[f.ID] = p
		}
	}
	var counts oracle.Counts
	n := 0
	for i := range exp.Footprints {
		ef := &exp.Footprints[i]
		poly, ok := polys[ef.ID]
		if !ok || ef.Expect == "reject" {
			continue
		}
		zone := crs.GKZone3(poly.Bound().Center()[0])
		prefixed := n%2 == 0
		n++
		rings := oracle.GK(poly, zone, prefixed)
		fields := intake.Fields{"buffer_m": "5000"}
		var b []byte
		if prefixed {
			b = oracle.DXF(rings, 6, 1)
		} else {
			b = oracle.DXF(rings, 4, 1000)
			fields["crs"] = fmt.Sprintf("EPSG:%d", 4534+zone-25)
		}
		in, err := intake.Read(b, ef.ID+".dxf", fields)
		if err != nil {
			t.Errorf("%s: %v", ef.ID, err)
			continue
		}
		rep, err := checker.Check(context.Background(), in.Footprint, in.Project, in.Options)
		if err != nil {
			t.Errorf("%s: %v", ef.ID, err)
			continue
		}
		for _, m := range oracle.Compare(ef, rep, &counts) {
			t.Error(m)
		}
	}
	t.Logf("DXF conformance: %s", counts)
	if counts.Footprints < 100 {
		t.Errorf("only %d footprints compared", counts.Footprints)
	}
}
