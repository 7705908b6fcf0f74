package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/planar"

	"github.com/paulmach/orb"
	yaml "go.yaml.in/yaml/v3"

	"github.com/redline-gis/redline/data/formats"
	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/data/pgsource"
	"github.com/redline-gis/redline/data/vector"
	"github.com/redline-gis/redline/geo"
	"github.com/redline-gis/redline/zones"
)

// Manifest is a dataset.yaml (DESIGN.md "Dataset directory"). JSON syntax loads too.
type Manifest struct {
	Name          string              `yaml:"name"`
	Version       string              `yaml:"version"`
	CRS           string              `yaml:"crs"`
	Rules         []string            `yaml:"rules"`
	Industries    string              `yaml:"industries"`
	IndustryLists map[string][]string `yaml:"industry_lists"`
	Layers        []LayerSpec         `yaml:"layers"`
	// BoundaryToleranceM is the boundary-review band in metres (DESIGN.md); nil
	// when the manifest does not set it.
	BoundaryToleranceM *float64 `yaml:"boundary_tolerance_m"`
	// ZoningDB is the PostgreSQL URL of the postgis layers (LoadOptions.ZoningDB,
	// from --zoning-db or REDLINE_ZONING_DB, overrides it).
	ZoningDB string `yaml:"zoning_db"`
	// VersionTable is where a dataset with postgis layers takes its version
	// from (pgsource.DefaultVersionTable when ""): the newest row's.
	VersionTable string `yaml:"version_table"`
}

// LayerSpec is one layer entry of a manifest.
type LayerSpec struct {
	ID    string `yaml:"id"`
	Kind  string `yaml:"kind"`
	Title string `yaml:"title"`
	// Source is "file" (the default) or "postgis": Table then names a table or
	// view of the zoning database, GeometryColumn its geometry column ("" for
	// the only one).
	Source         string            `yaml:"source"`
	GeometryColumn string            `yaml:"geometry_column"`
	File           string            `yaml:"file"`
	Table          string            `yaml:"table"`
	CRS            string            `yaml:"crs"`
	IDField        string            `yaml:"id_field"`
	NameField      string            `yaml:"name_field"`
	ClassField     string            `yaml:"class_field"`
	Class          string            `yaml:"class"`
	ClassMap       map[string]string `yaml:"class_map"`
	Encoding       string            `yaml:"encoding"`
	Polygonize     bool              `yaml:"polygonize"`
	ClauseFields   map[string]string `yaml:"clause_fields"`
	// ParkFields name an industrial_park layer's fields: planning_eia (the park
	// plan's planning-EIA review document; empty = none) and industries (leading
	// industries, GB/T 4754 codes or prefixes).
	ParkFields map[string]string `yaml:"park_fields"`
}

// The default access-list fields of ECU layers, with the aliases real files use.
var clauseDefaults = map[string][]string{
	"spatial_layout":      {"KJBJYS", "空间布局约束", "空间布局引导"},
	"pollutant_emission":  {"PWWPFGK", "污染物排放管控"},
	"environmental_risk":  {"HJFXFK", "环境风险防控"},
	"resource_efficiency": {"ZYKFXLYQ", "资源利用效率", "资源开发效率要求", "资源利用效率要求"},
}

// The default fields of industrial_park layers, with the aliases real files use.
var parkDefaults = map[string][]string{
	"planning_eia": {"GHHPWH", "规划环评审查意见", "规划环评", "规划环评文号"},
	"industries":   {"ZDCY", "主导产业"},
}

var layerIDPattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// ErrManifest marks a dataset.yaml that cannot be used.
var ErrManifest = errors.New("data: bad dataset manifest")

