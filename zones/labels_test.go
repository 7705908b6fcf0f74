package zones

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestLabelsComplete: every layer kind, canonical class, project type,
// construction and project fact reads in both languages, the Chinese in Chinese;
// the facts are exactly the fields of Project, each once, with a question in both
// languages.
func TestLabelsComplete(t *testing.T) {
	check := func(what string, l Label, ok bool) {
		t.Helper()
		switch {
		case !ok:
			t.Errorf("%s has no label", what)
		case !hasHan(l.Zh):
			t.Errorf("%s: Chinese label %q", what, l.Zh)
		case l.En == "" || hasHan(strings.ReplaceAll(l.En, "(两高)", "")):
			t.Errorf("%s: English label %q", what, l.En)
		}
	}
	for _, k := range append(Kinds, KindAny, KindProject) {
		l, ok := KindName(k)
		check("kind "+string(k), l, ok)
		for _, c := range k.Classes() {
			l, ok := ClassName(k, c)
			check("class "+c+" of "+string(k), l, ok)
		}
	}
	for _, typ := range ProjectTypes {
		l, ok := TypeName(typ)
		check("project type "+typ, l, ok)
	}
	for _, c := range Constructions {
		l, ok := ConstructionName(c)
		check("construction "+c, l, ok)
	}
	fields := map[string]bool{}
	pt := reflect.TypeOf(Project{})
	for i := range pt.NumField() {
		name, _, _ := strings.Cut(pt.Field(i).Tag.Get("json"), ",")
		fields[name] = true
	}
	seen := map[string]bool{}
	for _, f := range Facts {
		check("fact "+f.Field, f.Label, true)
		check("question for "+f.Field, f.Ask, true)
		if !fields[f.Field] {
			t.Errorf("fact %q is not a field of Project", f.Field)
		}
		if seen[f.Field] {
			t.Errorf("fact %q listed twice", f.Field)
		}
		seen[f.Field] = true
	}
	for name := range fields {
		if !seen[name] {
			t.Errorf("field %q of Project has no entry in Facts", name)
		}
	}
}

func TestLabelFallback(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{FactLabel("has_outfall"), "是否设置排污口"},
		{FactLabel("no_such_fact"), "no_such_fact"},
		{TypeLabel("mining"), "矿产资源勘查开采"},
		{TypeLabel("spaceport"), "spaceport"},
		{KindLabel(KindIndustrialPark), "工业园区"},
		{KindLabel("lake"), "lake"},
		{ClassLabel(KindWaterSource, "quasi"), "准保护区"},
		{ClassLabel(KindCustom, "自定义类"), "自定义类"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
