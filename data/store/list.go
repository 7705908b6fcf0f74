package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Summary is a listing entry: a record without its input and report, with the
// facts List filters on. Footprint is filled only when Filter.Footprints asks.
type Summary struct {
	ID             string    `json:"id"`
	CreatedAt      time.Time `json:"created_at"`
	InputHash      string    `json:"input_hash"`
	DatasetName    string    `json:"dataset_name"`
	DatasetVersion string    `json:"dataset_version"`
	Verdict        string    `json:"verdict"`
	ProjectName    string    `json:"project_name"`
	Industry       string    `json:"industry"`
	GoverningRule  string    `json:"governing_rule"`
	// Footprint is the checked footprint as a GeoJSON geometry (lon/lat); empty
	// when the record has none or the filter did not ask for it.
	Footprint json.RawMessage `json:"-"`
}

// Filter selects archived reports; its zero value selects all of them, newest
// first. Every set field must hold.
type Filter struct {
	// From and To bound created_at, both inclusive; zero leaves that end open.
	From, To time.Time
	// Verdict is one of the four verdicts.
	Verdict string
	// IndustryPrefix matches the project's industry code (letter form, "C25"
	// matches "C2511") by prefix.
	IndustryPrefix string
	// Industries match any of several prefixes (the 两高 industries: C25, C26, …).
	Industries []string
	// HighEnergy, when set, keeps the reports whose project is (or is not) 两高 as
	// the report states it; reports that do not say are left out either way.
	HighEnergy     *bool
	DatasetVersion string
	// ProjectName matches the project's name exactly.
	ProjectName string
	InputHash   string
	// ID selects one report.
	ID string
	// Bbox keeps the reports whose footprint's bounding box meets it (lon/lat).
	Bbox *orb.Bound
	// Limit is the page size (100 when ≤ 0); Offset the reports skipped before it.
	Limit, Offset int
	// Footprints fills Summary.Footprint.
	Footprints bool
}

// Page is one page of a listing and the number of reports the filter matches
// in all.
type Page struct {
	Reports []Summary
	Total   int64
}

