package crs

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// metres converts a lon/lat difference near lat to metres (good to 1% for the
// sub-millimetre differences the tests bound).
func metres(dlon, dlat, lat float64) float64 {
	return math.Hypot(dlon*111320*math.Cos(lat*deg), dlat*110574)
}

// Reference values computed with PROJ 9.1.1 (GDAL 3.6.2's gdaltransform, Debian 12),
// an independent implementation (Poder/Engsager's extended TM):
//
//	printf "108 34\n" | gdaltransform -s_srs EPSG:4490 -t_srs EPSG:4524 -output_xy
var tmReference = []struct {
	name     string
	code     string
	lon, lat float64
	e, n     float64
}{
	{"zone 36 on the CM", "EPSG:4524", 108, 34, 36500000, 3763661.44206821},
	{"zone 36 east edge", "EPSG:4524", 109.5, 34.3, 36638093.9238502, 3797957.7659034},
	{"zone 36 west edge", "EPSG:4524", 106.5, 34.0, 36361416.8412452, 3764675.98446412},
	{"zone 36 south", "EPSG:4524", 108.123456789, 18.5, 36513037.3537614, 2046328.023506},
	{"CM 108 series", "EPSG:4545", 109.5, 34.3, 638093.923850239, 3797957.7659034},
	{"zone 40", "EPSG:4528", 120.3, 30.2, 40528887.7313358, 3342322.26642803},
	{"6° zone 19 CM", "EPSG:4497", 111, 40, 19500000, 4429529.03023659},
	{"6° zone 19 edge", "EPSG:4497", 114, 45, 19736540.6423601, 4989325.23467312},
	{"6° zone 19 west", "EPSG:4497", 108, 25, 19197060.1362687, 2769407.98188349},
	{"UTM 49N on the CM", "EPSG:32649", 111, 34, 500000.000000004, 3762155.97759519},
	{"UTM 49N", "EPSG:32649", 112.5, 40, 628042.121615888, 4428834.70890298},
	{"10° east of CM", "+proj=tmerc +lon_0=108 +k=1 +x_0=500000 +ellps=GRS80", 118, 45, 1288456.44281339, 5033847.16099515},
	{"10° west of CM", "+proj=tmerc +lon_0=108 +k=1 +x_0=500000 +ellps=GRS80", 98, 25, -512824.510397692, 2803663.34165379},
}

func TestTMAgainstPROJ(t *testing.T) {
	for _, tc := range tmReference {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.code)
			if err != nil {
				t.Fatal(err)
			}
			e, n := c.FromLonLat(tc.lon, tc.lat)
			if d := math.Hypot(e-tc.e, n-tc.n); d > 1e-3 {
				t.Errorf("forward (%g, %g): got (%.4f, %.4f), PROJ (%.4f, %.4f): %.6f m apart", tc.lon, tc.lat, e, n, tc.e, tc.n, d)
			}
			lon, lat := c.ToLonLat(tc.e, tc.n)
			if d := metres(lon-tc.lon, lat-tc.lat, tc.lat); d > 1e-3 {
				t.Errorf("inverse (%.4f, %.4f): got (%.10f, %.10f), want (%g, %g): %.6f m apart", tc.e, tc.n, lon, lat, tc.lon, tc.lat, d)
			}
		})
	}
}

// On the central meridian a Gauss-Krüger northing is the meridian arc from the
// equator. Integrate the meridian radius of curvature M(φ) = a(1−e²)/(1−e²sin²φ)^1.5
// numerically (Simpson) as an independent check of the series.
func TestTMNorthingIsMeridianArc(t *testing.T) {
	es := GRS80F * (2 - GRS80F)
	m := func(phi float64) float64 {
		s := math.Sin(phi)
		return GRS80A * (1 - es) / math.Pow(1-es*s*s, 1.5)
	}
	for _, lat := range []float64{3, 18.25, 34, 45, 53.5} {
		const steps = 20000
		h := lat * deg / steps
		sum := m(0) + m(lat*deg)
		for i := 1; i < steps; i++ {
			w := 2.0
			if i%2 == 1 {
				w = 4
			}
			sum += w * m(float64(i)*h)
		}
		arc := sum * h / 3
		tm := TM{Lon0: 111, K0: 1, FE: 500000}
		e, n := tm.Forward(111, lat)
		if math.Abs(n-arc) > 1e-4 || e != 500000 {
			t.Errorf("lat %g: northing %.6f, meridian arc %.6f (diff %.2g m), easting %g", lat, n, arc, n-arc, e)
		}
	}
}

