package zones_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/data"
	"github.com/redline-gis/redline/internal/oracle"
	"github.com/redline-gis/redline/internal/proccpu"
	"github.com/redline-gis/redline/zones"
)

// TestLocatePointAgreesWithExact: on the real layers, the point lookup (point
// grid, then the pieces' cell grids) gives the same zones in the same order as
// the exact test over every piece, for random points over the dataset and over
// Shaanxi, for the pieces' vertices (on the zones' edges and the subdivision's
// cut lines), for points along their edges and near them, and for points on the lines between
// the point grid's cells and sub-cells; and so does an index read back from a
// snapshot.
func TestLocatePointAgreesWithExact(t *testing.T) {
	ds, idx := sharedIndex(t)
	reread, _ := throughSnapshot(t, ds, idx)
	c, cr := zones.NewCheckerFor(idx), zones.NewCheckerFor(reread)

	rng := rand.New(rand.NewPCG(12, 1))
	var pts []orb.Point
	for range 20000 {
		pts = append(pts, orb.Point{106 + 4*rng.Float64(), 33 + 5*rng.Float64()})
	}
	for range 2000 {
		pts = append(pts, orb.Point{73 + 63*rng.Float64(), 18 + 36*rng.Float64()})
	}
	verts := idx.PieceVertices()
	for range 20000 {
		k := rng.IntN(len(verts) - 1)
		a, b := verts[k], verts[k+1]
		f := rng.Float64()
		pts = append(pts, a, orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
		// And a point off the edge, from a hair to a sub-cell's width away:
		// where a sub-cell settled from the edges must be right.
		d := math.Pow(10, -2-8*rng.Float64())
		pts = append(pts, orb.Point{a[0] + f*(b[0]-a[0]) + d*(2*rng.Float64()-1), a[1] + f*(b[1]-a[1]) + d*(2*rng.Float64()-1)})
	}
	// Points on the lines between the point grid's cells and sub-cells, and a
	// float off them, where the sub-cell of a point is a matter of rounding.
	pts = append(pts, idx.PointGridLinePoints(rng, 20000)...)
	var hits, multi int
	for _, p := range pts {
		want := c.LocatePointExact(p)
		for _, c := range []*zones.Checker{c, cr} {
			got, err := c.Locate(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("point %v: lookup %v, exact %v", p, got, want)
			}
		}
		if len(want) > 0 {
			hits++
		}
		if len(want) > 1 {
			multi++
		}
	}
	t.Logf("%d of %d points in a zone, %d in several", hits, len(pts), multi)
	// Every vertex lies on its zone's boundary: at least 20,000 points hit.
	if hits < 20000 || multi < 100 {
		t.Fatalf("test too weak: %d of %d points in a zone, %d in several", hits, len(pts), multi)
	}
}

// TestLocatePointAppendsLocate: LocatePoint appends to the caller's buffer the
// hits Locate returns, after what the buffer held, and refuses what Locate
// refuses with the same error, leaving the buffer as it was.
func TestLocatePointAppendsLocate(t *testing.T) {
	_, idx := sharedIndex(t)
	c := zones.NewCheckerFor(idx)
	rng := rand.New(rand.NewPCG(3, 9))
	pts := shaanxiAndVertices(rng, idx, 5000)
	pts = append(pts, orb.Point{0, 0}, orb.Point{200, 30}, orb.Point{108, 95})
	var buf []zones.Hit
	var hits, refused int
	for _, p := range pts {
		want, wantErr := c.Locate(context.Background(), p)
		n := len(buf)
		got, err := c.LocatePoint(p, buf)
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("point %v: LocatePoint error %v, Locate error %v", p, err, wantErr)
		}
		if len(got) < n || !slices.Equal(got[:n], buf) {
			t.Fatalf("point %v: LocatePoint changed the %d hits before its own", p, n)
		}
		if !slices.Equal(got[n:], want) {
			t.Fatalf("point %v: LocatePoint %v, Locate %v", p, got[n:], want)
		}
		if err != nil {
			refused++
		}
		hits += len(got) - n
		buf = got
		if len(buf) > 64 {
			buf = buf[:rng.IntN(8)]
		}
	}
	if hits < 5000 || refused != 3 {
		t.Fatalf("test too weak: %d hits, %d points refused", hits, refused)
	}
}

