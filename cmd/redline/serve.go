package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redline-gis/redline/api"
	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/internal/logsink"
	"github.com/redline-gis/redline/jobs"
	"github.com/redline-gis/redline/replica"
	"github.com/redline-gis/redline/zones"
)

// serveConfig is what `redline serve` is told by flags and REDLINE_* variables.
type serveConfig struct {
	data, dataRoot, addr, db, cors, logLevel, logFormat   string
	snapshot                                              string
	adminToken, readToken, metricsToken, basemapURL       string
	maxBody, maxLocateBody, maxJobBody, maxHeaderBytes    byteSize
	maxVertices, maxFeatures, maxChecks, maxLocates       int
	timeout, locateTimeout, shutdownTimeout, jobRetention time.Duration
	readHeaderTimeout, readTimeout, bodyIdleTimeout       time.Duration
	idleTimeout, jobLease, replicaPoll                    time.Duration
	zoningDB                                              string
	// accessLog takes the access log's lines below warn (nil: the logger's).
	accessLog *slog.Logger
}

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("serve", stderr)
	var c serveConfig
	c.maxBody, c.maxLocateBody, c.maxJobBody, c.maxHeaderBytes = 20<<20, 2<<30, 256<<20, 64<<10
	fs.StringVar(&c.data, "data", os.Getenv("REDLINE_DATA"), "dataset `DIR` (its dataset.yaml); default: the embedded demo dataset")
	fs.StringVar(&c.snapshot, "snapshot", os.Getenv("REDLINE_SNAPSHOT"), "the dataset's snapshot `PATH` (default DIR/.redline/snapshot.bin, or the user cache directory when DIR is read-only); off: none")
	fs.StringVar(&c.dataRoot, "data-root", os.Getenv("REDLINE_DATA_ROOT"), "`DIR` under which an admin reload may name another dataset (default: --data's parent; none for the demo)")
	fs.StringVar(&c.addr, "addr", envOr("REDLINE_ADDR", ":8080"), "listen `address`")
	fs.StringVar(&c.db, "db", envOr("REDLINE_DB", "redline.db"), "report archive: a SQLite `file`, a postgres:// URL, or off (checks not archived: no /v1/reports, no jobs)")
	fs.StringVar(&c.adminToken, "admin-token", os.Getenv("REDLINE_ADMIN_TOKEN"), "bearer `token` for the admin routes; empty turns them off")
	fs.StringVar(&c.readToken, "read-token", os.Getenv("REDLINE_READ_TOKEN"), "bearer `token` every /v1 route needs (the admin token also does); empty: /v1 is open")
	fs.StringVar(&c.metricsToken, "metrics-token", os.Getenv("REDLINE_METRICS_TOKEN"), "bearer `token` /metrics needs; empty: /metrics is open")
	fs.StringVar(&c.cors, "cors-origins", os.Getenv("REDLINE_CORS_ORIGINS"), "comma-separated `origins` browsers may call from (* for any)")
	fs.StringVar(&c.basemapURL, "basemap-url", os.Getenv("REDLINE_BASEMAP_URL"), "raster base map tile `URL` for the web page, with {z}, {x} and {y} (e.g. 天地图 with your key); empty: the zoning layers are the base")
	fs.StringVar(&c.logLevel, "log-level", envOr("REDLINE_LOG_LEVEL", "info"), "debug, info, warn or error (footprint coordinates are logged only at debug)")
	fs.StringVar(&c.logFormat, "log-format", envOr("REDLINE_LOG_FORMAT", "json"), "json or text")
	fs.Var(&c.maxBody, "max-body", "largest check request body (e.g. 20MiB)")
	fs.Var(&c.maxLocateBody, "max-locate-body", "largest locate request body (e.g. 2GiB)")
	fs.Var(&c.maxJobBody, "max-job-body", "largest job upload (held in memory while read, stored with the job; e.g. 256MiB)")
	fs.Var(&c.maxHeaderBytes, "max-header-bytes", "largest request header (e.g. 64KiB)")
	fs.IntVar(&c.maxVertices, "max-vertices", 1_000_000, "most vertices in a footprint or batch feature")
	fs.IntVar(&c.maxFeatures, "max-features", 1_000_000, "most features in one batch; the batch ends with a payload_too_large record")
	fs.IntVar(&c.maxChecks, "max-checks", 0, "checks computed at once (an archived one then waits for its save among four times as many); more wait up to 100 ms, then get 429 (default 8×cores, at least 16)")
	fs.IntVar(&c.maxLocates, "max-locates", 2, "batches served at once before 429")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "time limit of one check")
	fs.DurationVar(&c.locateTimeout, "locate-timeout", 30*time.Minute, "time limit of one batch")
	fs.DurationVar(&c.readHeaderTimeout, "read-header-timeout", 10*time.Second, "time limit of a request's headers (slow-loris)")
	fs.DurationVar(&c.readTimeout, "read-timeout", time.Minute, "time limit of the body of requests other than checks and batches")
	fs.DurationVar(&c.bodyIdleTimeout, "body-idle-timeout", 10*time.Second, "longest pause in a check's or batch's body before it is cut off")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 2*time.Minute, "how long a keep-alive connection waits for its next request")
	fs.DurationVar(&c.jobRetention, "job-retention", jobs.DefaultRetention, "how long finished jobs are kept, with their input and results")
	fs.DurationVar(&c.jobLease, "job-lease", jobs.DefaultLease, "how long a job stays with a replica that shows no sign of life before another takes it over (renewed every quarter of it)")
	fs.DurationVar(&c.replicaPoll, "replica-poll", replica.DefaultPoll, "with a postgres:// --db: how often the dataset announcement of the replicas is read besides LISTEN/NOTIFY")
	fs.StringVar(&c.zoningDB, "zoning-db", os.Getenv("REDLINE_ZONING_DB"), "PostgreSQL `URL` of the zoning for the manifest's postgis layers (default: the manifest's zoning_db)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 60*time.Second, "how long SIGTERM waits for requests in flight")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return 2
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "redline serve: unexpected argument %q\n", rest[0])
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		fmt.Fprintf(stderr, "redline serve: --log-level %q: want debug, info, warn or error\n", c.logLevel)
		return 2
	}
	// Lines go out through a sink: the access log's in batches (at most
	// logsink.DefaultDelay late), every other line at once, in order.
	sink := logsink.New(stderr, logsink.DefaultLimit, logsink.DefaultDelay)
	defer sink.Flush()
	var handler slog.Handler
	switch c.logFormat {
	case "json":
		handler = slog.NewJSONHandler(sink, &slog.HandlerOptions{Level: level})
	case "text":
		handler = slog.NewTextHandler(sink, &slog.HandlerOptions{Level: level})
	default:
		fmt.Fprintf(stderr, "redline serve: --log-format %q: want json or text\n", c.logFormat)
		return 2
	}
	if c.dataRoot == "" && c.data != "" {
		c.dataRoot = filepath.Dir(filepath.Clean(c.data))
	}
	log := slog.New(sink.Now(handler))
	c.accessLog = slog.New(handler)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := serve(ctx, c, log); err != nil {
		log.Error("redline serve stopped", slog.String("error", err.Error()))
		fmt.Fprintf(stderr, "redline serve: %v\n", err)
		return 1
	}
	return 0
}

