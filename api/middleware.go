package api

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/redline-gis/redline/errcode"
)

type ctxKey int

const requestKey ctxKey = iota

// request is what the middleware keeps of one request, in its context: one
// allocation for the id, the context, the route context and the recorder.
type request struct {
	id   string
	idv  [1]string // the X-Request-Id header's value list
	ctx  requestContext
	rctx chi.Context
	rec  recorder
	// Room for the route context's lists: two routings (the /v1 mount and
	// the route) and the mount's wildcard fill them without growing them.
	patterns, keys, values [4]string
}

// requestContext is a request's context: its parent's with the request and its
// route context as values, as two context.WithValue would hold them, in the
// request's allocation instead of two of their own.
type requestContext struct {
	context.Context
	rq *request
}

func (c *requestContext) Value(key any) any {
	switch key {
	case requestKey:
		return c.rq
	case chi.RouteCtxKey:
		return &c.rq.rctx
	}
	return c.Context.Value(key)
}

// requestID returns the request's id ("" outside a request).
func requestID(ctx context.Context) string {
	if rq, ok := ctx.Value(requestKey).(*request); ok {
		return rq.id
	}
	return ""
}

// logger returns the request's logger, which carries its request_id on every
// line; outside a request, the server's. It is made when asked for: most
// requests log one line, the access log, which names the id itself.
func (s *Server) logger(ctx context.Context) *slog.Logger {
	if id := requestID(ctx); id != "" {
		return s.log.With(slog.String("request_id", id))
	}
	return s.log
}

// coordLike matches decimal numbers: in messages of input and GEOS errors they
// are coordinates (TopologyException names the point), which stay out of logs
// below debug level; integers (feature, ring, vertex indexes) are kept.
var coordLike = regexp.MustCompile(`[-+]?\d+\.\d+(?:[eE][-+]?\d+)?`)

// loggable is err's message as it may be logged: with coordinates masked unless
// the log is at debug level.
func (s *Server) loggable(ctx context.Context, err error) string {
	msg := err.Error()
	if s.log.Enabled(ctx, slog.LevelDebug) {
		return msg
	}
	return coordLike.ReplaceAllString(msg, "#")
}

// newRequestID is 16 hex digits from the runtime's ChaCha8 generator: ids
// only tell requests apart in logs (report ids, which name archived reports,
// come from crypto/rand).
func newRequestID() string {
	var b [16]byte
	v := mrand.Uint64()
	for i := range b {
		b[i] = hexDigit[v>>60]
		v <<= 4
	}
	return string(b[:])
}

const hexDigit = "0123456789abcdef"

// validRequestID accepts a client's X-Request-Id when it is short and plain.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// recorder notes the status and size of an answer; it keeps Flush working
// (through Unwrap and http.ResponseController) for streamed answers.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// middleware wraps every route: request id, panic recovery, CORS, access log
// and metrics by route pattern.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rq := &request{id: r.Header.Get("X-Request-Id")}
		if !validRequestID(rq.id) {
			rq.id = newRequestID()
		}
		h := w.Header()
		rq.idv[0] = rq.id
		h["X-Request-Id"] = rq.idv[:]
		securityHeaders(h)
		// The route context is made here, not by the router, so that the route
		// pattern is known to this middleware after routing.
		rctx := &rq.rctx
		rctx.RoutePatterns = rq.patterns[:0]
		rctx.URLParams.Keys, rctx.URLParams.Values = rq.keys[:0], rq.values[:0]
		rq.ctx = requestContext{r.Context(), rq}
		ctx := context.Context(&rq.ctx)
		r = r.WithContext(ctx)
		rec := &rq.rec
		rec.ResponseWriter = w
		s.metrics.inFlight.Add(1)
		defer func() {
			s.metrics.inFlight.Add(-1)
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger(ctx).LogAttrs(ctx, slog.LevelError, "panic",
					slog.String("panic", coordLike.ReplaceAllString(fmt.Sprint(v), "#")), slog.String("stack", string(debug.Stack())))
				if rec.status == 0 {
					s.writeError(rec, r, fmt.Errorf("panic: %v", v))
				}
			}
			route := "unmatched"
			if p := s.routePattern(rctx); p != "" {
				route = p
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			took := time.Since(start)
			s.metrics.request(route, r.Method, rec.status, took)
			level, log := slog.LevelInfo, s.access
			if rec.status >= 500 {
				level, log = slog.LevelWarn, s.log
			}
			if !log.Enabled(ctx, level) {
				return
			}
			// The path, not the URL: a query string may carry coordinates (bbox)
			// or, from a misconfigured client, a token. The request id comes first,
			// where the request's logger puts it on its other lines.
			log.LogAttrs(ctx, level, "request", slog.String("request_id", rq.id),
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", route), slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
				slog.Int64("body_bytes", r.ContentLength), slog.Float64("ms", float64(took.Microseconds())/1000),
				slog.String("remote", r.RemoteAddr))
		}()
		if s.cors(rec, r) {
			return
		}
		// A default bound on the body's arrival; check and locate set their own.
		if r.ContentLength != 0 {
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.ReadTimeout))
		}
		next.ServeHTTP(rec, r)
	})
}

