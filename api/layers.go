package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/render"
	"github.com/redline-gis/redline/zones"
)

// datasetInfo describes the dataset in service.
type datasetInfo struct {
	Name     string            `json:"name"`
	Version  string            `json:"version"`
	Source   string            `json:"source"`
	LoadedAt time.Time         `json:"loaded_at"`
	LoadMS   float64           `json:"load_ms"`
	Summary  zones.LoadSummary `json:"summary"`
}

// indexed is an Engine that says what indexing made of its dataset
// (zones.Checker): GET /v1/layers and /metrics print its counts.
type indexed interface{ Index() *zones.Index }

// indexOf returns the engine's index, nil when it has none.
func indexOf(l *loaded) *zones.Index {
	if e, ok := l.engine.(indexed); ok {
		return e.Index()
	}
	return nil
}

func datasetInfoOf(l *loaded) datasetInfo {
	ds := l.engine.Dataset()
	sum := ds.Summary
	if idx := indexOf(l); idx != nil {
		sum = idx.Summary()
	}
	sum.Repairs = nil // long; GET /v1/layers/{layer} is not the place either
	return datasetInfo{Name: ds.Name, Version: ds.Version, Source: describeSource(l.source),
		LoadedAt: l.loadedAt, LoadMS: float64(l.took.Microseconds()) / 1000, Summary: sum}
}

func (s *Server) handleLayers(w http.ResponseWriter, r *http.Request) {
	l, err := s.current()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Dataset datasetInfo    `json:"dataset"`
		Layers  []render.Layer `json:"layers"`
	}{Dataset: datasetInfoOf(l), Layers: render.Layers(l.engine.Dataset(), indexOf(l))})
}

// layer finds the {layer} of the path.
func (s *Server) layer(r *http.Request) (*loaded, *zones.Layer, error) {
	l, err := s.current()
	if err != nil {
		return nil, nil, err
	}
	id := chi.URLParam(r, "layer")
	ly := l.engine.Dataset().Layer(id)
	if ly == nil {
		return nil, nil, errorf(http.StatusNotFound, errcode.NotFound, "no layer %q in dataset %q", id, l.engine.Dataset().Name).
			withDetails(map[string]any{"layer": id})
	}
	return l, ly, nil
}

func (s *Server) handleLayer(w http.ResponseWriter, r *http.Request) {
	l, ly, err := s.layer(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, render.LayerOf(l.engine.Dataset(), indexOf(l), ly))
}

// Paging of /zones.
const (
	defaultZoneLimit = 500
	maxZoneLimit     = 5000
)