func TestTMScale(t *testing.T) {
	tm := TM{Lon0: 108, K0: 1, FE: 500000}
	for _, lat := range []float64{20, 34, 50} {
		if k := tm.Scale(108, lat); math.Abs(k-1) > 1e-9 {
			t.Errorf("scale on the CM at %g°N = %.12f, want 1", lat, k)
		}
		// Away from the CM, k ≈ 1 + (Δλ cos φ)²(1+η²)/2 to second order; at 1.5° this
		// approximation is good to about 1e-7.
		dl := 1.5 * deg
		c := math.Cos(lat * deg)
		es := GRS80F * (2 - GRS80F)
		eta2 := es / (1 - es) * c * c
		want := 1 + dl*dl*c*c*(1+eta2)/2
		if k := tm.Scale(109.5, lat); math.Abs(k-want) > 2e-7 {
			t.Errorf("scale 1.5° off the CM at %g°N = %.9f, want ≈ %.9f", lat, k, want)
		}
	}
}

// A square of 1 km projected and unprojected comes back to within a micrometre over
// the ±10° the series is claimed for.
func TestTMRoundTrip(t *testing.T) {
	tm := TM{Lon0: 108, K0: 1, FE: 36500000}
	worst := 0.0
	for lon := 98.0; lon <= 118; lon += 0.5 {
		for lat := 3.0; lat <= 54; lat += 0.5 {
			e, n := tm.Forward(lon, lat)
			for _, d := range [][2]float64{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}} {
				lo, la := tm.Inverse(e+d[0], n+d[1])
				e2, n2 := tm.Forward(lo, la)
				if r := math.Hypot(e2-e-d[0], n2-n-d[1]); r > worst {
					worst = r
				}
			}
		}
	}
	if worst > 1e-6 {
		t.Errorf("worst round trip %.3g m, want < 1 µm", worst)
	}
	t.Logf("worst TM round trip over 98–118°E, 3–54°N: %.3g m", worst)
}

