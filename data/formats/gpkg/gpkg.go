// Package gpkg reads the feature tables of OGC GeoPackage files (.gpkg) into
// vector features, with a pure-Go SQLite (modernc.org/sqlite), so no cgo.
//
// Geometries are returned in the table's CRS, as stored; Z and M are dropped with
// a warning. The CRS comes from gpkg_spatial_ref_sys: "EPSG:<code>" when its
// organization is EPSG, else "PRJ:" + its WKT definition (for crs.FromPRJ), ""
// when undefined. Row numbers in messages are 0-based positions in rowid order,
// like vector.Feature.Index; the primary key (fid) is kept as a property.
//
// The file is opened read-only. A GeoPackage is a database: reading an untrusted
// one costs what SQLite needs to walk its pages, bounded by the file's size.
package gpkg

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/errcode"
)

// Format is the vector.Collection.Format of what this package reads.
const Format = "gpkg"

// sqliteMagic starts every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// Read reads feature table table of the GeoPackage in b ("" for the first one). It
// writes b to a temporary file, since SQLite reads files, and removes it after.
func Read(b []byte, table string) (*vector.Collection, error) {
	if !bytes.HasPrefix(b, []byte(sqliteMagic)) {
		return nil, notGPKG("the data", "it is not an SQLite database")
	}
	f, err := os.CreateTemp("", "redline-*.gpkg")
	if err != nil {
		return nil, fmt.Errorf("gpkg: %w", err)
	}
	defer os.Remove(f.Name())
	// A WAL-mode file without its -wal is a complete database: mark it as a
	// rollback-journal one so that SQLite reads it read-only without a -shm.
	if len(b) > 19 && b[18] == 2 && b[19] == 2 {
		b = append([]byte(nil), b...)
		b[18], b[19] = 1, 1
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, fmt.Errorf("gpkg: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("gpkg: %w", err)
	}
	return read(f.Name(), "the upload", table, true)
}

// ReadPath reads feature table table of the GeoPackage at path ("" for the first).
func ReadPath(path, table string) (*vector.Collection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gpkg: %w", err)
	}
	head := make([]byte, len(sqliteMagic))
	_, err = f.Read(head)
	f.Close()
	if err != nil || string(head) != sqliteMagic {
		return nil, notGPKG(path, "it is not an SQLite database")
	}
	return read(path, path, table, false)
}

func notGPKG(file, why string) error {
	return errcode.New(errcode.BadRequest, map[string]any{"file": file}, "%s is not a GeoPackage: %s", file, why)
}