// ParseManifest reads a dataset.yaml (or its JSON form) and checks its structure.
func ParseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrManifest, err)
	}
	if m.Name == "" {
		return nil, fmt.Errorf("%w: \"name\" is missing", ErrManifest)
	}
	if len(m.Layers) == 0 {
		return nil, fmt.Errorf("%w: no layers", ErrManifest)
	}
	if t := m.BoundaryToleranceM; t != nil && (math.IsNaN(*t) || math.IsInf(*t, 0) || *t < 0) {
		return nil, fmt.Errorf("%w: boundary_tolerance_m %v is not a distance in metres (0 or more)", ErrManifest, *t)
	}
	seen := map[string]bool{}
	for i, l := range m.Layers {
		where := fmt.Sprintf("layer %d (%q)", i, l.ID)
		switch {
		case !layerIDPattern.MatchString(l.ID):
			return nil, fmt.Errorf("%w: %s: id must match [a-z0-9_]+", ErrManifest, where)
		case seen[l.ID]:
			return nil, fmt.Errorf("%w: %s: duplicate layer id", ErrManifest, where)
		case !zones.Kind(l.Kind).Valid():
			return nil, fmt.Errorf("%w: %s: unknown kind %q (%s)", ErrManifest, where, l.Kind, kindNames())
		case l.Source != "" && l.Source != "file" && l.Source != "postgis":
			return nil, fmt.Errorf("%w: %s: source %q: want file or postgis", ErrManifest, where, l.Source)
		case l.Source == "postgis" && l.Table == "":
			return nil, fmt.Errorf("%w: %s: a postgis layer needs \"table\" (schema.table or a view)", ErrManifest, where)
		case l.Source == "postgis" && l.File != "":
			return nil, fmt.Errorf("%w: %s: a postgis layer reads \"table\", not \"file\"", ErrManifest, where)
		case l.Source != "postgis" && l.GeometryColumn != "":
			return nil, fmt.Errorf("%w: %s: geometry_column is for postgis layers", ErrManifest, where)
		case l.File == "" && l.Source != "postgis":
			return nil, fmt.Errorf("%w: %s: \"file\" is missing", ErrManifest, where)
		case l.Class == "" && l.ClassField == "" && zones.Kind(l.Kind) != zones.KindRedline:
			return nil, fmt.Errorf("%w: %s: give class_field or a fixed class", ErrManifest, where)
		case l.Class != "" && !zones.Kind(l.Kind).ValidClass(l.Class):
			return nil, fmt.Errorf("%w: %s: class %q is not a class of kind %s (%s)", ErrManifest, where, l.Class, l.Kind, strings.Join(zones.Kind(l.Kind).Classes(), ", "))
		}
		if len(l.ParkFields) > 0 && zones.Kind(l.Kind) != zones.KindIndustrialPark {
			return nil, fmt.Errorf("%w: %s: park_fields on a %s layer (industrial_park layers only)", ErrManifest, where, l.Kind)
		}
		for k := range l.ParkFields {
			if _, ok := parkDefaults[k]; !ok {
				return nil, fmt.Errorf("%w: %s: park_fields: unknown field %q (planning_eia, industries)", ErrManifest, where, k)
			}
		}
		for raw, c := range l.ClassMap {
			if !zones.Kind(l.Kind).ValidClass(c) {
				return nil, fmt.Errorf("%w: %s: class_map maps %q to %q, not a class of kind %s (%s)", ErrManifest, where, raw, c, l.Kind, strings.Join(zones.Kind(l.Kind).Classes(), ", "))
			}
		}
		seen[l.ID] = true
	}
	return &m, nil
}

