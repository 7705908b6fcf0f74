package api

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadToken: with a read token, every /v1 route answers 401 unauthorized
// (with WWW-Authenticate) to a request without it, with a wrong one, or with it
// in the query string; the read and the admin token both open them; the probes
// and the page stay open.
func TestReadToken(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ReadToken = "r3ad" })
	for _, tc := range []struct {
		name, method, path string
		header             []string
		want               int
	}{
		{"layers without token", "GET", "/v1/layers", nil, 401},
		{"limits without token", "GET", "/v1/limits", nil, 401},
		{"check without token", "POST", "/v1/check", nil, 401},
		{"locate without token", "POST", "/v1/locate", nil, 401},
		{"report without token", "GET", "/v1/reports/abc", nil, 401},
		{"unknown v1 route without token", "GET", "/v1/nope", nil, 401},
		{"token in the query string is not read", "GET", "/v1/layers?token=r3ad", nil, 401},
		{"wrong token", "GET", "/v1/layers", []string{"Authorization", "Bearer r3ad-not"}, 401},
		{"basic auth is not a bearer token", "GET", "/v1/layers", []string{"Authorization", "Basic cjNhZA=="}, 401},
		{"read token", "GET", "/v1/layers", []string{"Authorization", "Bearer r3ad"}, 200},
		{"read token, limits", "GET", "/v1/limits", []string{"Authorization", "Bearer r3ad"}, 200},
		{"admin token reads too", "GET", "/v1/layers", []string{"Authorization", "Bearer s3cret"}, 200},
		{"read token is not the admin token", "GET", "/v1/admin/reload", []string{"Authorization", "Bearer r3ad"}, 401},
		{"healthz open", "GET", "/healthz", nil, 200},
		{"readyz open", "GET", "/readyz", nil, 200},
		{"metrics open", "GET", "/metrics", nil, 200},
		{"page open", "GET", "/", nil, 200},
		{"page script open", "GET", "/static/page.js", nil, 200},
		{"openapi open", "GET", "/openapi.json", nil, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := h.do(t, tc.method, tc.path, nil, tc.header...)
			if rec.Code != tc.want {
				t.Fatalf("%d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want == 401 {
				if c := errCode(t, rec); c != "unauthorized" {
					t.Errorf("code %s", c)
				}
				if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate %q", rec.Header().Get("WWW-Authenticate"))
				}
			}
		})
	}
	var lim Limits
	rec := h.do(t, "GET", "/v1/limits", nil, "Authorization", "Bearer r3ad")
	if err := json.Unmarshal(rec.Body.Bytes(), &lim); err != nil || !lim.ReadTokenRequired || lim.MaxVertices != 1_000_000 || lim.MaxFeatures != 1_000_000 {
		t.Errorf("limits %+v %v", lim, err)
	}
}

// TestMetricsToken: /metrics behind its own token when one is set.
func TestMetricsToken(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MetricsToken = "m3t" })
	if rec := h.do(t, "GET", "/metrics", nil); rec.Code != 401 || errCode(t, rec) != "unauthorized" {
		t.Errorf("without token: %d", rec.Code)
	}
	if rec := h.do(t, "GET", "/metrics", nil, "Authorization", "Bearer s3cret"); rec.Code != 401 {
		t.Errorf("admin token opened /metrics: %d", rec.Code)
	}
	if rec := h.do(t, "GET", "/metrics", nil, "Authorization", "Bearer m3t"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "go_goroutines") {
		t.Errorf("with token: %d", rec.Code)
	}
}

