package ogc

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
)

// The HTML pages: server-rendered, Chinese first, no script and nothing
// fetched from elsewhere, so that a strict Content-Security-Policy holds.
//
//go:embed html.tmpl
var htmlFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"value": func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	},
}).ParseFS(htmlFS, "html.tmpl"))

// writeHTML renders the page named name; a template error is a bug, answered as
// one before anything is written.
func (s *Service) writeHTML(w http.ResponseWriter, r *http.Request, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		s.cfg.WriteError(w, r, fmt.Errorf("ogc: render %s page: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}
