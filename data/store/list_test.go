package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// listRecord is a record with the facts List filters on.
func listRecord(id, verdict, name, industry, version string, at time.Time, lon, lat float64) *Record {
	r := record(id, id, verdict, at)
	r.Project = json.RawMessage(fmt.Sprintf(`{"name":%q,"industry":%q}`, name, industry))
	r.DatasetVersion = version
	// The 两高 status as a report states it: 化工 and 建材 are, a solar plant is not,
	// a project without industry is not asked.
	notes := `[]`
	switch {
	case strings.HasPrefix(industry, "C26"), strings.HasPrefix(industry, "C30"):
		notes = `["两高：是（未申报 high_energy，按行业代码 ` + industry + ` 推定）"]`
	case industry != "":
		notes = `["两高：否（未申报 high_energy，按行业代码 ` + industry + ` 推定）"]`
	}
	r.Report = json.RawMessage(`{"report_id":"` + id + `","verdict":"` + verdict + `","governing_rule":{"id":"rule-` + id + `"},"notes":` + notes + `}`)
	r.Footprint = json.RawMessage(fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
		lon, lat, lon+0.01, lat, lon+0.01, lat+0.01, lon, lat))
	return r
}

func TestList(t *testing.T) {
	at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	recs := []*Record{
		listRecord("a", "prohibited", "化工厂", "C2611", "2024.1", at, 108.9, 34.2),
		listRecord("b", "admissible", "光伏电站", "D4416", "2024.1", at.Add(24*time.Hour), 109.5, 34.5),
		listRecord("c", "prohibited", "水泥厂", "C3011", "2024.2", at.Add(48*time.Hour), 107.1, 33.1),
		listRecord("d", "needs_info", "化工厂", "C2614", "2024.2", at.Add(72*time.Hour), 108.95, 34.25),
		listRecord("e_%", "conditional", "", "", "2024.2", at.Add(96*time.Hour), 110, 35),
	}
	box := orb.Bound{Min: orb.Point{108.8, 34.1}, Max: orb.Point{109, 34.3}}
	yes, no := true, false
	cases := []struct {
		name string
		f    Filter
		want []string // newest first
	}{
		{"all", Filter{}, []string{"e_%", "d", "c", "b", "a"}},
		{"verdict", Filter{Verdict: "prohibited"}, []string{"c", "a"}},
		{"industry prefix", Filter{IndustryPrefix: "C26"}, []string{"d", "a"}},
		{"industry section", Filter{IndustryPrefix: "C"}, []string{"d", "c", "a"}},
		{"industry wildcard is literal", Filter{IndustryPrefix: "%"}, nil},
		{"from", Filter{From: at.Add(48 * time.Hour)}, []string{"e_%", "d", "c"}},
		{"to inclusive", Filter{To: at.Add(24 * time.Hour)}, []string{"b", "a"}},
		{"interval", Filter{From: at.Add(time.Hour), To: at.Add(72 * time.Hour)}, []string{"d", "c", "b"}},
		{"dataset version", Filter{DatasetVersion: "2024.1"}, []string{"b", "a"}},
		{"project name", Filter{ProjectName: "化工厂"}, []string{"d", "a"}},
		{"bbox", Filter{Bbox: &box}, []string{"d", "a"}},
		{"combined", Filter{Verdict: "prohibited", DatasetVersion: "2024.2", IndustryPrefix: "C30"}, []string{"c"}},
		{"page", Filter{Limit: 2, Offset: 1}, []string{"d", "c"}},
		{"两高", Filter{HighEnergy: &yes}, []string{"d", "c", "a"}},
		{"not 两高", Filter{HighEnergy: &no}, []string{"b"}},
		{"两高 ledger of a month, a page", Filter{HighEnergy: &yes, From: at, To: at.Add(72 * time.Hour), Limit: 2}, []string{"d", "c"}},
		{"industries", Filter{Industries: []string{"C30", "D44"}}, []string{"c", "b"}},
		{"past the end", Filter{Offset: 10}, nil},
	}
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			for _, r := range recs {
				if err := s.Save(t.Context(), r); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range cases {
				page, err := s.List(t.Context(), c.f)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				var got []string
				for _, m := range page.Reports {
					got = append(got, m.ID)
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				}
				total := len(c.want)
				if c.f.Limit > 0 || c.f.Offset > 0 {
					c.f.Limit, c.f.Offset = 0, 0
					all, _ := s.List(t.Context(), c.f)
					total = len(all.Reports)
				}
				if page.Total != int64(total) {
					t.Errorf("%s: Total = %d, want %d", c.name, page.Total, total)
				}
			}
			e, err := s.Extent(t.Context())
			if err != nil || e.Count != 5 || !e.First.Equal(at) || !e.Last.Equal(at.Add(96*time.Hour)) ||
				e.Bbox == nil || e.Bbox.Min != (orb.Point{107.1, 33.1}) || e.Bbox.Max != (orb.Point{110.01, 35.01}) {
				t.Errorf("Extent = %+v %v, %v", e, e.Bbox, err)
			}
			if one, err := s.List(t.Context(), Filter{ID: "c"}); err != nil || len(one.Reports) != 1 || one.Reports[0].ID != "c" {
				t.Errorf("List(ID c) = %+v, %v", one, err)
			}
			page, err := s.List(t.Context(), Filter{ProjectName: "水泥厂", Footprints: true})
			if err != nil || len(page.Reports) != 1 {
				t.Fatalf("List(水泥厂) = %+v, %v", page, err)
			}
			m := page.Reports[0]
			if m.Industry != "C3011" || m.GoverningRule != "rule-c" || m.DatasetVersion != "2024.2" ||
				!strings.Contains(string(m.Footprint), "107.1") {
				t.Errorf("summary = %+v footprint %s", m, m.Footprint)
			}
		})
	}
}