// read opens path read-only (immutable: nothing else writes a temporary copy).
func read(path, file, table string, immutable bool) (*vector.Collection, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro"
	if immutable {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("gpkg: open %s: %w", file, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	r := reader{db: db, file: file}
	return r.read(table)
}

type reader struct {
	db   *sql.DB
	file string
	warn []string
}

func (r *reader) bad(d map[string]any, format string, args ...any) error {
	if d == nil {
		d = map[string]any{}
	}
	d["file"] = r.file
	return errcode.New(errcode.BadRequest, d, "%s: %s", r.file, fmt.Sprintf(format, args...))
}

func (r *reader) read(table string) (*vector.Collection, error) {
	tables, err := r.featureTables()
	if err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		return nil, r.bad(nil, "no feature table in gpkg_contents")
	}
	pick := tables[0]
	if table != "" {
		pick = ""
		for _, t := range tables {
			if strings.EqualFold(t, table) {
				pick = t
				break
			}
		}
		if pick == "" {
			return nil, r.bad(map[string]any{"table": table}, "no feature table %q; it has %s", table, strings.Join(tables, ", "))
		}
	} else if len(tables) > 1 {
		r.warn = append(r.warn, fmt.Sprintf("%s has %d feature tables (%s); read the first, %s",
			r.file, len(tables), strings.Join(tables, ", "), pick))
	}
	geomCol, srsID, err := r.geometryColumn(pick)
	if err != nil {
		return nil, err
	}
	crs, err := r.srs(srsID)
	if err != nil {
		return nil, err
	}
	c := &vector.Collection{CRS: crs, Format: Format}
	if err := r.features(c, pick, geomCol); err != nil {
		return nil, err
	}
	c.Warnings = r.warn
	return c, nil
}

// featureTables lists the feature tables of gpkg_contents in insertion order.
func (r *reader) featureTables() ([]string, error) {
	for _, t := range []string{"gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys"} {
		if err := r.storedTable(t); err != nil {
			return nil, err
		}
	}
	rows, err := r.db.Query(`SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' ORDER BY rowid`)
	if err != nil {
		return nil, r.sqlErr(err, "reading gpkg_contents")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, r.sqlErr(err, "reading gpkg_contents")
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, r.sqlErr(err, "reading gpkg_contents")
	}
	return out, nil
}

func (r *reader) geometryColumn(table string) (string, int64, error) {
	var col string
	var srsID int64
	err := r.db.QueryRow(`SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?`, table).Scan(&col, &srsID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, r.bad(map[string]any{"table": table}, "feature table %q has no row in gpkg_geometry_columns", table)
	}
	if err != nil {
		return "", 0, r.sqlErr(err, "reading gpkg_geometry_columns")
	}
	return col, srsID, nil
}

// srs names the CRS of srs_id: EPSG:<code>, PRJ:<WKT>, or "" when undefined.
func (r *reader) srs(id int64) (string, error) {
	var org, def sql.NullString
	var code sql.NullInt64
	err := r.db.QueryRow(`SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, id).
		Scan(&org, &code, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return "", r.bad(map[string]any{"srs_id": id}, "srs_id %d is not in gpkg_spatial_ref_sys", id)
	}
	if err != nil {
		return "", r.sqlErr(err, "reading gpkg_spatial_ref_sys")
	}
	if strings.EqualFold(strings.TrimSpace(org.String), "EPSG") && code.Valid && code.Int64 > 0 {
		return "EPSG:" + strconv.FormatInt(code.Int64, 10), nil
	}
	if d := strings.TrimSpace(def.String); d != "" && !strings.EqualFold(d, "undefined") {
		return "PRJ:" + d, nil
	}
	// The CRS WKT extension keeps a WKT2 definition in its own column.
	var wkt2 sql.NullString
	if err := r.db.QueryRow(`SELECT definition_12_063 FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, id).Scan(&wkt2); err == nil {
		if d := strings.TrimSpace(wkt2.String); d != "" && !strings.EqualFold(d, "undefined") {
			return "PRJ:" + d, nil
		}
	}
	if id == 0 || id == -1 {
		r.warn = append(r.warn, fmt.Sprintf("%s: the layer's CRS is undefined (srs_id %d)", r.file, id))
	}
	return "", nil
}

// storedTable refuses what is not a plain stored table: a view or a virtual
// table can compute rows without end, and a generated column can allocate a
// gigabyte per row, from a file of a few kilobytes.
func (r *reader) storedTable(table string) error {
	var typ, ddl sql.NullString
	err := r.db.QueryRow(`SELECT type, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE`, table).Scan(&typ, &ddl)
	if errors.Is(err, sql.ErrNoRows) {
		return r.bad(map[string]any{"table": table}, "not a GeoPackage: table %q does not exist", table)
	}
	if err != nil {
		return r.sqlErr(err, "reading sqlite_master")
	}
	if typ.String != "table" || strings.HasPrefix(strings.ToUpper(strings.TrimSpace(ddl.String)), "CREATE VIRTUAL") {
		return r.bad(map[string]any{"table": table}, "%q is a view or a virtual table; only stored tables are read", table)
	}
	var generated int
	err = r.db.QueryRow(`SELECT count(*) FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)`, table).Scan(&generated)
	if err != nil {
		return r.sqlErr(err, "reading the columns of "+strconv.Quote(table))
	}
	if generated > 0 {
		return r.bad(map[string]any{"table": table}, "table %q has generated columns, which are not read", table)
	}
	return nil
}

// quote quotes an SQL identifier.
func quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

func (r *reader) features(c *vector.Collection, table, geomCol string) error {
	if err := r.storedTable(table); err != nil {
		return err
	}
	decl, err := r.declTypes(table)
	if err != nil {
		return err
	}
	rows, err := r.db.Query(`SELECT * FROM ` + quote(table) + ` ORDER BY rowid`)
	if err != nil { // WITHOUT ROWID tables
		rows, err = r.db.Query(`SELECT * FROM ` + quote(table))
	}
	if err != nil {
		return r.sqlErr(err, "reading table "+strconv.Quote(table))
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return r.sqlErr(err, "reading table "+strconv.Quote(table))
	}
	gi := -1
	for i, col := range cols {
		if strings.EqualFold(col, geomCol) {
			gi = i
		}
	}
	if gi < 0 {
		return r.bad(map[string]any{"table": table, "field": geomCol}, "table %q has no geometry column %q", table, geomCol)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var dims Dims
	var empty []int
	for row := 0; rows.Next(); row++ {
		if err := rows.Scan(ptrs...); err != nil {
			return r.sqlErr(err, fmt.Sprintf("reading row %d of %q", row, table))
		}
		where := map[string]any{"file": r.file, "table": table, "feature": row, "field": geomCol}
		blob, ok := vals[gi].([]byte)
		if vals[gi] == nil {
			empty = append(empty, row)
			continue
		}
		if !ok {
			return errcode.New(errcode.InvalidGeometry, where, "%s, table %s, row %d: geometry column %s holds %T, not a blob", r.file, table, row, geomCol, vals[gi])
		}
		g, d, err := DecodeBlob(blob)
		if errors.Is(err, ErrEmpty) {
			empty = append(empty, row)
			continue
		}
		if err != nil {
			return errcode.New(errcode.InvalidGeometry, where, "%s, table %s, row %d: %v", r.file, table, row, err)
		}
		dims.Z, dims.M = dims.Z || d.Z, dims.M || d.M
		props := make(map[string]any, len(cols)-1)
		for i, col := range cols {
			if i == gi {
				continue
			}
			v, err := value(vals[i], decl[strings.ToLower(col)])
			if err != nil {
				where["field"] = col
				return errcode.New(errcode.UndecodableText, where, "%s, table %s, row %d, field %s: %v", r.file, table, row, col, err)
			}
			props[col] = v
		}
		c.Features = append(c.Features, vector.Feature{Index: row, Geometry: g, Properties: props})
	}
	if err := rows.Err(); err != nil {
		return r.sqlErr(err, "reading table "+strconv.Quote(table))
	}
	switch {
	case dims.Z && dims.M:
		r.warn = append(r.warn, "Z and M values dropped: coordinates kept in 2-D")
	case dims.Z:
		r.warn = append(r.warn, "Z values dropped: coordinates kept in 2-D")
	case dims.M:
		r.warn = append(r.warn, "M values dropped")
	}
	if len(empty) > 0 {
		r.warn = append(r.warn, "rows with a null or empty geometry skipped: "+rowList(empty))
	}
	return nil
}

// declTypes maps lower-case column names to their declared types, upper case.
func (r *reader) declTypes(table string) (map[string]string, error) {
	rows, err := r.db.Query(`SELECT name, type FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, r.sqlErr(err, "reading the columns of "+strconv.Quote(table))
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, r.sqlErr(err, "reading the columns of "+strconv.Quote(table))
		}
		out[strings.ToLower(name)] = strings.ToUpper(typ)
	}
	return out, rows.Err()
}

// value turns an SQLite value into a property: text must be UTF-8, BOOLEAN
// columns give bools, DATE and DATETIME give ISO 8601 text.
func value(v any, decl string) (any, error) {
	switch v := v.(type) {
	case string:
		if !utf8.ValidString(v) {
			return nil, errors.New("text is not valid UTF-8")
		}
		return v, nil
	case []byte:
		if strings.HasPrefix(decl, "TEXT") {
			if !utf8.Valid(v) {
				return nil, errors.New("text is not valid UTF-8")
			}
			return string(v), nil
		}
		return append([]byte(nil), v...), nil
	case int64:
		if decl == "BOOLEAN" {
			return v != 0, nil
		}
		return v, nil
	case time.Time:
		if decl == "DATE" {
			return v.UTC().Format("2006-01-02"), nil
		}
		return v.UTC().Format(time.RFC3339Nano), nil
	}
	return v, nil
}

func rowList(rs []int) string {
	var sb strings.Builder
	sb.WriteString("rows ")
	for i, r := range rs {
		if i == 10 {
			fmt.Fprintf(&sb, " (and %d more)", len(rs)-10)
			break
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(r))
	}
	return sb.String()
}

// sqlErr reports an SQLite failure: a damaged or non-GeoPackage file is the
// input's fault (bad_request), named with what was being read.
func (r *reader) sqlErr(err error, doing string) error {
	msg := err.Error()
	if strings.Contains(msg, "no such table") {
		return r.bad(nil, "not a GeoPackage (%s: %v)", doing, err)
	}
	return r.bad(nil, "%s: %v", doing, err)
}
