package demogen

import (
	"fmt"

	"github.com/paulmach/orb"
)

// parkLayer lays the province's industrial parks (园区): a national economic and
// technological development zone inside the control unit drawn for it, a provincial
// chemical park whose plan has no planning EIA, and a county food park. They lie
// away from every example footprint, so the examples keep the zones they were
// placed for; the parks are not used to place examples.
func (w *world) parkLayer() (layer, error) {
	l := layer{id: "industrial_park", kind: "industrial_park", title: "工业园区", file: "industrial_park.geojson",
		idField: "YQBM", nameField: "YQMC", classField: "YQJB", parkFields: true,
		classMap: [][2]string{{"国家级", "national"}, {"省级", "provincial"}, {"其他", "other"}}}
	specs := []struct {
		id, name, level, approved, eia, industries string
		c                                          orb.Point
		ax, ay, rot                                float64
	}{
		{"YQ6101", "云岭经济技术开发区", "国家级", "国函〔2012〕101号", "环审〔2019〕68号", "C39、C38、C36、C34",
			orb.Point{107.46, 33.165}, 0.05, 0.028, 0.05},
		{"YQ6102", "汉阳县化工产业园", "省级", "陕政函〔2016〕45号", "", "C26、C27",
			orb.Point{109.22, 33.38}, 0.04, 0.025, -0.2},
		{"YQ6103", "云岭县农副产品加工园", "其他", "云政发〔2020〕7号", "云环函〔2021〕3号", "C13、C14",
			orb.Point{107.38, 33.25}, 0.03, 0.018, 0.3},
	}
	for i, s := range specs {
		// The national zone keeps a wetland out of its land: a hole.
		scales := []float64{1}
		if i == 0 {
			scales = append(scales, 0.3)
		}
		rings, err := nested(fmt.Sprintf("park/%s", s.id), s.c, s.ax, s.ay, s.rot, 0, 10, 0.2, 0.04, scales...)
		if err != nil {
			return l, err
		}
		l.features = append(l.features, feature{props: []prop{
			{"YQBM", s.id}, {"YQMC", s.name}, {"YQJB", s.level}, {"SLPZWH", s.approved},
			{"GHHPWH", s.eia}, {"ZDCY", s.industries},
		}, geom: polyWithHoles(rings[0], rings[1:]...)})
	}
	return l, nil
}
