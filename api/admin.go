package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/redline-gis/redline/errcode"
)

// reloadRequest is the optional body of POST /v1/admin/reload.
type reloadRequest struct {
	// Data is a dataset directory on the server; "" reloads the one in service.
	Data string `json:"data"`
}

// handleReloadStart loads the dataset again (or another directory) in the
// background and swaps it in. With ?wait=true it answers when the load is done:
// 200 with the new status, or 422 invalid_dataset with the load error (the old
// dataset stays in service). Without, it answers 202 at once; GET tells how it went.
func (s *Server) handleReloadStart(w http.ResponseWriter, r *http.Request) {
	var req reloadRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			s.writeError(w, r, errcode.New(errcode.BadRequest, nil, "reload request: %v", err))
			return
		}
	}
	if v := r.URL.Query().Get("data"); v != "" {
		req.Data = v
	}
	if req.Data != "" {
		dir, err := confine(s.cfg.DataRoot, req.Data)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		req.Data = dir
	}
	if r.URL.Query().Get("wait") == "true" {
		st, err := s.reloadAnnounced(r.Context(), req.Data)
		if err != nil {
			if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
				return
			}
			s.writeError(w, r, errorf(http.StatusUnprocessableEntity, errcode.InvalidDataset, "%v", err).
				withDetails(map[string]any{"source": describeSource(st.Source), "state": st.State}))
			return
		}
		writeJSON(w, http.StatusOK, st)
		return
	}
	// The load outlives the request; it is bounded by the loader itself.
	s.bg.Go(func() { s.reloadAnnounced(context.WithoutCancel(r.Context()), req.Data) })
	st := s.reload.get()
	writeJSON(w, http.StatusAccepted, struct {
		Accepted bool `json:"accepted"`
		ReloadStatus
	}{true, st})
}

// confine resolves dir (relative to root when not absolute, symbolic links
// followed) and refuses it unless it lies under root: the admin token lets a
// client pick a dataset, not read the server's file system. Without a root, no
// other directory may be named.
func confine(root, dir string) (string, error) {
	refuse := func(format string, args ...any) error {
		return errorf(http.StatusForbidden, errcode.Forbidden, format, args...).withDetails(map[string]any{"field": "data"})
	}
	if root == "" {
		return "", refuse("this server reloads only its own dataset: start it with --data-root to allow others")
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("data root %s: %w", root, err)
	}
	if realRoot, err = filepath.Abs(realRoot); err != nil {
		return "", fmt.Errorf("data root %s: %w", root, err)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(realRoot, dir)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		// Not there (or not readable): said the same way inside and outside the
		// root, so that the answer reveals nothing of what exists elsewhere.
		return "", refuse("data %q is not a dataset directory under the data root", dir)
	}
	rel, err := filepath.Rel(realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", refuse("data %q is not a dataset directory under the data root", dir)
	}
	return real, nil
}

// handleReloadStatus tells how the last load went, and what is in service.
func (s *Server) handleReloadStatus(w http.ResponseWriter, r *http.Request) {
	st := s.reload.get()
	if l := s.cur.Load(); l != nil {
		info := datasetInfoOf(l)
		st.Dataset = &info
	}
	writeJSON(w, http.StatusOK, st)
}

// handleHealth: the process is up.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": s.cfg.Version})
}

// handleReady: a dataset is in service (and the archive answers, when there is one).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	l, err := s.current()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.cfg.Store != nil {
		if err := s.cfg.Store.Ping(r.Context()); err != nil {
			s.writeError(w, r, errorf(http.StatusServiceUnavailable, errcode.NotReady, "the report archive does not answer: %v", err))
			return
		}
	}
	body := map[string]any{"status": "ready", "dataset": datasetInfoOf(l)}
	if s.cfg.Replica != nil {
		// Behind the other replicas is still ready: the old dataset serves, and
		// taking the replica out would only move its load onto the others. The
		// body and /metrics (redline_dataset_behind) say it.
		rs := s.cfg.Replica.Status()
		body["replica"] = rs
		if rs.Behind {
			body["status"] = "ready, behind"
		}
	}
	writeJSON(w, http.StatusOK, body)
}
