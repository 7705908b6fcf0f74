package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/replica"
	"github.com/redline-gis/redline/zones"
)

// metrics are registered on a registry of the server's own, not the global one:
// two servers in one process (tests) must not share or clash over counters.
type metrics struct {
	reg *prometheus.Registry

	inFlight        prometheus.Gauge
	requests        *prometheus.CounterVec   // route, method, code
	latency         *prometheus.HistogramVec // route
	errors          *prometheus.CounterVec   // error code
	rejected        *prometheus.CounterVec   // route: 429s
	checks          *prometheus.CounterVec   // verdict
	archived        prometheus.Counter
	archiveFailures prometheus.Counter
	archiveLatency  prometheus.Histogram
	features        prometheus.Counter
	dsInfo          *prometheus.GaugeVec // name, version
	dsZones         *prometheus.GaugeVec // layer
	loadSecs        prometheus.Gauge
	loadedAt        prometheus.Gauge
	reloads         *prometheus.CounterVec // result

	series sync.Map // seriesKey → *series
}

// Latency buckets in seconds: sub-millisecond point checks up to minute-long batches.
var buckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// newMetrics registers every metric; ix gives the index in service at scrape
// time (nil when none is loaded), for the per-layer piece and vertex counts.
func newMetrics(ix func() *zones.Index, rep Replica) *metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &metrics{reg: reg}
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "redline_http_in_flight", Help: "HTTP requests being answered."})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redline_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "redline_http_request_duration_seconds",
		Help: "Time to answer HTTP requests, by route pattern.", Buckets: buckets}, []string{"route"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redline_http_errors_total",
		Help: "Error answers, by error code."}, []string{"code"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redline_http_rejected_total",
		Help: "Requests refused with 429 because the server was at its concurrency limit, by route pattern."}, []string{"route"})
	m.checks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redline_checks_total",
		Help: "Checks answered, by overall verdict."}, []string{"verdict"})
	m.archived = prometheus.NewCounter(prometheus.CounterOpts{Name: "redline_reports_archived_total", Help: "Reports saved to the archive."})
	m.archiveFailures = prometheus.NewCounter(prometheus.CounterOpts{Name: "redline_archive_failures_total",
		Help: "Reports the archive failed to save (the check was answered with an error)."})
	m.archiveLatency = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "redline_archive_write_duration_seconds",
		Help: "Time to save one report to the archive (committed), successful or not.", Buckets: buckets})
	m.features = prometheus.NewCounter(prometheus.CounterOpts{Name: "redline_locate_features_total",
		Help: "Batch features answered; its rate is the locate throughput in features/s."})
	m.dsInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "redline_dataset_info", Help: "The dataset in service."}, []string{"name", "version"})
	m.dsZones = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "redline_dataset_zones", Help: "Zones in service, by layer."}, []string{"layer"})
	m.loadSecs = prometheus.NewGauge(prometheus.GaugeOpts{Name: "redline_dataset_load_seconds",
		Help: "Time the dataset in service took to load and index."})
	m.loadedAt = prometheus.NewGauge(prometheus.GaugeOpts{Name: "redline_dataset_loaded_timestamp_seconds",
		Help: "When the dataset in service was swapped in."})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "redline_dataset_reloads_total",
		Help: "Dataset loads, by result (ok, failed)."}, []string{"result"})
	for _, c := range []prometheus.Collector{m.inFlight, m.requests, m.latency, m.errors, m.rejected, m.checks,
		m.archived, m.archiveFailures, m.archiveLatency, m.features, m.dsInfo, m.dsZones, m.loadSecs, m.loadedAt, m.reloads} {
		f(c)
	}
	// Both result series exist from the start, so that an alert on failures has a
	// series to watch before the first failure.
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("failed")
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f(&indexCollector{index: ix})
	// How this replica stands among the others: 0 and 0 for a server alone.
	status := func() replica.Status {
		if rep == nil {
			return replica.Status{}
		}
		return rep.Status()
	}
	f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "redline_dataset_behind",
		Help: "1 while this replica serves an older dataset than the newest another replica announced, because it could not load it."},
		func() float64 {
			if status().Behind {
				return 1
			}
			return 0
		}))
	f(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "redline_dataset_generation",
		Help: "The announcement (generation) of the dataset in service; replicas agreeing serve the same."},
		func() float64 { return float64(status().Applied) }))
	f(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "redline_dataset_sync_failures_total",
		Help: "Loads of a dataset another replica announced that failed here."},
		func() float64 { return float64(status().Failures) }))
	return m
}