// TestCoversAgreesWithExact: on the real layers, each piece's grid lookup
// answers as the exact test over all its edges, at random points of its box
// (most in boundary cells: the pieces are subdivided), at its vertices and
// along its edges, with the ray of the exact test from the edge index going
// left as well as right (whichever lists fewer edges).
func TestCoversAgreesWithExact(t *testing.T) {
	_, idx := sharedIndex(t)
	bad, tried, left, right := idx.CoversAgreesWithExact(rand.New(rand.NewPCG(5, 8)), 200)
	if bad != nil {
		t.Fatalf("point %v: the grid lookup and the exact test disagree", *bad)
	}
	t.Logf("%d points, %d took the edge index's ray to the left, %d to the right", tried, left, right)
	if left < 1000 || right < 1000 {
		t.Fatalf("test too weak: %d points took the ray to the left, %d to the right", left, right)
	}
}

// throughSnapshot writes idx (of ds) to a snapshot and reads it back; it
// returns the index read and the snapshot.
func throughSnapshot(t *testing.T, ds *zones.Dataset, idx *zones.Index) (*zones.Index, []byte) {
	t.Helper()
	var snap bytes.Buffer
	if err := zones.EncodeSnapshot(&snap, idx); err != nil {
		t.Fatal(err)
	}
	reread, err := zones.DecodeSnapshot(snap.Bytes(), &zones.Dataset{Name: ds.Name})
	if err != nil {
		t.Fatal(err)
	}
	return reread, snap.Bytes()
}

