package zones

import (
	"fmt"
	"slices"
)

// reviewBoundaries fills r's boundary review from the zones whose boundary lies
// within the tolerance of the footprint (edge, intersected or not), once r is
// evaluated: each is listed in NearBoundary, and one that would change the
// verdict — a zone outside whose rules, were the footprint also in it, give a
// more severe verdict; a zone inside that the footprint enters no deeper than the
// tolerance and without which the verdict would be less severe — sets
// BoundaryReview and adds a warning. hypothetical makes the
// intersection of a zone outside as if the footprint met it (nothing measured).
// layerOrder orders the list after distance.
func reviewBoundaries(r *Report, p Project, ds *Dataset, edge []*zoneHit, hypothetical func(*zoneHit) Intersection, layerOrder map[string]int) {
	for _, h := range edge {
		z := h.zone
		nb := NearBoundary{Nearby: nearbyOf(z, h.boundaryM), Inside: h.intersects()}
		switch {
		case nb.Inside && r.Verdict == Admissible, !nb.Inside && r.Verdict == Prohibited:
			// Nothing is less severe than admissible, nor more than prohibited.
		case nb.Inside && h.deep:
			// The footprint reaches deeper than the tolerance into the zone: a
			// boundary drawn a few metres off leaves it in the zone all the same.
		case nb.Inside:
			v := verdictIf(r, p, ds, func(ins []Intersection) []Intersection {
				return slices.DeleteFunc(ins, func(in Intersection) bool { return in.Zone == z })
			})
			nb.ChangesVerdict = v.Severity() < r.Verdict.Severity()
		default:
			v := verdictIf(r, p, ds, func(ins []Intersection) []Intersection { return append(ins, hypothetical(h)) })
			nb.ChangesVerdict = v.Severity() > r.Verdict.Severity()
		}
		r.NearBoundary = append(r.NearBoundary, nb)
	}
	byDist := byDistance(layerOrder)
	slices.SortStableFunc(r.NearBoundary, func(a, b NearBoundary) int { return byDist(a.Nearby, b.Nearby) })
	for _, nb := range r.NearBoundary {
		if nb.ChangesVerdict {
			r.BoundaryReview = true
			r.Footprint.Warnings = append(r.Footprint.Warnings, boundaryWarning(nb))
		}
	}
}

// boundaryWarning says, Chinese first as reviewers file it, that the footprint
// needs boundary review (边界复核) for zone nb, with an English gloss: the
// report's warnings are text, not labels a renderer could translate.
func boundaryWarning(nb NearBoundary) string {
	title := nb.LayerTitle
	if title == "" {
		title = KindLabel(nb.Kind)
	}
	name := nb.ZoneName
	if name == "" {
		name = nb.ZoneID
	}
	zone := fmt.Sprintf("%s「%s」（%s）", title, name, nb.ZoneID)
	en := fmt.Sprintf("%s zone %s", nb.Layer, nb.ZoneID)
	const review = "，该边界可能有数米误差，需进行边界复核"
	m := fmt.Sprintf("%.1f", nb.DistanceM)
	switch {
	case nb.DistanceM < 0.05 && nb.Inside:
		return fmt.Sprintf("项目跨越%s边界%s（boundary review: the footprint crosses the boundary of %s, which may be off by metres）", zone, review, en)
	case nb.DistanceM < 0.05:
		return fmt.Sprintf("项目边界触及%s边界%s（boundary review: the footprint touches the boundary of %s, which may be off by metres）", zone, review, en)
	case nb.Inside:
		return fmt.Sprintf("项目位于%s内，距其边界仅 %s 米%s（boundary review: the footprint lies %s m inside %s, whose boundary may be off by metres）", zone, m, review, m, en)
	}
	return fmt.Sprintf("项目边界距%s边界仅 %s 米%s（boundary review: the footprint lies %s m outside %s, whose boundary may be off by metres）", zone, m, review, m, en)
}
