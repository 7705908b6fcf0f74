package zones

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/redline-gis/redline/errcode"
)

// NormalizeIndustry returns a GB/T 4754-2017 code in the letter form rules use:
// "2511" and "C2511" give "C2511", "25" gives "C25", "c" gives "C". The section
// letter is derived from the 大类 (2-digit division) and, when given, must agree with
// it. Codes deeper than the division are checked by form only (see ValidateIndustry
// for a check against a full table). A malformed code is an *errcode.Error with
// errcode.InvalidProject.
func NormalizeIndustry(code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	bad := func(why string) (string, error) {
		return "", errcode.New(errcode.InvalidProject, map[string]any{"field": "industry"},
			"industry %q is not a GB/T 4754-2017 code: %s", code, why)
	}
	if c == "" {
		return bad("empty")
	}
	letter, full := "", c
	if c[0] >= 'A' && c[0] <= 'Z' {
		letter, c = c[:1], c[1:]
		if sectionIndex(letter) < 0 {
			return bad("no section " + letter + " (sections are A to T)")
		}
		if c == "" {
			return letter, nil
		}
	}
	if len(c) < 2 || len(c) > 4 {
		return bad("want a section letter and/or 2, 3 or 4 digits")
	}
	for _, r := range c {
		if r < '0' || r > '9' {
			return bad("want a section letter and/or 2, 3 or 4 digits")
		}
	}
	div, _ := strconv.Atoi(c[:2])
	sec := sectionOfDivision(div)
	if sec == "" {
		return bad(fmt.Sprintf("no division %s (divisions are 01 to 97)", c[:2]))
	}
	if letter != "" && letter != sec {
		return bad(fmt.Sprintf("division %s is in section %s, not %s", c[:2], sec, letter))
	}
	if letter != "" {
		return full, nil // sec + c already: no new string (checks name codes so)
	}
	return sec + c, nil
}

func sectionIndex(letter string) int {
	for i, s := range industrySections {
		if s.Letter == letter {
			return i
		}
	}
	return -1
}

func sectionOfDivision(div int) string {
	for _, s := range industrySections {
		if div >= s.From && div <= s.To {
			return s.Letter
		}
	}
	return ""
}

// IndustrySections returns the 20 门类 of GB/T 4754-2017 (level 1), in code order.
func IndustrySections() []Industry {
	out := make([]Industry, 0, len(industrySections))
	for _, s := range industrySections {
		out = append(out, Industry{Code: s.Letter, Level: 1, Section: s.Letter, Name: s.Name})
	}
	return out
}

// IndustryDivisions returns the 97 大类 of GB/T 4754-2017 (level 2), in code order,
// in letter form ("A01").
func IndustryDivisions() []Industry {
	out := make([]Industry, 0, len(industryDivisions))
	for i, name := range industryDivisions {
		sec := sectionOfDivision(i + 1)
		out = append(out, Industry{Code: fmt.Sprintf("%s%02d", sec, i+1), Level: 2, Section: sec,
			Name: name, Parent: sec})
	}
	return out
}

// IndustryTable returns our built-in table: the sections and divisions, in code order.
func IndustryTable() []Industry {
	var out []Industry
	divs := IndustryDivisions()
	for _, s := range IndustrySections() {
		out = append(out, s)
		for _, d := range divs {
			if d.Section == s.Code {
				out = append(out, d)
			}
		}
	}
	return out
}

// ValidateIndustry normalises code (NormalizeIndustry) and, when table is not empty,
// requires the code in it: as a row, or as the parent of a row (full tables often
// lack the row of a 中类 that has a single 小类).
func ValidateIndustry(code string, table []Industry) (string, error) {
	c, err := NormalizeIndustry(code)
	if err != nil || len(table) == 0 || len(c) <= 3 {
		return c, err
	}
	for _, in := range table {
		if strings.HasPrefix(in.Code, c) {
			return c, nil
		}
	}
	return "", errcode.New(errcode.InvalidProject, map[string]any{"field": "industry"},
		"industry %q (%s) is not in the dataset's GB/T 4754 table", code, c)
}

// IndustryName returns the name of code (letter form) from table, then from our
// built-in sections and divisions; "" when unknown.
func IndustryName(code string, table []Industry) string {
	for _, in := range table {
		if in.Code == code {
			return in.Name
		}
	}
	for _, in := range IndustryTable() {
		if in.Code == code {
			return in.Name
		}
	}
	return ""
}

