package api

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/redline-gis/redline/errcode"
)

// Limits are the bounds an operator set, as GET /v1/limits answers them: a
// client (or an auditor) can read what the server will refuse before sending it.
type Limits struct {
	MaxCheckBodyBytes    int64   `json:"max_check_body_bytes"`
	MaxLocateBodyBytes   int64   `json:"max_locate_body_bytes"`
	MaxJobBodyBytes      int64   `json:"max_job_body_bytes"`
	MaxVertices          int     `json:"max_vertices"`
	MaxFeatures          int     `json:"max_features"`
	MaxConcurrentChecks  int     `json:"max_concurrent_checks"`
	QueueWaitSeconds     float64 `json:"queue_wait_s"`
	MaxConcurrentLocates int     `json:"max_concurrent_locates"`
	CheckTimeoutSeconds  float64 `json:"check_timeout_s"`
	LocateTimeoutSeconds float64 `json:"locate_timeout_s"`
	ReadHeaderTimeoutSec float64 `json:"read_header_timeout_s"`
	ReadTimeoutSeconds   float64 `json:"read_timeout_s"`
	BodyIdleTimeoutSec   float64 `json:"body_idle_timeout_s"`
	IdleTimeoutSeconds   float64 `json:"idle_timeout_s"`
	MaxHeaderBytes       int     `json:"max_header_bytes"`
	ReadTokenRequired    bool    `json:"read_token_required"`
}

// Limits returns the limits in force.
func (s *Server) Limits() Limits {
	c := s.cfg
	return Limits{
		MaxCheckBodyBytes: c.MaxCheckBody, MaxLocateBodyBytes: c.MaxLocateBody, MaxJobBodyBytes: c.MaxJobBody,
		MaxVertices: c.MaxVertices, MaxFeatures: c.MaxFeatures,
		MaxConcurrentChecks: c.MaxChecks, QueueWaitSeconds: c.QueueWait.Seconds(), MaxConcurrentLocates: c.MaxLocates,
		CheckTimeoutSeconds: c.CheckTimeout.Seconds(), LocateTimeoutSeconds: c.LocateTimeout.Seconds(),
		ReadHeaderTimeoutSec: c.ReadHeaderTimeout.Seconds(), ReadTimeoutSeconds: c.ReadTimeout.Seconds(),
		BodyIdleTimeoutSec: c.BodyIdleTimeout.Seconds(), IdleTimeoutSeconds: c.IdleTimeout.Seconds(),
		MaxHeaderBytes: c.MaxHeaderBytes, ReadTokenRequired: c.ReadToken != "",
	}
}

func (s *Server) handleLimits(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Limits())
}

// HTTPServer returns an http.Server for the handler with the connection-level
// limits of the config: header read time and size (against slow and oversized
// headers), idle keep-alive time. Body read time is set per request (see
// bodyDeadline), since a batch may rightly take much longer than a check.
// Serve it on Listener's listener, so that a report leaves in one write.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		ConnContext:       gatherContext,
	}
}

// bodyDeadline bounds the time r's body may take to arrive: in total (until
// end) and between two reads that bring data (BodyIdleTimeout), so that a
// client trickling a byte now and then (slow-loris) is cut off early. A read past
// either gets os.ErrDeadlineExceeded, answered 504 timeout.
func (s *Server) bodyDeadline(w http.ResponseWriter, r *http.Request, total time.Duration) {
	rc := *http.NewResponseController(w) // by value, in idleBody's allocation
	now := time.Now()
	end := now.Add(total)
	if s.cfg.BodyIdleTimeout <= 0 || r.Body == nil || r.Body == http.NoBody {
		rc.SetReadDeadline(end)
		return
	}
	b := &idleBody{ReadCloser: r.Body, rc: rc, idle: s.cfg.BodyIdleTimeout, end: end}
	if err := b.move(now); err != nil {
		return // not a real connection (a test recorder): nothing to bound
	}
	r.Body = b
}

// idleBody moves the read deadline forward before each read, never past end.
type idleBody struct {
	io.ReadCloser
	rc   http.ResponseController
	idle time.Duration
	end  time.Time
	set  time.Time // the deadline last set
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.move(time.Now())
	return b.ReadCloser.Read(p)
}

// move sets the deadline to idle after now (at most end) unless the one set
// is within idle/16 of it: a small body arrives in a read or two, and each
// new deadline costs a timer update. Each read still has at least 15/16 of
// idle to bring data.
func (b *idleBody) move(now time.Time) error {
	d := now.Add(b.idle)
	if d.After(b.end) {
		d = b.end
	}
	if !b.set.IsZero() && d.Sub(b.set) < b.idle/16 {
		return nil
	}
	b.set = d
	return b.rc.SetReadDeadline(d)
}

// requireMetrics guards /metrics with its own token when one is set.
func (s *Server) requireMetrics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.MetricsToken != "" {
			if got, ok := bearer(r); !ok || !tokenIs(got, s.cfg.MetricsToken) {
				s.writeError(w, r, errorf(http.StatusUnauthorized, errcode.Unauthorized,
					"/metrics needs the metrics token: send \"Authorization: Bearer <token>\""))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
