package ogc

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data/store"
	"github.com/redline-gis/redline/zones"
)

// Paging of items: the standard's default page and the largest we serve.
// A larger limit is clamped to MaxLimit (Part 1 allows it), not refused.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// onlyParams refuses a query parameter the resource does not know (Part 1,
// /req/core/query-param-unknown), naming it and the ones it knows.
func onlyParams(r *http.Request, known ...string) error {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			return badParam(k, q.Get(k), fmt.Sprintf("unknown query parameter %q; this resource takes %s", k, strings.Join(known, ", ")))
		}
	}
	return nil
}

// paging reads limit (clamped to MaxLimit) and offset.
func paging(q url.Values) (limit, offset int, err error) {
	limit, offset = DefaultLimit, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, badParam("limit", v, fmt.Sprintf("limit must be a whole number from 1 to %d (larger values are served as %d), not %q", MaxLimit, MaxLimit, v))
		}
		limit = min(n, MaxLimit)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, badParam("offset", v, fmt.Sprintf("offset must be a whole number ≥ 0, not %q", v))
		}
		offset = n
	}
	return limit, offset, nil
}

// bbox reads bbox= (4 numbers, or 6 with heights, which are ignored) in the CRS
// bbox-crs= names (CRS84 by default), as a lon/lat bound; nil when absent.
func bbox(q url.Values, list []refCRS) (*orb.Bound, error) {
	v := q.Get("bbox")
	if v == "" {
		if c := q.Get("bbox-crs"); c != "" {
			return nil, badParam("bbox-crs", c, "bbox-crs is given without bbox")
		}
		return nil, nil
	}
	c := list[0]
	if name := q.Get("bbox-crs"); name != "" {
		var err error
		if c, err = findCRS(list, "bbox-crs", name); err != nil {
			return nil, err
		}
	}
	parts := strings.Split(v, ",")
	bad := func(why string) error {
		return badParam("bbox", v, fmt.Sprintf("bbox must be 4 numbers (lower corner, upper corner, in the axis order of %s) or 6 with heights: %s; got %q", c.URI, why, v))
	}
	if len(parts) != 4 && len(parts) != 6 {
		return nil, bad(fmt.Sprintf("%d numbers", len(parts)))
	}
	f := make([]float64, len(parts))
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || x != x {
			return nil, bad(fmt.Sprintf("number %d is %q", i+1, p))
		}
		f[i] = x
	}
	if len(f) == 6 {
		f = []float64{f[0], f[1], f[3], f[4]}
	}
	if f[1] > f[3] {
		return nil, bad("the second axis's lower value is above its upper value")
	}
	if f[0] > f[2] {
		return nil, bad("the first axis's lower value is above its upper value (boxes across the antimeridian are not served)")
	}
	b := boundIn(c, orb.Point{f[0], f[1]}, orb.Point{f[2], f[3]})
	if b.Min[1] < -90 || b.Max[1] > 90 || b.Min[0] < -180 || b.Max[0] > 180 {
		return nil, bad("it lies outside longitude −180…180, latitude −90…90")
	}
	return &b, nil
}

// Interval is a datetime= value: an instant (From == To) or an interval whose
// open ends are zero.
type Interval struct{ From, To time.Time }

// ParseDatetime reads an RFC 3339 instant, or an interval "start/end" whose ends
// may be ".." or empty (open).
func ParseDatetime(v string) (Interval, error) {
	bad := func(why string) (Interval, error) {
		return Interval{}, badParam("datetime", v, fmt.Sprintf(`datetime must be an RFC 3339 date-time (2026-11-01T00:00:00Z) or an interval "start/end" with ".." for an open end: %s; got %q`, why, v))
	}
	one := func(s string) (time.Time, error) {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
		// A date alone is the whole day (UTC), as the standard's examples use.
		return time.Parse("2006-01-02", s)
	}
	start, end, isInterval := strings.Cut(v, "/")
	if !isInterval {
		t, err := one(v)
		if err != nil {
			return bad("not a date-time")
		}
		if len(v) == len("2006-01-02") {
			return Interval{t, t.Add(24*time.Hour - time.Microsecond)}, nil
		}
		return Interval{t, t}, nil
	}
	var iv Interval
	if start != ".." && start != "" {
		t, err := one(start)
		if err != nil {
			return bad("the start is not a date-time")
		}
		iv.From = t
	}
	if end != ".." && end != "" {
		t, err := one(end)
		if err != nil {
			return bad("the end is not a date-time")
		}
		if len(end) == len("2006-01-02") {
			t = t.Add(24*time.Hour - time.Microsecond)
		}
		iv.To = t
	}
	if (start == ".." || start == "") && (end == ".." || end == "") {
		return bad("both ends are open")
	}
	if !iv.From.IsZero() && !iv.To.IsZero() && iv.To.Before(iv.From) {
		return bad("the end is before the start")
	}
	return iv, nil
}

// ReportFilterParams are the query parameters ParseReportFilter reads.
var ReportFilterParams = []string{"datetime", "verdict", "industry", "dataset_version", "project"}

// ParseReportFilter reads the archive filters that /ogc/collections/reports/items
// and GET /v1/reports share: datetime (RFC 3339 instant or interval), verdict,
// industry (a GB/T 4754 code prefix at any level, normalised to the letter form),
// dataset_version and project (the project's name, exactly).
func ParseReportFilter(q url.Values) (store.Filter, error) {
	var f store.Filter
	if v := q.Get("datetime"); v != "" {
		iv, err := ParseDatetime(v)
		if err != nil {
			return f, err
		}
		f.From, f.To = iv.From, iv.To
	}
	if v := q.Get("verdict"); v != "" {
		if !zones.Verdict(v).Valid() {
			return f, badParam("verdict", v, fmt.Sprintf("verdict must be prohibited, needs_info, conditional or admissible, not %q", v))
		}
		f.Verdict = v
	}
	if v := q.Get("industry"); v != "" {
		// Several codes, comma-separated, match any of them.
		for c := range strings.SplitSeq(v, ",") {
			code, err := zones.NormalizeIndustry(strings.TrimSpace(c))
			if err != nil {
				return f, badParam("industry", v, fmt.Sprintf("industry must be a GB/T 4754-2017 code or its prefix (C, C25, 2511), or several separated by commas: %v", err))
			}
			f.Industries = append(f.Industries, code)
		}
		if len(f.Industries) == 1 {
			f.IndustryPrefix, f.Industries = f.Industries[0], nil
		}
	}
	if v := q.Get("high_energy"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, badParam("high_energy", v, fmt.Sprintf("high_energy must be true or false, not %q", v))
		}
		f.HighEnergy = &b
	}
	f.DatasetVersion = q.Get("dataset_version")
	f.ProjectName = q.Get("project")
	return f, nil
}
