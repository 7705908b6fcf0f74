// Package api is redline's HTTP service: routes, request and response types, the
// mapping of errors to statuses, the web page, and which rendering of a report a
// request asks for (?format=, Accept, ?lang=, Accept-Language); the renderings
// themselves are package render's, shared with the CLI.
//
// Routes (openapi.json documents each; a test holds the two together):
//
//	GET  /                               web page: upload or paste a footprint, see the report
//	GET  /healthz, /readyz               up; a dataset is in service (and the archive answers)
//	GET  /metrics                        Prometheus text format
//	GET  /openapi.json                   the OpenAPI 3 document
//	POST /v1/check                       the report (JSON envelope, multipart upload, or a bare file)
//	POST /v1/locate                      batch, streamed as NDJSON, CSV or GeoJSON in input order
//	GET  /v1/layers[/{layer}]            layers, classes, counts, dataset version
//	GET  /v1/layers/{layer}/zones        zones as GeoJSON for maps: bbox, simplify, paging
//	GET  /v1/layers/{layer}/zones/{id}   one zone with attributes and access-list clauses
//	GET  /v1/reports                     archived reports: datetime, from/to, verdict, industry, dataset_version, project, input_hash; paged
//	GET  /ogc/...                        OGC API – Features over the layers and the archive (package api/ogc)
//	GET  /v1/reports/{id}[/input]        an archived report (json, html, geojson), its input as sent
//	GET|POST /v1/admin/reload            reload status; load a dataset and swap it in (bearer token)
//
// The dataset in service is an immutable value behind an atomic pointer: a reload
// builds the new one aside and swaps it in, requests in flight finish on the one
// they started with, and a dataset that fails to load leaves the old one serving.
// Every check is archived (data/store) before it is answered. Errors are
// {"error":{"code","message","details"}} with the codes and statuses of DESIGN.md,
// mapped in one place (statusFor). Checks beyond Config.MaxChecks wait briefly,
// then get 429; each check has a deadline (504 timeout). Logs are slog records
// with the request id, which the X-Request-Id header carries both ways.
package api