// serve runs the server until ctx ends (SIGTERM), then lets requests in flight
// finish.
func serve(ctx context.Context, c serveConfig, log *slog.Logger) error {
	// The dataset starts loading before the archive and the job queue open: the
	// two are independent, and a start from a snapshot would otherwise wait for
	// one and then the other (at 5M vertices the archive's open, with its redo
	// log, was a fifth of the time to ready). The server's first load takes
	// this one's result.
	first := startLoad(ctx, c, log)
	var st *store.Store
	var err error
	if c.db != "off" {
		openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		st, err = openStore(openCtx, c.db)
		cancel()
		if err != nil {
			return err
		}
		defer st.Close()
		log.Info("report archive open", slog.String("kind", st.Kind()), slog.String("db", redactDSN(c.db)))
	} else {
		log.Warn("no report archive (--db off): checks are answered, not archived; /v1/reports and /v1/jobs answer 404")
	}

	var origins []string
	for o := range strings.SplitSeq(c.cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	var srv *api.Server
	var jm *jobs.Manager
	if st != nil {
		jm, err = jobs.Open(ctx, jobs.Config{DSN: c.db, Retention: c.jobRetention, Lease: c.jobLease, Name: replicaName(c.addr), Logger: log,
			Checker: func() (jobs.Engine, error) { return srv.JobsEngine() }})
		if err != nil {
			return err
		}
	}
	// Replicas sharing a PostgreSQL archive keep to one dataset version through it.
	var rep *replica.Sync
	if store.IsPostgres(c.db) {
		rep, err = replica.Open(ctx, replica.Config{DSN: c.db, Origin: replicaName(c.addr), Poll: c.replicaPoll, Logger: log,
			Load: func(ctx context.Context, source string) (string, error) {
				if err := srv.Load(ctx, source); err != nil {
					return "", err
				}
				_, v, _ := srv.Serving()
				return v, nil
			},
			Current: func() (string, string, bool) { return srv.Serving() }})
		if err != nil {
			return err
		}
		defer rep.Close()
	}
	cfg := api.Config{
		Logger:       log,
		AccessLogger: c.accessLog,
		Store:        st,
		Jobs:         jm,
		Load: func(ctx context.Context, source string) (api.Engine, error) {
			return serveLoadHook(ctx, source, c, log)
		},
		Source:            c.data,
		DataRoot:          c.dataRoot,
		AdminToken:        c.adminToken,
		ReadToken:         c.readToken,
		MetricsToken:      c.metricsToken,
		CORSOrigins:       origins,
		BasemapURL:        c.basemapURL,
		MaxCheckBody:      int64(c.maxBody),
		MaxLocateBody:     int64(c.maxLocateBody),
		MaxJobBody:        int64(c.maxJobBody),
		MaxVertices:       c.maxVertices,
		MaxFeatures:       c.maxFeatures,
		CheckTimeout:      c.timeout,
		LocateTimeout:     c.locateTimeout,
		MaxChecks:         c.maxChecks,
		MaxLocates:        c.maxLocates,
		ReadHeaderTimeout: c.readHeaderTimeout,
		ReadTimeout:       c.readTimeout,
		BodyIdleTimeout:   c.bodyIdleTimeout,
		IdleTimeout:       c.idleTimeout,
		MaxHeaderBytes:    int(c.maxHeaderBytes),
		Version:           version(),
	}
	if rep != nil {
		cfg.Replica = rep
	}
	if srv, err = api.New(cfg); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	hs := srv.HTTPServer()
	hs.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	// The tokens themselves are never logged: only whether they are set.
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("version", version()),
		slog.Bool("admin", c.adminToken != ""), slog.Bool("read_token", c.readToken != ""),
		slog.Bool("metrics_token", c.metricsToken != ""), slog.Any("limits", srv.Limits()))

	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(srv.Listener(ln)) }()
	// The dataset loads while the server already answers /healthz (and /readyz 503).
	loadErr := make(chan error, 1)
	go func() { loadErr <- srv.LoadWith(ctx, c.data, first) }()

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down: finishing requests in flight", slog.Duration("limit", c.shutdownTimeout))
	case err := <-errc:
		runErr = fmt.Errorf("serve: %w", err)
	case err := <-loadErr:
		if err != nil {
			runErr = err // nothing to serve
		} else if err := startJobs(ctx, jm); err != nil {
			runErr = err
		} else {
			if rep != nil {
				go rep.Run(ctx)
			}
			select {
			case <-ctx.Done():
				log.Info("shutting down: finishing requests in flight", slog.Duration("limit", c.shutdownTimeout))
			case err := <-errc:
				runErr = fmt.Errorf("serve: %w", err)
			}
		}
	}
	sctx, scancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil && runErr == nil {
		runErr = fmt.Errorf("shutdown: %w", err)
	}
	srv.Wait()
	// Jobs in hand stop at their next chunk; what they committed is kept.
	if jm != nil {
		if err := jm.Stop(sctx); err != nil && runErr == nil {
			runErr = fmt.Errorf("stop jobs: %w", err)
		}
	}
	if runErr == nil {
		log.Info("stopped cleanly")
	}
	return runErr
}

