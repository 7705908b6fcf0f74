package zones

// RuleSet is the set of admission rules in force. (Placeholder until the rules
// issue lands: it carries no rules and Evaluate marks every intersection needs_info.)
type RuleSet struct{}

// Evaluate sets each intersection's verdict and rules, and the report's verdict, for
// the project p under rules rs with dataset ds.
func Evaluate(r *Report, p Project, rs *RuleSet, ds *Dataset) {
	r.Verdict = Admissible
	for i := range r.Intersections {
		in := &r.Intersections[i]
		in.Verdict = NeedsInfo
		in.Rules = []RuleHit{}
		r.Verdict = MoreSevere(r.Verdict, in.Verdict)
	}
}
