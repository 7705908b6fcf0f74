package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/formats/geojson"
)

// SideConfig is a side-by-side run against PostGIS.
type SideConfig struct {
	Redline string // the built redline binary
	Shared  string // ../shared/data
	Work    string // archives
	DSN     string // a PostgreSQL whose database may get the postgis extension
	Runs    int
	Server  ServerOpts // added to the server's flags and environment
	Log     io.Writer
}

// The PostGIS side as the issue set it up: every layer in one table, invalid
// polygons repaired as the oracle did (ST_CollectionExtract(ST_MakeValid(g), 3)),
// zones cut into pieces of at most 256 vertices (ST_Subdivide) under a GiST
// index (and the whole zones under one too, for Job.WholeZones), JIT off. A job's
// geometries are a table of their own; its query is what is timed.
const (
	pgSetup = `
DROP TABLE IF EXISTS bench_zone_wkb, bench_zones, bench_pieces;
CREATE TABLE bench_zone_wkb (layer text, zid text, wkb bytea);`
	pgPieces = `
CREATE TABLE bench_zones AS
  SELECT layer, zid, ST_Dimension(g) = 2 AS poly,
         CASE WHEN ST_Dimension(g) = 2 AND NOT ST_IsValid(g) THEN ST_CollectionExtract(ST_MakeValid(g), 3) ELSE g END AS geom
  FROM (SELECT layer, zid, ST_SetSRID(ST_GeomFromWKB(wkb), 4326) AS g FROM bench_zone_wkb) s;
CREATE TABLE bench_pieces AS SELECT layer, zid, poly, ST_Subdivide(geom, 256) AS geom FROM bench_zones;
CREATE INDEX ON bench_pieces USING gist (geom);
CREATE INDEX ON bench_zones USING gist (geom);`
	// pgLocate: which zones cover each point.
	pgLocate = `SELECT DISTINCT q.id, z.layer, z.zid FROM %s q JOIN bench_pieces z ON ST_Intersects(q.geom, z.geom)`
	// pgOverlaps: each feature's overlap with each zone, geodesic area (or
	// length, where the overlap is lineal), summed over the zone's pieces
	// (bench_pieces) or of the whole zone (bench_zones, for Job.WholeZones).
	// OFFSET 0 keeps the subquery whole: flattened, each mention of g would
	// compute the intersection again (three times slower).
	pgOverlaps = `SELECT id, layer, zid,
  sum(CASE WHEN ST_Dimension(g) = 2 THEN ST_Area(g::geography) ELSE 0 END),
  sum(CASE WHEN ST_Dimension(g) = 1 THEN ST_Length(g::geography) ELSE 0 END)
FROM (SELECT q.id, z.layer, z.zid, ST_Intersection(q.geom, z.geom) AS g
      FROM %s q JOIN %s z ON ST_Intersects(q.geom, z.geom) OFFSET 0) s
GROUP BY 1, 2, 3`
)

// PostGIS is a connection set up for the benchmark.
type PostGIS struct {
	conn    *pgx.Conn
	Version string
	Pieces  int
}

// OpenPostGIS connects, creates the postgis extension when missing and turns JIT
// off for the session.
func OpenPostGIS(ctx context.Context, dsn string) (*PostGIS, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("bench: PostgreSQL: %w", err)
	}
	p := &PostGIS{conn: conn}
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("bench: CREATE EXTENSION postgis (is postgresql-NN-postgis-3 installed? scripts/sysdeps.sh postgis): %w", err)
	}
	if _, err := conn.Exec(ctx, "SET jit = off"); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("bench: SET jit: %w", err)
	}
	if err := conn.QueryRow(ctx, "SELECT split_part(version(), ' ', 2) || ' + PostGIS ' || postgis_lib_version() || ' + GEOS ' || split_part(postgis_geos_version(), '-', 1)").Scan(&p.Version); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("bench: versions: %w", err)
	}
	return p, nil
}

func (p *PostGIS) Close(ctx context.Context) { p.conn.Close(ctx) }