// startJobs starts the job queue, when there is one (not with --db off).
func startJobs(ctx context.Context, jm *jobs.Manager) error {
	if jm == nil {
		return nil
	}
	return jm.Start(ctx)
}

// replicaName names this process among the replicas: host name and listen
// address (a container's host name is its id).
func replicaName(addr string) string {
	host, _ := os.Hostname()
	if strings.HasPrefix(addr, ":") {
		return host + addr
	}
	return host + "/" + addr
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return s.Value[:12]
			}
		}
		if bi.Main.Version != "" {
			return bi.Main.Version
		}
	}
	return "dev"
}

// redactDSN hides a password in a postgres:// URL for the log.
func redactDSN(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	userinfo := dsn[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		userinfo = userinfo[:i] + ":***"
	}
	return dsn[:scheme+3] + userinfo + dsn[at:]
}

// byteSize is a flag value like 20MiB, 512KB, 1GiB or a plain number of bytes.
type byteSize int64

var _ flag.Value = (*byteSize)(nil)

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if v, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(v), u.m
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 {
		return errors.New("want a size such as 20MiB, 512KB or 1048576")
	}
	*b = byteSize(n * float64(mult))
	return nil
}

// startLoad starts loading c.data and returns a Loader that waits for it.
func startLoad(ctx context.Context, c serveConfig, log *slog.Logger) api.Loader {
	type result struct {
		checker *zones.Checker
		err     error
	}
	done := make(chan result, 1)
	go func() {
		ck, err := serveLoadHook(ctx, c.data, c, log)
		done <- result{ck, err}
	}()
	return func(ctx context.Context, _ string) (api.Engine, error) {
		select {
		case r := <-done:
			if r.err != nil {
				return nil, r.err
			}
			return r.checker, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// openStore and serveLoadHook are serve's archive open and dataset load (tests
// watch them).
var (
	openStore     = store.Open
	serveLoadHook = serveLoad
)
