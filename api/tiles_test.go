package api

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/planar"
	"github.com/redline-gis/redline/zones"
)

// getTile asks for a tile, gzipped or not, and returns the answer and its body
// (unzipped by hand when gzipped, so that the encoding is checked too).
func getTile(t *testing.T, url string, gz bool, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	// An explicit Accept-Encoding turns off the transport's transparent gunzip.
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	} else {
		req.Header.Set("Accept-Encoding", "identity")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatalf("%s: gzip: %v", url, err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

func tileNames(t *testing.T, b []byte) map[string]string {
	t.Helper()
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("decode tile: %v", err)
	}
	out := map[string]string{}
	for _, l := range ls {
		for _, f := range l.Features {
			out[fmt.Sprint(f.Properties["zone_id"])] = fmt.Sprint(f.Properties["name"])
		}
	}
	return out
}

func TestTileRoute(t *testing.T) {
	ds, err := data.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	_, ts := serveDataset(t, ds)
	ly := ds.Layer("redline")
	z := ly.Zones[0]
	first := planar.Polygons(z.Geometry)[0][0][0]
	tile := maptile.At(first, 11)
	url := fmt.Sprintf("%s/v1/tiles/redline/%d/%d/%d.mvt", ts.URL, tile.Z, tile.X, tile.Y)

	res, gzBody := getTile(t, url, true, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" ||
		res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" || res.Header.Get("ETag") == "" ||
		res.Header.Get("Cache-Control") == "" {
		t.Fatalf("gzipped tile: %d %v", res.StatusCode, res.Header)
	}
	if names := tileNames(t, gzBody); names[z.ID] != z.Name {
		t.Errorf("tile %v: zone %s missing or misnamed: %v", tile, z.ID, names)
	}
	res, plain := getTile(t, url, false, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "" || string(plain) != string(gzBody) {
		t.Errorf("plain tile: %d %v, same bytes as unzipped: %v", res.StatusCode, res.Header, string(plain) == string(gzBody))
	}
	etag := res.Header.Get("ETag")
	if res, _ := getTile(t, url, true, map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %d, want 304", etag, res.StatusCode)
	}

	for _, tc := range []struct {
		path   string
		status int
		words  string
	}{
		{"/v1/tiles/nolayer/11/0/0.mvt", 404, "nolayer"},
		{"/v1/tiles/redline/23/0/0.mvt", 400, "zoom"},
		{"/v1/tiles/redline/3/8/0.mvt", 400, "x"},
		{"/v1/tiles/redline/3/0/-1.mvt", 400, "y"},
		{"/v1/tiles/redline/a/0/0.mvt", 400, "zoom"},
	} {
		res, body := getTile(t, ts.URL+tc.path, false, nil)
		var e struct {
			Error struct{ Code, Message string }
		}
		json.Unmarshal(body, &e)
		if res.StatusCode != tc.status || !strings.Contains(e.Error.Message, tc.words) {
			t.Errorf("%s: %d %s, want %d naming %q", tc.path, res.StatusCode, body, tc.status, tc.words)
		}
	}
}

// TestTileReload: after a reload the same tile URL shows the new dataset's
// zones and carries another ETag, even when the version stayed the same.
func TestTileReload(t *testing.T) {
	root := t.TempDir()
	dir := writeDataset(t, filepath.Join(root, "d"), "7")
	srv, ts := serveLoaded(t, Config{Load: realLoader, Source: dir})
	tile := maptile.At(orb.Point{108.05, 34.05}, 10)
	url := fmt.Sprintf("%s/v1/tiles/zone/%d/%d/%d.mvt", ts.URL, tile.Z, tile.X, tile.Y)
	res, b := getTile(t, url, true, nil)
	if got := tileNames(t, b)["Z1"]; got != "一号区" {
		t.Fatalf("before reload: zone Z1 named %q", got)
	}
	etag := res.Header.Get("ETag")

	// The same version, another name: a reload must not serve the cached tile.
	ds, err := data.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds.Layers[0].Zones[0].Name = "改名区"
	c, err := zones.NewChecker(ds)
	if err != nil {
		t.Fatal(err)
	}
	srv.Swap(c, dir, 0)
	res, b = getTile(t, url, true, map[string]string{"If-None-Match": etag})
	if res.StatusCode != 200 {
		t.Fatalf("after reload, If-None-Match of the old tile: %d, want 200", res.StatusCode)
	}
	if got := tileNames(t, b)["Z1"]; got != "改名区" {
		t.Errorf("after reload: zone Z1 named %q, want the reloaded name", got)
	}
	if res.Header.Get("ETag") == etag {
		t.Errorf("after reload: the ETag %s stayed", etag)
	}
}

func TestIndustriesRoute(t *testing.T) {
	ds, err := data.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	_, ts := serveDataset(t, ds)
	for _, tc := range []struct {
		q      string
		status int
		code   string // a code the answer must hold
	}{
		{"25", 200, "C25"},
		{"C25", 200, "C25"},
		{"石油", 200, "C25"},
		{"", 400, ""},
		{"没有这种行业", 200, ""},
	} {
		res, got := getIndustries(t, ts.URL+"/v1/industries?q="+urlQuery(tc.q))
		if res.StatusCode != tc.status {
			t.Errorf("q=%q: %d, want %d", tc.q, res.StatusCode, tc.status)
			continue
		}
		if tc.status != 200 {
			continue
		}
		found := false
		for _, in := range got.Industries {
			found = found || in.Code == tc.code
		}
		if tc.code != "" && !found {
			t.Errorf("q=%q: %v lacks %s", tc.q, got.Industries, tc.code)
		}
		if tc.code == "" && (got.Total != 0 || len(got.Industries) != 0) {
			t.Errorf("q=%q: want nothing, got %v", tc.q, got.Industries)
		}
	}
	_, got := getIndustries(t, ts.URL+"/v1/industries?q=C&limit=3")
	if len(got.Industries) != 3 || got.Total <= 3 {
		t.Errorf("q=C&limit=3: %d rows of %d", len(got.Industries), got.Total)
	}
}

type industriesAnswer struct {
	Total      int
	Industries []zones.Industry
}

func getIndustries(t *testing.T, url string) (*http.Response, industriesAnswer) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got industriesAnswer
	json.NewDecoder(res.Body).Decode(&got)
	return res, got
}

func urlQuery(s string) string {
	r := strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "+")
	return r.Replace(s)
}
