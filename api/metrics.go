package api

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/zones"
)

// metrics are counted by hand and written in the Prometheus text format.
type metrics struct {
	inFlight atomic.Int64

	mu        sync.Mutex
	requests  map[requestKey]uint64
	latency   map[string]*histogram // by route
	checks    map[string]uint64     // by verdict
	errors    map[string]uint64     // answers by error code
	reloads   map[string]uint64     // by result
	features  uint64                // batch features located
	archived  uint64                // reports saved
	dsName    string
	dsVersion string
	dsZones   map[string]int // by layer
	loadSecs  float64
	loadedAt  time.Time
}

type requestKey struct {
	route, method string
	code          int
}

// Latency buckets in seconds.
var buckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{
		requests: map[requestKey]uint64{},
		latency:  map[string]*histogram{},
		checks:   map[string]uint64{},
		errors:   map[string]uint64{},
		reloads:  map[string]uint64{},
		dsZones:  map[string]int{},
	}
}

func (m *metrics) request(route, method string, code int, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{route, method, code}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.latency[route] = h
	}
	secs := took.Seconds()
	for i, b := range buckets {
		if secs <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += secs
	h.n++
}

func (m *metrics) check(v zones.Verdict) {
	m.mu.Lock()
	m.checks[string(v)]++
	m.mu.Unlock()
}

func (m *metrics) errorCode(code errcode.Code) {
	m.mu.Lock()
	m.errors[string(code)]++
	m.mu.Unlock()
}

func (m *metrics) reload(result string) {
	m.mu.Lock()
	m.reloads[result]++
	m.mu.Unlock()
}

func (m *metrics) located(n int) {
	m.mu.Lock()
	m.features += uint64(n)
	m.mu.Unlock()
}

func (m *metrics) saved() {
	m.mu.Lock()
	m.archived++
	m.mu.Unlock()
}

func (m *metrics) datasetLoaded(ds *zones.Dataset, took time.Duration, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dsName, m.dsVersion = ds.Name, ds.Version
	m.dsZones = map[string]int{}
	for _, l := range ds.Layers {
		m.dsZones[l.ID] = len(l.Zones)
	}
	m.loadSecs = took.Seconds()
	m.loadedAt = at
}

// labelEscaper escapes label values for the text format; built once, it is safe
// for concurrent use.
var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

// label escapes a label value for the text format.
func label(v string) string { return labelEscaper.Replace(v) }

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func sortedKeysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// write writes every metric in the Prometheus text exposition format 0.0.4; ix,
// the index in service (nil when the engine has none), gives its counts.
func (m *metrics) write(w io.Writer, ix *zones.Index) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }

	p("# HELP redline_http_requests_total HTTP requests answered, by route pattern, method and status.\n")
	p("# TYPE redline_http_requests_total counter\n")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		if c := strings.Compare(a.method, b.method); c != 0 {
			return c
		}
		return a.code - b.code
	})
	for _, k := range keys {
		p("redline_http_requests_total{route=\"%s\",method=\"%s\",code=\"%d\"} %d\n", label(k.route), k.method, k.code, m.requests[k])
	}

	p("# HELP redline_http_request_duration_seconds Time to answer HTTP requests, by route pattern.\n")
	p("# TYPE redline_http_request_duration_seconds histogram\n")
	for _, route := range sortedKeysOf(m.latency) {
		h := m.latency[route]
		var cum uint64
		for i, b := range buckets {
			cum += h.counts[i]
			p("redline_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %d\n", label(route), fmtFloat(b), cum)
		}
		p("redline_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %d\n", label(route), h.n)
		p("redline_http_request_duration_seconds_sum{route=\"%s\"} %s\n", label(route), fmtFloat(h.sum))
		p("redline_http_request_duration_seconds_count{route=\"%s\"} %d\n", label(route), h.n)
	}

	p("# HELP redline_http_in_flight HTTP requests being answered.\n# TYPE redline_http_in_flight gauge\n")
	p("redline_http_in_flight %d\n", m.inFlight.Load())

	p("# HELP redline_http_errors_total Error answers, by error code.\n# TYPE redline_http_errors_total counter\n")
	for _, c := range sortedKeysOf(m.errors) {
		p("redline_http_errors_total{code=\"%s\"} %d\n", label(c), m.errors[c])
	}

	p("# HELP redline_checks_total Checks answered, by overall verdict.\n# TYPE redline_checks_total counter\n")
	for _, v := range sortedKeysOf(m.checks) {
		p("redline_checks_total{verdict=\"%s\"} %d\n", label(v), m.checks[v])
	}
	p("# HELP redline_reports_archived_total Reports saved to the archive.\n# TYPE redline_reports_archived_total counter\n")
	p("redline_reports_archived_total %d\n", m.archived)
	p("# HELP redline_locate_features_total Batch features answered.\n# TYPE redline_locate_features_total counter\n")
	p("redline_locate_features_total %d\n", m.features)

	p("# HELP redline_dataset_info The dataset in service.\n# TYPE redline_dataset_info gauge\n")
	if m.dsName != "" || m.dsVersion != "" {
		p("redline_dataset_info{name=\"%s\",version=\"%s\"} 1\n", label(m.dsName), label(m.dsVersion))
	}
	p("# HELP redline_dataset_zones Zones in service, by layer.\n# TYPE redline_dataset_zones gauge\n")
	for _, l := range sortedKeysOf(m.dsZones) {
		p("redline_dataset_zones{layer=\"%s\"} %d\n", label(l), m.dsZones[l])
	}
	if ix != nil {
		ds := ix.Dataset()
		p("# HELP redline_dataset_pieces Index pieces (subdivided, prepared parts of zones) in service, by layer.\n# TYPE redline_dataset_pieces gauge\n")
		for _, l := range ds.Layers {
			p("redline_dataset_pieces{layer=\"%s\"} %d\n", label(l.ID), ix.LayerStats(l.ID).Pieces)
		}
		p("# HELP redline_dataset_vertices Zone vertices in service, by layer.\n# TYPE redline_dataset_vertices gauge\n")
		for _, l := range ds.Layers {
			p("redline_dataset_vertices{layer=\"%s\"} %d\n", label(l.ID), ix.LayerStats(l.ID).Vertices)
		}
	}
	p("# HELP redline_dataset_load_seconds Time the dataset in service took to load and index.\n# TYPE redline_dataset_load_seconds gauge\n")
	p("redline_dataset_load_seconds %s\n", fmtFloat(m.loadSecs))
	p("# HELP redline_dataset_loaded_timestamp_seconds When the dataset in service was swapped in.\n# TYPE redline_dataset_loaded_timestamp_seconds gauge\n")
	if !m.loadedAt.IsZero() {
		p("redline_dataset_loaded_timestamp_seconds %d\n", m.loadedAt.Unix())
	}
	p("# HELP redline_dataset_reloads_total Dataset loads, by result.\n# TYPE redline_dataset_reloads_total counter\n")
	for _, r := range sortedKeysOf(m.reloads) {
		p("redline_dataset_reloads_total{result=\"%s\"} %d\n", label(r), m.reloads[r])
	}
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var ix *zones.Index
	if l := s.cur.Load(); l != nil {
		ix = indexOf(l)
	}
	s.metrics.write(w, ix)
}
