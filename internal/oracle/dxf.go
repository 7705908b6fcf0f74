package oracle

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// DXF writes rings of (easting, northing) in metres as a red-line drawing the way
// CAD software exports one (AutoCAD 2000, GBK text, CRLF, codes padded to three
// columns): the rings as closed LWPOLYLINEs on layer 用地红线 with a solid HATCH
// over them, among decoy layers — 图框 (a closed frame around the site), 道路
// (lines), 标注 (text and points). unitsPerMetre scales the coordinates (1000 with
// insunits 4 for a drawing in millimetres).
func DXF(rings [][][2]float64, insunits int, unitsPerMetre float64) []byte {
	var b strings.Builder
	pair := func(code int, v any) {
		switch v := v.(type) {
		case float64:
			fmt.Fprintf(&b, "%3d\r\n%.6f\r\n", code, v*unitsPerMetre)
		default:
			fmt.Fprintf(&b, "%3d\r\n%v\r\n", code, v)
		}
	}
	handle := 0x30
	start := func(kind, layer string) {
		handle++
		pair(0, kind)
		pair(5, fmt.Sprintf("%X", handle))
		pair(8, layer)
	}
	pair(0, "SECTION")
	pair(2, "HEADER")
	pair(9, "$ACADVER")
	pair(1, "AC1015")
	pair(9, "$DWGCODEPAGE")
	pair(3, "ANSI_936")
	pair(9, "$INSUNITS")
	pair(70, insunits)
	pair(0, "ENDSEC")
	pair(0, "SECTION")
	pair(2, "ENTITIES")
	minE, minN, maxE, maxN := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range rings {
		for _, p := range r {
			minE, maxE = math.Min(minE, p[0]), math.Max(maxE, p[0])
			minN, maxN = math.Min(minN, p[1]), math.Max(maxN, p[1])
		}
	}
	m := math.Max(maxE-minE, maxN-minN)*0.2 + 10
	start("LWPOLYLINE", "图框")
	pair(90, 4)
	pair(70, 1)
	for _, p := range [][2]float64{{minE - m, minN - m}, {maxE + m, minN - m}, {maxE + m, maxN + m}, {minE - m, maxN + m}} {
		pair(10, p[0])
		pair(20, p[1])
	}
	for i := range 3 {
		start("LINE", "道路")
		y := minN - m/2 + float64(i)*(maxN-minN+m)/2
		pair(10, minE-m)
		pair(20, y)
		pair(11, maxE+m)
		pair(21, y)
	}
	for _, r := range rings {
		start("LWPOLYLINE", "用地红线")
		pair(100, "AcDbPolyline")
		n := len(r)
		if n > 1 && r[0] == r[n-1] {
			n-- // closed by the flag, not by a repeated vertex
		}
		pair(90, n)
		pair(70, 1)
		for _, p := range r[:n] {
			pair(10, p[0])
			pair(20, p[1])
		}
		start("TEXT", "标注")
		pair(10, r[0][0])
		pair(20, r[0][1])
		pair(40, 2.5)
		pair(1, "J1")
		start("POINT", "标注")
		pair(10, r[0][0])
		pair(20, r[0][1])
	}
	start("HATCH", "用地红线")
	pair(10, 0.0)
	pair(20, 0.0)
	pair(30, 0.0)
	pair(2, "SOLID")
	pair(70, 1)
	pair(71, 1)
	pair(91, len(rings))
	for _, r := range rings {
		pair(92, 7)
		pair(72, 0)
		pair(73, 1)
		pair(93, len(r))
		for _, p := range r {
			pair(10, p[0])
			pair(20, p[1])
		}
		pair(97, 0)
	}
	pair(75, 0)
	pair(76, 1)
	pair(98, 0)
	pair(0, "ENDSEC")
	pair(0, "EOF")
	g, err := simplifiedchinese.GBK.NewEncoder().String(b.String())
	if err != nil {
		panic(err) // the text above is all GBK
	}
	return []byte(g)
}