func kindNames() string {
	names := make([]string, len(zones.Kinds))
	for i, k := range zones.Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// LoadDir loads the dataset whose dataset.yaml (or dataset.json) is in dir, or
// whose manifest dir names. It is LoadFS over the machine's file system, rooted at
// its root rather than at dir, because manifest paths may leave the manifest's
// folder (DESIGN.md: "../x.geojson"; the manifest is the operator's, not a
// request's) and may be absolute. Errors name files by their paths on disk.
func LoadDir(dir string) (*zones.Dataset, error) {
	return LoadDirWith(context.Background(), dir, LoadOptions{})
}

// LoadOptions steer a load beyond what the manifest says.
type LoadOptions struct {
	// ZoningDB overrides the manifest's zoning_db.
	ZoningDB string
}

// LoadDirWith is LoadDir with options, bounded by ctx while it reads the
// zoning database.
func LoadDirWith(ctx context.Context, dir string, opts LoadOptions) (*zones.Dataset, error) {
	src, name, _, err := diskManifest(dir)
	if err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(src.fsys, name)
	if err != nil {
		return nil, fmt.Errorf("data: dataset %s: %w", name, err)
	}
	return load(ctx, b, src, opts)
}

// diskManifest finds the manifest of dir (a dataset directory or a manifest
// file): the machine's file system as a source, the manifest's name in it, and
// the manifest's folder on disk.
func diskManifest(dir string) (src source, name, folder string, err error) {
	manifest := dir
	if st, err := os.Stat(dir); err != nil {
		return source{}, "", "", fmt.Errorf("data: dataset %s: %w", dir, err)
	} else if st.IsDir() {
		manifest = filepath.Join(dir, "dataset.yaml")
		if _, err := os.Stat(manifest); err != nil {
			if alt := filepath.Join(dir, "dataset.json"); fileExists(alt) {
				manifest = alt
			}
		}
	}
	if src, err = diskSource(filepath.Dir(manifest)); err != nil {
		return source{}, "", "", fmt.Errorf("data: dataset %s: %w", dir, err)
	}
	folder, err = filepath.Abs(filepath.Dir(manifest))
	return src, path.Join(src.dir, filepath.Base(manifest)), folder, err
}

// diskSource is the machine's file system from its root (its volume's, on
// Windows), with dir as the manifest's folder.
func diskSource(dir string) (source, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return source{}, err
	}
	root := filepath.VolumeName(abs) + string(filepath.Separator)
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return source{}, err
	}
	return source{fsys: formats.DirFS(root), dir: filepath.ToSlash(rel)}, nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// LoadFS loads the dataset whose manifest is at manifestPath in fsys: the one way
// datasets load, from disk (LoadDir) or from the binary (LoadDemo). Every file the
// manifest names — layers in any format (shapefile sidecars included), rule files,
// the industry table — is read from fsys. Relative paths are relative to the
// manifest's folder and may leave it, but not fsys; a path starting with "/" is
// taken from the root of fsys.
func LoadFS(fsys fs.FS, manifestPath string) (*zones.Dataset, error) {
	b, err := fs.ReadFile(fsys, manifestPath)
	if err != nil {
		return nil, fmt.Errorf("data: dataset %s: %w", manifestPath, err)
	}
	return load(context.Background(), b, source{fsys: fsys, dir: path.Dir(manifestPath)}, LoadOptions{})
}

// source is where a dataset's files are: a file system and the manifest's folder
// in it.
type source struct {
	fsys fs.FS
	dir  string
}

// name resolves a path as the manifest writes it to a name in the file system.
func (s source) name(p string) (string, error) {
	var n string
	if strings.HasPrefix(p, "/") {
		n = strings.TrimPrefix(path.Clean(p), "/")
		if n == "" {
			n = "."
		}
	} else {
		n = path.Join(s.dir, p)
	}
	if n == ".." || strings.HasPrefix(n, "../") {
		return "", fmt.Errorf("%s: the path leaves the dataset's file system", p)
	}
	return n, nil
}

// read reads the file the manifest names p.
func (s source) read(p string) ([]byte, error) {
	n, err := s.name(p)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(s.fsys, n)
}

func load(ctx context.Context, manifest []byte, src source, opts LoadOptions) (*zones.Dataset, error) {
	start := time.Now()
	m, err := ParseManifest(manifest)
	if err != nil {
		return nil, err
	}
	ds, err := baseDataset(m, src)
	if err != nil {
		return nil, err
	}
	// The postgis layers and the version are read in one snapshot.
	var pg *pgsource.Session
	for _, l := range m.Layers {
		if l.Source == "postgis" && pg == nil {
			dsn := opts.ZoningDB
			if dsn == "" {
				dsn = m.ZoningDB
			}
			if dsn == "" {
				return nil, fmt.Errorf("data: dataset %q layer %q: a postgis layer needs the zoning database: zoning_db in the manifest, or --zoning-db / REDLINE_ZONING_DB", m.Name, l.ID)
			}
			if pg, err = pgsource.Open(ctx, dsn); err != nil {
				return nil, fmt.Errorf("data: dataset %q: %w", m.Name, err)
			}
			defer pg.Close(context.WithoutCancel(ctx))
			if ds.Version, err = pg.Version(ctx, m.VersionTable); err != nil {
				return nil, fmt.Errorf("data: dataset %q: %w", m.Name, err)
			}
		}
	}
	gctx := geo.NewContext()
	for _, spec := range m.Layers {
		l, err := loadLayer(ctx, gctx, src, pg, m, spec, &ds.Summary)
		if err != nil {
			return nil, fmt.Errorf("data: dataset %q: %w", m.Name, err)
		}
		ds.Layers = append(ds.Layers, l)
		ds.Summary.Zones += len(l.Zones)
	}
	ds.Summary.Layers = len(ds.Layers)
	ds.Summary.Duration = time.Since(start)
	return ds, nil
}