func (m *metrics) request(route, method string, code int, took time.Duration) {
	k := seriesKey{route, method, code}
	v, ok := m.series.Load(k)
	if !ok {
		// Routes are patterns and methods and codes few: the series are bounded.
		v, _ = m.series.LoadOrStore(k, &series{
			requests: m.requests.WithLabelValues(route, method, strconv.Itoa(code)),
			latency:  m.latency.WithLabelValues(route),
		})
	}
	sr := v.(*series)
	sr.requests.Inc()
	sr.latency.Observe(took.Seconds())
}

// seriesKey names the request series of one answer; series holds them, so that
// an answer does not hash its labels into the vectors again (a few hundred
// nanoseconds and allocations a request).
type seriesKey struct {
	route, method string
	code          int
}

type series struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

func (m *metrics) check(v zones.Verdict) { m.checks.WithLabelValues(string(v)).Inc() }

func (m *metrics) errorCode(code errcode.Code, route string) {
	m.errors.WithLabelValues(string(code)).Inc()
	if code == errcode.TooManyRequests {
		m.rejected.WithLabelValues(route).Inc()
	}
}

func (m *metrics) reload(result string) { m.reloads.WithLabelValues(result).Inc() }

func (m *metrics) located(n int) { m.features.Add(float64(n)) }

// archiveWrite records one archive write and how it went.
func (m *metrics) archiveWrite(took time.Duration, err error) {
	m.archiveLatency.Observe(took.Seconds())
	if err != nil {
		m.archiveFailures.Inc()
		return
	}
	m.archived.Inc()
}

func (m *metrics) datasetLoaded(ds *zones.Dataset, took time.Duration, at time.Time) {
	m.dsInfo.Reset()
	m.dsInfo.WithLabelValues(ds.Name, ds.Version).Set(1)
	m.dsZones.Reset()
	for _, l := range ds.Layers {
		m.dsZones.WithLabelValues(l.ID).Set(float64(len(l.Zones)))
	}
	m.loadSecs.Set(took.Seconds())
	m.loadedAt.Set(float64(at.Unix()))
}

// indexCollector reports the index in service at scrape time: a reload swaps the
// index, and the counts must follow it without the loader knowing of metrics.
type indexCollector struct{ index func() *zones.Index }

var (
	piecesDesc = prometheus.NewDesc("redline_dataset_pieces",
		"Index pieces (subdivided, prepared parts of zones) in service, by layer.", []string{"layer"}, nil)
	verticesDesc = prometheus.NewDesc("redline_dataset_vertices", "Zone vertices in service, by layer.", []string{"layer"}, nil)
)

func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) { ch <- piecesDesc; ch <- verticesDesc }

func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	ix := c.index()
	if ix == nil {
		return
	}
	for _, l := range ix.Dataset().Layers {
		st := ix.LayerStats(l.ID)
		ch <- prometheus.MustNewConstMetric(piecesDesc, prometheus.GaugeValue, float64(st.Pieces), l.ID)
		ch <- prometheus.MustNewConstMetric(verticesDesc, prometheus.GaugeValue, float64(st.Vertices), l.ID)
	}
}

// handler serves the registry in the Prometheus text (or OpenMetrics) format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	s.metricsHandler.ServeHTTP(w, r)
}
