package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/redline-gis/redline/jobs"
)

const jobsUsage = `usage:
  redline jobs list   [--server URL] [--token T] [--limit N]
  redline jobs show   [--server URL] [--token T] ID
  redline jobs submit [--server URL] [--token T] [--kind locate|check] [--fact FACT=PROPERTY]… [--project JSON] [--crs CRS] FILE
  redline jobs fetch  [--server URL] [--token T] [--format xlsx|csv|geojson|shp|ndjson|html] [-o FILE] ID
  redline jobs cancel [--server URL] [--token T] ID
`

// runJobs is `redline jobs`: a client of a running server's /v1/jobs.
func runJobs(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, jobsUsage)
		return 2
	}
	verb := args[0]
	fs := newFlags("jobs "+verb, stderr)
	server := fs.String("server", envOr("REDLINE_SERVER", "http://localhost:8080"), "the server's base `URL`")
	token := fs.String("token", os.Getenv("REDLINE_READ_TOKEN"), "bearer `token` of a server started with --read-token (default $REDLINE_READ_TOKEN)")
	limit := fs.Int("limit", 50, "list: most jobs shown")
	format := fs.String("format", "xlsx", "fetch: xlsx, csv, geojson, shp (zipped), ndjson or html")
	output := fs.String("o", "", "fetch: write to `FILE` (default: job-ID.EXT; - for standard output)")
	kind := fs.String("kind", "locate", "submit: locate (the ledger) or check (a plan: each feature a parcel)")
	project := fs.String("project", "", "submit: the plan's project facts as JSON")
	crsFlag := fs.String("crs", "", "submit: CRS of the coordinates when the file does not say")
	facts := factFlags{}
	fs.Var(facts, "fact", "submit: a project `FACT=PROPERTY` from each parcel's attribute (repeatable)")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return 2
	}
	c := &jobsClient{base: strings.TrimRight(*server, "/"), token: *token}
	need := func(n int) bool {
		if len(pos) != n {
			fmt.Fprint(stderr, jobsUsage)
			return false
		}
		return true
	}
	switch verb {
	case "list":
		var out struct {
			Jobs  []*jobs.Job `json:"jobs"`
			Total int         `json:"total"`
		}
		if err := c.getJSON(fmt.Sprintf("/v1/jobs?limit=%d", *limit), &out); err != nil {
			return fail(stderr, "jobs", err)
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tSTATE\tDONE\tERRORS\tCREATED\tINPUT")
		for _, j := range out.Jobs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%d\t%s\t%s\n", j.ID, j.Kind, j.State, j.Done, j.Total, j.ErrorCount,
				j.CreatedAt.Local().Format("2006-01-02 15:04:05"), j.InputName)
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d of %d jobs\n", len(out.Jobs), out.Total)
		return 0
	case "show", "cancel":
		if !need(1) {
			return 2
		}
		method := http.MethodGet
		if verb == "cancel" {
			method = http.MethodDelete
		}
		body, err := c.do(method, "/v1/jobs/"+url.PathEscape(pos[0]), nil, "")
		if err != nil {
			return fail(stderr, "jobs", err)
		}
		defer body.Close()
		var v any
		if err := json.NewDecoder(body).Decode(&v); err != nil {
			return fail(stderr, "jobs", err)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(v)
		return 0
	case "submit":
		if !need(1) {
			return 2
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("kind", *kind)
		if *project != "" {
			mw.WriteField("project", *project)
		}
		if *crsFlag != "" {
			mw.WriteField("crs", *crsFlag)
		}
		for f, p := range facts {
			mw.WriteField("fact", f+"="+p)
		}
		fw, _ := mw.CreateFormFile("file", filepath.Base(pos[0]))
		f, err := os.Open(pos[0])
		if err != nil {
			return fail(stderr, "jobs", err)
		}
		_, err = io.Copy(fw, f)
		f.Close()
		if err != nil {
			return fail(stderr, "jobs", err)
		}
		mw.Close()
		body, err := c.do(http.MethodPost, "/v1/jobs", &buf, mw.FormDataContentType())
		if err != nil {
			return fail(stderr, "jobs", err)
		}
		defer body.Close()
		var j jobs.Job
		if err := json.NewDecoder(body).Decode(&j); err != nil {
			return fail(stderr, "jobs", err)
		}
		fmt.Fprintln(stdout, j.ID)
		fmt.Fprintf(stderr, "job %s: %s, %d features\n", j.ID, j.State, j.Total)
		return 0
	case "fetch":
		if !need(1) {
			return 2
		}
		ext := map[string]string{"shp": "zip"}[*format]
		if ext == "" {
			ext = *format
		}
		name := *output
		if name == "" {
			name = "job-" + pos[0] + "." + ext
		}
		body, err := c.do(http.MethodGet, "/v1/jobs/"+url.PathEscape(pos[0])+"/result?format="+url.QueryEscape(*format), nil, "")
		if err != nil {
			return fail(stderr, "jobs", err)
		}
		defer body.Close()
		var w io.Writer = stdout
		if name != "-" {
			f, err := os.Create(name)
			if err != nil {
				return fail(stderr, "jobs", err)
			}
			defer f.Close()
			w = f
		}
		n, err := io.Copy(w, body)
		if err != nil {
			return fail(stderr, "jobs", fmt.Errorf("fetching the result: %w", err))
		}
		if name != "-" {
			fmt.Fprintf(stderr, "%s: %d bytes\n", name, n)
		}
		return 0
	}
	fmt.Fprintf(stderr, "redline jobs: unknown verb %q\n%s", verb, jobsUsage)
	return 2
}

type jobsClient struct {
	base, token string
}

// do sends a request and returns the body of a 2xx answer; another status is
// an error with the server's message.
func (c *jobsClient) do(method, path string, body io.Reader, contentType string) (io.ReadCloser, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, c.base+path, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(b, &e) == nil && e.Error.Code != "" {
			return nil, fmt.Errorf("%s %s: %s: %s", method, path, e.Error.Code, e.Error.Message)
		}
		return nil, fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return resp.Body, nil
}

func (c *jobsClient) getJSON(path string, v any) error {
	body, err := c.do(http.MethodGet, path, nil, "")
	if err != nil {
		return err
	}
	defer body.Close()
	return json.NewDecoder(body).Decode(v)
}