// fromDatabase says whether a layer of m is read from the zoning database.
func (m *Manifest) fromDatabase() bool {
	for _, l := range m.Layers {
		if l.Source == "postgis" {
			return true
		}
	}
	return false
}

// baseDataset is the dataset of manifest m without its layers: name, settings,
// rules and industries.
func baseDataset(m *Manifest, src source) (*zones.Dataset, error) {
	ds := &zones.Dataset{Name: m.Name, Version: m.Version, IndustryLists: m.IndustryLists, BoundaryToleranceM: m.BoundaryToleranceM}
	var err error
	if ds.Rules, err = loadRules(src, m.Rules); err != nil {
		return nil, fmt.Errorf("data: dataset %q rules: %w", m.Name, err)
	}
	if ds.Industries, err = loadIndustries(src, m.Industries); err != nil {
		return nil, fmt.Errorf("data: dataset %q industries: %w", m.Name, err)
	}
	return ds, nil
}

func loadLayer(ctx context.Context, gctx *geo.Context, src source, pg *pgsource.Session, m *Manifest, spec LayerSpec, sum *zones.LoadSummary) (*zones.Layer, error) {
	crs := spec.CRS
	if crs == "" {
		crs = m.CRS
	}
	opts := formats.Options{Name: spec.File, Encoding: spec.Encoding, Polygonize: spec.Polygonize}
	var coll *vector.Collection
	var err error
	if spec.Source == "postgis" {
		coll, err = pg.Read(ctx, pgsource.Layer{Table: spec.Table, GeometryColumn: spec.GeometryColumn, OrderBy: spec.IDField})
		if err != nil {
			return nil, fmt.Errorf("layer %q: %w", spec.ID, err)
		}
		if coll.CRS == "" {
			opts.CRS = crs
		}
		if _, _, err := formats.ToLonLat(coll, opts); err != nil {
			return nil, fmt.Errorf("layer %q table %s: %w", spec.ID, spec.Table, err)
		}
		return buildLayer(gctx, spec, coll, sum, "postgis:"+spec.Table)
	}
	coll, err = readLayerFile(src, spec, opts)
	if err != nil {
		var ie *errcode.Error
		if errors.As(err, &ie) && strings.HasPrefix(ie.Message, spec.File+": ") {
			return nil, fmt.Errorf("layer %q: %w", spec.ID, err) // formats.Read named the file
		}
		return nil, fmt.Errorf("layer %q file %s: %w", spec.ID, spec.File, err)
	}
	// The layer's or manifest's CRS applies when the file itself says nothing.
	if coll.CRS == "" {
		opts.CRS = crs
	}
	if _, _, err := formats.ToLonLat(coll, opts); err != nil {
		return nil, fmt.Errorf("layer %q file %s: %w", spec.ID, spec.File, err)
	}
	return buildLayer(gctx, spec, coll, sum, spec.File)
}

// buildLayer makes the zones of a layer read in lon/lat, from a file or a table.
func buildLayer(gctx *geo.Context, spec LayerSpec, coll *vector.Collection, sum *zones.LoadSummary, from string) (*zones.Layer, error) {
	kind := zones.Kind(spec.Kind)
	l := &zones.Layer{ID: spec.ID, Kind: kind, Title: spec.Title, Source: from}
	byID := map[string]*zones.Zone{}
	merged := map[*zones.Zone]bool{}
	for _, f := range coll.Features {
		z, err := makeZone(gctx, l, spec, f, sum)
		if err != nil {
			return nil, err
		}
		if z == nil {
			continue
		}
		if prev := byID[z.ID]; prev != nil {
			// Records sharing an id are parts of one zone (as shapefiles of islands
			// store them); they must agree on the class.
			if prev.Class != z.Class {
				return nil, &zones.FeatureError{Layer: spec.ID, Index: f.Index, ID: z.ID,
					Err: fmt.Errorf("same id as an earlier feature but class %q, not %q", z.Class, prev.Class)}
			}
			prev.Geometry = mergeParts(prev.Geometry, z.Geometry)
			merged[prev] = true
			continue
		}
		byID[z.ID] = z
		l.Zones = append(l.Zones, z)
	}
	for _, z := range l.Zones {
		if merged[z] && l.Geom == zones.Polygonal {
			// Parts valid on their own may overlap once joined.
			fixed, valid, reason, err := gctx.Repair(z.Geometry, planar.DimArea)
			if err != nil {
				return nil, fmt.Errorf("layer %q zone %q: repair merged parts: %w", spec.ID, z.ID, err)
			}
			if !valid && fixed != nil {
				sum.Repaired++
				sum.Repairs = append(sum.Repairs, fmt.Sprintf("layer %s zone %s (merged records): %s", spec.ID, z.ID, reason))
				z.Geometry = fixed
			}
		}
	}
	return l, nil
}

