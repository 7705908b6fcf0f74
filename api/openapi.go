package api

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3 document of every route; openapi_test.go holds it to
// the router, both ways.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}