// oldArchive makes a SQLite archive as schema version v left it, holding rows
// (the columns of version 1: those after are as their migrations left them),
// and returns its path.
func oldArchive(t *testing.T, v int, rows ...*Record) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("v%d.db", v))
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{`CREATE TABLE redline_schema (version INTEGER NOT NULL)`, fmt.Sprintf(`INSERT INTO redline_schema VALUES (%d)`, v)}
	for _, m := range migrations[:v] {
		for stmt := range strings.SplitSeq(strings.NewReplacer("%BLOB%", "BLOB", "%ID%", "INTEGER PRIMARY KEY").Replace(m.ddl), ";") {
			if strings.TrimSpace(stmt) != "" {
				stmts = append(stmts, stmt)
			}
		}
	}
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rows {
		if _, err := db.Exec(`INSERT INTO reports (id, created_at_us, input_hash, input, input_name, input_type, project,
			dataset_name, dataset_version, verdict, report, footprint) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			r.ID, r.CreatedAt.UnixMicro(), r.InputHash, r.Input, r.InputName, r.InputType, string(r.Project),
			r.DatasetName, r.DatasetVersion, r.Verdict, string(r.Report), string(r.Footprint)); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// TestMigrationBackfill: a database made by schema version 1 gets the filter
// columns filled from the JSON it already holds.
func TestMigrationBackfill(t *testing.T) {
	old := listRecord("old", "prohibited", "老厂", "C2511", "2023.1", time.Now(), 108, 34)
	broken := listRecord("broken", "admissible", "", "", "2023.1", time.Now(), 108, 34)
	broken.Project, broken.Report, broken.Footprint = json.RawMessage(`not json`), json.RawMessage(`[]`), nil
	s, err := Open(t.Context(), oldArchive(t, 1, old, broken))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	box := orb.Bound{Min: orb.Point{107.9, 33.9}, Max: orb.Point{108.1, 34.1}}
	page, err := s.List(t.Context(), Filter{IndustryPrefix: "C25", Bbox: &box})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Reports) != 1 || page.Reports[0].ProjectName != "老厂" || page.Reports[0].GoverningRule != "rule-old" {
		t.Errorf("after backfill: %+v", page.Reports)
	}
	if page, err := s.List(t.Context(), Filter{}); err != nil || page.Total != 2 {
		t.Errorf("List all = %d, %v; want both rows", page.Total, err)
	}
}

// TestListIndexesPostgres: every filter of the list endpoint can be answered
// from an index on PostgreSQL (replicas share one archive: its lists must not
// scan it), as the planner says with sequential scans priced out.
func TestListIndexesPostgres(t *testing.T) {
	s := openTestPG(t)
	for _, tc := range []struct{ name, where string }{
		{"datetime", "created_at_us >= 1 AND created_at_us < 2"},
		{"verdict", "verdict = 'prohibited'"},
		{"industry prefix", "industry LIKE 'C25%'"},
		{"high_energy", "high_energy = 1"},
		{"dataset_version", "dataset_version = '2026.1'"},
		{"project", "project_name = 'x'"},
		{"input_hash", "input_hash = 'ab'"},
		{"bbox", "CAST(min_lon*4 AS BIGINT) <= CAST(CAST(109 AS DOUBLE PRECISION)*4 AS BIGINT) AND CAST(max_lon*4 AS BIGINT) >= CAST(CAST(108.8 AS DOUBLE PRECISION)*4 AS BIGINT) AND min_lon <= 109 AND max_lon >= 108.8 AND min_lat <= 34.3 AND max_lat >= 34.1"},
	} {
		conn, err := s.db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		conn.ExecContext(t.Context(), `SET enable_seqscan = off`)
		rows, err := conn.QueryContext(t.Context(), `EXPLAIN SELECT id FROM reports WHERE `+tc.where+` ORDER BY created_at_us DESC LIMIT 100`)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var l string
			rows.Scan(&l)
			plan = append(plan, l)
		}
		rows.Close()
		conn.ExecContext(t.Context(), `RESET enable_seqscan`)
		conn.Close()
		p := strings.Join(plan, "\n")
		if strings.Contains(p, "Seq Scan") || !strings.Contains(p, "Index") {
			t.Errorf("%s: no index answers it:\n%s", tc.name, p)
		}
	}
}

// TestListIndexesSQLite: each List filter's queries (the count and the page)
// search an index on SQLite, the one meant for it, as EXPLAIN QUERY PLAN says
// with the filter's values bound, in a new archive and in one made by schema
// version 5 (migration 6 replaced three indexes).
func TestListIndexesSQLite(t *testing.T) {
	at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	yes := true
	box := orb.Bound{Min: orb.Point{108.8, 34.1}, Max: orb.Point{109, 34.3}}
	cases := []struct {
		f     Filter
		index string
	}{
		{Filter{From: at}, "reports_created"},
		{Filter{From: at, To: at.Add(time.Hour)}, "reports_created"},
		{Filter{Verdict: "prohibited"}, "reports_verdict"},
		{Filter{IndustryPrefix: "C25"}, "reports_industry_nocase"},
		{Filter{IndustryPrefix: "c2_"}, "reports_industry_nocase"},
		{Filter{Industries: []string{"C25", "C26"}}, "reports_industry_nocase"},
		{Filter{HighEnergy: &yes}, "reports_high_energy"},
		{Filter{HighEnergy: &yes, From: at, To: at.Add(time.Hour)}, "reports_high_energy"},
		{Filter{DatasetVersion: "2024.1"}, "reports_dataset_version"},
		{Filter{ProjectName: "化工厂"}, "reports_project_name"},
		{Filter{InputHash: "ab"}, "reports_input_key"},
		{Filter{ID: "a"}, "sqlite_autoindex_reports_1"},
		{Filter{Bbox: &box}, "reports_bbox_cell"},
	}
	for _, path := range []string{filepath.Join(t.TempDir(), "new.db"), oldArchive(t, 5)} {
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, r := range []*Record{
			listRecord("a", "prohibited", "化工厂", "C2611", "2024.1", at, 108.9, 34.2),
			listRecord("b", "admissible", "", "", "2024.1", at, 108.9, 34.2),
		} {
			if err := s.Save(t.Context(), r); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.Count(t.Context()); err != nil || n != 2 {
			t.Fatalf("Count = %d, %v", n, err)
		}
		for _, c := range cases {
			count, page, args := c.f.queries(true)
			for _, q := range []string{count, page} {
				a := args
				if q == page {
					a = append(a[:len(a):len(a)], 100, 0)
				}
				plan := queryPlan(t, s, q, a)
				if !strings.Contains(plan, "SEARCH reports USING INDEX "+c.index+" (") &&
					!strings.Contains(plan, "SEARCH reports USING COVERING INDEX "+c.index+" (") {
					t.Errorf("%s: %s\nplan: %s", filepath.Base(path), q, plan)
				}
				if c.f.InputHash != "" && !strings.Contains(plan, "INDEX reports_input_bucket (input_bucket=? AND input_key=?)") {
					t.Errorf("%s: %s does not search the buckets' index\nplan: %s", filepath.Base(path), q, plan)
				}
				if c.f.InputHash != "" && !strings.Contains(plan, "INDEX reports_input_hash_old (") {
					t.Errorf("%s: %s does not search the old rows' index\nplan: %s", filepath.Base(path), q, plan)
				}
				if strings.Contains(plan, "SCAN reports") {
					t.Errorf("%s: %s scans the table or an index\nplan: %s", filepath.Base(path), q, plan)
				}
			}
		}
		// The filters whose indexes changed still select what they did.
		for _, c := range []struct {
			f    Filter
			want int
		}{
			{Filter{IndustryPrefix: "c26"}, 1}, {Filter{IndustryPrefix: "C25"}, 0}, {Filter{HighEnergy: &yes}, 1},
			{Filter{ProjectName: "化工厂"}, 1}, {Filter{ProjectName: "化工"}, 0},
		} {
			if p, err := s.List(t.Context(), c.f); err != nil || p.Total != int64(c.want) || len(p.Reports) != c.want {
				t.Errorf("%s: List(%+v) = %+v, %v; want %d", filepath.Base(path), c.f, p, err, c.want)
			}
		}
		// The partial indexes hold only the rows their filters can select.
		for idx, want := range map[string]int{"reports_project_name": 1, "reports_high_energy": 1, "reports_industry_nocase": 2, "reports_created": 2} {
			var n int
			if err := s.db.QueryRow(`SELECT COUNT(*) FROM reports INDEXED BY ` + idx + ` WHERE ` + map[string]string{
				"reports_project_name": "project_name <> ''", "reports_high_energy": "high_energy IS NOT NULL",
				"reports_industry_nocase": "industry >= '' COLLATE NOCASE", "reports_created": "created_at_us > 0"}[idx]).Scan(&n); err != nil || n != want {
				t.Errorf("%s: %s holds %d rows, %v; want %d", filepath.Base(path), idx, n, err, want)
			}
		}
	}
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of q with args bound, its steps
// joined by " | ".
func queryPlan(t *testing.T, s *Store, q string, args []any) string {
	t.Helper()
	rows, err := s.db.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var step string
		if err := rows.Scan(&id, &parent, &unused, &step); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, step)
	}
	return strings.Join(plan, " | ")
}

// TestListBboxCells: the bbox filter selects exactly what its exact
// comparisons do, the index's cells notwithstanding: boxes and footprints on
// and across quarter-degree boundaries, west of 0° too (SQLite's CAST goes
// toward zero, PostgreSQL's rounds); and input_hash filters among hashes that
// share their first 16 digits.
func TestListBboxCells(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
			type span struct{ lon, w float64 }
			var spans []span
			for _, lon := range []float64{-0.5, -0.25, -0.1, 0, 0.1, 0.24, 0.25, 0.26, 0.5, 0.74, 0.99} {
				for _, w := range []float64{0, 0.01, 0.26, 0.75} {
					spans = append(spans, span{lon, w})
				}
			}
			var recs []*Record
			for i, sp := range spans {
				r := record(fmt.Sprintf("r%03d", i), fmt.Sprintf("in %d", i), "admissible", at.Add(time.Duration(i)*time.Second))
				r.Footprint = json.RawMessage(fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,1],[%g,1],[%g,1.5],[%g,1]]]}`,
					sp.lon, sp.lon+sp.w, sp.lon+sp.w, sp.lon))
				if i%3 == 0 { // hashes that share the index's prefix
					r.InputHash = strings.Repeat("a", 16) + r.InputHash[16:]
				}
				recs = append(recs, r)
				if err := s.Save(t.Context(), r); err != nil {
					t.Fatal(err)
				}
			}
			edges := []float64{-0.75, -0.5, -0.3, -0.25, 0, 0.01, 0.25, 0.251, 0.5, 0.75, 1, 1.5}
			for _, lo := range edges {
				for _, hi := range edges {
					if hi < lo {
						continue
					}
					box := orb.Bound{Min: orb.Point{lo, 0}, Max: orb.Point{hi, 2}}
					var want []string
					for i := len(spans) - 1; i >= 0; i-- {
						if sp := spans[i]; sp.lon <= hi && sp.lon+sp.w >= lo {
							want = append(want, recs[i].ID)
						}
					}
					page, err := s.List(t.Context(), Filter{Bbox: &box, Limit: 1000})
					if err != nil {
						t.Fatal(err)
					}
					if got := ids(page.Reports); !slices.Equal(got, want) || page.Total != int64(len(want)) {
						t.Errorf("bbox %v–%v: %v (total %d), want %v", lo, hi, got, page.Total, want)
					}
				}
			}
			for _, r := range recs[:4] {
				page, err := s.List(t.Context(), Filter{InputHash: r.InputHash})
				if err != nil {
					t.Fatal(err)
				}
				if got := ids(page.Reports); !slices.Equal(got, []string{r.ID}) {
					t.Errorf("input_hash %s: %v, want [%s]", r.InputHash, got, r.ID)
				}
			}
		})
	}
}

func ids(ss []Summary) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}
