package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/api/ogc"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/jobs"
	"github.com/redline-gis/redline/render/tiles"
	"github.com/redline-gis/redline/replica"
	"github.com/redline-gis/redline/zones"
)

// Engine answers checks and locates on one loaded dataset: *zones.Checker.
type Engine interface {
	Check(ctx context.Context, fp zones.Footprint, p zones.Project, opts zones.CheckOptions) (*zones.Report, error)
	Locate(ctx context.Context, g orb.Geometry) ([]zones.Hit, error)
	Dataset() *zones.Dataset
}

// Loader loads and indexes the dataset named by source (a directory; "" for the
// embedded demo dataset).
type Loader func(ctx context.Context, source string) (Engine, error)

// Config configures a Server. Zero values take the defaults shown.
type Config struct {
	// Logger receives the request and admin logs; nil discards them.
	Logger *slog.Logger
	// AccessLogger receives the access log's lines below warn (a request's
	// line each; a 5xx's goes to Logger); nil: Logger. redline serve gives it
	// a handler that writes its lines in batches (internal/logsink).
	AccessLogger *slog.Logger
	// Store archives every check; nil leaves checks unarchived and
	// GET /v1/reports/{id} answering 404.
	Store *store.Store
	// Jobs runs durable jobs (/v1/jobs); nil turns the routes off (404).
	Jobs *jobs.Manager
	// Load loads a dataset, at start and on reload.
	Load Loader
	// Source is the dataset the server serves, and reloads when no other is named.
	Source string
	// DataRoot is the directory under which a reload may name another dataset
	// (symbolic links resolved); "" lets a reload load only Source.
	DataRoot string
	// AdminToken enables the admin routes, for clients presenting it as a bearer
	// token; "" turns them off (404).
	AdminToken string
	// ReadToken, when set, is needed (as a bearer token; the admin token also
	// does) by every route under /v1; /, /static, /healthz, /readyz, /metrics and
	// /openapi.json stay open. "": the read routes are open.
	ReadToken string
	// MetricsToken, when set, is needed as a bearer token by /metrics.
	MetricsToken string
	// CORSOrigins are the origins browsers may call from; "*" allows any. Empty: no CORS.
	CORSOrigins []string
	// MaxCheckBody bounds a check's request body (20 MiB).
	MaxCheckBody int64
	// MaxLocateBody bounds a locate's request body (2 GiB).
	MaxLocateBody int64
	// MaxJobBody bounds a job's upload (256 MiB): it is held in memory while it is
	// read and stored with the job.
	MaxJobBody int64
	// MaxVertices bounds a footprint, and each batch feature (1,000,000).
	MaxVertices int
	// MaxFeatures bounds the features of one batch (1,000,000); the batch ends
	// with a payload_too_large record after that many.
	MaxFeatures int
	// CheckTimeout bounds one check (30 s); LocateTimeout one batch (30 min).
	CheckTimeout  time.Duration
	LocateTimeout time.Duration
	// MaxChecks is the number of checks served at once (8×GOMAXPROCS, at least
	// 16); a check beyond waits up to QueueWait (100 ms) for a slot, then gets 429.
	// An archived check gives its slot back once computed, for one of 4×MaxChecks
	// slots of checks waiting for their save (and writing their answer).
	// MaxLocates is the number of batches at once (2); one more gets 429 at once.
	MaxChecks  int
	QueueWait  time.Duration
	MaxLocates int
	// LocateWorkers locate the features of one batch in parallel (GOMAXPROCS).
	LocateWorkers int
	// ReadHeaderTimeout bounds the time a request's headers may take (10 s) and
	// MaxHeaderBytes their size (64 KiB); IdleTimeout a keep-alive connection's
	// wait for its next request (2 min). They apply to HTTPServer.
	ReadHeaderTimeout time.Duration
	MaxHeaderBytes    int
	IdleTimeout       time.Duration
	// ReadTimeout bounds the time the body of a request other than a check or a
	// batch may take (1 min); checks take CheckTimeout, batches LocateTimeout.
	// BodyIdleTimeout bounds the wait for the next bytes of a check's or batch's
	// body (10 s): a trickling upload is cut off well before its total time.
	ReadTimeout     time.Duration
	BodyIdleTimeout time.Duration
	// BasemapURL is a raster tile URL with {z}, {x} and {y} the web page draws
	// under the zoning (e.g. 天地图 with the operator's key); "" draws the zoning
	// on a plain background. Its origin is added to the page's CSP (img-src and
	// connect-src) and to nothing else.
	BasemapURL string
	// Version is the program's version, shown by /healthz.
	Version string
	// Replica, when the server is one of several replicas sharing PostgreSQL,
	// announces an admin reload to the others and says (/readyz, /metrics)
	// whether this one is behind them; nil for a server that stands alone.
	Replica Replica
}

