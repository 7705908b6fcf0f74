package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/render/tiles"
)

// tileCacheBytes bounds the vector tiles kept in memory: about a thousand
// tiles of the detailed layers.
const tileCacheBytes = 64 << 20

// handleTile serves GET /v1/tiles/{layer}/{z}/{x}/{y}.mvt: the layer's zones
// in that tile as a Mapbox Vector Tile (package render/tiles), gzipped when the
// client takes it. The ETag names the dataset generation and the tile, so a
// browser revalidates cheaply and never keeps a tile across a reload.
func (s *Server) handleTile(w http.ResponseWriter, r *http.Request) {
	l, ly, err := s.layer(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := tiles.Parse(chi.URLParam(r, "z"), chi.URLParam(r, "x"), chi.URLParam(r, "y"))
	if err != nil {
		s.writeError(w, r, errorf(http.StatusBadRequest, errcode.BadRequest, "tile of layer %s: %s", ly.ID,
			strings.TrimPrefix(err.Error(), tiles.ErrBadTile.Error()+": ")).
			withDetails(map[string]any{"layer": ly.ID, "z": chi.URLParam(r, "z"), "x": chi.URLParam(r, "x"), "y": chi.URLParam(r, "y")}))
		return
	}
	idx := indexOf(l)
	if idx == nil {
		s.writeError(w, r, errorf(http.StatusServiceUnavailable, errcode.NotReady, "the dataset in service has no index to cut tiles from"))
		return
	}
	etag := `"` + l.gen + "-" + ly.ID + "-" + strconv.Itoa(int(t.Z)) + "-" + strconv.Itoa(int(t.X)) + "-" + strconv.Itoa(int(t.Y)) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "max-age=60, must-revalidate")
	h.Add("Vary", "Accept-Encoding")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	gz, err := s.tiler.Tile(l.gen, idx, ly, t)
	if err != nil {
		s.writeError(w, r, errorf(http.StatusInternalServerError, errcode.Internal, "cut tile %d/%d/%d of layer %s: %v", t.Z, t.X, t.Y, ly.ID, err))
		return
	}
	h.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(gz)))
		w.Write(gz)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		s.writeError(w, r, errorf(http.StatusInternalServerError, errcode.Internal, "unzip tile %d/%d/%d of layer %s: %v", t.Z, t.X, t.Y, ly.ID, err))
		return
	}
	io.Copy(w, zr)
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip (and
// does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