// sharedIndex loads the real layers of ../shared/data and indexes them.
func sharedIndex(t testing.TB) (*zones.Dataset, *zones.Index) {
	t.Helper()
	ds, err := data.LoadDir(oracle.SharedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := zones.NewIndex(ds, zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds, idx
}

// BenchmarkLocatePointShaanxi: 100k random points over Shaanxi through
// Checker.Locate in one goroutine (the point grid, the pieces' cell grids and
// the exact test where a cell is crossed by an edge); ns/point.
func BenchmarkLocatePointShaanxi(b *testing.B) {
	_, idx := sharedIndex(b)
	c := zones.NewCheckerFor(idx)
	pts := shaanxiPoints()
	ctx := context.Background()
	var hits int
	b.ResetTimer()
	t0 := proccpu.Now()
	for b.Loop() {
		hits = 0
		for _, p := range pts {
			h, err := c.Locate(ctx, p)
			if err != nil {
				b.Fatal(err)
			}
			hits += len(h)
		}
	}
	reportPerPoint(b, len(pts), hits, t0)
}

// BenchmarkLocatePointAppendShaanxi: the same 100k points through
// Checker.LocatePoint into one reused buffer, as a batch's worker does: the
// lookup alone, without Locate's allocation of each point's hits.
func BenchmarkLocatePointAppendShaanxi(b *testing.B) {
	_, idx := sharedIndex(b)
	c := zones.NewCheckerFor(idx)
	pts := shaanxiPoints()
	var buf []zones.Hit
	var hits int
	t0 := proccpu.Now()
	for b.Loop() {
		hits = 0
		for _, p := range pts {
			var err error
			buf, err = c.LocatePoint(p, buf[:0])
			if err != nil {
				b.Fatal(err)
			}
			hits += len(buf)
		}
	}
	reportPerPoint(b, len(pts), hits, t0)
}

// shaanxiPoints is 100k random points over Shaanxi, the same each time.
func shaanxiPoints() []orb.Point {
	rng := rand.New(rand.NewPCG(7, 7))
	pts := make([]orb.Point, 100_000)
	for i := range pts {
		pts[i] = orb.Point{106 + 4*rng.Float64(), 33 + 5*rng.Float64()}
	}
	return pts
}

// reportPerPoint reports a benchmark over n points an op, which found hits
// zones in its last op, in ns and CPU ns a point (the CPU the process spent
// since t0, steadier than the elapsed time on a shared host).
func reportPerPoint(b *testing.B, n, hits int, t0 time.Duration) {
	if hits == 0 {
		b.Fatal("no point in a zone")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/point")
	b.ReportMetric(float64(proccpu.Now()-t0)/float64(b.N)/float64(n), "cpu-ns/point")
}

// BenchmarkPointGridBuildShaanxi: building the point grid of the real layers,
// which making an index (a cold start, `redline prepare`) pays; it reports what a random Shaanxi point
// meets (entries read, pieces visited, exact tests) and the grid's bytes.
func BenchmarkPointGridBuildShaanxi(b *testing.B) {
	_, idx := sharedIndex(b)
	for b.Loop() {
		idx.RebuildPointGrid()
	}
	pts := shaanxiPoints()
	entries, visits, exact, bytes := idx.PointGridCounts(pts)
	b.ReportMetric(entries, "entries/point")
	b.ReportMetric(visits, "visits/point")
	b.ReportMetric(exact, "exact/point")
	b.ReportMetric(float64(bytes), "grid-B")
}

// TestSnapshotStoresPointGrid: a snapshot carries the point grid, read back as
// the pieces build it, and a stored entry that names no polygonal piece is
// refused rather than followed.
func TestSnapshotStoresPointGrid(t *testing.T) {
	ds, idx := sharedIndex(t)
	reread, snap := throughSnapshot(t, ds, idx)
	if !reread.PointGridIsRebuilt() {
		t.Fatal("the point grid read from the snapshot is not the one its pieces build")
	}
	// The entries are the payload's last array: make the last one name a piece
	// past the end.
	b := bytes.Clone(snap)
	copy(b[len(b)-8:], []byte{0xff, 0xff, 0xff, 0xff})
	_, err := zones.DecodeSnapshot(b, &zones.Dataset{Name: ds.Name})
	if !errors.Is(err, zones.ErrSnapshot) || !strings.Contains(err.Error(), "point grid") {
		t.Fatalf("an entry past the pieces: error %v, want a bad point grid", err)
	}
}

// pointsOnAndOff is shaanxiAndVertices(rng, idx, n) and lines points on the
// point grid's lines, with points off every piece's box (refused, NaN and
// infinities among them) put among them at random places.
func pointsOnAndOff(rng *rand.Rand, idx *zones.Index, n, lines int) []orb.Point {
	pts := shaanxiAndVertices(rng, idx, n)
	pts = append(pts, idx.PointGridLinePoints(rng, lines)...)
	off := []orb.Point{{0, 0}, {200, 30}, {108, 95}, {math.NaN(), 34}, {107, math.Inf(1)}, {math.Inf(-1), math.NaN()}}
	for _, p := range off {
		pts = slices.Insert(pts, rng.IntN(len(pts)+1), p)
	}
	return pts
}

// shaanxiAndVertices is n random points over Shaanxi and n random vertices of
// idx's pieces, in turn.
func shaanxiAndVertices(rng *rand.Rand, idx *zones.Index, n int) []orb.Point {
	verts := idx.PieceVertices()
	var pts []orb.Point
	for range n {
		pts = append(pts, orb.Point{106 + 4*rng.Float64(), 33 + 5*rng.Float64()}, verts[rng.IntN(len(verts))])
	}
	return pts
}

// TestCandidatesAsBefore: the point grid finds a point's cell and sub-cell
// from its place in sub-cells, one conversion a coordinate; the entries and
// the sub-cell are those the cell and then the offset in it gave, at random
// points, at points on the lines between cells and sub-cells and a float
// either side, at the pieces' vertices, and on the box's sides.
func TestCandidatesAsBefore(t *testing.T) {
	_, idx := sharedIndex(t)
	rng := rand.New(rand.NewPCG(3, 11))
	pts := shaanxiAndVertices(rng, idx, 50000)
	pts = append(pts, idx.PointGridLinePoints(rng, 100000)...)
	b := idx.PointGridBound()
	for range 1000 {
		x := b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0])
		y := b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])
		pts = append(pts, orb.Point{b.Min[0], y}, orb.Point{b.Max[0], y}, orb.Point{x, b.Min[1]}, orb.Point{x, b.Max[1]},
			orb.Point{math.Nextafter(b.Max[0], 0), y}, orb.Point{x, math.Nextafter(b.Max[1], 0)})
	}
	pts = append(pts, b.Min, b.Max, orb.Point{b.Min[0], b.Max[1]}, orb.Point{b.Max[0], b.Min[1]}, orb.Point{0, 0}, orb.Point{math.NaN(), 34})
	if p, ok := idx.CandidatesAsBefore(pts); !ok {
		t.Fatalf("point %v: other entries or sub-cell than before", p)
	}
}

