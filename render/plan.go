package render

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/redline-gis/redline/ledger"
	"github.com/redline-gis/redline/zones"
)

var planTemplate = template.Must(template.ParseFS(templateFS, "templates/plan.html.tmpl"))

// Plan is what the HTML summary of a job says: a plan check's verdicts per
// parcel, or a ledger's counts.
type Plan struct {
	JobID   string
	Kind    string // "check" or "locate"
	Dataset zones.DatasetRef
	Created time.Time
	Summary *ledger.Summary
	Parcels []*ledger.Patch
	// Attributes are the parcels' attribute names, in order: the parcel's name is
	// the first of 名称, 地块名称, 项目名称, name, NAME, 图斑编号 it has.
	Attributes []string
}

// MaxPlanParcels bounds the parcels the HTML lists one by one.
const MaxPlanParcels = 5000

// nameFields are the attributes that name a parcel, in order of preference.
var nameFields = []string{"名称", "地块名称", "项目名称", "name", "NAME", "Name", "图斑编号", "DKMC", "XMMC"}

// PlanHTML writes the Chinese HTML summary of a plan check or a ledger.
func PlanHTML(w io.Writer, p *Plan) error {
	type count struct {
		Key, Label string
		Count      int
	}
	type class struct {
		Layer, Class   string
		Patches        int
		AreaM2, Mu, Ha float64
	}
	type zone struct {
		Layer, ZoneID, ZoneName, Class string
		Patches                        int
		AreaM2                         float64
	}
	type parcel struct {
		Index                                         int
		Name, Verdict, VerdictTxt, Rule, Zones, Error string
		AreaM2                                        float64
	}
	l := labelsFor(Chinese)
	v := struct {
		Title, JobID, Dataset, Created string
		Patches, Errors, NoZone        int
		Verdicts                       []count
		Classes                        []class
		Zones                          []zone
		Parcels                        []parcel
		Truncated                      bool
	}{JobID: p.JobID, Dataset: p.Dataset.Name + " " + p.Dataset.Version,
		Created: p.Created.In(chinaTime).Format("2006-01-02 15:04"),
		Patches: p.Summary.Patches, Errors: p.Summary.Errors, NoZone: p.Summary.NoZone}
	v.Title = "图斑核查台账汇总"
	if p.Kind == "check" {
		v.Title = "规划地块核查汇总"
	}
	verdicts := map[string]int{}
	var nameField []string
	for _, f := range nameFields {
		if slices.Contains(p.Attributes, f) {
			nameField = []string{f}
			break
		}
	}
	for i, pp := range p.Parcels {
		if pp.Verdict != "" {
			verdicts[pp.Verdict]++
		}
		if i >= MaxPlanParcels {
			v.Truncated = true
			continue
		}
		name := ""
		if nameField != nil {
			name = ledger.AttributeValues(pp.Properties, nameField)[0]
		}
		if name == "" && len(pp.ID) > 0 {
			var s string
			if json.Unmarshal(pp.ID, &s) != nil {
				s = string(pp.ID)
			}
			name = s
		}
		var zs []string
		for _, h := range pp.Hits {
			zs = append(zs, fmt.Sprintf("%s（%s）", h.ZoneName, h.ClassZh))
		}
		pv := parcel{Index: pp.Index, Name: name, Verdict: pp.Verdict, Rule: pp.Rule, Zones: strings.Join(zs, "；"), Error: pp.Error, AreaM2: pp.AreaM2}
		if pp.Verdict != "" {
			pv.VerdictTxt = l.verdict(zones.Verdict(pp.Verdict))
		}
		v.Parcels = append(v.Parcels, pv)
	}
	for _, vd := range []zones.Verdict{zones.Prohibited, zones.NeedsInfo, zones.Conditional, zones.Admissible} {
		if n := verdicts[string(vd)]; n > 0 {
			v.Verdicts = append(v.Verdicts, count{string(vd), l.verdict(vd), n})
		}
	}
	for _, k := range p.Summary.Classes() {
		t := p.Summary.ByClass[k]
		v.Classes = append(v.Classes, class{k.Layer, k.Class, t.Patches, t.AreaM2, t.AreaM2 * ledger.MuPerM2, t.AreaM2 / 1e4})
	}
	zk := p.Summary.ZonesByPatches()
	for _, k := range zk[:min(len(zk), 200)] {
		t := p.Summary.ByZone[k]
		v.Zones = append(v.Zones, zone{k.Layer, k.ZoneID, k.ZoneName, k.Class, t.Patches, t.AreaM2})
	}
	return planTemplate.Execute(w, v)
}
