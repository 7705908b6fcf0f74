package zones

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/redline-gis/redline/errcode"
	"github.com/redline-gis/redline/internal/testenv"
)

func TestNormalizeIndustry(t *testing.T) {
	cases := []struct {
		in, want string
		bad      bool
	}{
		{in: "2511", want: "C2511"},
		{in: "C2511", want: "C2511"},
		{in: "c2511", want: "C2511"},
		{in: " 25 ", want: "C25"},
		{in: "C25", want: "C25"},
		{in: "251", want: "C251"},
		{in: "C", want: "C"},
		{in: "t", want: "T"},
		{in: "0111", want: "A0111"},
		{in: "01", want: "A01"},
		{in: "7620", want: "N7620"},
		{in: "N7620", want: "N7620"},
		{in: "4411", want: "D4411"},
		{in: "97", want: "T97"},
		{in: "", bad: true},
		{in: "U", bad: true},      // no section U
		{in: "A2511", bad: true},  // 25 is in C
		{in: "98", bad: true},     // no division 98
		{in: "00", bad: true},     // no division 00
		{in: "2", bad: true},      // one digit
		{in: "25111", bad: true},  // five digits
		{in: "C25a", bad: true},   // not digits
		{in: "CC25", bad: true},   // two letters
		{in: "C-2511", bad: true}, // punctuation
		{in: "２５１１", bad: true},   // full-width digits are not accepted
	}
	for _, tc := range cases {
		got, err := NormalizeIndustry(tc.in)
		if tc.bad {
			var ie *errcode.Error
			if err == nil || !errors.As(err, &ie) || ie.Code != errcode.InvalidProject || ie.Details["field"] != "industry" {
				t.Errorf("%q: got %q, %v; want an invalid_project error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestIndustryTableCounts(t *testing.T) {
	secs, divs := IndustrySections(), IndustryDivisions()
	if len(secs) != 20 || len(divs) != 97 {
		t.Fatalf("%d sections, %d divisions", len(secs), len(divs))
	}
	// Section ranges tile 1..97 without gaps or overlaps.
	next := 1
	for _, s := range industrySections {
		if s.From != next || s.To < s.From {
			t.Errorf("section %s starts at %d, want %d", s.Letter, s.From, next)
		}
		next = s.To + 1
	}
	if next != 98 {
		t.Errorf("sections end at %d", next-1)
	}
	if got := len(IndustryTable()); got != 117 {
		t.Errorf("table has %d rows", got)
	}
}

// TestIndustryTableAgainstShared compares our sections and divisions with the
// third-party table in ../shared (tests only): same codes, same names.
func TestIndustryTableAgainstShared(t *testing.T) {
	f, err := os.Open("../../shared/data/industry/gbt4754_2017.csv")
	if err != nil {
		testenv.Missing(t, "the shared industry table is absent: "+err.Error())
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	theirs := map[string]string{}
	for _, r := range recs[1:] {
		switch r[1] {
		case "1":
			theirs[r[0]] = r[3]
		case "2":
			theirs[r[2]+r[0]] = r[3]
		}
	}
	ours := IndustryTable()
	if len(theirs) != len(ours) {
		t.Errorf("%d rows there, %d here", len(theirs), len(ours))
	}
	for _, in := range ours {
		if name, ok := theirs[in.Code]; !ok {
			t.Errorf("%s %s: not in the shared table", in.Code, in.Name)
		} else if name != in.Name {
			t.Errorf("%s: %q here, %q there", in.Code, in.Name, name)
		}
	}
	// And every deeper code there has the form we accept, in the section we derive.
	for _, r := range recs[1:] {
		if r[1] == "1" {
			continue
		}
		got, err := NormalizeIndustry(r[0])
		if err != nil || got != r[2]+r[0] {
			t.Errorf("%s: %q, %v", r[0], got, err)
		}
	}
}

func TestSearchIndustries(t *testing.T) {
	codes := func(ins []Industry) []string {
		var out []string
		for _, in := range ins {
			out = append(out, in.Code)
		}
		return out
	}
	if got := codes(SearchIndustries("25", nil)); !slices.Equal(got, []string{"C25"}) {
		t.Errorf("25: %v", got)
	}
	if got := codes(SearchIndustries("c2", nil)); !slices.Equal(got, []string{"C20", "C21", "C22", "C23", "C24", "C25", "C26", "C27", "C28", "C29"}) {
		t.Errorf("c2: %v", got)
	}
	if got := codes(SearchIndustries("冶炼", nil)); !slices.Equal(got, []string{"C31", "C32"}) {
		t.Errorf("冶炼: %v", got)
	}
	if got := SearchIndustries("  ", nil); got != nil {
		t.Errorf("blank: %v", got)
	}
	table := []Industry{{Code: "C2511", Level: 4, Section: "C", Name: "原油加工及石油制品制造"}}
	if got := codes(SearchIndustries("2511", table)); !slices.Equal(got, []string{"C2511"}) {
		t.Errorf("2511 in table: %v", got)
	}
}

func TestTwoHigh(t *testing.T) {
	cases := map[string]tri{
		"C2511": yes, "C251": yes, "D4411": yes, "D4412": yes, "C2611": yes, "C26": yes, "C3110": yes,
		"C3216": yes, "C3011": yes, "C3041": yes,
		"C30": unknown, "C31": unknown, "D44": unknown, "C": unknown, "D": unknown,
		"C1311": no, "D4413": no, "C3042": no, "A0111": no, "C324": no,
	}
	for code, want := range cases {
		if got, _ := twoHigh(code); got != want {
			t.Errorf("%s: %d, want %d", code, got, want)
		}
	}
}

func TestValidateProject(t *testing.T) {
	var ie *errcode.Error
	if err := ValidateProject(Project{}); err != nil {
		t.Errorf("empty project: %v", err)
	}
	if err := ValidateProject(Project{Type: "industrial", Industry: "2511"}); err != nil {
		t.Errorf("valid: %v", err)
	}
	if err := ValidateProject(Project{Type: "factory"}); !errors.As(err, &ie) || ie.Details["field"] != "type" {
		t.Errorf("bad type: %v", err)
	}
	if err := ValidateProject(Project{Industry: "X1"}); !errors.As(err, &ie) || ie.Details["field"] != "industry" {
		t.Errorf("bad industry: %v", err)
	}
	ds := &Dataset{Industries: []Industry{{Code: "C2511", Level: 4}}}
	if err := ValidateProjectFor(Project{Industry: "2511"}, ds); err != nil {
		t.Errorf("in table: %v", err)
	}
	if err := ValidateProjectFor(Project{Industry: "C251"}, ds); err != nil {
		t.Errorf("parent of a row: %v", err)
	}
	if err := ValidateProjectFor(Project{Industry: "2519"}, ds); err == nil {
		t.Errorf("not in table: accepted")
	}
	if err := ValidateProjectFor(Project{Industry: "C26"}, ds); err != nil {
		t.Errorf("divisions are checked against our own table only: %v", err)
	}
	p, err := NormalizeProject(Project{Industry: "2511"})
	if err != nil || p.Industry != "C2511" {
		t.Errorf("normalize: %+v %v", p, err)
	}
}

func FuzzNormalizeIndustry(f *testing.F) {
	for _, s := range []string{"2511", "C2511", "c25", "T", "98", "A2511", "", "２５", "C-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := NormalizeIndustry(s)
		if err != nil {
			var ie *errcode.Error
			if !errors.As(err, &ie) || ie.Code != errcode.InvalidProject {
				t.Fatalf("%q: error %v is not an invalid_project errcode.Error", s, err)
			}
			return
		}
		if n := len(c); n != 1 && (n < 3 || n > 5) {
			t.Fatalf("%q -> %q: bad length", s, c)
		}
		again, err := NormalizeIndustry(c)
		if err != nil || again != c {
			t.Fatalf("%q -> %q -> %q, %v: not idempotent", s, c, again, err)
		}
	})
}

func ExampleNormalizeIndustry() {
	for _, code := range []string{"2511", "25", "c251", "A2511"} {
		c, err := NormalizeIndustry(code)
		fmt.Println(c, err)
	}
	// Output:
	// C2511 <nil>
	// C25 <nil>
	// C251 <nil>
	//  industry "A2511" is not a GB/T 4754-2017 code: division 25 is in section C, not A
}

func TestHighEnergy(t *testing.T) {
	yesFlag, noFlag := true, false
	cases := []struct {
		p            Project
		value, known bool
	}{
		{Project{HighEnergy: &yesFlag}, true, true},
		{Project{HighEnergy: &noFlag, Industry: "C2511"}, false, true},
		{Project{Industry: "2511"}, true, true},
		{Project{Industry: "C1311"}, false, true},
		{Project{Industry: "C30"}, false, false},
		{Project{}, false, false},
	}
	for _, tc := range cases {
		v, k, how := HighEnergy(tc.p)
		if v != tc.value || k != tc.known || how == "" {
			t.Errorf("%+v: %v %v %q", tc.p, v, k, how)
		}
	}
}