// TestCORSOffByDefault: without configured origins no answer carries CORS
// headers and a preflight is not granted; with one, only that origin is.
func TestCORSOffByDefault(t *testing.T) {
	for _, tc := range []struct {
		name, origin string
		origins      []string
		want         string
	}{
		{"off", "https://evil.example", nil, ""},
		{"other origin", "https://evil.example", []string{"https://gis.example"}, ""},
		{"configured origin", "https://gis.example", []string{"https://gis.example"}, "https://gis.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(c *Config) { c.CORSOrigins = tc.origins })
			rec := h.do(t, "OPTIONS", "/v1/check", nil, "Origin", tc.origin, "Access-Control-Request-Method", "POST")
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.want {
				t.Errorf("preflight allows %q, want %q", got, tc.want)
			}
			if tc.want == "" && rec.Code == http.StatusNoContent {
				t.Errorf("preflight granted: %d", rec.Code)
			}
			rec = h.do(t, "GET", "/v1/layers", nil, "Origin", tc.origin)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.want {
				t.Errorf("GET allows %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSecurityHeaders: every answer, error or not, forbids sniffing, framing
// and referrers, and carries a CSP without inline script.
func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, nil)
	for _, target := range []string{"/", "/healthz", "/v1/layers", "/v1/nope", "/static/page.js", "/metrics"} {
		rec := h.do(t, "GET", target, nil)
		hd := rec.Header()
		if hd.Get("X-Content-Type-Options") != "nosniff" || hd.Get("X-Frame-Options") != "DENY" || hd.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", target, hd)
		}
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q allows inline code", target, csp)
		}
	}
	// The HTML report inlines its style but may run no script.
	rec := h.do(t, "POST", "/v1/check?format=html", strings.NewReader(envBody("")), "Content-Type", "application/json")
	if csp := rec.Header().Get("Content-Security-Policy"); rec.Code != 200 || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("html report: %d CSP %q", rec.Code, csp)
	}
}

// TestPageCSP: the page as served has no inline script body, no event-handler
// attribute, no inline style, and every script and style sheet it names is
// served by the binary with its type.
func TestPageCSP(t *testing.T) {
	h := newHarness(t, nil)
	rec := h.do(t, "GET", "/", nil)
	page := rec.Body.String()
	for _, m := range regexp.MustCompile(`(?is)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(page, -1) {
		if strings.TrimSpace(m[2]) != "" {
			t.Errorf("inline <script> with a body: %.80s", m[2])
		}
	}
	if regexp.MustCompile(`(?i)<style`).MatchString(page) {
		t.Error("inline <style>")
	}
	for _, tag := range regexp.MustCompile(`(?s)<[a-zA-Z][^>]*>`).FindAllString(page, -1) {
		if regexp.MustCompile(`(?i)\son[a-z]+\s*=`).MatchString(tag) {
			t.Errorf("event-handler attribute: %s", tag)
		}
		if regexp.MustCompile(`(?i)\sstyle\s*=`).MatchString(tag) {
			t.Errorf("inline style: %s", tag)
		}
		if regexp.MustCompile(`(?i)javascript:`).MatchString(tag) {
			t.Errorf("javascript: URL: %s", tag)
		}
	}
	var srcs []string
	for _, m := range regexp.MustCompile(`<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		srcs = append(srcs, m[1])
	}
	if len(srcs) != 2 {
		t.Fatalf("page names %v, want its script and style sheet", srcs)
	}
	for _, src := range srcs {
		rec := h.do(t, "GET", src, nil)
		ct := rec.Header().Get("Content-Type")
		if rec.Code != 200 || rec.Body.Len() < 100 || !(strings.HasPrefix(ct, "text/javascript") || strings.HasPrefix(ct, "text/css")) {
			t.Errorf("%s: %d %s, %d bytes", src, rec.Code, ct, rec.Body.Len())
		}
	}
	if rec := h.do(t, "GET", "/static/..%2fpage.go", nil); rec.Code != 404 {
		t.Errorf("static escape: %d", rec.Code)
	}
}

// TestReloadConfined: a reload may name only directories under the data root;
// climbing out, an absolute path elsewhere, or a symbolic link leading out are
// refused with 403 forbidden, and the dataset in service stays.
func TestReloadConfined(t *testing.T) {
	h := newHarness(t, nil)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(h.root, "link-out")); err != nil {
		t.Fatal(err)
	}
	auth := []string{"Authorization", "Bearer s3cret"}
	for _, tc := range []struct {
		name, data string
		want       int
	}{
		{"dot-dot", "../", 403},
		{"dot-dot inside a name", "v2/../../etc", 403},
		{"absolute outside", "/etc", 403},
		{"absolute temp dir outside", outside, 403},
		{"symbolic link out", "link-out", 403},
		{"missing", "nope", 403},
		{"inside, relative", "v2", 200},
		{"inside, absolute", filepath.Join(h.root, "v2"), 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"data": tc.data})
			rec := h.do(t, "POST", "/v1/admin/reload?wait=true", strings.NewReader(string(body)), auth...)
			if rec.Code != tc.want {
				t.Fatalf("%d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want == 403 && errCode(t, rec) != "forbidden" {
				t.Errorf("code: %s", rec.Body)
			}
		})
	}
	// Without a root only the dataset in service reloads.
	h = newHarness(t, func(c *Config) { c.DataRoot = "" })
	if rec := h.do(t, "POST", "/v1/admin/reload?wait=true&data=v2", nil, auth...); rec.Code != 403 {
		t.Errorf("no root: %d %s", rec.Code, rec.Body)
	}
	if rec := h.do(t, "POST", "/v1/admin/reload?wait=true", nil, auth...); rec.Code != 200 {
		t.Errorf("no root, same dataset: %d %s", rec.Code, rec.Body)
	}
}