// routePattern is rctx.RoutePattern(), which joins the route's patterns into
// a new string at every request, remembered for each list of patterns (the
// routes are few, so are the lists).
func (s *Server) routePattern(rctx *chi.Context) string {
	ps := rctx.RoutePatterns
	if len(ps) == 0 || len(ps) > len(patternsKey{}) {
		return rctx.RoutePattern()
	}
	var k patternsKey
	copy(k[:], ps)
	if p, ok := s.routePatterns.Load(k); ok {
		return p.(string)
	}
	p := rctx.RoutePattern()
	s.routePatterns.Store(k, p)
	return p
}

// patternsKey holds up to three route patterns (the /v1 mount, a sub-router's, a route's).
type patternsKey [3]string

// cors sets the CORS headers for allowed origins; it answers preflight requests
// itself (returning true).
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || len(s.cfg.CORSOrigins) == 0 {
		return false
	}
	any := slices.Contains(s.cfg.CORSOrigins, "*")
	if !any && !slices.Contains(s.cfg.CORSOrigins, origin) {
		return false
	}
	h := w.Header()
	if any {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	h.Set("Access-Control-Expose-Headers", "X-Request-Id, X-Redline-Dataset-Version, X-Redline-Input-Sha256, Location")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, X-Request-Id")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// securityHeaders are set on every answer: nothing is sniffed, framed or sent
// with a referrer, and a page may run only the scripts and styles the server
// itself serves (the page's are files under /static/, none inline). The HTML
// report rendering replaces the policy with its own (see writeReport).
//
// The values are shared slices, set without canonicalising the keys again:
// net/http only reads them, and a handler that changes one (Set, Add) puts a
// slice of its own in its place.
func securityHeaders(h http.Header) {
	h["Content-Security-Policy"] = pageCSPValue
	h["X-Content-Type-Options"] = nosniffValue
	h["X-Frame-Options"] = denyValue
	h["Referrer-Policy"] = noReferrerValue
}

var (
	pageCSPValue    = []string{pageCSP}
	nosniffValue    = []string{"nosniff"}
	denyValue       = []string{"DENY"}
	noReferrerValue = []string{"no-referrer"}
)

const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// bearer returns the token of an "Authorization: Bearer" header. Tokens are
// taken from the header only, never from the query string, where they would
// end up in proxy logs and browser history.
func bearer(r *http.Request) (string, bool) {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(got), ok
}

// tokenIs compares in constant time, so that the answer's timing tells nothing
// of how much of a guess was right.
func tokenIs(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// requireRead lets through requests with the read token (or the admin token)
// when the server has a read token; without one, every read route is open. It
// guards whole router groups (/v1, and any API mounted beside it), never
// single handlers.
func (s *Server) requireRead(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.ReadToken == "" {
			next.ServeHTTP(w, r)
			return
		}
		got, ok := bearer(r)
		if !ok || !(tokenIs(got, s.cfg.ReadToken) || tokenIs(got, s.cfg.AdminToken)) {
			s.writeError(w, r, errorf(http.StatusUnauthorized, errcode.Unauthorized,
				"this server needs a token: send \"Authorization: Bearer <token>\""))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireAdmin lets through requests with the admin bearer token; without a token
// configured, the admin routes do not exist.
func (s *Server) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.AdminToken == "" {
			s.writeError(w, r, errorf(http.StatusNotFound, errcode.NotFound, "admin routes are off: the server has no admin token"))
			return
		}
		got, ok := bearer(r)
		if !ok || !tokenIs(got, s.cfg.AdminToken) {
			s.writeError(w, r, errorf(http.StatusUnauthorized, errcode.Unauthorized, "admin routes need the admin token as \"Authorization: Bearer <token>\""))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// slots is a counting semaphore: a slot is taken by sending, given back by
// receiving.
type slots chan struct{}

// give gives a slot back.
func (sl slots) give() { <-sl }

// admit is the preamble of the handlers that do the work (check, locate): a slot
// of sl (acquire), then the dataset in service; the caller gives the slot back.
func (s *Server) admit(ctx context.Context, sl slots, wait time.Duration, what string) (*loaded, error) {
	if err := sl.acquire(ctx, wait, what); err != nil {
		return nil, err
	}
	l, err := s.current()
	if err != nil {
		sl.give()
		return nil, err
	}
	return l, nil
}

// acquire takes a slot, waiting at most wait for one (a burst queues briefly
// instead of failing), or answers 429.
func (sl slots) acquire(ctx context.Context, wait time.Duration, what string) error {
	select {
	case sl <- struct{}{}:
		return nil
	default:
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case sl <- struct{}{}:
			return nil
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errorf(http.StatusTooManyRequests, errcode.TooManyRequests,
		"the server is busy with %d %s; retry shortly", cap(sl), what)
}

// await takes a slot, waiting as long as it takes, unless ctx ends first.
func (sl slots) await(ctx context.Context) error {
	select {
	case sl <- struct{}{}:
		return nil
	default:
	}
	select {
	case sl <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
