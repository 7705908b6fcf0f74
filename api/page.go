package api

import (
	_ "embed"
	"net/http"
)

// page is the small web page at /: upload or paste a footprint, fill in the
// project, see the report. Chinese first, English beside it; no outside scripts.
//
//go:embed page.html
var page []byte

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:")
	w.Write(page)
}
