package api

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/geo/crs"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// ogcFixture is a real server on a loopback port: the demo dataset, indexed,
// and a SQLite archive holding the checks of the demo examples.
type ogcFixture struct {
	ts      *httptest.Server
	checker *zones.Checker
	store   *store.Store
	reports int
}

func newOGCFixture(t *testing.T) *ogcFixture {
	t.Helper()
	ds, err := data.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	c, st, ts := serveArchived(t, ds)
	fx := &ogcFixture{ts: ts, checker: c, store: st}
	for _, ex := range demoExamples(t) {
		body := fmt.Sprintf(`{"project":%s,"footprint":%s}`, ex.project, ex.footprint)
		resp, err := http.Post(ts.URL+"/v1/check", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("check %s: %d %s", ex.name, resp.StatusCode, b)
		}
		fx.reports++
	}
	if fx.reports < 5 {
		t.Fatalf("only %d demo examples checked", fx.reports)
	}
	return fx
}

// get fetches path (relative to the server) and decodes JSON into v when given.
func (fx *ogcFixture) get(t *testing.T, path string, v any, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", fx.ts.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v in %.300s", path, err, b)
		}
	}
	resp.Body = io.NopCloser(strings.NewReader(string(b)))
	return resp
}

type ogcPage struct {
	Type           string             `json:"type"`
	NumberMatched  int                `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	TimeStamp      string             `json:"timeStamp"`
	Links          []ogcLink          `json:"links"`
	Features       []*geojson.Feature `json:"features"`
}

type ogcLink struct{ Href, Rel, Type string }

func linkOf(links []ogcLink, rel string) string {
	for _, l := range links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// all follows next links from path and returns every feature.
func (fx *ogcFixture) all(t *testing.T, path string) []*geojson.Feature {
	t.Helper()
	var out []*geojson.Feature
	for path != "" {
		var p ogcPage
		fx.get(t, path, &p)
		if p.NumberReturned != len(p.Features) {
			t.Fatalf("%s: numberReturned %d, %d features", path, p.NumberReturned, len(p.Features))
		}
		out = append(out, p.Features...)
		path = strings.TrimPrefix(linkOf(p.Links, "next"), fx.ts.URL)
	}
	return out
}

func ids(fs []*geojson.Feature) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprint(f.ID))
	}
	return out
}

func TestOGCLandingConformanceCollections(t *testing.T) {
	fx := newOGCFixture(t)
	var landing struct{ Links []ogcLink }
	resp := fx.get(t, "/ogc", &landing)
	if resp.Header.Get("X-Redline-Dataset-Version") == "" {
		t.Error("no dataset version header on /ogc")
	}
	for _, rel := range []string{"self", "alternate", "service-desc", "service-doc", "conformance", "data"} {
		if linkOf(landing.Links, rel) == "" {
			t.Errorf("landing page has no %s link: %+v", rel, landing.Links)
		}
	}
	if !strings.HasPrefix(linkOf(landing.Links, "service-desc"), fx.ts.URL+"/ogc/api") {
		t.Errorf("service-desc = %s", linkOf(landing.Links, "service-desc"))
	}
	var conf struct{ ConformsTo []string }
	fx.get(t, "/ogc/conformance", &conf)
	for _, c := range []string{"conf/core", "conf/geojson", "conf/html", "conf/oas30", "ogcapi-features-2/1.0/conf/crs"} {
		if !slices.ContainsFunc(conf.ConformsTo, func(s string) bool { return strings.HasSuffix(s, c) || strings.Contains(s, c) }) {
			t.Errorf("conformance lacks %s: %v", c, conf.ConformsTo)
		}
	}
	var colls struct {
		Collections []struct {
			ID, Title, ItemType, StorageCRS string
			CRS                             []string
			Extent                          struct {
				Spatial struct{ Bbox [][]float64 }
			}
		}
	}
	fx.get(t, "/ogc/collections", &colls)
	ds := fx.checker.Dataset()
	var got, want []string
	for _, c := range colls.Collections {
		got = append(got, c.ID)
		if c.ItemType != "feature" || len(c.CRS) < 4 || c.CRS[0] != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" {
			t.Errorf("collection %s: itemType %q crs %v", c.ID, c.ItemType, c.CRS)
		}
		if ly := ds.Layer(c.ID); ly != nil {
			var b orb.Bound
			for i, z := range ly.Zones {
				if i == 0 {
					b = z.Geometry.Bound()
				}
				b = b.Union(z.Geometry.Bound())
			}
			if e := c.Extent.Spatial.Bbox; len(e) != 1 || e[0][0] != b.Min[0] || e[0][3] != b.Max[1] {
				t.Errorf("collection %s extent %v, want %v", c.ID, e, b)
			}
			if c.Title != ly.Title {
				t.Errorf("collection %s title %q, want %q", c.ID, c.Title, ly.Title)
			}
		}
	}
	for _, ly := range ds.Layers {
		want = append(want, ly.ID)
	}
	want = append(want, "reports")
	if !slices.Equal(got, want) {
		t.Errorf("collections %v, want %v", got, want)
	}
	// HTML by f= and by Accept; JSON for a client that asks for it.
	for _, c := range []struct {
		path, accept, want string
	}{
		{"/ogc?f=html", "", "text/html"},
		{"/ogc", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"},
		{"/ogc/collections", "application/json", "application/json"},
		{"/ogc/collections/ecu/items", "application/geo+json, application/json", "application/geo+json"},
		{"/ogc/collections/ecu/items?f=html", "", "text/html"},
		{"/ogc/collections/ecu?f=html", "", "text/html"},
		{"/ogc/api", "", "application/vnd.oai.openapi+json;version=3.0"},
		{"/ogc/api?f=html", "", "text/html"},
		{"/ogc/conformance?f=html", "", "text/html"},
	} {
		resp := fx.get(t, c.path, nil, "Accept", c.accept)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.want) {
			t.Errorf("%s (Accept %q): %d %s, want %s", c.path, c.accept, resp.StatusCode, resp.Header.Get("Content-Type"), c.want)
		}
		if c.want == "text/html" && (!strings.Contains(string(b), `lang="zh-CN"`) || strings.Contains(string(b), "<script")) {
			t.Errorf("%s: HTML not Chinese-first or has a script", c.path)
		}
	}
}

func TestOGCItems(t *testing.T) {
	fx := newOGCFixture(t)
	ds := fx.checker.Dataset()
	for _, ly := range ds.Layers {
		var p ogcPage
		resp := fx.get(t, "/ogc/collections/"+ly.ID+"/items?limit=2", &p)
		if p.NumberMatched != len(ly.Zones) || p.TimeStamp == "" || p.Type != "FeatureCollection" {
			t.Errorf("%s: numberMatched %d, want %d (timeStamp %q)", ly.ID, p.NumberMatched, len(ly.Zones), p.TimeStamp)
		}
		if got := resp.Header.Get("Content-Crs"); got != "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>" {
			t.Errorf("%s: Content-Crs %q", ly.ID, got)
		}
		if resp.Header.Get("X-Redline-Dataset-Version") != ds.Version {
			t.Errorf("%s: dataset version header %q", ly.ID, resp.Header.Get("X-Redline-Dataset-Version"))
		}
		all := fx.all(t, "/ogc/collections/"+ly.ID+"/items?limit=2")
		var want []string
		for _, z := range ly.Zones {
			want = append(want, z.ID)
		}
		if !slices.Equal(ids(all), want) {
			t.Errorf("%s: paged ids %v, want %v", ly.ID, ids(all), want)
		}
		for i, f := range all {
			z := ly.Zones[i]
			if !orb.Equal(f.Geometry, z.Geometry) {
				t.Errorf("%s/%s: geometry differs from the zone's", ly.ID, z.ID)
			}
			if f.Properties["name"] != z.Name || f.Properties["class"] != z.Class || f.Properties["class_zh"] != zones.ClassLabel(ly.Kind, z.Class) {
				t.Errorf("%s/%s: properties %v", ly.ID, z.ID, f.Properties)
			}
			if z.Clauses != nil && f.Properties["spatial_layout"] != z.Clauses.SpatialLayout {
				t.Errorf("%s/%s: spatial_layout %v", ly.ID, z.ID, f.Properties["spatial_layout"])
			}
		}
	}
	// prev link, and a limit above the maximum is served as the maximum.
	var p ogcPage
	fx.get(t, "/ogc/collections/ecu/items?limit=1&offset=2", &p)
	if prev := linkOf(p.Links, "prev"); !strings.Contains(prev, "offset=1") {
		t.Errorf("prev link %q", prev)
	}
	fx.get(t, "/ogc/collections/ecu/items?limit=50000", &p)
	if p.NumberReturned != len(ds.Layer("ecu").Zones) || !strings.Contains(linkOf(p.Links, "self"), "limit=50000") {
		t.Errorf("limit=50000: %d returned", p.NumberReturned)
	}
	// class filter
	ecu := ds.Layer("ecu")
	var key []string
	for _, z := range ecu.Zones {
		if z.Class == "key" {
			key = append(key, z.ID)
		}
	}
	if got := ids(fx.all(t, "/ogc/collections/ecu/items?class=key")); !slices.Equal(got, key) || len(key) == 0 {
		t.Errorf("class=key: %v, want %v", got, key)
	}
	// one item
	z := ecu.Zones[1]
	var f geojson.Feature
	fx.get(t, "/ogc/collections/ecu/items/"+url.PathEscape(z.ID), &f)
	if f.ID != z.ID || !orb.Equal(f.Geometry, z.Geometry) {
		t.Errorf("item %s: id %v", z.ID, f.ID)
	}
}

// TestOGCBbox: bbox selects exactly the zones whose geometry meets the box, as
// a scan of every zone finds them; in CRS84 and, with bbox-crs, in EPSG:4490
// (lat, lon) and a Gauss-Krüger zone (northing, easting).
func TestOGCBbox(t *testing.T) {
	fx := newOGCFixture(t)
	ds := fx.checker.Dataset()
	boxes := []orb.Bound{
		{Min: orb.Point{107.5, 33.5}, Max: orb.Point{108.5, 34.5}},
		{Min: orb.Point{108.9, 34.0}, Max: orb.Point{109.1, 34.2}},
		{Min: orb.Point{106, 32}, Max: orb.Point{111, 36}},
		{Min: orb.Point{120, 40}, Max: orb.Point{121, 41}},
	}
	gk, _ := crs.GK3(36, true)
	total := 0
	for _, ly := range ds.Layers {
		for _, b := range boxes {
			var want []string
			for _, z := range ly.Zones {
				if planar.MeetsBound(z.Geometry, b) {
					want = append(want, z.ID)
				}
			}
			total += len(want)
			q := fmt.Sprintf("bbox=%g,%g,%g,%g", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
			if got := ids(fx.all(t, "/ogc/collections/"+ly.ID+"/items?"+q)); !slices.Equal(got, want) {
				t.Errorf("%s %s: %v, want %v", ly.ID, q, got, want)
			}
			q = fmt.Sprintf("bbox=%g,%g,%g,%g&bbox-crs=%s", b.Min[1], b.Min[0], b.Max[1], b.Max[0],
				url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4490"))
			if got := ids(fx.all(t, "/ogc/collections/"+ly.ID+"/items?"+q)); !slices.Equal(got, want) {
				t.Errorf("%s %s: %v, want %v", ly.ID, q, got, want)
			}
		}
		// A Gauss-Krüger box: the zones that meet its lon/lat outline's bound
		// include those that meet the box itself.
		x0, y0 := gk.FromLonLat(108.5, 33.8)
		x1, y1 := gk.FromLonLat(108.9, 34.2)
		q := fmt.Sprintf("bbox=%f,%f,%f,%f&bbox-crs=%s", y0, x0, y1, x1, url.QueryEscape(fmt.Sprintf("http://www.opengis.net/def/crs/EPSG/0/%d", gk.EPSG)))
		got := ids(fx.all(t, "/ogc/collections/"+ly.ID+"/items?"+q))
		inner := orb.Bound{Min: orb.Point{108.51, 33.81}, Max: orb.Point{108.89, 34.19}}
		for _, z := range ly.Zones {
			if planar.MeetsBound(z.Geometry, inner) && !slices.Contains(got, z.ID) {
				t.Errorf("%s GK box: zone %s missing from %v", ly.ID, z.ID, got)
			}
		}
	}
	if total == 0 {
		t.Fatal("no box met any zone: the test proves nothing")
	}
}

// TestOGCCRS: crs= answers in the CRS's EPSG axis order, through geo/crs.
func TestOGCCRS(t *testing.T) {
	fx := newOGCFixture(t)
	z := fx.checker.Dataset().Layer("redline").Zones[0]
	var first orb.Point
	switch g := z.Geometry.(type) {
	case orb.Polygon:
		first = g[0][0]
	case orb.MultiPolygon:
		first = g[0][0][0]
	}
	zone := crs.GKZone3(first[0])
	gk, _ := crs.GK3(zone, true)
	cm, _ := crs.GK3(zone, false)
	x, y := gk.FromLonLat(first[0], first[1])
	xc, yc := cm.FromLonLat(first[0], first[1])
	for _, c := range []struct {
		uri  string
		want orb.Point
	}{
		{"http://www.opengis.net/def/crs/OGC/1.3/CRS84", first},
		{"http://www.opengis.net/def/crs/EPSG/0/4490", orb.Point{first[1], first[0]}},
		{fmt.Sprintf("http://www.opengis.net/def/crs/EPSG/0/%d", gk.EPSG), orb.Point{y, x}},
		{fmt.Sprintf("http://www.opengis.net/def/crs/EPSG/0/%d", cm.EPSG), orb.Point{yc, xc}},
	} {
		var f geojson.Feature
		resp := fx.get(t, "/ogc/collections/redline/items/"+url.PathEscape(z.ID)+"?crs="+url.QueryEscape(c.uri), &f)
		if resp.Header.Get("Content-Crs") != "<"+c.uri+">" {
			t.Errorf("%s: Content-Crs %q", c.uri, resp.Header.Get("Content-Crs"))
		}
		var got orb.Point
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			got = g[0][0]
		case orb.MultiPolygon:
			got = g[0][0][0]
		}
		if math.Abs(got[0]-c.want[0]) > 1e-6 || math.Abs(got[1]-c.want[1]) > 1e-6 {
			t.Errorf("%s: first vertex %v, want %v", c.uri, got, c.want)
		}
	}
}

func TestOGCBadRequests(t *testing.T) {
	fx := newOGCFixture(t)
	for _, c := range []struct {
		path   string
		status int
		param  string
	}{
		{"/ogc/collections/ecu/items?color=red", 400, "color"},
		{"/ogc/collections/ecu/items?limit=0", 400, "limit"},
		{"/ogc/collections/ecu/items?limit=ten", 400, "limit"},
		{"/ogc/collections/ecu/items?offset=-1", 400, "offset"},
		{"/ogc/collections/ecu/items?bbox=1,2,3", 400, "bbox"},
		{"/ogc/collections/ecu/items?bbox=108,35,109,34", 400, "bbox"},
		{"/ogc/collections/ecu/items?bbox=a,b,c,d", 400, "bbox"},
		{"/ogc/collections/ecu/items?bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490", 400, "bbox-crs"},
		{"/ogc/collections/ecu/items?crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400, "crs"},
		{"/ogc/collections/ecu/items?class=core", 400, "class"},
		{"/ogc/collections/ecu/items?f=xml", 400, "f"},
		{"/ogc/collections/ecu/items?verdict=prohibited", 400, "verdict"},
		{"/ogc/collections/reports/items?verdict=maybe", 400, "verdict"},
		{"/ogc/collections/reports/items?industry=Z99", 400, "industry"},
		{"/ogc/collections/reports/items?datetime=yesterday", 400, "datetime"},
		{"/ogc/collections/reports/items?datetime=../..", 400, "datetime"},
		{"/ogc/collections/reports/items?datetime=2026-02-01T00:00:00Z/2026-01-01T00:00:00Z", 400, "datetime"},
		{"/ogc/collections/reports/items?class=key", 400, "class"},
		{"/ogc?limit=1", 400, "limit"},
		{"/ogc/collections/nope", 404, ""},
		{"/ogc/collections/nope/items", 404, ""},
		{"/ogc/collections/ecu/items/nope", 404, ""},
		{"/ogc/collections/reports/items/nope", 404, ""},
	} {
		resp := fx.get(t, c.path, nil)
		var e struct {
			Error struct {
				Code    string
				Message string
				Details map[string]any
			}
		}
		b, _ := io.ReadAll(resp.Body)
		json.Unmarshal(b, &e)
		if resp.StatusCode != c.status || e.Error.Message == "" {
			t.Errorf("%s: %d %s, want %d", c.path, resp.StatusCode, b, c.status)
			continue
		}
		if c.param != "" && e.Error.Details["parameter"] != c.param {
			t.Errorf("%s: details %v, want parameter %q", c.path, e.Error.Details, c.param)
		}
	}
}

// TestOGCReports: the reports collection lists what GET /v1/reports lists for
// the same filter, with the facts of each check.
func TestOGCReports(t *testing.T) {
	fx := newOGCFixture(t)
	type v1list struct {
		Reports []store.Summary
		Total   int
		Next    *string
	}
	var all v1list
	fx.get(t, "/v1/reports", &all)
	if all.Total != fx.reports || len(all.Reports) != fx.reports {
		t.Fatalf("/v1/reports: %d of %d, want %d", len(all.Reports), all.Total, fx.reports)
	}
	verdicts := map[string]bool{}
	for _, r := range all.Reports {
		verdicts[r.Verdict] = true
	}
	filters := []string{"", "industry=C29", "industry=C", "datetime=2000-01-01T00:00:00Z/..", "datetime=../2000-01-01T00:00:00Z"}
	for v := range verdicts {
		filters = append(filters, "verdict="+v)
	}
	for _, q := range filters {
		var want v1list
		fx.get(t, "/v1/reports?limit=1000&"+q, &want)
		got := fx.all(t, "/ogc/collections/reports/items?limit=2&"+q)
		var wantIDs []string
		for _, r := range want.Reports {
			wantIDs = append(wantIDs, r.ID)
		}
		if !slices.Equal(ids(got), wantIDs) {
			t.Errorf("%q: ogc %v, /v1/reports %v", q, ids(got), wantIDs)
		}
		for i, f := range got {
			r := want.Reports[i]
			if f.Properties["verdict"] != r.Verdict || f.Properties["project_name"] != r.ProjectName ||
				f.Properties["industry"] != r.Industry || f.Properties["governing_rule"] != r.GoverningRule {
				t.Errorf("%q: %s properties %v, want %+v", q, r.ID, f.Properties, r)
			}
			if !strings.HasSuffix(fmt.Sprint(f.Properties["report_url"]), "/v1/reports/"+r.ID) || f.Geometry == nil {
				t.Errorf("%s: report_url %v geometry %v", r.ID, f.Properties["report_url"], f.Geometry)
			}
		}
	}
	// industry=C29 matched something, or the filter test proves little.
	var some v1list
	fx.get(t, "/v1/reports?industry=C29", &some)
	if some.Total == 0 || some.Total == fx.reports {
		t.Errorf("industry=C29 matched %d of %d", some.Total, fx.reports)
	}
	// /v1/reports pages with a next link.
	var p1 v1list
	fx.get(t, "/v1/reports?limit=2", &p1)
	if p1.Next == nil || !strings.Contains(*p1.Next, "offset=2") {
		t.Errorf("/v1/reports?limit=2 next = %v", p1.Next)
	}
	// One report as an item.
	var f geojson.Feature
	fx.get(t, "/ogc/collections/reports/items/"+all.Reports[0].ID, &f)
	if f.ID != all.Reports[0].ID || f.Properties["dataset_version"] != all.Reports[0].DatasetVersion {
		t.Errorf("report item %v", f.Properties)
	}
}
