// Package ogc serves the zoning layers in service and the report archive as
// OGC API – Features: Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) and Part 2 (CRS
// by reference), so that QGIS, ArcGIS Pro and GDAL's OAPIF driver read them as
// they read any feature service.
//
// One collection per layer of the dataset (its id is the manifest's layer id) and
// one, "reports", for the archive. Coordinates are stored as CGCS2000 lon/lat
// (taken as identical to WGS 84, so CRS84 is served as stored); crs= and
// bbox-crs= convert with the project's own transforms (geo/crs), in the axis
// order the EPSG register gives each CRS. A zone meets a bbox when its geometry
// does, boundary included (planar.MeetsBound); a report when its footprint's
// bounding box does.
//
// The package reads the dataset through Config.Current on every request, so a
// reload changes what it serves at once, and writes item pages one feature at a
// time. It knows nothing of HTTP statuses: errors are errcode values that the
// caller's Config.WriteError answers.
package ogc

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// Config wires a Service to the server that mounts it.
type Config struct {
	// Current returns the dataset in service and its index (nil when the engine
	// has none), or the error to answer when none is loaded.
	Current func() (*zones.Dataset, *zones.Index, error)
	// Store is the report archive; nil leaves out the "reports" collection.
	Store *store.Store
	// WriteError answers an error (errcode values for the client's mistakes).
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
	// Prefix is the path the service is mounted at ("/ogc").
	Prefix string
	// Now gives timeStamp; nil means time.Now.
	Now func() time.Time
}

// Service is the OGC API. It holds no state but a cache of the dataset's
// extents, rebuilt when the dataset in service changes.
type Service struct {
	cfg  Config
	meta atomic.Pointer[datasetMeta]
}

// New returns the service; mount its Routes at cfg.Prefix.
func New(cfg Config) *Service {
	if cfg.Prefix == "" {
		cfg.Prefix = "/ogc"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

// Routes registers the API's routes on r (a router mounted at Config.Prefix).
func (s *Service) Routes(r chi.Router) {
	r.Get("/", s.handleLanding)
	r.Get("/conformance", s.handleConformance)
	r.Get("/api", s.handleAPI)
	r.Get("/collections", s.handleCollections)
	r.Get("/collections/{collectionId}", s.handleCollection)
	r.Get("/collections/{collectionId}/items", s.handleItems)
	r.Get("/collections/{collectionId}/items/{featureId}", s.handleItem)
}

// The conformance classes this service implements.
var conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
}

// datasetMeta is what the collections say of one dataset, computed once.
type datasetMeta struct {
	ds      *zones.Dataset
	extents map[string]orb.Bound // by layer id
	all     orb.Bound
	crss    []refCRS
}

// dataset returns the dataset in service with its metadata.
func (s *Service) dataset() (*zones.Dataset, *zones.Index, *datasetMeta, error) {
	ds, idx, err := s.cfg.Current()
	if err != nil {
		return nil, nil, nil, err
	}
	if m := s.meta.Load(); m != nil && m.ds == ds {
		return ds, idx, m, nil
	}
	m := &datasetMeta{ds: ds, extents: map[string]orb.Bound{}}
	first := true
	for _, ly := range ds.Layers {
		var b orb.Bound
		has := false // a zone without geometry must not pull the extent to (0, 0)
		for _, z := range ly.Zones {
			if z.Geometry == nil {
				continue
			}
			if zb := z.Bound(); has {
				b = b.Union(zb)
			} else {
				b, has = zb, true
			}
		}
		m.extents[ly.ID] = b
		if has {
			if first {
				m.all, first = b, false
			} else {
				m.all = m.all.Union(b)
			}
		}
	}
	m.crss = crsList(m.all)
	s.meta.Store(m)
	return ds, idx, m, nil
}

// Media types.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaHTML    = "text/html"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// wantHTML says whether the request asks for HTML: f=html, or no f and an Accept
// header that prefers text/html to any JSON type (browsers; GDAL and QGIS ask
// for JSON).
func wantHTML(r *http.Request) (bool, error) {
	switch f := r.URL.Query().Get("f"); f {
	case "html":
		return true, nil
	case "json", "geojson":
		return false, nil
	case "":
	default:
		return false, badParam("f", f, `f must be "json" or "html", not "`+f+`"`)
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			} else {
				q = 0
			}
		}
		if q > bestQ && (mt == mediaHTML || strings.HasSuffix(mt, "json")) {
			best, bestQ = mt, q
		}
	}
	return best == mediaHTML, nil
}

// plain reads the parameters of a resource that takes only f; false when it
// has answered a bad one.
func (s *Service) plain(w http.ResponseWriter, r *http.Request) (html, ok bool) {
	html, err := wantHTML(r)
	if err == nil {
		err = onlyParams(r, "f")
	}
	if err != nil {
		s.cfg.WriteError(w, r, err)
		return false, false
	}
	return html, true
}

// link is an OGC API link object.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// base is the service's absolute URL for r: links must work for a client that
// fetched a page from elsewhere (GDAL follows next links as given).
func (s *Service) base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host + s.cfg.Prefix
}

// withQuery returns u with q as its query, "f" set to format.
func withQuery(u string, q url.Values, format string) string {
	v := url.Values{}
	for k, vals := range q {
		v[k] = vals
	}
	if format != "" {
		v.Set("f", format)
	}
	if len(v) == 0 {
		return u
	}
	return u + "?" + v.Encode()
}

// selfLinks are the self and alternate links of a page at u.
func selfLinks(u string, q url.Values, jsonType string, html bool) []link {
	j := link{Href: withQuery(u, q, "json"), Type: jsonType, Title: "JSON"}
	h := link{Href: withQuery(u, q, "html"), Type: mediaHTML, Title: "HTML 网页"}
	if html {
		h.Rel, j.Rel = "self", "alternate"
		return []link{h, j}
	}
	j.Rel, h.Rel = "self", "alternate"
	return []link{j, h}
}

func writeJSON(w http.ResponseWriter, mediaType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", mediaType)
	w.Write(append(b, '\n'))
}

// badParam is the 400 answer to a query parameter a client got wrong.
func badParam(name, value, msg string) error {
	return errcode.New(errcode.BadRequest, map[string]any{"parameter": name, "value": value}, "%s", msg)
}

// notFound is the 404 answer.
func notFound(details map[string]any, format string, args ...any) error {
	return errcode.New(errcode.NotFound, details, format, args...)
}