// where builds the filter's SQL condition and its arguments (? placeholders);
// keyed, it searches input hashes through input_key (SQLite's index).
func (f Filter) where(keyed bool) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a ...any) { conds = append(conds, cond); args = append(args, a...) }
	if !f.From.IsZero() {
		add("created_at_us >= ?", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		add("created_at_us <= ?", f.To.UnixMicro())
	}
	if f.Verdict != "" {
		add("verdict = ?", f.Verdict)
	}
	if f.IndustryPrefix != "" {
		add(`industry LIKE ? ESCAPE '!'`, likePrefix(f.IndustryPrefix))
	}
	if len(f.Industries) > 0 {
		ors := make([]string, len(f.Industries))
		var a []any
		for i, code := range f.Industries {
			ors[i] = `industry LIKE ? ESCAPE '!'`
			a = append(a, likePrefix(code))
		}
		add("("+strings.Join(ors, " OR ")+")", a...)
	}
	if f.HighEnergy != nil {
		v := 0
		if *f.HighEnergy {
			v = 1
		}
		add("high_energy = ?", v)
	}
	if f.DatasetVersion != "" {
		add("dataset_version = ?", f.DatasetVersion)
	}
	if f.ProjectName != "" {
		// The second term is true whenever the first is: it lets SQLite use
		// its partial index (see sqliteListIndexes).
		add("project_name = ? AND project_name <> ''", f.ProjectName)
	}
	if f.InputHash != "" {
		if keyed {
			// SQLite's indexes: input_bucket's for the rows the inserter put
			// there, one search a bucket (sqliteInputBuckets); input_key's
			// for the other rows of schema 8 on; input_hash's for those
			// archived before (sqliteInputKey).
			k := InputKey(f.InputHash)
			add("((input_bucket IN "+inputBuckets+" AND input_key = ? AND input_hash = ?) OR "+
				"(input_bucket IS NULL AND input_key = ? AND input_hash = ?) OR "+
				"(input_key IS NULL AND input_hash = ?))",
				k, f.InputHash, k, f.InputHash, f.InputHash)
		} else {
			add("input_hash = ?", f.InputHash)
		}
	}
	if f.ID != "" {
		add("id = ?", f.ID)
	}
	if b := f.Bbox; b != nil {
		// The cells' terms are true whenever the exact ones are (CAST is
		// monotonic: SQLite truncates, PostgreSQL rounds, each on both sides):
		// SQLite's index is on the cells (see sqliteClusteredIndexes). The
		// bounds are clamped for PostgreSQL's BIGINT, past any longitude.
		add("CAST(min_lon*4 AS BIGINT) <= CAST(CAST(? AS DOUBLE PRECISION)*4 AS BIGINT) AND "+
			"CAST(max_lon*4 AS BIGINT) >= CAST(CAST(? AS DOUBLE PRECISION)*4 AS BIGINT) AND "+
			"min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?",
			min(max(b.Max[0], -1e9), 1e9), min(max(b.Min[0], -1e9), 1e9), b.Max[0], b.Min[0], b.Max[1], b.Min[1])
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// inputBuckets are the buckets of input keys in use, from the least to the
// greatest (the inserter counts them up from one start to the next).
const inputBuckets = `(WITH RECURSIVE b(n) AS (` +
	`SELECT min(input_bucket) FROM reports WHERE input_bucket IS NOT NULL ` +
	`UNION ALL SELECT n+1 FROM b WHERE n < (SELECT max(input_bucket) FROM reports WHERE input_bucket IS NOT NULL)) ` +
	`SELECT n FROM b)`

// likePrefix is a LIKE pattern matching s as a prefix, its wildcards escaped
// with "!" (a backslash means different things to SQLite and PostgreSQL).
func likePrefix(s string) string {
	r := strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`)
	return r.Replace(s) + "%"
}

// queries are List's: the count of the reports f selects, and a page of
// them (its last two arguments, the limit and the offset, follow args);
// keyed as where.
func (f Filter) queries(keyed bool) (count, page string, args []any) {
	where, args := f.where(keyed)
	cols := `id, created_at_us, input_hash, dataset_name, dataset_version, verdict, project_name, industry, governing_rule`
	if f.Footprints {
		cols += `, footprint`
	}
	return `SELECT COUNT(*) FROM reports` + where,
		`SELECT ` + cols + ` FROM reports` + where + ` ORDER BY created_at_us DESC, id LIMIT ? OFFSET ?`, args
}

// List returns one page of the reports f selects, newest first (then by id), and
// how many it selects in all.
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	if err := s.caughtUp(ctx); err != nil {
		return Page{}, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	count, q, args := f.queries(s.dialect == sqlite)
	var page Page
	if err := s.db.QueryRowContext(ctx, s.rebind(count), args...).Scan(&page.Total); err != nil {
		return Page{}, fmt.Errorf("store: count reports in %s: %w", s.where, classify(err))
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(q), append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return Page{}, fmt.Errorf("store: list reports in %s: %w", s.where, classify(err))
	}
	defer rows.Close()
	page.Reports = []Summary{}
	for rows.Next() {
		var m Summary
		var us int64
		dest := []any{&m.ID, &us, &m.InputHash, &m.DatasetName, &m.DatasetVersion, &m.Verdict, &m.ProjectName, &m.Industry, &m.GoverningRule}
		var fp string
		if f.Footprints {
			dest = append(dest, &fp)
		}
		if err := rows.Scan(dest...); err != nil {
			return Page{}, fmt.Errorf("store: list reports in %s: %w", s.where, err)
		}
		m.CreatedAt = time.UnixMicro(us).UTC()
		if fp != "" {
			m.Footprint = json.RawMessage(fp)
		}
		page.Reports = append(page.Reports, m)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("store: list reports in %s: %w", s.where, err)
	}
	return page, nil
}

// Facts are the columns List filters on (with an index), which are also in the
// record's JSON: the project's name and industry, the governing rule's id, the
// footprint's bounding box and the 两高 status. Save reads them out of the JSON
// (FactsOf) unless the record brings them (Record.Facts): the check handler has
// the report at hand, and parsing its JSON again cost more than the insert.
type Facts struct {
	ProjectName, Industry, GoverningRule string
	// Bound is the footprint's bounding box; nil without a footprint.
	Bound *orb.Bound
	// HighEnergy is the 两高 status the report's notes state (HighEnergyOf); nil
	// when they do not say.
	HighEnergy *bool
}

// args are the values of the columns project_name … max_lat.
func (f Facts) args() []any {
	a := []any{f.ProjectName, f.Industry, f.GoverningRule, nil, nil, nil, nil}
	if f.Bound != nil {
		a[3], a[4], a[5], a[6] = f.Bound.Min[0], f.Bound.Min[1], f.Bound.Max[0], f.Bound.Max[1]
	}
	return a
}

// highEnergyArg is the high_energy column: 1, 0 or NULL.
func (f Facts) highEnergyArg() any {
	switch {
	case f.HighEnergy == nil:
		return nil
	case *f.HighEnergy:
		return 1
	}
	return 0
}

// FactsOf reads the facts out of a record's project, report and footprint JSON.
// What does not decode is left empty: the record is kept whole in its own
// columns, and a listing must not fail on an old row.
func FactsOf(project, report, footprint json.RawMessage) Facts {
	var f Facts
	var p struct {
		Name     string `json:"name"`
		Industry string `json:"industry"`
	}
	if json.Unmarshal(project, &p) == nil {
		f.ProjectName, f.Industry = p.Name, p.Industry
	}
	var r struct {
		Governing *struct {
			ID string `json:"id"`
		} `json:"governing_rule"`
		Notes []string `json:"notes"`
	}
	if json.Unmarshal(report, &r) == nil {
		if r.Governing != nil {
			f.GoverningRule = r.Governing.ID
		}
		f.HighEnergy = HighEnergyOf(r.Notes)
	}
	if len(footprint) > 0 {
		if g, err := geojson.UnmarshalGeometry(footprint); err == nil && g.Geometry() != nil {
			b := g.Geometry().Bound()
			f.Bound = &b
		}
	}
	return f
}

// HighEnergyOf reads the 两高 status a report states in its notes ("两高：是…",
// "两高：否…", declared or derived from the industry): nil when the report does
// not say (a project that is not industrial is not asked).
func HighEnergyOf(notes []string) *bool {
	for _, n := range notes {
		switch {
		case strings.HasPrefix(n, "两高：是"):
			v := true
			return &v
		case strings.HasPrefix(n, "两高：否"):
			v := false
			return &v
		}
	}
	return nil
}

// backfillHighEnergy fills migration 3's column of the rows archived before it.
func backfillHighEnergy(ctx context.Context, s *Store, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, report FROM reports`)
	if err != nil {
		return err
	}
	type row struct {
		id string
		v  any
	}
	var all []row
	for rows.Next() {
		var id, report string
		if err := rows.Scan(&id, &report); err != nil {
			rows.Close()
			return err
		}
		all = append(all, row{id, FactsOf(nil, json.RawMessage(report), nil).highEnergyArg()})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	upd := s.rebind(`UPDATE reports SET high_energy = ? WHERE id = ?`)
	for _, r := range all {
		if _, err := tx.ExecContext(ctx, upd, r.v, r.id); err != nil {
			return fmt.Errorf("report %s: %w", r.id, err)
		}
	}
	return nil
}

// backfillDerived fills migration 2's columns of the rows archived before it.
func backfillDerived(ctx context.Context, s *Store, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, project, report, footprint FROM reports`)
	if err != nil {
		return err
	}
	type row struct {
		id string
		f  Facts
	}
	var all []row
	for rows.Next() {
		var id, project, report, footprint string
		if err := rows.Scan(&id, &project, &report, &footprint); err != nil {
			rows.Close()
			return err
		}
		all = append(all, row{id, FactsOf(json.RawMessage(project), json.RawMessage(report), json.RawMessage(footprint))})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	upd := s.rebind(`UPDATE reports SET project_name = ?, industry = ?, governing_rule = ?,
		min_lon = ?, min_lat = ?, max_lon = ?, max_lat = ? WHERE id = ?`)
	for _, r := range all {
		if _, err := tx.ExecContext(ctx, upd, append(r.f.args(), r.id)...); err != nil {
			return fmt.Errorf("report %s: %w", r.id, err)
		}
	}
	return nil
}

// Extent is what the archive covers: the first and last created_at, and the
// bounding box of every footprint (nil when none has one).
type Extent struct {
	First, Last time.Time
	Bbox        *orb.Bound
	Count       int64
}

// Extent returns the archive's temporal and spatial extent.
func (s *Store) Extent(ctx context.Context) (Extent, error) {
	if err := s.caughtUp(ctx); err != nil {
		return Extent{}, err
	}
	var e Extent
	var first, last sql.NullInt64
	var x0, y0, x1, y1 sql.NullFloat64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(created_at_us), MAX(created_at_us),
		MIN(min_lon), MIN(min_lat), MAX(max_lon), MAX(max_lat) FROM reports`).
		Scan(&e.Count, &first, &last, &x0, &y0, &x1, &y1)
	if err != nil {
		return Extent{}, fmt.Errorf("store: extent of the reports in %s: %w", s.where, classify(err))
	}
	if first.Valid {
		e.First, e.Last = time.UnixMicro(first.Int64).UTC(), time.UnixMicro(last.Int64).UTC()
	}
	if x0.Valid && y0.Valid && x1.Valid && y1.Valid {
		e.Bbox = &orb.Bound{Min: orb.Point{x0.Float64, y0.Float64}, Max: orb.Point{x1.Float64, y1.Float64}}
	}
	return e, nil
}
