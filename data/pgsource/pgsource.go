// Package pgsource reads zoning layers from PostgreSQL/PostGIS tables or views,
// for manifest layers with `source: postgis`.
//
// One Session is one consistent read of the zoning database: a READ ONLY,
// REPEATABLE READ transaction, so every layer of a dataset and its version come
// from the same snapshot even while the operator loads the next version. Each
// layer is read through a server-side cursor (FETCH of Fetch rows at a time), the
// geometry as ST_AsBinary(ST_Force2D(g)) — WKB over pgx's binary protocol,
// decoded by the GeoPackage reader's WKB decoder — and the other columns as the
// features' properties. Coordinates come out as stored, with the CRS the
// catalogue (geometry_columns) gives: data/formats converts them to CGCS2000
// lon/lat as it does every file's, under the same coordinate policy, rather than
// ST_Transform in the database, whose PROJ pipeline and checks would differ from
// the files' (and 4490 data, the usual case, needs no transform at all).
package pgsource

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/redline-gis/redline/data/formats/gpkg"
	"github.com/redline-gis/redline/data/vector"
)

// DefaultVersionTable is the table a dataset's version is read from when the
// manifest does not name another. The operator writes it, e.g.:
//
//	CREATE SCHEMA redline;
//	CREATE TABLE redline.dataset_version (version text NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now());
//	INSERT INTO redline.dataset_version (version) VALUES ('2026.2');  -- after loading the zoning
const DefaultVersionTable = "redline.dataset_version"

// Fetch is the rows read per FETCH from a layer's cursor.
const Fetch = 1000

// Session is one snapshot of a zoning database.
type Session struct {
	conn *pgx.Conn
	tx   pgx.Tx
	// where names the database in errors, without a password.
	where string
	// cursors numbers the layers' cursors: each FETCH statement is its own
	// (pgx caches a statement's result description by its text).
	cursors int
}

// Open connects to dsn and starts the read-only, repeatable-read transaction
// every read of the session sees.
func Open(ctx context.Context, dsn string) (*Session, error) {
	where := redact(dsn)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("zoning database %s: connect: %w", where, err)
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("zoning database %s: begin: %w", where, err)
	}
	return &Session{conn: conn, tx: tx, where: where}, nil
}

// Close ends the transaction (nothing was written) and the connection.
func (s *Session) Close(ctx context.Context) {
	s.tx.Rollback(ctx)
	s.conn.Close(ctx)
}

// Version returns the newest version in table (DefaultVersionTable when ""):
// the row with the latest loaded_at.
func (s *Session) Version(ctx context.Context, table string) (string, error) {
	if table == "" {
		table = DefaultVersionTable
	}
	id, err := ident(table)
	if err != nil {
		return "", fmt.Errorf("version table %q: %w", table, err)
	}
	var v string
	err = s.tx.QueryRow(ctx, `SELECT version FROM `+id.Sanitize()+` ORDER BY loaded_at DESC LIMIT 1`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("version table %s in %s has no row: insert the version of the zoning loaded", table, s.where)
	}
	if err != nil {
		return "", fmt.Errorf("version table %s in %s (columns version text, loaded_at timestamptz): %w", table, s.where, err)
	}
	if strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("version table %s in %s: the newest row's version is empty", table, s.where)
	}
	return v, nil
}

// Layer names what to read: a table or view, schema-qualified or on the search
// path, and its geometry column ("" for the only one the catalogue lists).
type Layer struct {
	Table          string
	GeometryColumn string
	// OrderBy is a column to read in the order of (the layer's id field), so
	// that zones load in the same order every time; "" reads in storage order.
	OrderBy string
}