// LoadDataset loads the layers of the dataset in dir (read as redline reads
// them, in lon/lat) into bench_pieces.
func (p *PostGIS) LoadDataset(ctx context.Context, dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "dataset.yaml"))
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	m, err := data.ParseManifest(b)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if _, err := p.conn.Exec(ctx, pgSetup); err != nil {
		return fmt.Errorf("bench: PostGIS tables: %w", err)
	}
	for _, spec := range m.Layers {
		path := spec.File
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		opts := formats.Options{Name: spec.File, Encoding: spec.Encoding, Polygonize: spec.Polygonize, Layer: spec.Table, CRS: spec.CRS}
		coll, err := formats.ReadPath(path, opts)
		if err != nil {
			return fmt.Errorf("bench: layer %s: %w", spec.ID, err)
		}
		if opts.CRS == "" && coll.CRS == "" {
			opts.CRS = m.CRS
		}
		if _, _, err := formats.ToLonLat(coll, opts); err != nil {
			return fmt.Errorf("bench: layer %s: %w", spec.ID, err)
		}
		rows := make([][]any, 0, len(coll.Features))
		for _, f := range coll.Features {
			id := f.ID
			if v, ok := f.Properties[spec.IDField]; ok && spec.IDField != "" {
				id = geojson.ValueString(v)
			}
			w, err := wkb.Marshal(f.Geometry)
			if err != nil {
				return fmt.Errorf("bench: layer %s feature %d: %w", spec.ID, f.Index, err)
			}
			rows = append(rows, []any{spec.ID, id, w})
		}
		if _, err := p.conn.CopyFrom(ctx, pgx.Identifier{"bench_zone_wkb"}, []string{"layer", "zid", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("bench: layer %s into PostGIS: %w", spec.ID, err)
		}
	}
	if _, err := p.conn.Exec(ctx, pgPieces); err != nil {
		return fmt.Errorf("bench: PostGIS pieces: %w", err)
	}
	if err := p.vacuum(ctx, "bench_zone_wkb", "bench_zones", "bench_pieces"); err != nil {
		return err
	}
	return p.conn.QueryRow(ctx, "SELECT count(*) FROM bench_pieces").Scan(&p.Pieces)
}

// LoadJob puts a job's geometries into table name (id = the feature's index)
// under a GiST index.
func (p *PostGIS) LoadJob(ctx context.Context, name string, geoms []orb.Geometry) error {
	if _, err := p.conn.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %[1]s, %[1]s_wkb; CREATE TABLE %[1]s_wkb (id int, wkb bytea)", name)); err != nil {
		return fmt.Errorf("bench: %s: %w", name, err)
	}
	rows := make([][]any, len(geoms))
	for i, g := range geoms {
		w, err := wkb.Marshal(g)
		if err != nil {
			return fmt.Errorf("bench: %s feature %d: %w", name, i, err)
		}
		rows[i] = []any{i, w}
	}
	if _, err := p.conn.CopyFrom(ctx, pgx.Identifier{name + "_wkb"}, []string{"id", "wkb"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("bench: %s: %w", name, err)
	}
	_, err := p.conn.Exec(ctx, fmt.Sprintf(`CREATE TABLE %[1]s AS SELECT id, ST_SetSRID(ST_GeomFromWKB(wkb), 4326) AS geom FROM %[1]s_wkb;
CREATE INDEX ON %[1]s USING gist (geom)`, name))
	if err != nil {
		return fmt.Errorf("bench: %s: %w", name, err)
	}
	return p.vacuum(ctx, name+"_wkb", name)
}

// vacuum runs VACUUM ANALYZE on freshly written tables: the planner gets its
// statistics, and autovacuum, which an insert-only table of 100k rows calls in
// within a minute (ANALYZE alone does not reset its count), has nothing left to
// do while the queries are timed. VACUUM cannot run in a multi-statement string.
func (p *PostGIS) vacuum(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		if _, err := p.conn.Exec(ctx, "VACUUM ANALYZE "+t); err != nil {
			return fmt.Errorf("bench: VACUUM ANALYZE %s: %w", t, err)
		}
	}
	return nil
}

