package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/zones"
)

// pointOutsideRedline returns a point ~3 m outside the demo's red line HX6100003,
// off the middle of its first edge.
func pointOutsideRedline(t *testing.T) orb.Point {
	t.Helper()
	ds, err := data.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	c, err := zones.NewChecker(ds)
	if err != nil {
		t.Fatal(err)
	}
	var ring orb.Ring
	for _, z := range ds.Layer("redline").Zones {
		if z.ID == "HX6100003" {
			switch g := z.Geometry.(type) {
			case orb.Polygon:
				ring = g[0]
			case orb.MultiPolygon:
				ring = g[0][0]
			}
		}
	}
	if len(ring) < 2 {
		t.Fatal("the demo has no red line HX6100003")
	}
	a, b := ring[0], ring[1]
	mid := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	kx := 111320 * math.Cos(mid[1]*math.Pi/180) // metres per degree of longitude
	const ky = 110940.0
	dx, dy := (b[0]-a[0])*kx, (b[1]-a[1])*ky
	n := math.Hypot(dx, dy)
	for _, side := range []float64{1, -1} {
		p := orb.Point{mid[0] - side*3*dy/n/kx, mid[1] + side*3*dx/n/ky}
		hits, err := c.Locate(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		in := false
		for _, h := range hits {
			in = in || h.ZoneID == "HX6100003"
		}
		if !in {
			return p
		}
	}
	t.Fatal("no side of the edge is outside the red line")
	return orb.Point{}
}

// TestCheckPointNearRedline: a factory 3 m outside a red line does not read as a
// clean verdict: near_boundary names the red line, boundary_review is set and the
// warning (also on stderr) asks for 边界复核; a band narrower than 3 m lists
// nothing, as an empty list.
func TestCheckPointNearRedline(t *testing.T) {
	p := pointOutsideRedline(t)
	fp := fmt.Sprintf(`{"type":"Point","coordinates":[%.9f,%.9f]}`, p[0], p[1])
	project := `{"type":"industrial","industry":"C2927","discharges_pollutants":true}`
	code, out, errs := runCLI(t, fp, "check", "--project", project, "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r zones.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Verdict == zones.Prohibited || r.BoundaryToleranceM != zones.DefaultBoundaryToleranceM || !r.BoundaryReview {
		t.Errorf("verdict %s, tolerance %v, boundary review %v", r.Verdict, r.BoundaryToleranceM, r.BoundaryReview)
	}
	var nb *zones.NearBoundary
	for i := range r.NearBoundary {
		if r.NearBoundary[i].ZoneID == "HX6100003" {
			nb = &r.NearBoundary[i]
		}
	}
	if nb == nil || nb.Inside || !nb.ChangesVerdict || nb.DistanceM < 2 || nb.DistanceM > 3.01 || nb.Kind != zones.KindRedline {
		t.Fatalf("near_boundary %+v, want HX6100003 outside at ~3 m, changing the verdict", r.NearBoundary)
	}
	warned := false
	for _, w := range r.Footprint.Warnings {
		warned = warned || (strings.Contains(w, "边界复核") && strings.Contains(w, "HX6100003"))
	}
	if !warned || !strings.Contains(errs, "边界复核") {
		t.Errorf("no boundary warning: %q, stderr %q", r.Footprint.Warnings, errs)
	}

	code, out, errs = runCLI(t, fp, "check", "--project", project, "--boundary-tolerance-m", "1", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"near_boundary": []`) || !strings.Contains(out, `"boundary_review": false`) {
		t.Errorf("a 1 m band: want an empty near_boundary and no review:\n%s", out)
	}
}
