// Package errcode is the one set of error codes of DESIGN.md ("Errors") and the
// error type that carries one. It is a leaf: readers, the domain, the intake and
// the adapters import it; only the HTTP adapter maps a code to a status.
package errcode

import (
	"errors"
	"fmt"
)

// Code is an error code of DESIGN.md. Its string is what the API, the CLI and
// batch error lines print.
type Code string

// The codes. Input codes describe what the caller sent; the others describe the
// service's state.
const (
	BadRequest         Code = "bad_request"
	InvalidGeometry    Code = "invalid_geometry"
	EmptyGeometry      Code = "empty_geometry"
	InvalidCoordinates Code = "invalid_coordinates"
	UnknownCRS         Code = "unknown_crs"
	UnsupportedCRS     Code = "unsupported_crs"
	InvalidArchive     Code = "invalid_archive"
	UndecodableText    Code = "undecodable_text"
	InvalidProject     Code = "invalid_project"
	UnsupportedMedia   Code = "unsupported_media_type"
	PayloadTooLarge    Code = "payload_too_large"
	Timeout            Code = "timeout"

	Unauthorized     Code = "unauthorized"
	Forbidden        Code = "forbidden"
	NotFound         Code = "not_found"
	MethodNotAllowed Code = "method_not_allowed"
	TooManyRequests  Code = "too_many_requests"
	NotReady         Code = "not_ready"
	// ArchiveUnavailable: the report archive cannot be reached (503, retry);
	// ArchiveFull: its disk is full (503; the operator must make room).
	ArchiveUnavailable Code = "archive_unavailable"
	ArchiveFull        Code = "archive_full"
	InvalidDataset     Code = "invalid_dataset"
	Internal           Code = "internal"
	// JobNotDone: a job's result was asked for before the job was done.
	JobNotDone Code = "job_not_done"
)

// Error is a refusal with a code, a message naming what and where, and the
// position in Details (feature, ring, vertex, line, field). Err is an optional
// cause, for logs and errors.Is.
type Error struct {
	Code    Code
	Message string
	Details map[string]any
	Err     error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with the given code and formatted message.
func New(code Code, details map[string]any, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Details: details}
}

// As returns the Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Of returns the code of the Error in err's chain, or "" when there is none.
func Of(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return ""
}