// readLayerFile reads a layer's file in whatever format it is: formats.ReadFS
// finds a shapefile's sidecars in the same file system.
func readLayerFile(src source, spec LayerSpec, opts formats.Options) (*vector.Collection, error) {
	name, err := src.name(spec.File)
	if err != nil {
		return nil, err
	}
	return formats.ReadFS(src.fsys, name, opts)
}

func makeZone(gctx *geo.Context, l *zones.Layer, spec LayerSpec, f vector.Feature, sum *zones.LoadSummary) (*zones.Zone, error) {
	ferr := func(id, field string, format string, args ...any) error {
		return &zones.FeatureError{Layer: spec.ID, Index: f.Index, ID: id, Field: field, Err: fmt.Errorf(format, args...)}
	}
	id := f.ID
	if spec.IDField != "" {
		if v, ok := lookup(f.Properties, spec.IDField); ok {
			id = geojson.ValueString(v)
		} else {
			return nil, ferr(f.ID, spec.IDField, "id field missing")
		}
	}
	if id == "" {
		if v, ok := f.Properties["id"]; ok {
			id = geojson.ValueString(v)
		}
	}
	if id == "" {
		return nil, ferr("", spec.IDField, "feature has no id (set id_field in the manifest)")
	}
	if f.Geometry == nil {
		return nil, ferr(id, "", "feature has no geometry")
	}
	z := &zones.Zone{ID: id, Attributes: f.Properties, Layer: l}
	if spec.NameField != "" {
		if v, ok := lookup(f.Properties, spec.NameField); ok {
			z.Name = geojson.ValueString(v)
		}
	}
	class := spec.Class
	if spec.ClassField != "" {
		v, ok := lookup(f.Properties, spec.ClassField)
		if !ok {
			return nil, ferr(id, spec.ClassField, "class field missing")
		}
		raw := strings.TrimSpace(geojson.ValueString(v))
		if c, ok := spec.ClassMap[raw]; ok {
			class = c
		} else {
			class = raw
		}
		if !l.Kind.ValidClass(class) {
			return nil, ferr(id, spec.ClassField, "class value %q is not a class of kind %s and class_map does not map it (classes: %s)",
				raw, l.Kind, strings.Join(l.Kind.Classes(), ", "))
		}
	}
	if class == "" && l.Kind == zones.KindRedline {
		class = "redline"
	}
	z.Class = class
	if l.Kind == zones.KindECU {
		z.Clauses = clauses(f.Properties, spec.ClauseFields)
	}
	if l.Kind == zones.KindIndustrialPark {
		park, field, err := parkOf(f.Properties, spec.ParkFields)
		if err != nil {
			return nil, ferr(id, field, "%v", err)
		}
		z.Park = park
	}

	// Geometry: polygons or lines, never both in one layer; invalid polygons repaired.
	dim, ok := dimensionOf(f.Geometry)
	if !ok {
		return nil, ferr(id, "", "geometry %s cannot be a zone (points are not zones)", f.Geometry.GeoJSONType())
	}
	want := zones.Polygonal
	if dim == planar.DimLine {
		want = zones.Lineal
	}
	if l.Geom == "" {
		l.Geom = want
	} else if l.Geom != want {
		return nil, ferr(id, "", "%s geometry in a %s layer (a layer holds polygons or lines, not both)", f.Geometry.GeoJSONType(), l.Geom)
	}
	g := planar.Extract(f.Geometry, dim)
	if g == nil {
		return nil, ferr(id, "", "empty geometry")
	}
	if dim == planar.DimArea {
		if r, ok := unclosedRing(g); ok {
			return nil, ferr(id, "", "ring %d is not closed", r)
		}
		fixed, valid, reason, err := gctx.Repair(g, planar.DimArea)
		if err != nil {
			return nil, ferr(id, "", "repair: %v", err)
		}
		if !valid {
			if fixed == nil {
				return nil, ferr(id, "", "invalid geometry (%s) with nothing left after repair", reason)
			}
			sum.Repaired++
			sum.Repairs = append(sum.Repairs, fmt.Sprintf("layer %s feature %d (id %s): %s", spec.ID, f.Index, id, reason))
			g = fixed
		}
	}
	z.Geometry = g
	return z, nil
}

