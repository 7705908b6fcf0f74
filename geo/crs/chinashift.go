package crs

import "math"

// GCJ-02 ("Mars coordinates", 火星坐标) is the obfuscated frame of Chinese web maps
// (AMap/Gaode, Tencent, 奥维 exports since 9.3). The forward formula below is the one
// published in many open-source libraries (it reproduces the values Chinese map APIs
// return to well under a metre); it has no closed-form inverse, so the inverse is
// taken by fixed-point iteration. BD-09 is Baidu's further rotation and shift of
// GCJ-02. Both are defined only inside China: outside the out_of_china box the
// forward shift is the identity, as the published code does.

// gcjA and gcjEE are the Krasovsky-1940 semi-major axis and e² the formula uses.
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
)

// OutOfChina reports whether lon/lat lies outside the box in which GCJ-02 shifts
// coordinates (the usual out_of_china rule of the published formula).
func OutOfChina(lon, lat float64) bool {
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

func gcjTransformLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjTransformLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// WGS84ToGCJ02 shifts WGS84 (≡ CGCS2000 at this accuracy) lon/lat to GCJ-02.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	dlat := gcjTransformLat(lon-105.0, lat-35.0)
	dlon := gcjTransformLon(lon-105.0, lat-35.0)
	radlat := lat / 180.0 * math.Pi
	magic := math.Sin(radlat)
	magic = 1 - gcjEE*magic*magic
	sqrtmagic := math.Sqrt(magic)
	dlat = (dlat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtmagic) * math.Pi)
	dlon = (dlon * 180.0) / (gcjA / sqrtmagic * math.Cos(radlat) * math.Pi)
	return lon + dlon, lat + dlat
}

// inverseTol is the round-trip error, in degrees, at which the iterated inverses
// stop: 1e-10° is about 0.01 mm, well inside the 1 mm the checker needs.
const inverseTol = 1e-10

// invert solves fwd(lon, lat) = (x, y) by fixed-point iteration. The shifts vary by
// less than 1e-4 per degree, so each step gains about four digits; 2–3 steps reach
// the tolerance. The loop is bounded so a pathological input cannot hang it.
func invert(fwd func(lon, lat float64) (float64, float64), x, y float64) (float64, float64) {
	lon, lat := x, y
	for i := 0; i < 30; i++ {
		fx, fy := fwd(lon, lat)
		dx, dy := x-fx, y-fy
		lon += dx
		lat += dy
		if math.Abs(dx) < inverseTol && math.Abs(dy) < inverseTol {
			break
		}
	}
	return lon, lat
}

// GCJ02ToWGS84 is the inverse of WGS84ToGCJ02, exact to about 1e-10° (0.01 mm).
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	return invert(WGS84ToGCJ02, lon, lat)
}

// bdXPi is the constant of Baidu's published BD-09 formula.
const bdXPi = math.Pi * 3000.0 / 180.0

// GCJ02ToBD09 converts GCJ-02 to BD-09 (the published forward formula).
func GCJ02ToBD09(lon, lat float64) (float64, float64) {
	z := math.Sqrt(lon*lon+lat*lat) + 0.00002*math.Sin(lat*bdXPi)
	theta := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdXPi)
	return z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006
}

// BD09ToGCJ02 is the inverse of GCJ02ToBD09 by iteration (the one-step formula
// commonly published is off by up to a few centimetres).
func BD09ToGCJ02(lon, lat float64) (float64, float64) {
	return invert(GCJ02ToBD09, lon, lat)
}

// WGS84ToBD09 is GCJ02ToBD09 after WGS84ToGCJ02.
func WGS84ToBD09(lon, lat float64) (float64, float64) {
	return GCJ02ToBD09(WGS84ToGCJ02(lon, lat))
}

// BD09ToWGS84 is the inverse of WGS84ToBD09.
func BD09ToWGS84(lon, lat float64) (float64, float64) {
	return GCJ02ToWGS84(BD09ToGCJ02(lon, lat))
}