// Replica is a server's link to the other replicas (*replica.Sync).
type Replica interface {
	Announce(ctx context.Context, source, version string) error
	Status() replica.Status
}

func (c *Config) defaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.AccessLogger == nil {
		c.AccessLogger = c.Logger
	}
	if c.MaxCheckBody <= 0 {
		c.MaxCheckBody = 20 << 20
	}
	if c.MaxLocateBody <= 0 {
		c.MaxLocateBody = 2 << 30
	}
	if c.MaxJobBody <= 0 {
		c.MaxJobBody = 256 << 20
	}
	if c.MaxVertices <= 0 {
		c.MaxVertices = 1_000_000
	}
	if c.MaxFeatures <= 0 {
		c.MaxFeatures = 1_000_000
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = 64 << 10
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 2 * time.Minute
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = time.Minute
	}
	if c.BodyIdleTimeout <= 0 {
		c.BodyIdleTimeout = 10 * time.Second
	}
	if c.CheckTimeout <= 0 {
		c.CheckTimeout = 30 * time.Second
	}
	if c.LocateTimeout <= 0 {
		c.LocateTimeout = 30 * time.Minute
	}
	if c.MaxChecks <= 0 {
		c.MaxChecks = max(16, 8*runtime.GOMAXPROCS(0))
	}
	if c.QueueWait == 0 {
		c.QueueWait = 100 * time.Millisecond
	}
	if c.QueueWait < 0 {
		c.QueueWait = 0
	}
	if c.MaxLocates <= 0 {
		c.MaxLocates = 2
	}
	if c.LocateWorkers <= 0 {
		c.LocateWorkers = runtime.GOMAXPROCS(0)
	}
}

// loaded is one dataset in service: swapped in whole, never changed.
type loaded struct {
	engine   Engine
	source   string
	loadedAt time.Time
	took     time.Duration
	// gen names this load: the dataset's version and a count of loads, so that
	// caches keyed by it (the vector tiles) never serve another load's zones,
	// even when a reload keeps the version.
	gen string

	// versionHeader is the X-Redline-Dataset-Version value of every answer,
	// made once (net/http only reads it; see securityHeaders).
	versionHeader []string
}

// Server is redline's HTTP service. Create it with New; it is safe for
// concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	access  *slog.Logger // the access log's lines below warn
	cur     atomic.Pointer[loaded]
	reload  reloader
	metrics *metrics
	// metricsHandler serves metrics' registry.
	metricsHandler http.Handler
	checks         slots // checks in progress
	saves          slots // archived checks waiting for their save (4×MaxChecks)
	locates        slots // batches in progress
	router         chi.Router
	handler        http.Handler
	ogc            *ogc.Service
	tiler          *tiles.Tiler
	page           servedPage
	loads          atomic.Int64   // datasets swapped in so far, for loaded.gen
	bg             sync.WaitGroup // background reloads
	routePatterns  sync.Map       // patternsKey → the route's pattern (routePattern)
}

// Wait waits for background reloads to finish (at shutdown).
func (s *Server) Wait() { s.bg.Wait() }

// New returns a server with no dataset yet: call Load (or Swap) before it is ready.
func New(cfg Config) (*Server, error) {
	cfg.defaults()
	if cfg.Load == nil {
		return nil, errors.New("api: Config.Load is required")
	}
	pg, err := newPage(cfg.BasemapURL)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		access:  cfg.AccessLogger,
		checks:  make(slots, cfg.MaxChecks),
		saves:   make(slots, 4*cfg.MaxChecks),
		locates: make(slots, cfg.MaxLocates),
		tiler:   tiles.New(tileCacheBytes),
		page:    pg,
	}
	s.metrics = newMetrics(func() *zones.Index {
		if l := s.cur.Load(); l != nil {
			return indexOf(l)
		}
		return nil
	}, cfg.Replica)
	s.metricsHandler = s.metrics.handler()
	s.reload.status.State = "idle"
	s.ogc = ogc.New(ogc.Config{Current: s.currentDataset, Store: cfg.Store, WriteError: s.writeError, Prefix: "/ogc"})
	s.router = s.routes()
	s.handler = s.middleware(s.router)
	return s, nil
}

// Handler returns the HTTP handler of every route.
func (s *Server) Handler() http.Handler { return s.handler }

