package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

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
