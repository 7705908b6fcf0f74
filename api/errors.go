package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/go-chi/chi/v5"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/jobs"
)

// httpError is an error with the status and code it is answered with.
type httpError struct {
	status  int
	code    errcode.Code
	message string
	details map[string]any
	err     error // the cause, for the log
}

func (e *httpError) Error() string { return e.message }
func (e *httpError) Unwrap() error { return e.err }

func errorf(status int, code errcode.Code, format string, args ...any) *httpError {
	return &httpError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// statusFor maps any error a handler meets to its HTTP status, code, message and
// details: the one place that does (DESIGN.md "Errors").
func statusFor(err error) (status int, code errcode.Code, message string, details map[string]any) {
	var he *httpError
	var ie *errcode.Error
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.status, he.code, he.message, he.details
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge, errcode.PayloadTooLarge,
			fmt.Sprintf("the request body is larger than the limit of %d bytes", mb.Limit), map[string]any{"limit": mb.Limit}
	case errors.As(err, &ie):
		return inputStatus(ie.Code), ie.Code, ie.Message, ie.Details
	case errors.Is(err, os.ErrDeadlineExceeded):
		return http.StatusGatewayTimeout, errcode.Timeout, "the request body did not arrive within the server's time limit", nil
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, errcode.Timeout, "the request took longer than the server's time limit", nil
	case errors.Is(err, store.ErrFull):
		return http.StatusServiceUnavailable, errcode.ArchiveFull,
			"the report archive is full: nothing was archived, and the check is not acknowledged; retry once the operator has made room", nil
	case errors.Is(err, store.ErrUnavailable):
		return http.StatusServiceUnavailable, errcode.ArchiveUnavailable,
			"the report archive does not answer: nothing was archived, and the check is not acknowledged; retry shortly", nil
	case errors.Is(err, jobs.ErrNotFound):
		return http.StatusNotFound, errcode.NotFound, err.Error(), nil
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, errcode.NotFound, err.Error(), nil
	}
	return http.StatusInternalServerError, errcode.Internal, "internal error", nil
}

// inputStatus is the status of each input error code of DESIGN.md.
func inputStatus(code errcode.Code) int {
	switch code {
	case errcode.BadRequest:
		return http.StatusBadRequest
	case errcode.NotFound:
		return http.StatusNotFound
	case errcode.NotReady:
		return http.StatusServiceUnavailable
	case errcode.PayloadTooLarge:
		return http.StatusRequestEntityTooLarge
	case errcode.UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case errcode.Timeout:
		return http.StatusGatewayTimeout
	case errcode.JobNotDone:
		return http.StatusConflict
	case errcode.InvalidGeometry, errcode.EmptyGeometry, errcode.InvalidCoordinates,
		errcode.UnknownCRS, errcode.UnsupportedCRS, errcode.InvalidArchive,
		errcode.UndecodableText, errcode.InvalidProject:
		return http.StatusUnprocessableEntity
	}
	// An input error with a code we do not know is still the client's input.
	return http.StatusUnprocessableEntity
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    errcode.Code   `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

// writeError answers err as JSON; 500s are logged with the request id, and their
// message does not leak internals.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg, details := statusFor(err)
	if details == nil {
		details = map[string]any{}
	}
	rid := requestID(r.Context())
	if status == http.StatusInternalServerError {
		details["request_id"] = rid
		msg = fmt.Sprintf("internal error (request %s)", rid)
		s.logger(r.Context()).LogAttrs(r.Context(), slog.LevelError, "internal error",
			slog.String("path", r.URL.Path), slog.String("error", s.loggable(r.Context(), err)))
	}
	switch status {
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
		if code == errcode.ArchiveFull || code == errcode.ArchiveUnavailable {
			// The cause is the operator's to see, not the client's.
			s.logger(r.Context()).LogAttrs(r.Context(), slog.LevelError, "report archive failed",
				slog.String("code", string(code)), slog.String("error", s.loggable(r.Context(), err)))
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="redline"`)
	}
	route := "unmatched"
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		route = rc.RoutePattern()
	}
	s.metrics.errorCode(code, route)
	writeJSON(w, status, errorBody{errorDetail{Code: code, Message: msg, Details: details}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":{"code":"internal","message":"cannot encode the answer","details":{}}}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
