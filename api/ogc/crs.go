package ogc

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/redline-gis/redline/geo/crs"
)

// CRS84 is OGC API – Features' default CRS: WGS 84 (here CGCS2000, taken as
// identical) longitude, latitude.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

const epsgURI = "http://www.opengis.net/def/crs/EPSG/0/"

// refCRS is a CRS a client may name in crs= or bbox-crs=: its URI, the
// project's own transform (geo/crs), and the axis order the EPSG register gives
// it, which Part 2 tells servers to follow. EPSG:4490 and 4326 are latitude
// first; the CGCS2000 Gauss-Krüger CRSs (EPSG:4491–4554) name northing (X) first
// and easting (Y) second. Only CRS84 is longitude first.
type refCRS struct {
	URI     string
	crs     crs.CRS
	swapped bool // axis order is (north, east) / (lat, lon)
}

// out converts a CGCS2000 lon/lat point to this CRS's axis order.
func (c refCRS) out(p orb.Point) orb.Point {
	x, y := c.crs.FromLonLat(p[0], p[1])
	if c.swapped {
		return orb.Point{y, x}
	}
	return orb.Point{x, y}
}

// in converts a point in this CRS's axis order to CGCS2000 lon/lat.
func (c refCRS) in(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	if c.swapped {
		x, y = y, x
	}
	lon, lat := c.crs.ToLonLat(x, y)
	return orb.Point{lon, lat}
}

// identity says the CRS's numbers are the stored lon/lat as they are.
func (c refCRS) identity() bool { return c.URI == CRS84 }

// crsList is the CRSs offered for a dataset whose zones span extent: CRS84,
// CGCS2000 and WGS 84 by EPSG code, and every CGCS2000 Gauss-Krüger zone the
// extent touches (3° and 6°, with and without the zone-prefixed easting).
func crsList(extent orb.Bound) []refCRS {
	list := []refCRS{{URI: CRS84, crs: crs.CGCS2000()}}
	for _, code := range []int{4490, 4326} {
		c, _ := crs.FromEPSG(code)
		list = append(list, refCRS{URI: epsgURI + strconv.Itoa(code), crs: c, swapped: true})
	}
	add := func(c crs.CRS, err error) {
		if err == nil {
			list = append(list, refCRS{URI: epsgURI + strconv.Itoa(c.EPSG), crs: c, swapped: true})
		}
	}
	if extent.IsEmpty() && extent.Min == (orb.Point{}) {
		return list
	}
	for z := crs.GKZone3(extent.Min[0]); z <= crs.GKZone3(extent.Max[0]); z++ {
		add(crs.GK3(z, true))
		add(crs.GK3(z, false))
	}
	for z := crs.GKZone6(extent.Min[0]); z <= crs.GKZone6(extent.Max[0]); z++ {
		add(crs.GK6(z, true))
		add(crs.GK6(z, false))
	}
	slices.SortStableFunc(list[3:], func(a, b refCRS) int { return a.crs.EPSG - b.crs.EPSG })
	return list
}

// uris lists the CRSs' URIs.
func uris(list []refCRS) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.URI
	}
	return out
}

// findCRS returns the CRS of list a client names: its URI (http or https), or
// the short forms EPSG:n, [EPSG:n] and CRS84 that some clients send.
func findCRS(list []refCRS, param, name string) (refCRS, error) {
	n := strings.TrimSpace(name)
	n = strings.TrimSuffix(strings.TrimPrefix(n, "["), "]")
	n = strings.Replace(n, "https://", "http://", 1)
	switch {
	case strings.EqualFold(n, "CRS84") || strings.EqualFold(n, "OGC:CRS84"):
		n = CRS84
	case strings.HasPrefix(strings.ToUpper(n), "EPSG:"):
		n = epsgURI + strings.TrimSpace(n[5:])
	}
	for _, c := range list {
		if c.URI == n {
			return c, nil
		}
	}
	return refCRS{}, badParam(param, name, fmt.Sprintf("%s must be one of the collection's CRSs (its \"crs\" list: CRS84, EPSG 4490, 4326 and the Gauss-Krüger zones the data covers), not %q", param, name))
}

// boundIn converts a bbox given in c's axis order (lower corner, upper corner)
// to the lon/lat bound that covers it: for a projected CRS the box's edges are
// sampled, since they are curves in lon/lat.
func boundIn(c refCRS, lo, hi orb.Point) orb.Bound {
	if c.identity() {
		return orb.Bound{Min: lo, Max: hi}
	}
	b := orb.Bound{Min: c.in(lo), Max: c.in(lo)}
	const steps = 16
	for i := 0; i <= steps; i++ {
		t := float64(i) / steps
		a0 := lo[0] + t*(hi[0]-lo[0])
		a1 := lo[1] + t*(hi[1]-lo[1])
		for _, p := range []orb.Point{{a0, lo[1]}, {a0, hi[1]}, {lo[0], a1}, {hi[0], a1}} {
			b = b.Extend(c.in(p))
		}
	}
	return b
}
