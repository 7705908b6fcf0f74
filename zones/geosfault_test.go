package zones

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/geo"
)

// This file forces GEOS failures (geo's fault hook) where the checker and the
// index call GEOS, and shows each one surfaces as an error: never a footprint
// taken as valid, a zone missed, or a piece left out.

func square(x0, y0, d float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x0 + d, y0}, {x0 + d, y0 + d}, {x0, y0 + d}, {x0, y0}}
}

// faultChecker is a checker on one zone (108–108.1, 34–34.1) whose workers' GEOS
// contexts fail the operations ops.
func faultChecker(t *testing.T, ops ...geo.Op) *Checker {
	t.Helper()
	l := &Layer{ID: "units", Kind: KindCustom, Title: "units", Geom: Polygonal}
	l.Zones = []*Zone{{ID: "A", Class: "x", Geometry: orb.Polygon{square(108, 34, 0.1)}, Layer: l}}
	idx, err := NewIndex(&Dataset{Name: "fault", Layers: []*Layer{l}}, IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := NewCheckerFor(idx)
	if len(ops) > 0 {
		c.workers.New = func() any { return geo.NewFailingContext(ops...) }
	}
	return c
}

// TestUndecidedValidityIsRefused: GEOS failing inside the validity check of a
// footprint polygon refuses the footprint with invalid_geometry naming the polygon
// and saying GEOS could not decide; it is not passed as valid. A polygon it found
// invalid but could not repair is refused too.
func TestUndecidedValidityIsRefused(t *testing.T) {
	// The first polygon is a plain square (decided in Go, no GEOS); the second has
	// a hole, so only GEOS can say whether it is valid. It is valid, and inside the
	// zone: had the failure been taken for "valid", the check would pass.
	holed := orb.Polygon{square(108.02, 34.02, 0.04), square(108.03, 34.03, 0.01)}
	fp := Footprint{Geometry: orb.MultiPolygon{{square(108.07, 34.07, 0.01)}, holed}}
	bowtie := orb.Polygon{{{108.01, 34.01}, {108.02, 34.02}, {108.02, 34.01}, {108.01, 34.02}, {108.01, 34.01}}}

	r, err := faultChecker(t).Check(context.Background(), fp, Project{}, CheckOptions{})
	if err != nil || r.Footprint.Repaired || len(r.Intersections) != 1 {
		t.Fatalf("without the fault: %v, %+v", err, r)
	}

	for _, tc := range []struct {
		name   string
		op     geo.Op
		g      orb.Geometry
		part   int
		saying string
	}{
		{"validity undecided", geo.OpValidity, fp.Geometry, 1, "GEOS could not decide whether it is valid"},
		{"repair failed", geo.OpMakeValid, bowtie, 0, "GEOS could not repair it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := faultChecker(t, tc.op)
			check := func() error {
				r, err := c.Check(context.Background(), Footprint{Geometry: tc.g}, Project{}, CheckOptions{})
				if err == nil {
					t.Errorf("check passed: %+v", r.Footprint)
				}
				return err
			}
			locate := func() error {
				hits, err := c.Locate(context.Background(), tc.g)
				if err == nil {
					t.Errorf("locate passed: %+v", hits)
				}
				return err
			}
			for name, run := range map[string]func() error{"check": check, "locate": locate} {
				err := run()
				e, ok := errcode.As(err)
				if !ok || e.Code != errcode.InvalidGeometry {
					t.Fatalf("%s: error %v (code %q), want %s", name, err, errcode.Of(err), errcode.InvalidGeometry)
				}
				if !strings.Contains(e.Message, tc.saying) || !strings.Contains(e.Message, "polygon") || e.Details["part"] != tc.part {
					t.Errorf("%s: message %q, details %v: want it to name polygon %d and say %q", name, e.Message, e.Details, tc.part, tc.saying)
				}
				if !errors.Is(err, geo.ErrGEOS) || geo.FailedOp(err) != tc.op {
					t.Errorf("%s: the GEOS failure is not kept as the cause: %v", name, err)
				}
			}
		})
	}
}

// TestOverlayFailureIsAnError: GEOS failing in the overlay of a footprint that
// straddles the zone's edge fails the check; the zone is not silently left out.
func TestOverlayFailureIsAnError(t *testing.T) {
	straddle := Footprint{Geometry: orb.Polygon{square(108.09, 34.04, 0.02)}}
	if r, err := faultChecker(t).Check(context.Background(), straddle, Project{}, CheckOptions{}); err != nil || len(r.Intersections) != 1 {
		t.Fatalf("without the fault: %v %+v", err, r)
	}
	for _, op := range []geo.Op{geo.OpIsEmpty, geo.OpIntersection, geo.OpClipByRect} {
		r, err := faultChecker(t, op).Check(context.Background(), straddle, Project{}, CheckOptions{})
		if err == nil {
			t.Errorf("%s failing: check passed with %d intersections", op, len(r.Intersections))
		} else if geo.FailedOp(err) != op {
			t.Errorf("%s failing: error %v", op, err)
		}
	}
}

// TestPieceFailureIsAnError: GEOS failing while a zone is cut or prepared is an
// error (NewIndex names the layer and feature), not a zone with pieces missing.
func TestPieceFailureIsAnError(t *testing.T) {
	l := &Layer{ID: "units", Kind: KindCustom, Geom: Polygonal}
	z := &Zone{ID: "A", Class: "x", Layer: l}
	// A zone of 400 vertices, so that cutting it into pieces of 16 clips.
	var shell orb.Ring
	for i := range 400 {
		a := 2 * math.Pi * float64(i) / 400
		shell = append(shell, orb.Point{108 + 0.1*math.Cos(a), 34 + 0.1*math.Sin(a)})
	}
	z.Geometry = orb.Polygon{append(shell, shell[0])}
	if ps, err := makePieces(geo.NewContext(), z, 16); err != nil || len(ps) < 8 {
		t.Fatalf("without the fault: %d pieces, %v", len(ps), err)
	}
	for _, op := range []geo.Op{geo.OpClipByRect, geo.OpIsEmpty, geo.OpNumCoords, geo.OpBound} {
		ps, err := makePieces(geo.NewFailingContext(op), z, 16)
		if err == nil || geo.FailedOp(err) != op {
			t.Errorf("%s failing: %d pieces, error %v", op, len(ps), err)
		}
	}
}