// TestLogsKeepSecrets: at debug level, across requests carrying the admin, read
// and metrics tokens (right and wrong), no log line holds a token; every line of
// a request carries its request id; at info level no footprint coordinate
// reaches the log even when an error message holds one.
func TestLogsKeepSecrets(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ReadToken = "read-tok-9f2c"; c.MetricsToken = "metrics-tok-77aa" })
	secrets := []string{"s3cret", "read-tok-9f2c", "metrics-tok-77aa", "wrong-tok-5d1e"}
	for _, tok := range secrets {
		a := []string{"Authorization", "Bearer " + tok, "X-Request-Id", "req-" + tok[:4]}
		h.do(t, "GET", "/v1/layers", nil, a...)
		h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), append(a, "Content-Type", "application/json")...)
		h.do(t, "POST", "/v1/admin/reload?wait=true&data=bad-dir", nil, a...)
		h.do(t, "GET", "/metrics?token="+tok, nil, a...)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, `"msg":"dataset load failed`) {
		t.Fatalf("the admin reload did not log: %s", logs)
	}
	for _, tok := range secrets {
		if strings.Contains(logs, tok) {
			t.Errorf("a token is in the log: %s", tok)
		}
	}
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		if id, _ := l["request_id"].(string); !strings.HasPrefix(id, "req-") {
			t.Errorf("line without its request id: %s", sc.Text())
		}
		lines++
	}
	if lines < 16 {
		t.Errorf("%d log lines", lines)
	}

	// Info level: the locate of an engine that fails with a coordinate in its
	// message logs the failure without the coordinate; debug logs it whole.
	coord := regexp.MustCompile(`108\.0[0-9]+|34\.0[0-9]+`)
	stamp := regexp.MustCompile(`"time":"[^"]*"`)
	for _, level := range []string{"info", "debug"} {
		h := newHarness(t, nil)
		h.eng.err = errOverlay
		h.srv.log = slogAt(h.logs, level)
		rec := h.do(t, "POST", "/v1/check", strings.NewReader(envBody("")), "Content-Type", "application/json")
		if rec.Code != 500 {
			t.Fatalf("%s: %d %s", level, rec.Code, rec.Body)
		}
		// The time field is left out: a timestamp at second 34 reads as a
		// coordinate to the pattern.
		logged := stamp.ReplaceAllString(h.logs.String(), `"time":""`)
		if !strings.Contains(logged, "TopologyException") {
			t.Fatalf("%s: the error was not logged: %s", level, logged)
		}
		if got := coord.MatchString(logged); got != (level == "debug") {
			t.Errorf("%s: coordinates in the log: %v\n%s", level, got, logged)
		}
	}
}

// errOverlay is an engine failure whose message holds coordinates, as GEOS's
// TopologyException does.
var errOverlay = errors.New("overlay: TopologyException: side location conflict at 108.0312 34.0071")

func slogAt(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// TestInputServedSafely: an archived input comes back with the type it was
// sent with only when that is a footprint format; an upload sent as a page or a
// script comes back as bytes, sandboxed.
func TestInputServedSafely(t *testing.T) {
	h := newHarness(t, nil)
	for _, tc := range []struct{ sent, want string }{
		{"application/geo+json", "application/geo+json"},
		{"text/html", "application/octet-stream"},
		{"text/javascript", "application/octet-stream"},
		{"image/svg+xml", "application/octet-stream"},
	} {
		t.Run(tc.sent, func(t *testing.T) {
			rec := h.do(t, "POST", "/v1/check", strings.NewReader(square), "Content-Type", tc.sent)
			if rec.Code != 200 {
				t.Fatalf("check: %d %s", rec.Code, rec.Body)
			}
			rec = h.do(t, "GET", rec.Header().Get("Location")+"/input", nil)
			if got := rec.Header().Get("Content-Type"); rec.Code != 200 || got != tc.want || rec.Body.String() != square {
				t.Errorf("%d %q %q", rec.Code, got, rec.Body)
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
				t.Errorf("CSP %q", csp)
			}
		})
	}
}
