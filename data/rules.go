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

// ruleFile is the document a rule file holds.
type ruleFile struct {
	Rules []zones.Rule `yaml:"rules"`
}

// ParseRules decodes a rule file (YAML, or JSON, which is YAML). Unknown keys are
// errors, so that a misspelt condition does not silently always hold. name is used
// in messages.
func ParseRules(name string, b []byte) ([]zones.Rule, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f ruleFile
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, fmt.Errorf("rules %s: %w", name, err)
	}
	return f.Rules, nil
}

// DefaultRules returns the built-in rule set.
func DefaultRules() (*zones.RuleSet, error) {
	rules, err := ParseRules("built-in", defaultRulesYAML)
	if err != nil {
		return nil, err
	}
	rs, err := zones.NewRuleSet(rules)
	if err != nil {
		return nil, fmt.Errorf("rules built-in: %w", err)
	}
	return rs, nil
}

// loadRules returns the rules in force for a dataset whose manifest names the rule
// files files (read from src): the built-in set with the files merged in, in
// order, by rule id.
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
		rules, err := ParseRules(f, b)
		if err != nil {
			return nil, err
		}
		if rs, err = rs.Merge(rules); err != nil {
			return nil, fmt.Errorf("rules %s: %w", f, err)
		}
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