// SearchIndustries returns the rows of table (our built-in table when table is nil)
// whose code starts with query — in either form: "25", "C25", "c2" — or whose name
// contains it. Results keep table order.
func SearchIndustries(query string, table []Industry) []Industry {
	if table == nil {
		table = IndustryTable()
	}
	q := strings.TrimSpace(query)
	if q == "" {
		return nil
	}
	uq := strings.ToUpper(q)
	var out []Industry
	for _, in := range table {
		digits := strings.TrimLeft(in.Code, "ABCDEFGHIJKLMNOPQRST")
		if strings.HasPrefix(in.Code, uq) || (digits != "" && strings.HasPrefix(digits, uq)) ||
			strings.Contains(in.Name, q) {
			out = append(out, in)
		}
	}
	return out
}

// SearchIndustriesOf searches our built-in sections and divisions and then the
// full GB/T 4754 table of ds (its industries: file; ds may be nil), each code
// once, built-in rows first.
func SearchIndustriesOf(query string, ds *Dataset) []Industry {
	found := SearchIndustries(query, nil)
	if ds == nil || len(ds.Industries) == 0 {
		return found
	}
	seen := map[string]bool{}
	for _, in := range found {
		seen[in.Code] = true
	}
	for _, in := range SearchIndustries(query, ds.Industries) {
		if !seen[in.Code] {
			found = append(found, in)
			seen[in.Code] = true
		}
	}
	return found
}

// twoHigh says whether industry (letter form) is in our table of the six 两高
// industries: yes, no, or unknown when the code is too coarse to tell (a code whose
// descendants are partly in the table, like "C30"). It returns the matching entry
// when yes (nil otherwise), which the 两高 note words (highEnergyHow).
func twoHigh(industry string) (tri, *twoHighIndustry) {
	for i := range twoHighIndustries {
		if t := &twoHighIndustries[i]; strings.HasPrefix(industry, t.Prefix) {
			return yes, t
		}
	}
	for _, t := range twoHighIndustries {
		if strings.HasPrefix(t.Prefix, industry) {
			return unknown, nil
		}
	}
	return no, nil
}

// ValidateProject checks the project facts: type among ProjectTypes, construction
// among Constructions, approval references not blank, industry a GB/T 4754-2017
// code (NormalizeIndustry). Errors are *errcode.Error with errcode.InvalidProject
// naming the field. Use ValidateProjectFor to check the industry against a dataset's
// full table as well.
func ValidateProject(p Project) error {
	return ValidateProjectFor(p, nil)
}

// ValidateProjectFor is ValidateProject, checking the industry against the full GB/T
// 4754 table of ds when ds has one.
func ValidateProjectFor(p Project, ds *Dataset) error {
	if p.Type != "" && !slices.Contains(ProjectTypes, p.Type) {
		return errcode.New(errcode.InvalidProject, map[string]any{"field": "type"},
			"project type %q is not one of %s", p.Type, strings.Join(ProjectTypes, ", "))
	}
	if p.Construction != "" && !slices.Contains(Constructions, p.Construction) {
		return errcode.New(errcode.InvalidProject, map[string]any{"field": "construction"},
			"construction %q is not one of %s", p.Construction, strings.Join(Constructions, ", "))
	}
	for i, ref := range p.ApprovalRefs {
		if strings.TrimSpace(ref) == "" {
			return errcode.New(errcode.InvalidProject, map[string]any{"field": "approval_refs", "index": i},
				"approval_refs[%d] is empty: name the approving document", i)
		}
	}
	if p.Industry != "" {
		var table []Industry
		if ds != nil {
			table = ds.Industries
		}
		if _, err := ValidateIndustry(p.Industry, table); err != nil {
			return err
		}
	}
	return nil
}

// NormalizeProject returns p with its industry in letter form, after ValidateProject.
func NormalizeProject(p Project) (Project, error) {
	if err := ValidateProject(p); err != nil {
		return p, err
	}
	if p.Industry != "" {
		p.Industry, _ = NormalizeIndustry(p.Industry)
	}
	return p, nil
}

// ParseIndustryList reads a list of GB/T 4754 codes or prefixes as parks and
// catalogues write them, separated by commas (, ，), enumeration commas (、),
// semicolons (; ；) or white space, and returns them in letter form, in order,
// without repeats. An empty list is nil; a token that is not a code is an error
// naming it.
func ParseIndustryList(s string) ([]string, error) {
	var out []string
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、;；", r)
	}) {
		c, err := NormalizeIndustry(tok)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// HighEnergy returns the project's 两高 status as the rules read it: the
// high_energy flag when given, else derived from the industry code with our table
// of the six 两高 industries. known is false when neither decides it (no flag, and
// no industry or one too coarse); how says, in Chinese, which way it was found.
func HighEnergy(p Project) (value, known bool, how string) {
	f := newFacts(p, nil, nil)
	return f.highEnergy == yes, f.highEnergy != unknown, f.highEnergyHow()
}
