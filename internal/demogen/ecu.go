package demogen

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	orbplanar "github.com/paulmach/orb/planar"
)

// ecuLayer makes the environmental control units: one per grid cell, classed by what
// protected zones cover the cell's centre, plus one industrial-park unit made of two
// islands cut out of two general cells (a MultiPolygon, and holes in those cells).
func (w *world) ecuLayer() (layer, error) {
	l := layer{id: "ecu", kind: "ecu", title: "环境综合管控单元", file: "ecu.geojson",
		idField: "HJZHGKDYBM", nameField: "HJZHGKDYMC", classField: "ZHGKDYFL",
		classMap: [][2]string{{"1", "priority"}, {"2", "key"}, {"3", "general"}}, clauseFields: true}
	type cell struct {
		i, j    int
		members [][2]int // the grid cells of the unit, first (i,j)
		merged  bool     // absorbed into another unit
		ring    orb.Ring
		class   string
		holes   []orb.Ring
		extra   string
	}
	var cells []*cell
	keyCells := map[[2]int]bool{{2, 0}: true, {6, 1}: true, {2, 4}: true, {5, 3}: true, {0, 1}: true}
	for j := range gridNY {
		for i := rowSpan(j)[0]; i < rowSpan(j)[1]; i++ {
			c := &cell{i: i, j: j, members: [][2]int{{i, j}}, ring: w.grid.cell(i, j), class: "3"}
			// Priority protection where protected zones cover a quarter or more of the
			// cell (sampled on a 9×9 lattice of the cell's node quadrilateral).
			covered, first := 0, zone{}
			for a := range 9 {
				for b := range 9 {
					p := cellPoint(w.grid, i, j, (float64(a)+0.5)/9, (float64(b)+0.5)/9)
					for _, z := range w.zones {
						protective := z.layer == "redline" || z.layer == "nature_reserve" || z.layer == "national_park" ||
							(z.layer == "qinling" && z.class != "general") || (z.layer == "water_source" && z.class != "quasi")
						if protective && z.contains(p) {
							if covered == 0 {
								first = z
							}
							covered++
							break
						}
					}
				}
			}
			if covered*4 >= 81 {
				c.class = "1"
				c.extra = fmt.Sprintf("单元涉及%s，按其管控要求执行。", zoneTitle(first))
			}
			if c.class == "3" && keyCells[[2]int{i, j}] {
				c.class = "2"
			}
			cells = append(cells, c)
		}
	}
	// Some general units span two grid cells (merged with the cell east or north of
	// them), so units are not all of one size and shape.
	byCell := map[[2]int]*cell{}
	for _, c := range cells {
		byCell[[2]int{c.i, c.j}] = c
	}
	for _, c := range cells {
		if c.class != "3" || c.merged || len(c.members) > 1 {
			continue
		}
		rng := newRNG(fmt.Sprintf("ecu/merge/%d/%d", c.i, c.j))
		for _, d := range [][2]int{{1, 0}, {0, 1}} {
			o := byCell[[2]int{c.i + d[0], c.j + d[1]}]
			if o == nil || o.class != "3" || o.merged || len(o.members) > 1 || rng.Float64() > 0.45 {
				continue
			}
			o.merged = true
			c.members = append(c.members, [2]int{o.i, o.j})
			c.ring = w.grid.outlineOf(func(i, j int) bool {
				return slices.Contains(c.members, [2]int{i, j})
			})
			break
		}
	}
	cells = slices.DeleteFunc(cells, func(c *cell) bool { return c.merged })
	// The industrial park: islands in the first two general cells, in grid order, whose
	// centre is at least 0.05° from every other zone.
	var islands []orb.Ring
	for _, c := range cells {
		if len(islands) == 2 {
			break
		}
		if c.class != "3" {
			continue
		}
		centre := cellCentre(w.grid, c.i, c.j)
		far := true
		for _, z := range w.zones {
			if z.contains(centre) || z.distance(centre) < 0.05 {
				far = false
				break
			}
		}
		if !far {
			continue
		}
		// Every vertex of the island is within 1.12·r of the centre (amp 0.12), and
		// r is a third of the distance to the cell's sides: the island is inside.
		d := orbplanar.DistanceFrom(w.grid.cell(c.i, c.j), centre)
		r := d / 3
		isl := blob(fmt.Sprintf("ecu/park/%d", len(islands)), centre, r, r*0.8, 0.3, 8, 0.12)
		islands = append(islands, isl)
		c.holes = append(c.holes, isl)
	}
	if len(islands) != 2 {
		return l, fmt.Errorf("ecu: found %d places for the industrial park, want 2", len(islands))
	}
	serial := map[string]int{}
	unit := func(i, j int, class, name string, geom orb.Geometry, extra string) feature {
		cy, cx := min(j/2, 2), min(i/2, 3)
		county := fmt.Sprintf("61%02d%02d", 71+cy, cx+1)
		serial[county+class]++
		code := fmt.Sprintf("ZH%s%s%04d", county, class, serial[county+class])
		cl := clauses(newRNG("ecu/clauses/"+code), class, extra)
		return feature{props: []prop{
			{"HJZHGKDYBM", code}, {"HJZHGKDYMC", name},
			{"PROV", "示范省"}, {"CITY", cityName(cy)}, {"AREA", countyName(cy, cx)},
			{"ZHGKDYFL", class},
			{"KJBJYS", cl[0]}, {"PWWPFGK", cl[1]}, {"HJFXFK", cl[2]}, {"ZYKFXLYQ", cl[3]},
		}, geom: geom}
	}
	classWord := map[string]string{"1": "优先保护单元", "2": "重点管控单元", "3": "一般管控单元"}
	for _, c := range cells {
		cy, cx := min(c.j/2, 2), min(c.i/2, 3)
		name := fmt.Sprintf("%s%s%d", countyName(cy, cx), classWord[c.class], serial[fmt.Sprintf("61%02d%02d%s", 71+cy, cx+1, c.class)]+1)
		extra := c.extra
		if c.class == "2" {
			extra = keyLead(c.i + c.j)
		}
		l.features = append(l.features, unit(c.i, c.j, c.class, name, polyWithHoles(c.ring, c.holes...), extra))
	}
	park := orb.MultiPolygon{{islands[0]}, {islands[1]}}
	first := cells[0]
	for _, c := range cells {
		if len(c.holes) > 0 {
			first = c
			break
		}
	}
	l.features = append(l.features, unit(first.i, first.j, "2", "云岭经济技术开发区重点管控单元", park,
		"园区主导产业为装备制造和新材料；入园项目须符合园区规划环评及审查意见要求。"))
	return l, nil
}

