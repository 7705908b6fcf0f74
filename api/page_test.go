package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/redline-gis/redline/internal/testenv"
	"github.com/redline-gis/redline/zones"
)

// TestPageForm: the form at / lets a user give every project fact, each type and
// construction, in the report's words; the script is served as written.
func TestPageForm(t *testing.T) {
	rec := httptest.NewRecorder()
	(&Server{}).handlePage(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// The script is a file of its own (see TestPageCSP); its text is checked with the page's.
	js := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/static/page.js", nil)
	rctx := chi.NewRouteContext()
	rctx.URLParams.Add("file", "page.js")
	(&Server{}).handleStatic(js, req.WithContext(context.WithValue(req.Context(), chi.RouteCtxKey, rctx)))
	if js.Code != http.StatusOK {
		t.Fatalf("page.js: %d", js.Code)
	}
	body += js.Body.String()
	for _, f := range zones.Facts {
		if !strings.Contains(body, `data-fact="`+f.Field+`"`) {
			t.Errorf("no control for %s", f.Field)
		}
		if !strings.Contains(body, f.Label.Zh) {
			t.Errorf("no label %q for %s", f.Label.Zh, f.Field)
		}
	}
	for _, typ := range append(append([]string{}, zones.ProjectTypes...), zones.Constructions...) {
		if !strings.Contains(body, `<option value="`+typ+`">`) {
			t.Errorf("no option %s", typ)
		}
	}
	for _, want := range []string{`data-fact="has_outfall" data-control="flag"`, `data-fact="approval_refs" data-control="list"`,
		`data-fact="park_planning_eia" data-control="doc"`, `v.split(/[;；,，\n]+/)`, `"&": "&amp;"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// TestOpenAPIProjectSchema: the Project schema names every fact of zones.Project,
// every project type and every construction.
func TestOpenAPIProjectSchema(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	props := doc.Components.Schemas["Project"].Properties
	for _, f := range zones.Facts {
		if _, ok := props[f.Field]; !ok {
			t.Errorf("Project schema lacks %s", f.Field)
		}
	}
	if !slices.Equal(props["type"].Enum, zones.ProjectTypes) {
		t.Errorf("type enum %v, want %v", props["type"].Enum, zones.ProjectTypes)
	}
	if !slices.Equal(props["construction"].Enum, zones.Constructions) {
		t.Errorf("construction enum %v, want %v", props["construction"].Enum, zones.Constructions)
	}
}

// TestPageBundleCurrent: the committed api/static is what `make web` builds from
// web/src and web/package-lock.json (rebuilt here into a temporary directory).
func TestPageBundleCurrent(t *testing.T) {
	esbuild := filepath.Join("..", "web", "node_modules", ".bin", "esbuild")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(esbuild)
	}
	if err != nil {
		testenv.Missing(t, "node or web/node_modules is missing (make test-tools installs them): the page cannot be rebuilt to compare: "+err.Error())
	}
	out := t.TempDir()
	cmd := exec.Command(node, "build.mjs")
	cmd.Dir = filepath.Join("..", "web")
	cmd.Env = append(os.Environ(), "REDLINE_WEB_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node build.mjs: %v\n%s", err, b)
	}
	built, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := static.ReadDir("static")
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != len(committed) || len(built) < 4 {
		t.Errorf("make web builds %d files, api/static holds %d", len(built), len(committed))
	}
	for _, e := range built {
		want, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := static.ReadFile("static/" + e.Name())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("api/static/%s is not what make web builds from web/ (run make web and commit)", e.Name())
		}
	}
}

// TestPageBasemap: a base map URL reaches the page's script through its meta tag,
// and its origin alone is added to the page's CSP (images and fetches); the other
// answers keep the strict policy; a URL without {z}/{x}/{y} or not http(s) is
// refused at start.
func TestPageBasemap(t *testing.T) {
	load := func(context.Context, string) (Engine, error) { return nil, nil }
	const bm = "https://tiles.example.cn/vec_w/{z}/{x}/{y}.png?tk=K&style=1"
	srv, err := New(Config{Load: load, BasemapURL: bm})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data: https://tiles.example.cn;") || !strings.Contains(csp, "connect-src 'self' https://tiles.example.cn;") ||
		!strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
		t.Errorf("page CSP with a base map: %q", csp)
	}
	if !strings.Contains(rec.Body.String(), `<meta name="redline-basemap" content="https://tiles.example.cn/vec_w/{z}/{x}/{y}.png?tk=K&amp;style=1">`) {
		t.Error("the page does not carry the base map URL")
	}
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if got := rec.Header().Get("Content-Security-Policy"); got != pageCSP {
		t.Errorf("other answers' CSP %q, want the strict %q", got, pageCSP)
	}

	plain, err := New(Config{Load: load})
	if err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	plain.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Get("Content-Security-Policy"); got != pageCSP || !strings.Contains(rec.Body.String(), basemapMeta) {
		t.Errorf("without a base map: CSP %q", got)
	}

	for _, bad := range []string{"https://tiles.example.cn/{z}/{x}.png", "ftp://tiles.example.cn/{z}/{x}/{y}.png", "/tiles/{z}/{x}/{y}.png"} {
		if _, err := New(Config{Load: load, BasemapURL: bad}); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("base map %q: error %v, want one naming it", bad, err)
		}
	}
}
