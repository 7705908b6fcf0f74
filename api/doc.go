// Package api is redline's HTTP service: routes, request and response types, the
// mapping of errors to statuses, the web page, and report rendering.
package api