// handleZones lists a layer's zones as GeoJSON for maps: filtered by bbox,
// simplified by ?simplify= metres, paged by ?limit= and ?offset=.
func (s *Server) handleZones(w http.ResponseWriter, r *http.Request) {
	_, ly, err := s.layer(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	var bbox *orb.Bound
	if v := q.Get("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		bbox = &b
	}
	simplifyM, err := queryFloat(q, "simplify", 0, 0, 100000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	win, err := queryWindow(q, defaultZoneLimit, maxZoneLimit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	withAttrs := q.Get("attributes") == "true"

	var match []*zones.Zone
	for _, z := range ly.Zones {
		if bbox != nil && !bbox.Intersects(z.Bound()) {
			continue
		}
		match = append(match, z)
	}
	fc := geojson.NewFeatureCollection()
	win.offset = min(win.offset, len(match))
	end := min(win.offset+win.limit, len(match))
	for i := win.offset; i < end; i++ {
		z := match[i]
		g := z.Geometry
		if simplifyM > 0 && g != nil {
			// Degrees of latitude; longitude degrees are shorter, so this simplifies
			// a little less than asked east-west, never more.
			g = simplify.DouglasPeucker(simplifyM / 111320).Simplify(orb.Clone(g))
		}
		f := geojson.NewFeature(g)
		f.ID = z.ID
		f.Properties = zoneProperties(ly, z, withAttrs)
		fc.Features = append(fc.Features, f)
	}
	next := win.next(r, len(fc.Features), int64(len(match)))
	b, err := marshalCollection(fc, ly.ID, len(match), win.offset, len(fc.Features), next)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Write(b)
}

// marshalCollection writes the FeatureCollection with the paging members beside
// "features" (geojson.FeatureCollection has its own MarshalJSON, which would drop
// an embedding struct's fields).
func marshalCollection(fc *geojson.FeatureCollection, layer string, total, offset, returned int, next *string) ([]byte, error) {
	fcb, err := fc.MarshalJSON()
	if err != nil {
		return nil, err
	}
	extra, err := json.Marshal(struct {
		Layer    string  `json:"layer"`
		Total    int     `json:"total"`
		Offset   int     `json:"offset"`
		Returned int     `json:"returned"`
		Next     *string `json:"next"`
	}{layer, total, offset, returned, next})
	if err != nil {
		return nil, err
	}
	// {"features":…,"type":"FeatureCollection"} + {"layer":…} → one object.
	out := append(fcb[:len(fcb)-1:len(fcb)-1], ',')
	out = append(out, extra[1:]...)
	return append(out, '\n'), nil
}

func zoneProperties(ly *zones.Layer, z *zones.Zone, withAttrs bool) map[string]any {
	p := map[string]any{"id": z.ID, "name": z.Name, "class": z.Class, "layer": ly.ID, "kind": ly.Kind}
	if withAttrs {
		attrs := z.Attrs()
		if attrs == nil {
			attrs = map[string]any{}
		}
		p["attributes"] = attrs
		if z.Clauses != nil {
			p["clauses"] = z.Clauses
		}
	}
	return p
}

// handleZone answers one zone with its attributes and access-list clauses.
func (s *Server) handleZone(w http.ResponseWriter, r *http.Request) {
	_, ly, err := s.layer(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	i := slices.IndexFunc(ly.Zones, func(z *zones.Zone) bool { return z.ID == id })
	if i < 0 {
		s.writeError(w, r, errorf(http.StatusNotFound, errcode.NotFound, "no zone %q in layer %q", id, ly.ID).
			withDetails(map[string]any{"layer": ly.ID, "zone_id": id}))
		return
	}
	z := ly.Zones[i]
	var g orb.Geometry
	if r.URL.Query().Get("geometry") != "false" {
		g = z.Geometry
	}
	f := geojson.NewFeature(g)
	f.ID = z.ID
	f.Properties = zoneProperties(ly, z, true)
	f.Properties["layer_title"] = ly.Title
	b, err := f.MarshalJSON()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Write(append(b, '\n'))
}

func parseBBox(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	bad := errcode.New(errcode.BadRequest, map[string]any{"field": "bbox"},
		"bbox must be minLon,minLat,maxLon,maxLat in degrees, not %q", v)
	if len(parts) != 4 {
		return orb.Bound{}, bad
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, bad
		}
		f[i] = x
	}
	if f[0] > f[2] || f[1] > f[3] || f[0] < -180 || f[2] > 180 || f[1] < -90 || f[3] > 90 {
		return orb.Bound{}, bad
	}
	return orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}, nil
}

func queryInt(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errcode.New(errcode.BadRequest, map[string]any{"field": name}, "%s must be an integer from %d to %d, not %q", name, lo, hi, v)
	}
	return n, nil
}

func queryFloat(q url.Values, name string, def, lo, hi float64) (float64, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < lo || f > hi {
		return 0, errcode.New(errcode.BadRequest, map[string]any{"field": name}, "%s must be a number from %g to %g, not %q", name, lo, hi, v)
	}
	return f, nil
}

// maxIndustries bounds the rows GET /v1/industries returns: a picker shows a
// screenful, and one letter would otherwise list the whole table.
const maxIndustries = 50

// handleIndustries serves GET /v1/industries?q=: GB/T 4754-2017 codes whose code
// starts with q (either form: "25", "C25") or whose Chinese name contains it, from
// the built-in sections and divisions and the loaded dataset's full table, as
// `redline industries --data` finds them; at most ?limit= rows (50).
func (s *Server) handleIndustries(w http.ResponseWriter, r *http.Request) {
	l, err := s.current()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	limit, err := queryInt(q, "limit", maxIndustries, 1, 1000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	query := strings.TrimSpace(q.Get("q"))
	if query == "" {
		s.writeError(w, r, errcode.New(errcode.BadRequest, map[string]any{"field": "q"},
			"q must name a code prefix (25, C25) or part of a Chinese industry name"))
		return
	}
	found := zones.SearchIndustriesOf(query, l.engine.Dataset())
	total := len(found)
	found = found[:min(limit, total)]
	if found == nil {
		found = []zones.Industry{}
	}
	writeJSON(w, http.StatusOK, struct {
		Query      string           `json:"query"`
		Total      int              `json:"total"`
		Industries []zones.Industry `json:"industries"`
	}{query, total, found})
}
