package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/redline-gis/redline/data"
)

func TestRunRulesBuiltin(t *testing.T) {
	var out, errb bytes.Buffer
	if rc := runRules([]string{"--builtin"}, nil, &out, &errb); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errb.String())
	}
	for _, want := range []string{"55 rules in force (built-in rules)", "redline.reserve_core", "two_high", "park.outside",
		"also intersects nature_reserve core", "《中华人民共和国水污染防治法》（2017年修正）第六十六条"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	out.Reset()
	if rc := runRules([]string{"--builtin", "--json"}, nil, &out, &errb); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errb.String())
	}
	var doc struct {
		Rules []struct {
			ID      string `json:"id"`
			Verdict string `json:"verdict"`
		} `json:"rules"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || len(doc.Rules) != 55 || doc.Rules[0].ID != "redline.reserve_core" {
		t.Errorf("json: %v, %d rules", err, len(doc.Rules))
	}
}

// TestRulesDocUpToDate: docs/rules.md is what `redline rules --builtin --format
// markdown` writes; run `make docs` after changing a rule file.
func TestRulesDocUpToDate(t *testing.T) {
	var out, errb bytes.Buffer
	if rc := runRules([]string{"--builtin", "--format", "markdown"}, nil, &out, &errb); rc != 0 {
		t.Fatalf("rc %d: %s", rc, errb.String())
	}
	committed, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), committed) {
		t.Errorf("docs/rules.md is stale: run make docs")
	}
	// Every rule is documented with its verdict and, when verified, its quote.
	rs, err := data.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	doc := out.String()
	for _, r := range rs.Rules() {
		i := strings.Index(doc, "### "+r.ID+"\n")
		if i < 0 {
			t.Errorf("%s: no section", r.ID)
			continue
		}
		section := doc[i:]
		if j := strings.Index(section[4:], "\n### "); j >= 0 {
			section = section[:j+4]
		}
		for _, want := range []string{r.Text, r.Source, "`" + string(r.Verdict) + "`", r.When.Describe()} {
			if !strings.Contains(section, want) {
				t.Errorf("%s: section lacks %q", r.ID, want)
			}
		}
		if r.IsVerified() && !strings.Contains(section, r.Quote) {
			t.Errorf("%s: verified, but its quote is not shown", r.ID)
		}
	}
	for _, bad := range [][]string{{"--builtin", "--format", "xml"}} {
		if rc := runRules(bad, nil, &out, &errb); rc != 2 {
			t.Errorf("%v: rc %d, want 2", bad, rc)
		}
	}
}

func TestRunIndustries(t *testing.T) {
	cases := []struct {
		args []string
		rc   int
		want string
	}{
		{[]string{"25"}, 0, "C25  大类  石油、煤炭及其他燃料加工业"},
		{[]string{"冶炼"}, 0, "C32  大类  有色金属冶炼和压延加工业"},
		{[]string{"2511"}, 0, "C2511\t(C 制造业 › C25 石油、煤炭及其他燃料加工业)"},
		{[]string{"xyz"}, 1, ""},
		{[]string{}, 2, ""},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		rc := runIndustries(tc.args, nil, &out, &errb)
		if rc != tc.rc || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: rc %d, out %q, err %q", tc.args, rc, out.String(), errb.String())
		}
	}
}