// cellPoint is the bilinear point (s, t) in [0,1]² of the quadrilateral of cell (i,j)'s
// nodes.
func cellPoint(g *grid, i, j int, s, t float64) orb.Point {
	a, b, c, d := g.nodes[i][j], g.nodes[i+1][j], g.nodes[i+1][j+1], g.nodes[i][j+1]
	x := (1-s)*(1-t)*a[0] + s*(1-t)*b[0] + s*t*c[0] + (1-s)*t*d[0]
	y := (1-s)*(1-t)*a[1] + s*(1-t)*b[1] + s*t*c[1] + (1-s)*t*d[1]
	return pt(x, y)
}

func cellCentre(g *grid, i, j int) orb.Point {
	a, b, c, d := g.nodes[i][j], g.nodes[i+1][j], g.nodes[i+1][j+1], g.nodes[i][j+1]
	return pt((a[0]+b[0]+c[0]+d[0])/4, (a[1]+b[1]+c[1]+d[1])/4)
}

func zoneTitle(z zone) string {
	switch z.layer {
	case "redline":
		return "生态保护红线"
	case "nature_reserve":
		return "自然保护区"
	case "national_park":
		return "国家公园"
	case "qinling":
		return "秦岭核心保护区或重点保护区"
	case "water_source":
		return "饮用水水源保护区"
	}
	return z.layer
}