func TestGKZone(t *testing.T) {
	for _, tc := range []struct {
		lon      float64
		z3, z6   int
		cm3, cm6 float64
	}{
		{108, 36, 19, 108, 111}, {106.5, 36, 18, 108, 105}, {106.49, 35, 18, 105, 105},
		{109.49, 36, 19, 108, 111}, {73.5, 25, 13, 75, 75}, {135, 45, 23, 135, 135},
	} {
		if z := GKZone3(tc.lon); z != tc.z3 {
			t.Errorf("GKZone3(%g) = %d, want %d", tc.lon, z, tc.z3)
		}
		if z := GKZone6(tc.lon); z != tc.z6 {
			t.Errorf("GKZone6(%g) = %d, want %d", tc.lon, z, tc.z6)
		}
		c3, err := GK3(tc.z3, true)
		if err != nil || c3.TM.Lon0 != tc.cm3 {
			t.Errorf("GK3(%d) CM %g, %v; want %g", tc.z3, c3.TM.Lon0, err, tc.cm3)
		}
		c6, err := GK6(tc.z6, false)
		if err != nil || c6.TM.Lon0 != tc.cm6 {
			t.Errorf("GK6(%d) CM %g, %v; want %g", tc.z6, c6.TM.Lon0, err, tc.cm6)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		code string
		err  error
		fe   float64
		cm   float64
	}{
		{in: "EPSG:4490", code: "EPSG:4490"},
		{in: "4490", code: "EPSG:4490"},
		{in: " epsg:4326 ", code: "EPSG:4326"},
		{in: "CRS84", code: "EPSG:4326"},
		{in: "CRS:84", code: "EPSG:4326"},
		{in: "urn:ogc:def:crs:OGC:1.3:CRS84", code: "EPSG:4326"},
		{in: "urn:ogc:def:crs:EPSG::4490", code: "EPSG:4490"},
		{in: "urn:ogc:def:crs:EPSG:6.6:4524", code: "EPSG:4524", fe: 36500000, cm: 108},
		{in: "http://www.opengis.net/def/crs/EPSG/0/4545", code: "EPSG:4545", fe: 500000, cm: 108},
		{in: "GCJ02", code: "GCJ02"},
		{in: "gcj-02", code: "GCJ02"},
		{in: "BD09", code: "BD09"},
		{in: "BD-09", code: "BD09"},
		{in: "CGCS2000", code: "EPSG:4490"},
		{in: "EPSG:4513", code: "EPSG:4513", fe: 25500000, cm: 75},
		{in: "EPSG:4533", code: "EPSG:4533", fe: 45500000, cm: 135},
		{in: "EPSG:4534", code: "EPSG:4534", fe: 500000, cm: 75},
		{in: "EPSG:4554", code: "EPSG:4554", fe: 500000, cm: 135},
		{in: "EPSG:4491", code: "EPSG:4491", fe: 13500000, cm: 75},
		{in: "EPSG:4501", code: "EPSG:4501", fe: 23500000, cm: 135},
		{in: "EPSG:4502", code: "EPSG:4502", fe: 500000, cm: 75},
		{in: "EPSG:4512", code: "EPSG:4512", fe: 500000, cm: 135},
		{in: "CGCS2000 3 degree zone 36", code: "EPSG:4524", fe: 36500000, cm: 108},
		{in: "CGCS2000 / 3-degree Gauss-Kruger CM 108E", code: "EPSG:4545", fe: 500000, cm: 108},
		{in: "CGCS2000 6 degree zone 19", code: "EPSG:4497", fe: 19500000, cm: 111},
		{in: "CGCS2000 / Gauss-Kruger CM 111E", code: "EPSG:4508", fe: 500000, cm: 111},
		{in: "CGCS2000 3度带 36带", code: "EPSG:4524", fe: 36500000, cm: 108},
		{in: "2000国家大地坐标系 3度分带 第37带", code: "EPSG:4525", fe: 37500000, cm: 111},
		{in: "国家2000 3度 中央经线108", code: "EPSG:4545", fe: 500000, cm: 108},
		{in: "CGCS2000 6度带 19带", code: "EPSG:4497", fe: 19500000, cm: 111},
		{in: "+proj=tmerc +lat_0=0 +lon_0=108.5 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m", code: "+proj=tmerc +lat_0=0 +lon_0=108.5 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m", fe: 500000, cm: 108.5},
		{in: "EPSG:4610", err: ErrUnsupported},
		{in: "EPSG:2383", err: ErrUnsupported},
		{in: "EPSG:2435", err: ErrUnsupported},
		{in: "EPSG:4214", err: ErrUnsupported},
		{in: "Xian 1980", err: ErrUnsupported},
		{in: "北京54", err: ErrUnsupported},
		{in: "EPSG:3857", err: ErrUnsupported},
		{in: "EPSG:99999", err: ErrUnknown},
		{in: "NAD83", err: ErrUnknown},
		{in: "", err: ErrUnknown},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, err := Parse(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Parse(%q) = %v, %v; want %v", tc.in, c.Code, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Code != tc.code {
				t.Errorf("code %q, want %q", c.Code, tc.code)
			}
			if c.Kind == Projected && (c.TM.FE != tc.fe || c.TM.Lon0 != tc.cm || c.TM.K0 != 1) {
				t.Errorf("TM %+v, want FE %g CM %g k0 1", c.TM, tc.fe, tc.cm)
			}
			// Every code parses back to itself.
			if back, err := Parse(c.Code); err != nil || back.Code != c.Code {
				t.Errorf("Parse(%q) = %q, %v", c.Code, back.Code, err)
			}
		})
	}
}

