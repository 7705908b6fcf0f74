package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/zones"
)

// encodingJSON is what encoding/json writes for v: the bytes the check's answer
// and the archive were made of before the report had a writer of its own.
func encodingJSON(t *testing.T, v any, escapeHTML bool) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestArchivedAsEncoded checks real reports of the demo dataset (its examples,
// then random squares, points and lines across it, with and without geometry):
// the answer is the bytes encoding/json writes for the report it decodes to
// (HTML kept), the archived report those of json.Marshal (HTML escaped), and
// the listing columns the check handler gives the archive are those the
// archive reads out of the record's JSON.
func TestArchivedAsEncoded(t *testing.T) {
	ds, err := data.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	_, st, ts := serveArchived(t, ds)
	bodies := demoCheckBodies(t, ds, rand.New(rand.NewPCG(3, 9)), 120,
		`{}`, `{"industry":"C2511","name":"<化工> & 厂"}`, `{"type":"tourism","high_energy":false}`, `{"industry":"4610","type":"water_supply","discharges_pollutants":true}`)
	for i, body := range bodies {
		resp, err := http.Post(ts.URL+"/v1/check", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("check %d: %d %s", i, resp.StatusCode, got)
		}
		var rep zones.Report
		if err := json.Unmarshal(got, &rep); err != nil {
			t.Fatal(err)
		}
		if want := encodingJSON(t, &rep, false); !bytes.Equal(got, want) {
			t.Fatalf("check %d: the answer is not what encoding/json writes:\n got %s\nwant %s", i, got, want)
		}
		rec, err := st.Get(t.Context(), rep.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		var stored zones.Report
		if err := json.Unmarshal(rec.Report, &stored); err != nil {
			t.Fatal(err)
		}
		if want, _ := json.Marshal(&stored); !bytes.Equal(rec.Report, want) {
			t.Fatalf("check %d: the archived report is not what json.Marshal writes:\n got %s\nwant %s", i, rec.Report, want)
		}
		facts := store.FactsOf(rec.Project, rec.Report, rec.Footprint)
		page, err := st.List(t.Context(), store.Filter{ID: rep.ReportID, HighEnergy: facts.HighEnergy, Bbox: facts.Bound,
			ProjectName: facts.ProjectName, IndustryPrefix: facts.Industry})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Reports) != 1 || page.Reports[0].GoverningRule != facts.GoverningRule {
			t.Fatalf("check %d: the archive's columns are not the facts of its JSON %+v: %+v", i, facts, page.Reports)
		}
	}
}

// demoCheckBodies are check envelopes over the demo dataset ds: its examples
// with their project facts, without and with geometry (and a 3 km buffer),
// then n random squares, points and lines across its zones with the projects in
// turn, geometry asked for every other one.
func demoCheckBodies(t *testing.T, ds *zones.Dataset, rng *rand.Rand, n int, projects ...string) []string {
	t.Helper()
	var bodies []string
	for _, ex := range demoExamples(t) {
		bodies = append(bodies, fmt.Sprintf(`{"project":%s,"footprint":%s}`, ex.project, ex.footprint),
			fmt.Sprintf(`{"project":%s,"footprint":%s,"include_geometry":true,"buffer_m":3000}`, ex.project, ex.footprint))
	}
	bound := ds.Layers[0].Zones[0].Geometry.Bound()
	for _, l := range ds.Layers {
		for _, z := range l.Zones {
			if z.Geometry != nil {
				bound = bound.Union(z.Geometry.Bound())
			}
		}
	}
	for i := range n {
		x := bound.Min[0] + rng.Float64()*(bound.Max[0]-bound.Min[0])
		y := bound.Min[1] + rng.Float64()*(bound.Max[1]-bound.Min[1])
		d := 0.001 + rng.Float64()*0.05
		fp := [...]string{
			fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`, x, y, x+d, y, x+d, y+d, x, y+d, x, y),
			fmt.Sprintf(`{"type":"Point","coordinates":[%g,%g]}`, x, y),
			fmt.Sprintf(`{"type":"LineString","coordinates":[[%g,%g],[%g,%g]]}`, x, y, x+d, y+d/2),
		}[i%3]
		bodies = append(bodies, fmt.Sprintf(`{"project":%s,"footprint":%s,"include_geometry":%v}`, projects[i%len(projects)], fp, i%2 == 0))
	}
	return bodies
}

// demoExample is one of data/demo/examples: a footprint and its project facts.
type demoExample struct{ name, project, footprint string }

// demoExamples reads the demo examples that come with project facts.
func demoExamples(t *testing.T) []demoExample {
	t.Helper()
	var out []demoExample
	examples, _ := filepath.Glob(filepath.Join("..", "data", "demo", "examples", "*.project.json"))
	for _, pj := range examples {
		project, err := os.ReadFile(pj)
		if err != nil {
			t.Fatal(err)
		}
		fp, err := os.ReadFile(strings.TrimSuffix(pj, ".project.json") + ".geojson")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, demoExample{filepath.Base(pj), string(project), string(fp)})
	}
	return out
}

// keptReports is an engine that keeps the last report it made (the tests'
// requests go one at a time).
type keptReports struct {
	*zones.Checker
	last *zones.Report
}

func (k *keptReports) Check(ctx context.Context, fp zones.Footprint, p zones.Project, opts zones.CheckOptions) (*zones.Report, error) {
	rep, err := k.Checker.Check(ctx, fp, p, opts)
	k.last = rep
	return rep, err
}

// TestAnswerWithArchive: a check archived answers with the bytes and headers
// of the same check unarchived — its answer is made from the archived text —
// and the archived report is what the handler wrote before, json.Marshal of
// the report with every overlap as its geometry; for the demo examples and
// random squares, points and lines, projects with and without HTML in their
// names, with and without geometry, in English, Chinese and HTML.
func TestAnswerWithArchive(t *testing.T) {
	ds, err := data.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 3, 20, 0, 0, 123456789, time.UTC)
	serve := func(st *store.Store) (*keptReports, *httptest.Server) {
		c, err := zones.NewChecker(ds)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		c.Now = func() time.Time { return at }
		c.NewID = func() string { n++; return fmt.Sprintf("rpt-%06d", n) }
		k := &keptReports{Checker: c}
		srv, err := New(Config{Load: func(context.Context, string) (Engine, error) { return k, nil }, Store: st})
		if err != nil {
			t.Fatal(err)
		}
		srv.Swap(k, ds.Name, 0)
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		return k, ts
	}
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "redline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	archived, withStore := serve(st)
	_, without := serve(nil)

	bodies := demoCheckBodies(t, ds, rand.New(rand.NewPCG(8, 1)), 90,
		`{}`, `{"industry":"C2511","name":"<化工> & 厂"}`, `{"industry":"C2511","name":"化工厂"}`,
		`{"type":"tourism","high_energy":false}`, `{"industry":"4610","type":"water_supply","discharges_pollutants":true}`)
	queries := []string{"", "?lang=en", "?lang=zh", "?format=html"}
	overlaps := 0
	for i, body := range bodies {
		q := queries[i%len(queries)]
		var answers [2][]byte
		var headers [2]http.Header
		for k, ts := range []*httptest.Server{withStore, without} {
			resp, err := http.Post(ts.URL+"/v1/check"+q, "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			answers[k], _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("check %d: %d %s", i, resp.StatusCode, answers[k])
			}
			headers[k] = resp.Header
		}
		if !bytes.Equal(answers[0], answers[1]) {
			t.Fatalf("check %d%s: the archived check's answer differs at byte %d:\n got %s\nwant %s",
				i, q, firstByteDiff(answers[0], answers[1]), answers[0], answers[1])
		}
		for _, h := range []string{"Content-Type", "Content-Length", "X-Redline-Dataset-Version", "Content-Security-Policy"} {
			if headers[0].Get(h) != headers[1].Get(h) {
				t.Fatalf("check %d%s: %s %q, unarchived %q", i, q, h, headers[0].Get(h), headers[1].Get(h))
			}
		}
		rep := archived.last
		rec, err := st.Get(t.Context(), rep.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		// The archived report as the handler wrote it before.
		stored := *rep
		stored.Intersections = slices.Clone(rep.Intersections)
		for k := range stored.Intersections {
			if in := &stored.Intersections[k]; in.Geometry == nil && in.Overlap != nil {
				in.Geometry = geojson.NewGeometry(in.Overlap)
				overlaps++
			}
		}
		want, err := json.Marshal(&stored)
		if err != nil {
			t.Fatal(err)
		}
		project := []byte("{}")
		if rep.Project != nil {
			project, _ = json.Marshal(rep.Project)
		}
		if !bytes.Equal(rec.Project, project) {
			t.Fatalf("check %d: archived project %s, want %s", i, rec.Project, project)
		}
		if !bytes.Equal(rec.Report, want) {
			t.Fatalf("check %d: the archived report differs at byte %d:\n got %s\nwant %s", i, firstByteDiff(rec.Report, want), rec.Report, want)
		}
	}
	if overlaps < 20 {
		t.Fatalf("%d overlaps archived without being in the answer: the checks are not varied enough", overlaps)
	}
}

// firstByteDiff is the index of the first byte where a and b differ.
func firstByteDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
