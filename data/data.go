// Package data is redline's contact with the outside world: dataset manifests and
// their layers, format readers, the embedded demo dataset, and the report store.
package data