// The .prj files under testdata/prj were written by GDAL 3.6.2 (gdalsrsinfo -o
// wkt1|wkt_esri|wkt2 EPSG:n); every form must give the EPSG CRS it came from.
func TestFromPRJGDAL(t *testing.T) {
	files, err := filepath.Glob("testdata/prj/epsg*.prj")
	if err != nil || len(files) < 33 {
		t.Fatalf("fixtures: %v, %d files", err, len(files))
	}
	want := map[string]string{"4490": "EPSG:4490", "4326": "EPSG:4326", "4524": "EPSG:4524", "4545": "EPSG:4545",
		"4497": "EPSG:4497", "4508": "EPSG:4508", "32649": "EPSG:32649", "4610": "unsupported", "2383": "unsupported", "2435": "unsupported", "4214": "unsupported"}
	for _, f := range files {
		code := strings.TrimPrefix(strings.SplitN(filepath.Base(f), "_", 2)[0], "epsg")
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := FromPRJ(string(b))
		switch w := want[code]; {
		case w == "unsupported":
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: got %q, %v; want unsupported", f, c.Code, err)
			}
		case err != nil:
			t.Errorf("%s: %v", f, err)
		case c.Code != w:
			t.Errorf("%s: got %q, want %q", f, c.Code, w)
		}
	}
}