// lookup finds a property by name, tolerating case and the stray whitespace and
// newlines real DBF column names carry.
func lookup(props map[string]any, name string) (any, bool) {
	if v, ok := props[name]; ok {
		return v, true
	}
	for k, v := range props {
		if strings.EqualFold(strings.TrimSpace(k), name) {
			return v, true
		}
	}
	return nil, false
}

func clauses(props map[string]any, fields map[string]string) *zones.Clauses {
	get := func(dim string) string {
		names := clauseDefaults[dim]
		if f, ok := fields[dim]; ok && f != "" {
			names = append([]string{f}, names...)
		}
		for _, n := range names {
			if v, ok := lookup(props, n); ok {
				return strings.TrimSpace(geojson.ValueString(v))
			}
		}
		return ""
	}
	c := &zones.Clauses{
		SpatialLayout:      get("spatial_layout"),
		PollutantEmission:  get("pollutant_emission"),
		EnvironmentalRisk:  get("environmental_risk"),
		ResourceEfficiency: get("resource_efficiency"),
	}
	return c
}

// parkOf reads an industrial park's planning-EIA document and leading industries
// (fields, else the default names). A park without a planning-EIA value has none; a
// leading industry that is not a GB/T 4754 code is an error naming the field.
func parkOf(props map[string]any, fields map[string]string) (*zones.Park, string, error) {
	get := func(key string) (string, string) {
		names := parkDefaults[key]
		if f, ok := fields[key]; ok && f != "" {
			names = []string{f}
		}
		for _, n := range names {
			if v, ok := lookup(props, n); ok && v != nil {
				return strings.TrimSpace(geojson.ValueString(v)), n
			}
		}
		return "", names[0]
	}
	p := &zones.Park{}
	p.PlanningEIA, _ = get("planning_eia")
	raw, field := get("industries")
	inds, err := zones.ParseIndustryList(raw)
	if err != nil {
		return nil, field, fmt.Errorf("leading industries: %w", err)
	}
	p.Industries = inds
	return p, "", nil
}

// dimensionOf says whether g is polygonal or lineal; points and mixtures are not
// zones.
func dimensionOf(g orb.Geometry) (planar.Dim, bool) {
	hasArea := planar.Extract(g, planar.DimArea) != nil
	hasLine := planar.Extract(g, planar.DimLine) != nil
	hasPoint := planar.Extract(g, planar.DimPoint) != nil
	switch {
	case hasArea && !hasLine && !hasPoint:
		return planar.DimArea, true
	case hasLine && !hasArea && !hasPoint:
		return planar.DimLine, true
	}
	return 0, false
}

func unclosedRing(g orb.Geometry) (int, bool) {
	n := 0
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		for _, r := range p {
			if len(r) > 0 && r[0] != r[len(r)-1] {
				return n, true
			}
			n++
		}
	}
	return 0, false
}

// mergeParts joins the geometries of two records of one zone.
func mergeParts(a, b orb.Geometry) orb.Geometry {
	if ga := planar.Extract(orb.Collection{a, b}, planar.DimArea); ga != nil {
		if p, ok := ga.(orb.Polygon); ok {
			return orb.MultiPolygon{p}
		}
		return ga
	}
	if gl := planar.Extract(orb.Collection{a, b}, planar.DimLine); gl != nil {
		return gl
	}
	return a
}
