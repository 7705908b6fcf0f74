package api

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"reflect"

	"github.com/redline-gis/redline/zones"
)

// page is the small web page at /: upload or paste a footprint, fill in the
// project, see the report. Chinese first, English beside it; no outside scripts.
// Its project form is drawn from zones' table of facts, so every fact a rule may
// ask for can be given there, in the words the report asks for it.
//
//go:embed page.html
var pageTemplate string

var page = mustPage()

// pageFact is one control of the project form.
type pageFact struct {
	Field, Zh, En string
	// Control is "text", "flag" (not given / yes / no), "list" (several document
	// numbers), "doc" (a document number, or none), "type" or "construction".
	Control string
	Options []pageOption
}

type pageOption struct{ Value, Zh, En string }

// mustPage fills the form once at start-up: the template and the tables are
// constant, so a failure is a programming mistake every test catches.
func mustPage() []byte {
	var fs []pageFact
	boolType := reflect.TypeOf((*bool)(nil))
	pt := reflect.TypeOf(zones.Project{})
	for _, f := range zones.Facts {
		pf := pageFact{Field: f.Field, Zh: f.Label.Zh, En: f.Label.En, Control: "text"}
		for i := range pt.NumField() {
			if tag := pt.Field(i).Tag.Get("json"); tag == f.Field+",omitempty" && pt.Field(i).Type == boolType {
				pf.Control = "flag"
			}
		}
		switch f.Field {
		case "type":
			pf.Control = "type"
			for _, t := range zones.ProjectTypes {
				l, _ := zones.TypeName(t)
				pf.Options = append(pf.Options, pageOption{t, l.Zh, l.En})
			}
		case "construction":
			pf.Control = "construction"
			for _, c := range zones.Constructions {
				l, _ := zones.ConstructionName(c)
				pf.Options = append(pf.Options, pageOption{c, l.Zh, l.En})
			}
		case "approval_refs":
			pf.Control = "list"
		case "park_planning_eia":
			pf.Control = "doc"
		}
		fs = append(fs, pf)
	}
	t := template.Must(template.New("page").Parse(pageTemplate))
	var buf bytes.Buffer
	if err := t.Execute(&buf, fs); err != nil {
		panic("api: page: " + err.Error())
	}
	return buf.Bytes()
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:")
	w.Write(page)
}