func TestFromPRJFallbacks(t *testing.T) {
	const geog = `GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
	tm := func(name string, cm, fe float64) string {
		return `PROJCS["` + name + `",` + geog + `,PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",` + ftoa(fe) +
			`],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",` + ftoa(cm) + `],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
	}
	for _, tc := range []struct {
		name, wkt, code string
		err             error
	}{
		{"esri geographic without authority", geog, "EPSG:4490", nil},
		{"custom name, 3° zone parameters", tm("my_project", 108, 36500000), "EPSG:4524", nil},
		{"custom name, CM parameters", tm("my_project", 111, 500000), "EPSG:4546", nil},
		{"custom name, 6° CM parameters", tm("x", 105, 500000), "EPSG:4544", nil}, // 105 is a 3° CM too: 3° wins
		{"custom name, 6° prefixed", tm("x", 105, 18500000), "EPSG:4496", nil},
		{"local CM", tm("city", 108.5, 500000), "+proj=tmerc +lat_0=0 +lon_0=108.5 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m", nil},
		{"name beats parameters", tm("CGCS2000_3_Degree_GK_Zone_37", 111, 37500000), "EPSG:4525", nil},
		{"xian by CRS name", strings.ReplaceAll(tm("x", 108, 500000), "GCS_China_Geodetic_Coordinate_System_2000", "GCS_Xian_1980"), "", ErrUnsupported},
		{"esri 6° CM name", tm("CGCS2000_GK_CM_111E", 111, 500000), "EPSG:4508", nil},
		{"parentheses", strings.NewReplacer("[", "(", "]", ")").Replace(geog), "EPSG:4490", nil},
		{"xian by datum name", strings.ReplaceAll(tm("x", 108, 500000), "D_China_2000", "D_Xian_1980"), "", ErrUnsupported},
		{"web mercator", `PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["Central_Meridian",0.0],UNIT["Meter",1.0]]`, "", ErrUnknown},
		{"feet", strings.Replace(tm("x", 108, 500000), `UNIT["Meter",1.0]]`, `UNIT["Foot_US",0.3048006096012192]]`, 1), "", ErrUnknown},
		{"truncated", geog[:40], "", ErrUnknown},
		{"empty", "", "", ErrUnknown},
		{"not wkt", "hello", "", ErrUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromPRJ(tc.wkt)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("got %q, %v; want %v", c.Code, err, tc.err)
				}
				return
			}
			if err != nil || c.Code != tc.code {
				t.Fatalf("got %q, %v; want %q", c.Code, err, tc.code)
			}
		})
	}
}

func FuzzFromPRJ(f *testing.F) {
	files, _ := filepath.Glob("testdata/prj/*.prj")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b))
		}
	}
	f.Add("EPSG:4490")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err == nil && c.IsZero() {
			t.Fatalf("Parse(%q) returned no CRS and no error", s)
		}
		if err == nil && c.Kind == Projected {
			// A usable projection converts a point without NaN.
			lon, lat := c.ToLonLat(c.FromLonLat(108, 34))
			if math.IsNaN(lon) || math.IsNaN(lat) {
				t.Fatalf("%q: NaN round trip", c.Code)
			}
		}
	})
}

// The widely published reference pair (coordtransform and its ports, input 116.404,
// 39.915 near Tiananmen) for the forward formulas.
func TestGCJ02BD09Published(t *testing.T) {
	lon, lat := WGS84ToGCJ02(116.404, 39.915)
	if math.Abs(lon-116.41024449916938) > 1e-12 || math.Abs(lat-39.91640428150164) > 1e-12 {
		t.Errorf("WGS84ToGCJ02 = %.14f, %.14f", lon, lat)
	}
	lon, lat = GCJ02ToBD09(116.404, 39.915)
	if math.Abs(lon-116.41036949371029) > 1e-12 || math.Abs(lat-39.92133699351021) > 1e-12 {
		t.Errorf("GCJ02ToBD09 = %.14f, %.14f", lon, lat)
	}
	// The published inverses are one-step approximations; ours is exact, so it must
	// lie within their error (metres for GCJ-02, centimetres for BD-09) but not
	// necessarily equal them.
	lon, lat = GCJ02ToWGS84(116.404, 39.915)
	if d := metres(lon-116.39775550083061, lat-39.91359571849836, lat); d > 5 {
		t.Errorf("GCJ02ToWGS84 = %.10f, %.10f: %.2f m from the one-step value", lon, lat, d)
	}
	lon, lat = BD09ToGCJ02(116.404, 39.915)
	if d := metres(lon-116.39762729119315, lat-39.90865673957631, lat); d > 0.5 {
		t.Errorf("BD09ToGCJ02 = %.10f, %.10f: %.2f m from the one-step value", lon, lat, d)
	}
	// The shift itself is hundreds of metres, as every source says.
	glon, glat := WGS84ToGCJ02(108.95, 34.27)
	if d := metres(glon-108.95, glat-34.27, 34.27); d < 100 || d > 1000 {
		t.Errorf("GCJ-02 shift at Xi'an %.1f m, want hundreds", d)
	}
}

func TestChinaShiftRoundTrip(t *testing.T) {
	worstG, worstB := 0.0, 0.0
	for lon := 73.5; lon <= 135.5; lon += 0.37 {
		for lat := 3.5; lat <= 53.5; lat += 0.29 {
			glon, glat := WGS84ToGCJ02(lon, lat)
			wlon, wlat := GCJ02ToWGS84(glon, glat)
			worstG = math.Max(worstG, metres(wlon-lon, wlat-lat, lat))
			blon, blat := WGS84ToBD09(lon, lat)
			wlon, wlat = BD09ToWGS84(blon, blat)
			worstB = math.Max(worstB, metres(wlon-lon, wlat-lat, lat))
		}
	}
	if worstG > 1e-3 || worstB > 1e-3 {
		t.Errorf("worst round trip GCJ-02 %.3g m, BD-09 %.3g m; want < 1 mm", worstG, worstB)
	}
	t.Logf("worst round trip over China: GCJ-02 %.3g m, BD-09 %.3g m", worstG, worstB)
	// Outside China GCJ-02 is the identity.
	if lon, lat := WGS84ToGCJ02(139.7, 35.7); lon != 139.7 || lat != 35.7 {
		t.Errorf("Tokyo shifted to %g, %g", lon, lat)
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Bounds
		code string
		swap bool
		warn bool
		err  error
	}{
		{"lon/lat Xi'an", Bounds{108.9, 34.2, 109.0, 34.3}, "EPSG:4490", false, false, nil},
		{"lat/lon swapped", Bounds{34.2, 108.9, 34.3, 109.0}, "", false, false, ErrCoordinates},
		{"GK zone 36 prefixed", Bounds{36500100, 3790000, 36501000, 3791000}, "EPSG:4524", false, true, nil},
		{"GK zone 36 northing first", Bounds{3790000, 36500100, 3791000, 36501000}, "EPSG:4524", true, true, nil},
		{"GK 6° zone 19 prefixed", Bounds{19400000, 4400000, 19410000, 4410000}, "EPSG:4497", false, true, nil},
		{"GK zone straddling a prefix", Bounds{36999000, 3790000, 37001000, 3791000}, "", false, false, ErrCoordinates},
		{"GK without prefix", Bounds{500100, 3790000, 501000, 3791000}, "", false, false, ErrUnknown},
		{"GK without prefix northing first", Bounds{3790000, 500100, 3791000, 501000}, "", false, false, ErrUnknown},
		{"Paris", Bounds{2.3, 48.8, 2.4, 48.9}, "", false, false, ErrCoordinates},
		{"zeros", Bounds{0, 0, 0, 0}, "", false, false, ErrCoordinates},
		{"NaN", Bounds{math.NaN(), 34, 109, 34}, "", false, false, ErrCoordinates},
		{"web mercator metres", Bounds{12128000, 4060000, 12129000, 4061000}, "", false, false, ErrCoordinates},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Detect(tc.b)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("got %q, %v; want %v", d.CRS.Code, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.CRS.Code != tc.code || d.Swap != tc.swap || (d.Warning != "") != tc.warn {
				t.Errorf("got %q swap %v warning %q", d.CRS.Code, d.Swap, d.Warning)
			}
		})
	}
}

func BenchmarkTMInverse(b *testing.B) {
	tm := TM{Lon0: 108, K0: 1, FE: 36500000}
	b.ReportAllocs()
	for b.Loop() {
		tm.Inverse(36582952.2, 3786212.5)
	}
}

func BenchmarkTMForward(b *testing.B) {
	tm := TM{Lon0: 108, K0: 1, FE: 36500000}
	b.ReportAllocs()
	for b.Loop() {
		tm.Forward(108.9, 34.2)
	}
}

func BenchmarkGCJ02ToWGS84(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		GCJ02ToWGS84(108.9, 34.2)
	}
}

// Datum shifts against PROJ 9.1.1 (gdaltransform, target +proj=longlat
// +ellps=GRS80 +towgs84=0,0,0) with made-up but plausible parameters.
func TestDatumShiftAgainstPROJ(t *testing.T) {
	const xian = "+proj=tmerc +lat_0=0 +lon_0=108 +k=1 +x_0=500000 +y_0=0 +ellps=IAU76 +towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1 +units=m"
	const beijing = "+proj=longlat +ellps=krass +towgs84=15.8,-154.4,-82.3,0,0,0,0"
	prj, err := os.ReadFile("testdata/prj/xian80_cm108_towgs84_wkt1.prj") // gdalsrsinfo -o wkt1 of xian
	if err != nil {
		t.Fatal(err)
	}
	prj2, err := os.ReadFile("testdata/prj/xian80_cm108_towgs84_wkt2.prj") // gdalsrsinfo -o wkt2: BOUNDCRS
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		def      string
		x, y     float64
		lon, lat float64
	}{
		{xian, 582952, 3786212, 108.900192531835, 34.199890088979},
		{xian, 400000, 2500000, 107.027635496083, 22.594501076218},
		{xian, 620000, 4800000, 109.479741203132, 43.326108563171},
		{string(prj), 582952, 3786212, 108.900192531835, 34.199890088979},
		{string(prj2), 582952, 3786212, 108.900192531835, 34.199890088979},
		// The same transformation stated in the coordinate-frame convention.
		{strings.NewReplacer("Position Vector transformation", "Coordinate Frame rotation", `"X-axis rotation",0.02`, `"X-axis rotation",-0.02`,
			`"Y-axis rotation",-0.25`, `"Y-axis rotation",0.25`, `"Z-axis rotation",-0.13`, `"Z-axis rotation",0.13`).Replace(string(prj2)),
			582952, 3786212, 108.900192531835, 34.199890088979},
		{beijing, 108.9, 34.2, 108.900380449043, 34.200175126746},
		{beijing, 120.5, 45.1, 120.500822658959, 45.100400652816},
	} {
		c, err := Parse(tc.def)
		if err != nil {
			t.Fatalf("%.40s: %v", tc.def, err)
		}
		if !c.Datum.Shifted() {
			t.Fatalf("%.40s: no datum shift", tc.def)
		}
		lon, lat := c.ToLonLat(tc.x, tc.y)
		if d := metres(lon-tc.lon, lat-tc.lat, tc.lat); d > 1e-3 {
			t.Errorf("%.40s (%g, %g): got %.12f, %.12f, PROJ %.12f, %.12f: %.2g m", tc.def, tc.x, tc.y, lon, lat, tc.lon, tc.lat, d)
		}
		x, y := c.FromLonLat(lon, lat)
		if math.Hypot(x-tc.x, y-tc.y) > 1e-6*math.Max(1, math.Abs(tc.x)/1e5) {
			t.Errorf("%.40s: round trip (%g, %g) -> (%.9f, %.9f)", tc.def, tc.x, tc.y, x, y)
		}
		if back, err := Parse(c.Code); err != nil || back != c {
			t.Errorf("code %q does not parse back to the same CRS: %v", c.Code, err)
		}
	}
	// Without parameters the same datums stay refused, and the message says how to
	// give them.
	for _, s := range []string{"+proj=tmerc +lon_0=108 +x_0=500000 +ellps=IAU76", "EPSG:2383", "Beijing 1954"} {
		_, err := Parse(s)
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "+towgs84") {
			t.Errorf("Parse(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"+proj=longlat +ellps=krass +towgs84=1,2", "+proj=longlat +ellps=krass +towgs84=1e6,0,0", "+proj=longlat +ellps=bessel +towgs84=1,2,3"} {
		if _, err := Parse(s); !errors.Is(err, ErrUnknown) {
			t.Errorf("Parse(%q) = %v, want unknown", s, err)
		}
	}
}

// The constant GRS80 series must equal the one computed at run time for the same
// ellipsoid (a slightly different A takes the general path).
func TestGRS80SeriesConstants(t *testing.T) {
	c := grs80Series()
	g := newSeries(Ellipsoid{GRS80A * (1 + 1e-15), GRS80F})
	if math.Abs(c.e-math.Sqrt(GRS80F*(2-GRS80F))) > 1e-17 || math.Abs(c.a1-g.a1) > 1e-6 {
		t.Errorf("e %v a1 %v vs %v", c.e, c.a1, g.a1)
	}
	for j := 1; j <= 6; j++ {
		if math.Abs(c.alpha[j]-g.alpha[j]) > 1e-18+1e-12*math.Abs(g.alpha[j]) || math.Abs(c.beta[j]-g.beta[j]) > 1e-18+1e-12*math.Abs(g.beta[j]) {
			t.Errorf("j=%d: alpha %g/%g beta %g/%g", j, c.alpha[j], g.alpha[j], c.beta[j], g.beta[j])
		}
	}
}
