package api

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// page is the small web page at /: upload or paste a footprint, fill in the
// project, see the report. Chinese first, English beside it; no outside scripts.
// Its project form is drawn from zones' table of facts, so every fact a rule may
// ask for can be given there, in the words the report asks for it.
//
//go:embed page.html
var pageTemplate string

// static holds the page's script and style sheet: served as files, not inline,
// so that the page runs under a Content-Security-Policy without 'unsafe-inline'.
//
//go:embed static
var static embed.FS

var page = mustPage()

// pageFact is one control of the project form.
type pageFact struct {
	Field, Zh, En string
	// AskZh and AskEn are how a reviewer asks for the fact when a rule needs it.
	AskZh, AskEn string
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
		pf := pageFact{Field: f.Field, Zh: f.Label.Zh, En: f.Label.En, AskZh: f.Ask.Zh, AskEn: f.Ask.En, Control: "text"}
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

// servedPage is the page as one server serves it: with its base map, and the
// CSP that lets the browser fetch that base map's tiles and nothing else outside.
type servedPage struct {
	html []byte
	csp  string
}

// basemapMeta is where the page carries the base map URL for the script.
const basemapMeta = `<meta name="redline-basemap" content="">`

// newPage checks the base map URL (http or https, with {z}, {x} and {y}) and
// makes the page and its CSP for it.
func newPage(basemap string) (servedPage, error) {
	if basemap == "" {
		return servedPage{html: page, csp: pageCSP}, nil
	}
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(basemap))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return servedPage{}, fmt.Errorf("api: base map URL %q: want an http or https URL", basemap)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(basemap, p) {
			return servedPage{}, fmt.Errorf("api: base map URL %q lacks %s", basemap, p)
		}
	}
	origin := u.Scheme + "://" + u.Host
	html := bytes.Replace(page, []byte(basemapMeta),
		[]byte(`<meta name="redline-basemap" content="`+template.HTMLEscapeString(basemap)+`">`), 1)
	csp := strings.Replace(pageCSP, "img-src 'self' data:;", "img-src 'self' data: "+origin+"; connect-src 'self' "+origin+";", 1)
	return servedPage{html: html, csp: csp}, nil
}

// handlePage serves the page; the middleware's security headers (a CSP with no
// inline script or style) apply to it as to every answer, widened only by the
// base map's origin when one is configured.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	p := s.page
	if p.html == nil { // a Server not made by New (tests of the handler alone)
		p = servedPage{html: page, csp: pageCSP}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", p.csp)
	w.Write(p.html)
}

// handleFavicon answers the browser's own /favicon.ico with the page's icon (an
// SVG, which browsers take from that name too), rather than a 404 in its console.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	b, err := static.ReadFile("static/favicon.svg")
	if err != nil {
		s.writeError(w, r, errorf(http.StatusNotFound, errcode.NotFound, "no favicon"))
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "max-age=86400")
	w.Write(b)
}

// handleStatic serves a file of the page (/static/page.js, /static/page.css).
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "file")
	b, err := static.ReadFile("static/" + path.Base(name))
	if err != nil || name != path.Base(name) {
		s.writeError(w, r, errorf(http.StatusNotFound, errcode.NotFound, "no static file %q", name))
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}
