package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/paulmach/orb"
	orbjson "github.com/paulmach/orb/geojson"

	"github.com/redline-gis/redline/data/formats/geojson"
)

// Job is one of the three jobs: features sent as one FeatureCollection
// to /v1/locate, and the same geometries for PostGIS.
type Job struct {
	Name string
	// Body is the FeatureCollection; Geoms are its geometries in order (feature
	// i has id i).
	Body  []byte
	Geoms []orb.Geometry
	// Points: the job asks which zones cover points, no areas.
	Points bool
	// WholeZones: PostGIS intersects the features with whole zones (under a
	// GiST index of their own) rather than summing over the zone's pieces: a
	// piece's cut puts vertices on a footprint's long edges, and since geodesic
	// areas take edges as geodesics between vertices, that moves the oracle
	// footprints' areas by up to 2.4e-4 (3 of 653 overlaps beyond the 1e-4
	// tolerance), as DESIGN.md warns. For 100 m squares the cuts change nothing
	// measurable, and whole zones would be 50 times slower there.
	WholeZones bool
}

// Shaanxi is where the points and squares fall: 106–110°E, 33–38°N.
var Shaanxi = orb.Bound{Min: orb.Point{106, 33}, Max: orb.Point{110, 38}}

// Jobs builds the three jobs: the accepted footprints of shared/oracle (206),
// n points and n squares of 100 m × 100 m (0.01 km²) in Shaanxi, deterministic.
func Jobs(shared string, n int) ([]Job, error) {
	b, err := os.ReadFile(filepath.Join(shared, "oracle", "footprints.geojson"))
	if err != nil {
		return nil, fmt.Errorf("bench: oracle footprints: %w", err)
	}
	fc, err := geojson.Read(b)
	if err != nil {
		return nil, fmt.Errorf("bench: oracle footprints: %w", err)
	}
	var fps []orb.Geometry
	for _, f := range fc.Features {
		if f.Properties["expect"] == "accept" {
			fps = append(fps, f.Geometry)
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	pts := make([]orb.Geometry, n)
	sqs := make([]orb.Geometry, n)
	for i := range n {
		x := Shaanxi.Min[0] + (Shaanxi.Max[0]-Shaanxi.Min[0])*rng.Float64()
		y := Shaanxi.Min[1] + (Shaanxi.Max[1]-Shaanxi.Min[1])*rng.Float64()
		pts[i] = orb.Point{x, y}
		sqs[i] = Square(x, y, 100)
	}
	return []Job{
		{Name: fmt.Sprintf("%d oracle footprints, overlap areas", len(fps)), Body: collection(fps), Geoms: fps, WholeZones: true},
		{Name: fmt.Sprintf("%dk points located", n/1000), Body: collection(pts), Geoms: pts, Points: true},
		{Name: fmt.Sprintf("%dk 0.01 km² squares, overlap areas", n/1000), Body: collection(sqs), Geoms: sqs},
	}, nil
}

// Square is a square of side metres on the GRS80 ellipsoid with its south-west
// corner at x, y (lon/lat), its sides along meridians and parallels, rounded to
// 1e-7°.
func Square(x, y, side float64) orb.Polygon {
	r := func(v float64) float64 { return math.Round(v*1e7) / 1e7 }
	const a, e2 = 6378137.0, 0.00669438002290 // GRS80
	phi := y * math.Pi / 180
	w := 1 - e2*math.Sin(phi)*math.Sin(phi)
	meridian := a * (1 - e2) / (w * math.Sqrt(w)) * math.Pi / 180 // metres per degree of latitude
	parallel := a / math.Sqrt(w) * math.Cos(phi) * math.Pi / 180  // metres per degree of longitude
	dy := side / meridian
	dx := side / parallel
	x, y, x1, y1 := r(x), r(y), r(x+dx), r(y+dy)
	return orb.Polygon{{{x, y}, {x1, y}, {x1, y1}, {x, y1}, {x, y}}}
}

// collection writes geometries as a FeatureCollection, feature i with id i.
func collection(gs []orb.Geometry) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, g := range gs {
		if i > 0 {
			buf.WriteString(",\n")
		}
		gj, err := json.Marshal(orbjson.NewGeometry(g))
		if err != nil {
			panic(err) // orb geometries of our own making always marshal
		}
		fmt.Fprintf(&buf, `{"type":"Feature","id":%d,"properties":{},"geometry":%s}`, i, gj)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// Hit is one zone of a located feature.
type Hit struct {
	Layer   string  `json:"layer"`
	ZoneID  string  `json:"zone_id"`
	AreaM2  float64 `json:"overlap_area_m2"`
	LengthM float64 `json:"overlap_length_m"`
}

// Record is one NDJSON line of /v1/locate.
type Record struct {
	Index int   `json:"index"`
	Hits  []Hit `json:"hits"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// Locate posts body to /v1/locate and reads the whole NDJSON answer, into
// memory of its own; the time is the whole request, from the first byte sent
// to the last received.
func Locate(client *http.Client, url string, body []byte) (time.Duration, []byte, error) {
	var buf bytes.Buffer
	d, err := LocateInto(client, url, body, &buf)
	return d, buf.Bytes(), err
}

// LocateInto is Locate reading the answer into buf (reset first), whose memory
// a caller timing many runs keeps from one to the next. Read into fresh memory,
// a 26 MB answer made the client fault in its pages during the request (the
// kernel zeroing them, on the same two cores as the server), and some runs of
// the 100k points took 200 ms against 40–60 with the server's CPU unchanged.
//
// The client's own garbage (the previous run's answers and PostGIS's rows, tens
// of MB) is collected before the clock starts: otherwise the client's collector
// runs during the request, on the same two cores as the server.
func LocateInto(client *http.Client, url string, body []byte, buf *bytes.Buffer) (time.Duration, error) {
	runtime.GC()
	start := time.Now()
	if err := postLocate(client, url, body, buf); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// postLocate posts body to /v1/locate and reads the answer into buf; a status
// other than 200 is an error, with the answer's start.
func postLocate(client *http.Client, url string, body []byte, buf *bytes.Buffer) error {
	buf.Reset()
	resp, err := client.Post(url+"/v1/locate", "application/geo+json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("bench: /v1/locate: %w", err)
	}
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("bench: /v1/locate: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("bench: /v1/locate: status %d: %.300s", resp.StatusCode, buf.Bytes())
	}
	return nil
}

// Records parses a locate answer of n features; a missing feature or an error
// record is an error.
func Records(answer []byte, n int) ([]Record, error) {
	recs := make([]Record, 0, n)
	sc := bufio.NewScanner(bytes.NewReader(answer))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("bench: locate answer line %d: %w", len(recs)+1, err)
		}
		if r.Error != nil {
			return nil, fmt.Errorf("bench: locate answer: feature %d: %s: %s", r.Index, r.Error.Code, r.Error.Message)
		}
		if r.Index != len(recs) {
			return nil, fmt.Errorf("bench: locate answer line %d is feature %d", len(recs)+1, r.Index)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bench: locate answer: %w", err)
	}
	if len(recs) != n {
		return nil, fmt.Errorf("bench: locate answered %d features of %d", len(recs), n)
	}
	return recs, nil
}