// Query runs a job's query on table name and returns its time (the query and
// the reading of its rows) and its answer as locate records of n features.
func (p *PostGIS) Query(ctx context.Context, name string, n int, points, whole bool) (time.Duration, []Record, error) {
	zones := "bench_pieces"
	if whole {
		zones = "bench_zones"
	}
	q := fmt.Sprintf(pgOverlaps, name, zones)
	if points {
		q = fmt.Sprintf(pgLocate, name)
	}
	recs := make([]Record, n)
	for i := range recs {
		recs[i].Index = i
	}
	start := time.Now()
	rows, err := p.conn.Query(ctx, q)
	if err != nil {
		return 0, nil, fmt.Errorf("bench: PostGIS %s: %w", name, err)
	}
	for rows.Next() {
		var id int
		var h Hit
		dest := []any{&id, &h.Layer, &h.ZoneID}
		if !points {
			dest = append(dest, &h.AreaM2, &h.LengthM)
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return 0, nil, fmt.Errorf("bench: PostGIS %s: %w", name, err)
		}
		if id < 0 || id >= n {
			rows.Close()
			return 0, nil, fmt.Errorf("bench: PostGIS %s: feature %d of %d", name, id, n)
		}
		recs[id].Hits = append(recs[id].Hits, h)
	}
	rows.Close()
	d := time.Since(start)
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("bench: PostGIS %s: %w", name, err)
	}
	return d, recs, nil
}

// SideBySide times the jobs on redline (over HTTP, the whole request, on the
// shared dataset) and in PostGIS (query time only), a run of one after a run of
// the other so that both meet the same load on a shared machine, compares their
// answers and returns the table.
func SideBySide(ctx context.Context, cfg SideConfig, jobs []Job) (*Table, error) {
	pg, err := OpenPostGIS(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	defer pg.Close(ctx)
	start := time.Now()
	if err := pg.LoadDataset(ctx, cfg.Shared); err != nil {
		return nil, err
	}
	for i, j := range jobs {
		if err := pg.LoadJob(ctx, fmt.Sprintf("bench_job%d", i), j.Geoms); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(cfg.Log, "bench: %s: the shared layers (%d pieces) and the jobs loaded in %s\n", pg.Version, pg.Pieces, time.Since(start).Round(time.Millisecond))

	srv, err := Start(ctx, cfg.Redline, cfg.Server, cfg.Shared, cfg.Work, 5*time.Minute)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()

	t := &Table{Head: []string{"job", "PostGIS (query only), median (range)", "redline over HTTP, median (range)", "PostGIS / redline", "answers"}}
	for i, j := range jobs {
		name := fmt.Sprintf("bench_job%d", i)
		var ours, theirs Runs
		var ourRecs, pgRecs []Record
		var ans bytes.Buffer          // kept from run to run (LocateInto)
		for r := range cfg.Runs + 1 { // run 0 warms up; its answers are compared
			cpu0, _ := srv.CPU()
			d, err := LocateInto(client, srv.URL, j.Body, &ans)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", j.Name, err)
			}
			cpu1, _ := srv.CPU()
			pd, recs, err := pg.Query(ctx, name, len(j.Geoms), j.Points, j.WholeZones)
			if err != nil {
				return nil, err
			}
			// Each run, so that a slow one can be told from a slow server: its
			// CPU (10 ms ticks) beside its wall time.
			fmt.Fprintf(cfg.Log, "bench:     run %d: redline %s (server CPU %s), PostGIS %s\n", r, Dur(d), Dur(cpu1-cpu0), Dur(pd))
			if r == 0 {
				if ourRecs, err = Records(ans.Bytes(), len(j.Geoms)); err != nil {
					return nil, fmt.Errorf("%s: %w", j.Name, err)
				}
				pgRecs = recs
				continue
			}
			ours, theirs = append(ours, d), append(theirs, pd)
		}
		fmt.Fprintf(cfg.Log, "bench:   %s: PostGIS %s (%s), redline %s (%s)\n", j.Name, Dur(theirs.Median()), theirs.Range(), Dur(ours.Median()), ours.Range())
		agree := Compare(ourRecs, pgRecs, j.Points)
		t.Add(j.Name, fmt.Sprintf("%s (%s)", Dur(theirs.Median()), theirs.Range()),
			fmt.Sprintf("%s (%s)", Dur(ours.Median()), ours.Range()),
			fmt.Sprintf("%.1f×", theirs.Median().Seconds()/ours.Median().Seconds()), agree.String())
		if !agree.OK() {
			fmt.Fprintf(cfg.Log, "bench:   %s: PostGIS and redline disagree: %s\n", j.Name, agree.Detail())
		}
	}
	t.Add("", pg.Version+", "+fmt.Sprintf("%d pieces", pg.Pieces), "", "", "")
	return t, srv.Stop()
}