// TestLocatePoints: LocatePoints answers each point as LocatePoint does, at
// random points, the pieces' vertices and points on the grids' lines, off
// the layers and refused (NaN, infinities, outside China), in groups of any
// length, and with too little room for a group's zones or visits (its points
// then located alone, its pieces tested on the spot); on an empty index, no
// hits, the refused points still refused.
func TestLocatePoints(t *testing.T) {
	ds, idx := sharedIndex(t)
	c := zones.NewCheckerFor(idx)
	pts := pointsOnAndOff(rand.New(rand.NewPCG(9, 4)), idx, 3000, 1000)
	want := make([][]zones.Hit, len(pts))
	refused := make([]bool, len(pts))
	var found, refusals int
	for i, p := range pts {
		h, err := c.LocatePoint(p, nil)
		want[i], refused[i] = h, err != nil
		found += len(h)
		if err != nil {
			refusals++
		}
	}
	if found == 0 || refusals < 5 {
		t.Fatalf("%d hits, %d refusals: the points test too little", found, refusals)
	}
	check := func(t *testing.T, n int) {
		t.Helper()
		dst := []int32{-5}
		ends := []int{-7}
		var table []zones.Hit
		for i := 0; i < len(pts); i += n {
			var tb []zones.Hit
			dst, ends, tb = c.LocatePoints(pts[i:min(len(pts), i+n)], dst, ends)
			if table != nil && (len(tb) != len(table) || &tb[0] != &table[0]) {
				t.Fatal("LocatePoints answered with another table")
			}
			table = tb
		}
		if len(ends) != len(pts)+1 || ends[0] != -7 || dst[0] != -5 {
			t.Fatalf("%d ends for %d points, or what dst and ends held changed", len(ends)-1, len(pts))
		}
		at := 1
		for i, p := range pts {
			end := ends[i+1]
			if refused[i] {
				if end != -1 {
					t.Fatalf("point %v: end %d, want -1 (refused)", p, end)
				}
				continue
			}
			var got []zones.Hit
			for _, z := range dst[at:end] {
				got = append(got, table[z])
			}
			if !slices.Equal(got, want[i]) {
				t.Fatalf("point %v (group of %d): %v, LocatePoint %v", p, n, got, want[i])
			}
			at = end
		}
		if at != len(dst) {
			t.Fatalf("%d hits past the last point's", len(dst)-at)
		}
	}
	for _, n := range []int{1, 7, 64, 65, 200, len(pts)} {
		check(t, n)
	}
	for _, room := range [][2]int{{0, 0}, {3, 1}, {40, 0}, {256, 2}, {10, 128}} {
		restore := zones.SetGroupRoom(room[0], room[1])
		check(t, 64)
		restore()
	}
	empty, err := zones.NewIndex(&zones.Dataset{Version: ds.Version}, zones.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dst, ends, _ := zones.NewCheckerFor(empty).LocatePoints(pts, nil, nil)
	if len(dst) != 0 || len(ends) != len(pts) {
		t.Fatalf("empty index: %d hits, %d ends for %d points", len(dst), len(ends), len(pts))
	}
	for i, p := range pts {
		want := 0
		if refused[i] {
			want = -1
		}
		if ends[i] != want {
			t.Fatalf("empty index: point %v: end %d, want %d", p, ends[i], want)
		}
	}
}

// BenchmarkLocatePointsShaanxi: the same 100k points through
// Checker.LocatePoints, 64 at a time (as a batch's worker takes them), into
// one reused buffer; ns/point.
func BenchmarkLocatePointsShaanxi(b *testing.B) {
	_, idx := sharedIndex(b)
	c := zones.NewCheckerFor(idx)
	pts := shaanxiPoints()
	var buf []int32
	var ends []int
	var hits int
	t0 := proccpu.Now()
	for b.Loop() {
		hits = 0
		for i := 0; i < len(pts); i += 64 {
			buf, ends, _ = c.LocatePoints(pts[i:min(len(pts), i+64)], buf[:0], ends[:0])
			hits += len(buf)
		}
	}
	reportPerPoint(b, len(pts), hits, t0)
}