// routes wires every route; openapi_test.go checks them against openapi.json.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(http.StatusNotFound, errcode.NotFound, "no route %s %s", r.Method, r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errorf(http.StatusMethodNotAllowed, errcode.MethodNotAllowed, "method %s is not allowed on %s", r.Method, r.URL.Path))
	})
	r.Get("/", s.handlePage)
	r.Get("/healthz", s.handleHealth)
	r.Get("/readyz", s.handleReady)
	r.Get("/static/{file}", s.handleStatic)
	r.Get("/favicon.ico", s.handleFavicon)
	r.With(s.requireMetrics).Get("/metrics", s.handleMetrics)
	r.Get("/openapi.json", s.handleOpenAPI)
	// Every API answering data sits in this group, behind the read token when one
	// is set.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRead, s.datasetVersion)
		// The check, most of what a server answers, is found here in one
		// lookup: through the /v1 router it cost a second, the mount's
		// wildcard parameter (set on the request as a path value) and the
		// joining of two patterns, ~7 allocations a check. The /v1 router
		// keeps its own, which answers what this one does not take (another
		// method: 405). The route's pattern, which labels the metrics, is the
		// same.
		r.Post("/v1/check", s.handleCheck)
		r.Route("/v1", s.v1Routes)
		// OGC API – Features.
		r.Route("/ogc", s.ogc.Routes)
	})
	return r
}

// v1Routes are the routes of /v1.
func (s *Server) v1Routes(r chi.Router) {
	r.Get("/limits", s.handleLimits)
	r.Post("/check", s.handleCheck)
	r.Post("/locate", s.handleLocate)
	r.Get("/layers", s.handleLayers)
	r.Get("/layers/{layer}", s.handleLayer)
	r.Get("/layers/{layer}/zones", s.handleZones)
	r.Get("/layers/{layer}/zones/{id}", s.handleZone)
	r.Get("/tiles/{layer}/{z}/{x}/{y}.mvt", s.handleTile)
	r.Get("/industries", s.handleIndustries)
	r.Post("/jobs", s.handleJobSubmit)
	r.Get("/jobs", s.handleJobList)
	r.Get("/jobs/{id}", s.handleJob)
	r.Delete("/jobs/{id}", s.handleJobCancel)
	r.Get("/jobs/{id}/result", s.handleJobResult)
	r.Get("/reports", s.handleReportList)
	r.Get("/reports/{id}", s.handleReport)
	r.Get("/reports/{id}/input", s.handleReportInput)
	r.Route("/admin", func(r chi.Router) {
		r.Use(s.requireAdmin)
		r.Post("/reload", s.handleReloadStart)
		r.Get("/reload", s.handleReloadStatus)
	})
}

// current returns the dataset in service, or a 503 not_ready error.
func (s *Server) current() (*loaded, error) {
	l := s.cur.Load()
	if l == nil {
		return nil, errorf(http.StatusServiceUnavailable, errcode.NotReady, "no dataset is loaded yet")
	}
	return l, nil
}

// currentDataset is the dataset in service and its index, for package ogc.
func (s *Server) currentDataset() (*zones.Dataset, *zones.Index, error) {
	l, err := s.current()
	if err != nil {
		return nil, nil, err
	}
	return l.engine.Dataset(), indexOf(l), nil
}

// Swap puts e in service for source; requests in flight finish on the engine they
// started with.
func (s *Server) Swap(e Engine, source string, took time.Duration) {
	gen := e.Dataset().Version + "." + strconv.FormatInt(s.loads.Add(1), 10)
	l := &loaded{engine: e, source: source, loadedAt: time.Now().UTC(), took: took, gen: gen,
		versionHeader: []string{e.Dataset().Version}}
	s.cur.Store(l)
	// The old load's tiles can no longer be asked for: free them now.
	s.tiler.Purge()
	s.metrics.datasetLoaded(e.Dataset(), took, l.loadedAt)
}

// Load loads source (Config.Source when "") with Config.Load and swaps it in. On
// error the dataset in service, if any, stays.
func (s *Server) Load(ctx context.Context, source string) error {
	_, err := s.reload.run(ctx, s, source, s.cfg.Load)
	return err
}

// LoadWith is Load with load in place of Config.Load, for this load only: a
// start that began loading its dataset before making the server (while it
// opened its archive) passes a Loader that waits for that load.
func (s *Server) LoadWith(ctx context.Context, source string, load Loader) error {
	_, err := s.reload.run(ctx, s, source, load)
	return err
}

// Serving returns the source and version in service; ok is false before the
// first load.
func (s *Server) Serving() (source, version string, ok bool) {
	l := s.cur.Load()
	if l == nil {
		return "", "", false
	}
	return l.source, l.engine.Dataset().Version, true
}

