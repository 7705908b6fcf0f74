package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/redline-gis/redline/zones"
)

// RuleFile is the document a rule file holds: rules, and default industry lists the
// rules name (a dataset's industry_lists of the same name replace them).
type RuleFile struct {
	Rules         []zones.Rule        `yaml:"rules"`
	IndustryLists map[string][]string `yaml:"industry_lists"`
}

// ParseRuleFile decodes a rule file (YAML, or JSON, which is YAML). Unknown keys are
// errors, so that a misspelt condition does not silently always hold. name is used
// in messages.
func ParseRuleFile(name string, b []byte) (RuleFile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f RuleFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return RuleFile{}, nil
		}
		return RuleFile{}, fmt.Errorf("rules %s: %w", name, err)
	}
	return f, nil
}

// ParseRules decodes the rules of a rule file (ParseRuleFile).
func ParseRules(name string, b []byte) ([]zones.Rule, error) {
	f, err := ParseRuleFile(name, b)
	return f.Rules, err
}

// DefaultRules returns the built-in rule set, with its default industry lists.
func DefaultRules() (*zones.RuleSet, error) {
	return mergeRuleFile(nil, "built-in", defaultRulesYAML)
}

// loadRules returns the rules in force for a dataset whose manifest names the rule
// files files (read from src): the built-in set with the files merged in, in
// order, by rule id (and their industry lists by name).
func loadRules(src source, files []string) (*zones.RuleSet, error) {
	rs, err := DefaultRules()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := src.read(f)
		if err != nil {
			return nil, fmt.Errorf("rules %s: %w", f, err)
		}
		if rs, err = mergeRuleFile(rs, f, b); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// mergeRuleFile merges the rule file b (named name) into rs.
func mergeRuleFile(rs *zones.RuleSet, name string, b []byte) (*zones.RuleSet, error) {
	f, err := ParseRuleFile(name, b)
	if err != nil {
		return nil, err
	}
	if rs, err = rs.Merge(f.Rules); err != nil {
		return nil, fmt.Errorf("rules %s: %w", name, err)
	}
	if rs, err = rs.WithIndustryLists(f.IndustryLists); err != nil {
		return nil, fmt.Errorf("rules %s: %w", name, err)
	}
	return rs, nil
}

// loadIndustries reads the dataset's full GB/T 4754 table (CSV with a header naming
// at least code,level,section,name,parent; other columns ignored; UTF-8, a BOM
// allowed) from src; nil when file is "". Codes are returned in letter form.
func loadIndustries(src source, file string) ([]zones.Industry, error) {
	if file == "" {
		return nil, nil
	}
	b, err := src.read(file)
	if err != nil {
		return nil, fmt.Errorf("industries %s: %w", file, err)
	}
	table, err := ReadIndustries(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("industries %s: %w", file, err)
	}
	return table, nil
}

// ReadIndustries reads a GB/T 4754 table as loadIndustries describes.
func ReadIndustries(r io.Reader) ([]zones.Industry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, need := range []string{"code", "level", "section", "name", "parent"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("header: no column %q", need)
		}
	}
	var out []zones.Industry
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		get := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		raw := get("code")
		if raw == "" {
			continue
		}
		code, err := zones.NormalizeIndustry(raw)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		level, err := strconv.Atoi(get("level"))
		if err != nil || level < 1 || level > 4 {
			return nil, fmt.Errorf("line %d: level %q is not 1 to 4", line, get("level"))
		}
		if want := map[int]int{1: 1, 2: 3, 3: 4, 4: 5}[level]; len(code) != want {
			return nil, fmt.Errorf("line %d: code %q does not have the form of level %d", line, raw, level)
		}
		sec := strings.ToUpper(get("section"))
		if sec != "" && sec != code[:1] {
			return nil, fmt.Errorf("line %d: code %q is in section %s, not %s", line, raw, code[:1], sec)
		}
		parent := ""
		if p := get("parent"); p != "" {
			if parent, err = zones.NormalizeIndustry(p); err != nil {
				return nil, fmt.Errorf("line %d: parent: %w", line, err)
			}
		}
		out = append(out, zones.Industry{Code: code, Level: level, Section: code[:1], Name: get("name"), Parent: parent})
	}
}
