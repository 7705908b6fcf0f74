package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/testenv"
)

// chromium finds Debian's chromium; without it the browser tests skip loudly,
// or fail under CI, where `make test` (scripts/sysdeps.sh test) installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "chromium is not on PATH (make test installs it with scripts/sysdeps.sh test): the browser tests cannot run")
	return ""
}

// artifactsDir is where failing browser tests leave screenshots: $REDLINE_ARTIFACTS,
// else testdata/artifacts (ignored by git).
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("REDLINE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("artifacts: %v", err)
	}
	return dir
}

// browserServer serves ../shared/data with an SQLite archive (so the report
// links lead somewhere) on a loopback port.
func browserServer(t *testing.T) *httptest.Server {
	t.Helper()
	ds, err := data.LoadDir(oracle.SharedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	_, _, ts := serveArchived(t, ds)
	return ts
}

// oracleFile writes the oracle footprints named by ids as a GeoJSON
// FeatureCollection file.
func oracleFile(t *testing.T, shared, dir, name string, ids ...string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(shared, "oracle", "footprints.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	out := geojson.NewFeatureCollection()
	for _, id := range ids {
		for _, f := range fc.Features {
			if f.Properties["id"] == id {
				out.Append(f)
			}
		}
	}
	if len(out.Features) != len(ids) {
		t.Fatalf("oracle footprints %v: found %d", ids, len(out.Features))
	}
	b, _ := json.Marshal(out)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// postFile posts a file as multipart to url and returns the body.
func postFile(t *testing.T, url, path string) []byte {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", filepath.Base(path))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(b)
	mw.Close()
	res, err := http.Post(url, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("POST %s: %d %s", url, res.StatusCode, out)
	}
	return out
}

// TestBrowserPage drives the page in headless Chromium against a server of the
// real layers: a footprint of the PostGIS oracle loaded through the file input
// gives the API's verdict and the oracle's zones in the table; a row selected
// selects its zone on the map; a polygon drawn with clicks on the map is checked;
// the language switches; a batch runs to the end and its CSV downloads equal to
// /v1/locate's. No request leaves the server's origin.
func TestBrowserPage(t *testing.T) {
	if raceBuild {
		t.Skip("the browser test runs once, without -race (make test's first pass); the race pass skips it")
	}
	bin := chromium(t)
	shared := oracle.SharedDir(t)
	ts := browserServer(t)
	dir := t.TempDir()

	// FP0011 touches two basins and a county in the oracle.
	const fpID = "FP0011"
	site := oracleFile(t, shared, dir, "site.geojson", fpID)
	exp, err := oracle.Load(shared)
	if err != nil {
		t.Fatal(err)
	}
	var wantZones []string
	for _, f := range exp.Footprints {
		if f.ID == fpID {
			for layer, l := range f.Result.Layers {
				for _, h := range l.Hits {
					wantZones = append(wantZones, layer+"/"+h.ID)
				}
			}
		}
	}
	var api struct {
		Verdict       string `json:"verdict"`
		Intersections []struct {
			Layer  string `json:"layer"`
			ZoneID string `json:"zone_id"`
		} `json:"intersections"`
	}
	if err := json.Unmarshal(postFile(t, ts.URL+"/v1/check", site), &api); err != nil {
		t.Fatal(err)
	}
	var apiZones []string
	for _, in := range api.Intersections {
		apiZones = append(apiZones, in.Layer+"/"+in.ZoneID)
	}
	slices.Sort(wantZones)
	slices.Sort(apiZones)
	if len(wantZones) < 3 || !slices.Equal(wantZones, apiZones) {
		t.Fatalf("the API's zones %v differ from the oracle's %v", apiZones, wantZones)
	}

	downloads := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// WebGL without a GPU: ANGLE on SwiftShader, so MapLibre gets a context.
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelA := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelA()
	ctx, cancelC := chromedp.NewContext(actx)
	defer cancelC()
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	defer cancelT()
	b := &browserPage{t: t, ctx: ctx}
	b.do("start")

	// Every request the page makes, and every console message and error.
	var mu sync.Mutex
	var requests, console, errorsLogged []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *cdpruntime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value))
			}
			console = append(console, string(e.Type)+": "+strings.Join(parts, " "))
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == "error" {
				errorsLogged = append(errorsLogged, string(e.Entry.Source)+": "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *cdpruntime.EventExceptionThrown:
			errorsLogged = append(errorsLogged, "exception: "+e.ExceptionDetails.Text)
			console = append(console, "exception: "+e.ExceptionDetails.Text+" "+fmt.Sprint(e.ExceptionDetails.Exception))
		}
	}); err != nil {
		t.Fatal(err)
	}
	b.logs = func() string { mu.Lock(); defer mu.Unlock(); return strings.Join(console, "\n") }
	b.do("network", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return err
	}))

	// The page, its map with a WebGL canvas and the server's tiles drawn.
	b.do("load", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=map] canvas`)))
	b.wait("tiles", `window.redlineMap && window.redlineMap.getLayer("z-basins-fill") && window.redlineMap.loaded() && window.redlineMap.areTilesLoaded()`)
	if lang := evalJS[string](b, "lang", `document.documentElement.lang`); !strings.HasPrefix(lang, "zh") {
		t.Errorf("<html lang> at first: %q, want zh…", lang)
	}
	if !evalJS[bool](b, "webgl", `!!window.redlineMap.painter && !!window.redlineMap.painter.context.gl`) {
		t.Error("MapLibre has no WebGL context")
	}
	if n := evalJS[int](b, "rendered zones", `window.redlineMap.queryRenderedFeatures().filter(f => f.source.startsWith("z-")).length`); n == 0 {
		t.Error("no zone of the tiles is rendered on the map")
	}

	// A footprint of the oracle through the file input.
	b.do("check a file",
		chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=file-input]`), []string{site}),
		chromedp.Click(chromedp.CSS(`[data-testid=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=verdict]`)))
	if verdict := evalJS[string](b, "verdict", `document.querySelector("[data-testid=verdict]").dataset.verdict`); verdict != api.Verdict {
		t.Errorf("data-verdict %q, the API says %q", verdict, api.Verdict)
	}
	rows := evalJS[[]map[string]string](b, "rows", `[...document.querySelectorAll("[data-testid=intersection-row]")].map(r => ({zone: r.dataset.zoneId, layer: r.dataset.layer}))`)
	var pageZones []string
	for _, r := range rows {
		pageZones = append(pageZones, r["layer"]+"/"+r["zone"])
	}
	slices.Sort(pageZones)
	if !slices.Equal(pageZones, wantZones) {
		t.Fatalf("rows %v, want the oracle's zones %v", pageZones, wantZones)
	}
	reportHref := evalJS[string](b, "report link", `document.querySelector("[data-testid=report-link]").href`)
	if !strings.Contains(reportHref, "/v1/reports/") || !strings.Contains(reportHref, "format=html") {
		t.Errorf("report link %q", reportHref)
	} else if res, err := http.Get(reportHref); err != nil || res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("report link %s: %v %v", reportHref, err, res)
	} else {
		res.Body.Close()
	}

	// Select the last row: it alone is selected, and so is its zone on the map.
	target := rows[len(rows)-1]
	b.do("select a row", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid=intersection-row][data-layer=%q][data-zone-id=%q]`, target["layer"], target["zone"]))))
	b.wait("selected zone", `document.querySelector("[data-testid=map]").dataset.selectedZone !== ""`)
	b.do("zone panel", chromedp.WaitVisible(chromedp.CSS(`[data-testid=zone-panel] h2`)))
	selected := evalJS[[]string](b, "aria-selected", `[...document.querySelectorAll("[data-testid=intersection-row]")].map(r => r.getAttribute("aria-selected"))`)
	trues := 0
	for i, s := range selected {
		isTarget := rows[i]["zone"] == target["zone"] && rows[i]["layer"] == target["layer"]
		if (s == "true") != isTarget {
			t.Errorf("row %v: aria-selected %q", rows[i], s)
		}
		if s == "true" {
			trues++
		}
	}
	mapZone := evalJS[string](b, "map zone", `document.querySelector("[data-testid=map]").dataset.selectedZone`)
	if trues != 1 || mapZone != target["layer"]+"/"+target["zone"] {
		t.Errorf("selected rows %d, map's selected zone %q, want %s/%s", trues, mapZone, target["layer"], target["zone"])
	}

	// Draw a polygon with clicks on the map's canvas, then check it (the zone's
	// panel closed first: it covers part of the map).
	b.do("close the zone", chromedp.Click(chromedp.CSS(`[data-testid=zone-close]`)), chromedp.WaitNotVisible(chromedp.CSS(`[data-testid=zone-panel]`)))
	b.wait("map at rest", `!window.redlineMap.isMoving() && window.redlineMap.loaded()`)
	box := evalJS[struct{ X, Y, W, H float64 }](b, "canvas box",
		`(() => { const r = document.querySelector("[data-testid=map] canvas").getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`)
	cx, cy := box.X+box.W/2, box.Y+box.H/2
	steps := []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`[data-testid=draw-polygon]`)), chromedp.Sleep(300 * time.Millisecond)}
	for _, p := range [][2]float64{{cx - 80, cy - 60}, {cx + 80, cy - 60}, {cx + 80, cy + 60}, {cx - 80, cy + 60}, {cx - 80, cy - 60}} {
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, p[0], p[1]), chromedp.Sleep(100*time.Millisecond),
			chromedp.MouseClickXY(p[0], p[1]), chromedp.Sleep(250*time.Millisecond))
	}
	b.do("draw a polygon", steps...)
	b.wait("drawn", `window.redlineDraw.getSnapshot().some(f => f.geometry.type === "Polygon" && !f.properties.currentlyDrawing)`)
	drawn := evalJS[struct {
		Type   string
		Coords int
	}](b, "drawn polygon", `(() => { const f = window.redlineDraw.getSnapshot().find(f => f.geometry.type === "Polygon"); return {Type: f.geometry.type, Coords: f.geometry.coordinates[0].length}; })()`)
	if drawn.Type != "Polygon" || drawn.Coords != 5 {
		t.Errorf("drawn: %+v, want a closed polygon of 4 corners: %s", drawn,
			evalJS[string](b, "drawn", `JSON.stringify(window.redlineDraw.getSnapshot().map(f => f.geometry.coordinates.map(r => r.map(c => window.redlineMap.project(c)))))`))
	}
	before := reportHref
	b.do("check the drawing", chromedp.Click(chromedp.CSS(`[data-testid=submit]`)))
	b.wait("drawn checked", `document.querySelector("[data-testid=report-link]") && document.querySelector("[data-testid=report-link]").href !== `+jsString(before))
	siteText := evalJS[string](b, "site", `document.querySelector("[data-testid=site-source]").textContent`)
	if v := evalJS[string](b, "verdict", `document.querySelector("[data-testid=verdict]").dataset.verdict`); !strings.Contains(siteText, "绘制") || v == "" {
		t.Errorf("after drawing: site %q, verdict %q", siteText, v)
	}

	// Pasted coordinates, one "lon,lat" a line: the API's verdict for the same
	// polygon as GeoJSON.
	pasted := "107.3835128,33.6001314\n107.3656037,33.6132939\n107.3464579,33.5962097\n107.3721788,33.5838603"
	square := filepath.Join(dir, "pasted.geojson")
	os.WriteFile(square, []byte(`{"type":"Polygon","coordinates":[[[107.3835128,33.6001314],[107.3656037,33.6132939],[107.3464579,33.5962097],[107.3721788,33.5838603],[107.3835128,33.6001314]]]}`), 0o644)
	var pastedAPI struct{ Verdict string }
	json.Unmarshal(postFile(t, ts.URL+"/v1/check", square), &pastedAPI)
	before = evalJS[string](b, "report link", `document.querySelector("[data-testid=report-link]").href`)
	b.do("paste", chromedp.Click(chromedp.CSS(`[data-testid=draw-clear]`)), chromedp.SendKeys(chromedp.CSS(`[data-testid=coords-input]`), pasted),
		chromedp.Click(chromedp.CSS(`[data-testid=submit]`)))
	b.wait("pasted checked", `(document.querySelector("[data-testid=report-link]") || {}).href && document.querySelector("[data-testid=report-link]").href !== `+jsString(before))
	if v := evalJS[string](b, "verdict", `document.querySelector("[data-testid=verdict]").dataset.verdict`); v != pastedAPI.Verdict || pastedAPI.Verdict == "" {
		t.Errorf("pasted coordinates: data-verdict %q, the API says %q", v, pastedAPI.Verdict)
	}
	if rows := evalJS[[]string](b, "rows", `[...document.querySelectorAll("[data-testid=intersection-row]")].map(r => r.dataset.layer + "/" + r.dataset.zoneId)`); !slices.Contains(rows, "basins/CJ-10") {
		t.Errorf("pasted coordinates: rows %v lack basins/CJ-10", rows)
	}

	// English, and back.
	b.do("english", chromedp.Click(chromedp.CSS(`[data-testid=lang-switch]`)))
	en := evalJS[string](b, "lang", `document.documentElement.lang`)
	title := evalJS[string](b, "verdict text", `document.querySelector("[data-testid=verdict]").textContent`)
	b.do("chinese", chromedp.Click(chromedp.CSS(`[data-testid=lang-switch]`)))
	zh := evalJS[string](b, "lang", `document.documentElement.lang`)
	if !strings.HasPrefix(en, "en") || !strings.HasPrefix(zh, "zh") {
		t.Errorf("lang after one switch %q, after two %q", en, zh)
	}
	if strings.ContainsAny(title, "禁止可准有条件需补充") {
		t.Errorf("English verdict %q still in Chinese", title)
	}

	// A batch of five patches, in English, and its CSV.
	batch := oracleFile(t, shared, dir, "patches.geojson", "FP0001", "FP0002", "FP0003", "FP0011", "FP0012")
	wantCSV := postFile(t, ts.URL+"/v1/locate?format=csv", batch)
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	b.do("batch",
		chromedp.Click(chromedp.CSS(`[data-testid=lang-switch]`)),
		chromedp.Click(chromedp.CSS(`#tab-batch`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=batch-file-input]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=batch-file-input]`), []string{batch}),
		chromedp.Click(chromedp.CSS(`[data-testid=batch-submit]`)))
	b.wait("batch done", `(() => { const p = document.querySelector("[data-testid=batch-progress]"); return p.dataset.total !== "0" && p.dataset.done === p.dataset.total; })()`)
	progress := evalJS[[]string](b, "progress", `(() => { const p = document.querySelector("[data-testid=batch-progress]"); return [p.dataset.done, p.dataset.total]; })()`)
	if progress[0] != "5" || progress[1] != "5" {
		t.Errorf("batch progress %s/%s, want 5/5", progress[0], progress[1])
	}
	b.do("download", chromedp.WaitVisible(chromedp.CSS(`[data-testid=batch-download-csv]`)), chromedp.Click(chromedp.CSS(`[data-testid=batch-download-csv]`)))
	var got []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(filepath.Join(downloads, "redline-batch.csv")); err == nil && len(b) > 0 {
			got = b
			break
		}
	}
	if got == nil {
		b.shot("download")
		t.Fatal("the batch CSV was not downloaded")
	}
	if !bytes.Equal(got, wantCSV) {
		t.Errorf("downloaded CSV differs from /v1/locate's:\n%s\nwant\n%s", got, wantCSV)
	}
	if n := bytes.Count(got, []byte("\n")); n < 6 {
		t.Errorf("CSV has %d lines, want a header and a line per patch at least", n)
	}

	// At 768 px wide the map and the form are both there.
	b.do("tablet", chromedp.EmulateViewport(768, 1024), chromedp.Sleep(300*time.Millisecond))
	if h := evalJS[float64](b, "map height", `document.querySelector("[data-testid=map]").getBoundingClientRect().height`); h < 200 {
		t.Errorf("at 768 px the map is %g px high", h)
	}
	if out := os.Getenv("REDLINE_SCREENSHOT"); out != "" {
		b.do("screenshot", chromedp.EmulateViewport(1280, 800), chromedp.Click(chromedp.CSS(`#tab-check`)), chromedp.Click(chromedp.CSS(`[data-testid=lang-switch]`)))
		evalJS[bool](b, "frame", `document.getElementById("out").scrollIntoView(), window.redlineMap.jumpTo({zoom: window.redlineMap.getZoom() - 5}), true`)
		b.wait("tiles", `window.redlineMap.loaded() && window.redlineMap.areTilesLoaded()`)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err == nil {
			err = os.WriteFile(out, png, 0o644)
		}
		if err != nil {
			t.Errorf("screenshot: %v", err)
		}
	}

	// Every request stayed on the server's origin (or the page's own blobs);
	// the page's resource timing says the same of what the network log missed.
	seen := evalJS[[]string](b, "resources", `performance.getEntriesByType("resource").map(e => e.name)`)
	// The printable report the link leads to carries its map and an A4 print style.
	b.do("report page", chromedp.Navigate(reportHref), chromedp.WaitVisible(chromedp.CSS(`svg`)))
	if !evalJS[bool](b, "report print", `[...document.styleSheets].some(s => [...s.cssRules].some(r => /size:\s*a4/i.test(r.cssText)))`) {
		t.Error("the printable report has no A4 page style")
	}

	mu.Lock()
	defer mu.Unlock()
	if len(requests) < 10 {
		t.Errorf("only %d requests seen: the network log is not working", len(requests))
	}
	for _, u := range append(requests, seen...) {
		if !strings.HasPrefix(u, ts.URL+"/") && !strings.HasPrefix(u, "blob:"+ts.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("request outside the server: %.120s", u)
		}
	}
	// Nothing was refused by the CSP, failed to load or threw.
	for _, e := range errorsLogged {
		t.Errorf("browser error: %.300s", e)
	}
	if t.Failed() {
		b.shot("end")
		t.Logf("browser console:\n%s", strings.Join(console, "\n"))
	}
}

// browserPage runs the steps of a browser test, leaving a screenshot and the
// console in the log when one fails.
type browserPage struct {
	t    *testing.T
	ctx  context.Context
	logs func() string
}

func (b *browserPage) shot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(artifactsDir(b.t), b.t.Name()+"-"+strings.ReplaceAll(name, " ", "-")+".png")
	if err := os.WriteFile(p, png, 0o644); err == nil {
		b.t.Logf("screenshot: %s", p)
	}
}

func (b *browserPage) fail(name string, err error) {
	b.t.Helper()
	b.shot(name)
	if b.logs != nil {
		b.t.Logf("browser console:\n%s", b.logs())
	}
	b.t.Fatalf("%s: %v", name, err)
}

func (b *browserPage) do(name string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.fail(name, err)
	}
}

// wait polls expr in the page until it is truthy (a minute at most).
func (b *browserPage) wait(name, expr string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[any](expr, chromedp.WithPollingTimeout(time.Minute), chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		b.fail(name, err)
	}
}

func evalJS[T any](b *browserPage, name, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail(name, err)
	}
	return v
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