// reloadAnnounced is an admin reload: the load, then its announcement to the
// other replicas, which load it too. A load that fails is not announced; an
// announcement that fails leaves this replica serving the new dataset and the
// others the old one until the next reload, and says so.
func (s *Server) reloadAnnounced(ctx context.Context, source string) (ReloadStatus, error) {
	st, err := s.reload.run(ctx, s, source, s.cfg.Load)
	if err != nil || s.cfg.Replica == nil || st.Dataset == nil {
		return st, err
	}
	if aerr := s.cfg.Replica.Announce(ctx, st.Source, st.Dataset.Version); aerr != nil {
		s.logger(ctx).Error("reload not announced to the other replicas", slog.String("error", aerr.Error()))
		s.reload.set(func(rs *ReloadStatus) { rs.AnnounceError = aerr.Error() })
	} else {
		gen := s.cfg.Replica.Status().Generation
		s.reload.set(func(rs *ReloadStatus) { rs.Generation = gen })
	}
	return s.reload.get(), nil
}

// datasetVersion puts the version in service on every answer of the group it
// wraps; a handler that used another (a reload swapped it meanwhile) sets its own.
func (s *Server) datasetVersion(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l := s.cur.Load(); l != nil {
			w.Header()["X-Redline-Dataset-Version"] = l.versionHeader
		}
		next.ServeHTTP(w, r)
	})
}

// reloader serialises loads and remembers how the last one went.
type reloader struct {
	mu      sync.Mutex // held while loading
	smu     sync.Mutex // guards status
	status  ReloadStatus
	pending atomic.Int32
}

// ReloadStatus is the state of the last (or current) dataset load.
type ReloadStatus struct {
	State      string       `json:"state"` // idle | loading | ok | failed
	Source     string       `json:"source"`
	StartedAt  *time.Time   `json:"started_at,omitempty"`
	FinishedAt *time.Time   `json:"finished_at,omitempty"`
	Error      string       `json:"error,omitempty"`
	Dataset    *datasetInfo `json:"dataset,omitempty"` // the dataset in service
	// Generation is the announcement of this load to the other replicas (with
	// Config.Replica); AnnounceError says why it could not be announced.
	Generation    int64  `json:"generation,omitempty"`
	AnnounceError string `json:"announce_error,omitempty"`
}

func (rl *reloader) get() ReloadStatus {
	rl.smu.Lock()
	defer rl.smu.Unlock()
	return rl.status
}

func (rl *reloader) set(f func(st *ReloadStatus)) {
	rl.smu.Lock()
	defer rl.smu.Unlock()
	f(&rl.status)
}

// run loads source with load and swaps it in, one load at a time.
func (rl *reloader) run(ctx context.Context, s *Server, source string, load Loader) (ReloadStatus, error) {
	rl.pending.Add(1)
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.pending.Add(-1)
	if source == "" {
		source = s.cfg.Source
		if l := s.cur.Load(); l != nil {
			source = l.source
		}
	}
	start := time.Now().UTC()
	rl.set(func(st *ReloadStatus) {
		*st = ReloadStatus{State: "loading", Source: source, StartedAt: &start, Dataset: st.Dataset}
	})
	log := s.logger(ctx)
	log.Info("loading dataset", slog.String("source", describeSource(source)))
	e, err := safeLoad(ctx, load, source)
	if err == nil && (e == nil || e.Dataset() == nil) {
		err = errors.New("the loader returned no dataset")
	}
	took := time.Since(start)
	end := time.Now().UTC()
	if err != nil {
		s.metrics.reload("failed")
		log.Error("dataset load failed; the dataset in service stays", slog.String("source", describeSource(source)),
			slog.String("error", err.Error()), slog.Duration("took", took))
		rl.set(func(st *ReloadStatus) { st.State, st.FinishedAt, st.Error = "failed", &end, err.Error() })
		return rl.get(), fmt.Errorf("load dataset %s: %w", describeSource(source), err)
	}
	s.Swap(e, source, took)
	ds := e.Dataset()
	s.metrics.reload("ok")
	log.Info("dataset in service", slog.String("source", describeSource(source)), slog.String("name", ds.Name),
		slog.String("version", ds.Version), slog.Int("zones", ds.Summary.Zones), slog.Duration("took", took))
	info := datasetInfoOf(s.cur.Load())
	rl.set(func(st *ReloadStatus) { st.State, st.FinishedAt, st.Dataset = "ok", &end, &info })
	return rl.get(), nil
}

func describeSource(source string) string {
	if source == "" {
		return "(embedded demo)"
	}
	return source
}

// safeLoad runs the loader, turning a panic into an error: reloads run in the
// background, where nothing else would catch it, and a bad dataset must leave the
// old one serving.
func safeLoad(ctx context.Context, load Loader, source string) (e Engine, err error) {
	defer func() {
		if v := recover(); v != nil {
			e, err = nil, fmt.Errorf("loader panicked: %v", v)
		}
	}()
	return load(ctx, source)
}