// Read reads layer l whole into a collection in the table's CRS ("EPSG:<srid>"
// from geometry_columns; "" when the SRID is 0: the manifest's crs then applies).
// Errors name the table, and the row (0-based, in reading order) and column.
func (s *Session) Read(ctx context.Context, l Layer) (*vector.Collection, error) {
	schema, table, err := s.resolve(ctx, l.Table)
	if err != nil {
		return nil, err
	}
	name := schema + "." + table
	geom, srid, err := s.geometryColumn(ctx, schema, table, l.GeometryColumn)
	if err != nil {
		return nil, err
	}
	cols, err := s.columns(ctx, schema, table, geom)
	if err != nil {
		return nil, err
	}
	sel := []string{`ST_AsBinary(ST_Force2D(` + pgx.Identifier{geom}.Sanitize() + `))`}
	for _, c := range cols {
		sel = append(sel, pgx.Identifier{c}.Sanitize())
	}
	q := `SELECT ` + strings.Join(sel, ", ") + ` FROM ` + pgx.Identifier{schema, table}.Sanitize()
	if l.OrderBy != "" {
		found := false
		for _, c := range cols {
			found = found || c == l.OrderBy
		}
		if !found {
			return nil, fmt.Errorf("table %s: column %q (the id field) does not exist (columns: %s)", name, l.OrderBy, strings.Join(cols, ", "))
		}
		q += ` ORDER BY ` + pgx.Identifier{l.OrderBy}.Sanitize()
	}
	s.cursors++
	cursor := "redline_layer_" + strconv.Itoa(s.cursors)
	if _, err := s.tx.Exec(ctx, `DECLARE `+cursor+` NO SCROLL CURSOR FOR `+q); err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	defer s.tx.Exec(context.WithoutCancel(ctx), `CLOSE `+cursor)
	c := &vector.Collection{Format: "postgis"}
	if srid != 0 {
		c.CRS = "EPSG:" + strconv.Itoa(srid)
	}
	fetch := `FETCH FORWARD ` + strconv.Itoa(Fetch) + ` FROM ` + cursor
	row := 0
	for {
		n := 0
		rows, err := s.tx.Query(ctx, fetch)
		if err != nil {
			return nil, fmt.Errorf("table %s, row %d: %w", name, row, err)
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("table %s, row %d: %w", name, row, err)
			}
			f := vector.Feature{Index: row, Properties: make(map[string]any, len(cols))}
			if wkb, ok := vals[0].([]byte); ok && wkb != nil {
				g, _, err := gpkg.DecodeWKB(wkb)
				if err != nil && !errors.Is(err, gpkg.ErrEmpty) {
					rows.Close()
					return nil, fmt.Errorf("table %s, row %d, column %s: %w", name, row, geom, err)
				}
				f.Geometry = g
			}
			for i, col := range cols {
				v, err := property(vals[i+1])
				if err != nil {
					rows.Close()
					return nil, fmt.Errorf("table %s, row %d, column %s: %w", name, row, col, err)
				}
				if v != nil {
					f.Properties[col] = v
				}
			}
			c.Features = append(c.Features, f)
			row++
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("table %s, row %d: %w", name, row, err)
		}
		if n == 0 {
			return c, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// resolve splits "schema.table" (or finds a bare name on the search path) and
// checks that it is a table, view or materialized view.
func (s *Session) resolve(ctx context.Context, name string) (schema, table string, err error) {
	id, err := ident(name)
	if err != nil {
		return "", "", fmt.Errorf("table %q: %w", name, err)
	}
	err = s.tx.QueryRow(ctx, `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'v', 'm', 'p', 'f')`, id.Sanitize()).Scan(&schema, &table)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", fmt.Errorf("table %q: no such table or view in %s", name, s.where)
	}
	if err != nil {
		return "", "", fmt.Errorf("table %q: %w", name, err)
	}
	return schema, table, nil
}

// geometryColumn finds the geometry column in PostGIS's catalogue, and its SRID.
func (s *Session) geometryColumn(ctx context.Context, schema, table, want string) (string, int, error) {
	name := schema + "." + table
	rows, err := s.tx.Query(ctx, `SELECT f_geometry_column, srid FROM geometry_columns
		WHERE f_table_schema = $1 AND f_table_name = $2 ORDER BY f_geometry_column`, schema, table)
	if err != nil {
		return "", 0, fmt.Errorf("table %s: read geometry_columns (is PostGIS installed?): %w", name, err)
	}
	type gc struct {
		col  string
		srid int
	}
	var all []gc
	for rows.Next() {
		var g gc
		if err := rows.Scan(&g.col, &g.srid); err != nil {
			rows.Close()
			return "", 0, fmt.Errorf("table %s: geometry_columns: %w", name, err)
		}
		all = append(all, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", 0, fmt.Errorf("table %s: geometry_columns: %w", name, err)
	}
	names := make([]string, len(all))
	for i, g := range all {
		names[i] = g.col
		if want != "" && g.col == want {
			return g.col, g.srid, nil
		}
	}
	switch {
	case len(all) == 0:
		return "", 0, fmt.Errorf("table %s: no geometry column in geometry_columns", name)
	case want != "":
		return "", 0, fmt.Errorf("table %s: geometry column %q is not in geometry_columns (there: %s)", name, want, strings.Join(names, ", "))
	case len(all) > 1:
		return "", 0, fmt.Errorf("table %s: several geometry columns (%s): name one with geometry_column", name, strings.Join(names, ", "))
	}
	return all[0].col, all[0].srid, nil
}

// columns lists the table's columns other than the geometry, in their order.
func (s *Session) columns(ctx context.Context, schema, table, geom string) ([]string, error) {
	rows, err := s.tx.Query(ctx, `SELECT a.attname FROM pg_attribute a
		WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> $2
		AND format_type(a.atttypid, NULL) NOT IN ('geometry', 'geography', 'raster')
		ORDER BY a.attnum`, pgx.Identifier{schema, table}.Sanitize(), geom)
	if err != nil {
		return nil, fmt.Errorf("table %s.%s: columns: %w", schema, table, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// property turns a column's value as pgx decodes it into what the file readers
// give: strings, float64, int64, bool; time as RFC 3339; NULL as absent.
func property(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x, nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case pgtype.Numeric:
		if !x.Valid {
			return nil, nil
		}
		if x.Exp >= 0 && x.Int != nil && x.Int.IsInt64() {
			n := new(big.Int).Mul(x.Int, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Exp)), nil))
			if n.IsInt64() {
				return n.Int64(), nil
			}
		}
		f, err := x.Float64Value()
		if err != nil {
			return nil, err
		}
		return f.Float64, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	case []byte:
		return nil, errors.New("binary values (bytea) are not zone attributes: leave the column out of the view")
	case fmt.Stringer:
		return x.String(), nil
	}
	return fmt.Sprint(v), nil
}

// ident splits a possibly schema-qualified name into its parts.
func ident(name string) (pgx.Identifier, error) {
	parts := strings.Split(strings.TrimSpace(name), ".")
	if len(parts) > 2 {
		return nil, errors.New("want schema.table or table")
	}
	for _, p := range parts {
		if p == "" {
			return nil, errors.New("want schema.table or table")
		}
	}
	return pgx.Identifier(parts), nil
}

// redact names the database of dsn as user@host:port/database, without the
// password or the other parameters.
func redact(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "(an unreadable database URL)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
