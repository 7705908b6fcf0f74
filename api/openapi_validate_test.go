package api

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/redline-gis/redline/internal/testenv"
)

// TestOpenAPIValidates runs @apidevtools/swagger-parser (scripts/openapi-validate,
// installed by `make test`) on both OpenAPI documents: /openapi.json and the
// OGC API's /ogc/api. Without node or the package the test fails when CI is set
// and is skipped, loudly, elsewhere.
func TestOpenAPIValidates(t *testing.T) {
	dir := filepath.Join("..", "scripts", "openapi-validate")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "@apidevtools", "swagger-parser"))
	}
	if err != nil {
		msg := "node or scripts/openapi-validate/node_modules is missing (`make test` installs them): the OpenAPI documents are not validated: " + err.Error()
		testenv.Missing(t, msg)
	}
	h := newHarness(t, nil)
	tmp := t.TempDir()
	main := filepath.Join(tmp, "openapi.json")
	if err := os.WriteFile(main, openAPI, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := h.srv.ogc.Document(httptest.NewRequest("GET", "http://127.0.0.1:8080/ogc/api", nil))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	ogcDoc := filepath.Join(tmp, "ogc-api.json")
	if err := os.WriteFile(ogcDoc, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, filepath.Join(dir, "validate.js"), main, ogcDoc).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("swagger-parser refuses a document: %v\n%s", err, out)
	}
}
