package data

import "github.com/redline-gis/redline/zones"

// loadRules returns the rules in force for a dataset whose manifest is in baseDir
// and names the rule files files (relative to baseDir): the built-in set with the
// files merged in, by rule id. (Placeholder until the rules issue lands.)
func loadRules(baseDir string, files []string) (*zones.RuleSet, error) {
	return &zones.RuleSet{}, nil
}

// loadIndustries reads the dataset's full GB/T 4754 table (columns
// code,level,section,name,parent; others ignored); nil when file is "".
// (Placeholder until the rules issue lands.)
func loadIndustries(baseDir, file string) ([]zones.Industry, error) {
	return nil, nil
}
