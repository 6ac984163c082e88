package routing

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/fold"
)

// valid is the smallest table the checks accept; each problem case below
// changes it.
const valid = `center = "c"
fallback = "khac"
[[agency]]
code = "c"
name = "Trung tâm"
resolve_days = 6
[[rule]]
field = "khac"
name = "Khác"
scope = "*"
agency = "c"
`

func TestValidTable(t *testing.T) {
	table, err := Parse("t.toml", strings.NewReader(valid))
	if err != nil {
		t.Fatal(err)
	}
	if table.Center().Code != "c" || table.Fallback().Code != "khac" || table.Name() != "t.toml" {
		t.Errorf("center %q, fallback %q, name %q", table.Center().Code, table.Fallback().Code, table.Name())
	}
	d := table.Route(Input{Subject: "anything"})
	check(t, d, want{"khac", "", "c", "", false})
	if _, err := Parse("bom.toml", strings.NewReader("\ufeff"+valid)); err != nil {
		t.Errorf("a file starting with a byte-order mark: %v", err)
	}
}

// TestProblems feeds tables with one kind of mistake each: every problem
// must be reported, with the file, the line and what is wrong.
func TestProblems(t *testing.T) {
	for _, c := range []struct {
		name, file string
		want       []string
	}{
		{"syntax", "center = \"c\nfallback = \"khac\"\n",
			[]string{`t.toml:1: TOML syntax: basic strings cannot have new lines`}},
		{"unknown table", valid + "[[agencies]]\ncode = \"x\"\n",
			[]string{`t.toml:12: [[agencies]]: unknown table (the tables are [[agency]], [[unit]], [[former]], [[ambiguous]] and [[rule]])`}},
		{"plain table", valid + "[agency]\ncode = \"x\"\n",
			[]string{`t.toml:12: [agency]: write each record as [[agency]], [[unit]], [[former]], [[ambiguous]] or [[rule]]`}},
		{"unknown keys", strings.Replace(valid, "resolve_days = 6", "resolve_days = 6\nlimit = 6\ncolour = \"red\"", 1),
			[]string{`t.toml:7: agency c: limit: unknown key (known: code, name, name_en, resolve_days, email, absorbed)`,
				`t.toml:8: agency c: colour: unknown key (known: code, name, name_en, resolve_days, email, absorbed)`}},
		{"bad emails", valid + `[[agency]]
code = "a"
name = "A"
resolve_days = 6
email = "Sở A <sa@haugiang.gov.vn>"
[[agency]]
code = "b"
name = "B"
resolve_days = 6
email = "sb@"
[[agency]]
code = "d"
name = "D"
resolve_days = 6
email = ""
[[agency]]
code = "e"
name = "E"
resolve_days = 6
email = "se@localhost"
[[agency]]
code = "f"
name = "F"
resolve_days = 6
email = ["sf@haugiang.gov.vn"]
`, []string{`t.toml:16: agency a: email "Sở A <sa@haugiang.gov.vn>": want one address alone, like "sxd@cantho.gov.vn"`,
			`t.toml:21: agency b: email "sb@": want one address alone, like "sxd@cantho.gov.vn"`,
			`t.toml:26: agency d: email: must not be empty (leave the key out for an agency without a mailbox)`,
			`t.toml:31: agency e: email "se@localhost": want one address alone, like "sxd@cantho.gov.vn"`,
			`t.toml:36: agency f: email: want a string in quotes`}},
		{"key given twice", strings.Replace(valid, "name = \"Khác\"", "name = \"Khác\"\nname = \"Khác\"", 1),
			[]string{`t.toml:10: name: key given twice (first at line 9)`}},
		{"wrong types", strings.Replace(strings.Replace(valid, "resolve_days = 6", "resolve_days = \"6\"", 1),
			"agency = \"c\"", "agency = \"c\"\nkeywords = \"a, b\"\nauto_forward = \"yes\"", 1),
			[]string{`t.toml:6: agency c: resolve_days: want a whole number`,
				`t.toml:12: rule khac/*: keywords: want a list of strings, like ["a", "b"]`,
				`t.toml:13: rule khac/*: auto_forward: want true or false`}},
		{"resolve days out of range", strings.Replace(valid, "resolve_days = 6", "resolve_days = 9", 1),
			[]string{`t.toml:6: agency c: resolve_days: 9 is out of range (1 to 6 working days)`}},
		{"missing keys", strings.Replace(strings.Replace(valid, "resolve_days = 6\n", "", 1), "name = \"Khác\"\n", "", 1),
			[]string{`t.toml:3: agency c: resolve_days: missing`, `t.toml:6: rule khac/*: name: missing`}},
		{"bad code", strings.Replace(valid, "code = \"c\"", "code = \"Sở GTVT\"", 1),
			[]string{`t.toml:1: center: unknown agency "c"`,
				`t.toml:4: agency: code "Sở GTVT": use lower-case ASCII letters, digits and single hyphens`,
				`t.toml:11: rule khac/*: unknown agency "c"`}},
		{"duplicate agency", valid + "[[agency]]\ncode = \"c\"\nname = \"Khác\"\nresolve_days = 3\n",
			[]string{`t.toml:13: agency c: code already used at line 4`}},
		{"empty name", strings.Replace(valid, "name = \"Trung tâm\"", "name = \" \"", 1),
			[]string{`t.toml:5: agency c: name: must not be empty`}},
		{"unknown agency", strings.Replace(valid, "agency = \"c\"", "agency = \"so-gtvx\"", 1),
			[]string{`t.toml:11: rule khac/*: unknown agency "so-gtvx"`}},
		{"bad scope", strings.Replace(valid, "scope = \"*\"", "scope = \"all\"", 1),
			[]string{`t.toml:2: fallback: unknown field "khac" (no rule has it)`,
				`t.toml:10: rule khac/all: scope "all": want "*", "each-unit" or a unit code`}},
		{"empty and repeated keywords", valid + "keywords = [\"ổ gà\", \"\", \"?!\",\n  \"Ổ  GÀ\"]\nurgent_keywords = [\"\"]\n",
			[]string{`t.toml:12: rule khac/*: keywords: empty keyword`,
				`t.toml:12: rule khac/*: keywords: "?!" has no letters or digits`,
				`t.toml:13: rule khac/*: keywords: "Ổ  GÀ" given twice (first at line 12)`,
				`t.toml:14: rule khac/*: urgent_keywords: empty keyword`}},
		{"field with two names", valid + "[[rule]]\nfield = \"khac\"\nname = \"Khác nữa\"\nscope = \"each-unit\"\n",
			[]string{`t.toml:14: rule khac/each-unit: name "Khác nữa" differs from "Khác" given to field khac at line 9`}},
		{"english names", strings.Replace(valid, "name = \"Khác\"", "name = \"Khác\"\nname_en = \"Other\"", 1) + `[[rule]]
field = "khac"
name = "Khác"
name_en = "Others"
scope = "each-unit"
[[rule]]
field = "dien"
name = "Điện"
scope = "*"
agency = "c"
[[rule]]
field = "nuoc"
name = "Nước"
name_en = " "
scope = "*"
agency = "c"
[[agency]]
code = "d"
name = "D"
name_en = "Department D"
resolve_days = 6
`, []string{`t.toml:4: agency c: name_en: missing, while agency d has one: name every agency in English or none`,
			`t.toml:16: rule khac/each-unit: name_en "Others" differs from "Other" given to field khac at line 10`,
			`t.toml:20: field dien: name_en: missing, while field khac has one: name every field in English or none`,
			`t.toml:25: field nuoc: name_en: missing, while field khac has one: name every field in English or none`,
			`t.toml:26: rule nuoc/*: name_en: must not be empty (leave the key out, or name it in English)`}},
		{"english keywords", valid + "keywords = [\"mất điện\"]\nkeywords_en = [\"power cut\", \"mất  điện\", \"Power  Cut\"]\n" +
			"urgent_keywords = [\"điện giật\"]\nurgent_keywords_en = [\"electric shock\", \"điện giật\"]\n",
			[]string{`t.toml:13: rule khac/*: keywords_en: "mất  điện" has diacritics: English keywords are written without, Vietnamese ones go in keywords`,
				`t.toml:13: rule khac/*: keywords_en: "Power  Cut" given twice (first at line 13)`,
				`t.toml:15: rule khac/*: urgent_keywords_en: "điện giật" has diacritics: English keywords are written without, Vietnamese ones go in urgent_keywords`}},
		{"absorbed agencies", valid + `[[agency]]
code = "a"
name = "Sở A"
resolve_days = 6
absorbed = ["Sở B", "", "Trung tâm"]
[[agency]]
code = "d"
name = "Sở D"
resolve_days = 6
absorbed = ["sở  b"]
`, []string{`t.toml:16: agency a: absorbed: "" has no letters or digits`,
			`t.toml:16: agency a: absorbed: "Trung tâm" is the name of agency c (line 4), which the table still has`,
			`t.toml:21: agency d: absorbed: "sở  b" is already absorbed by agency a (line 16): an agency merges into one`}},
		{"rule twice", valid + "[[rule]]\nfield = \"khac\"\nname = \"Khác\"\nscope = \"*\"\nagency = \"c\"\n",
			[]string{`t.toml:12: rule khac/*: rule defined twice (first at line 7)`}},
		{"each-unit with an agency", valid + "[[rule]]\nfield = \"x\"\nname = \"X\"\nscope = \"each-unit\"\nagency = \"c\"\n",
			[]string{`t.toml:16: rule x/each-unit: agency: an each-unit rule goes to the committee of the report's unit; leave agency out`}},
		{"rule without agency", valid + "[[rule]]\nfield = \"x\"\nname = \"X\"\nscope = \"*\"\n",
			[]string{`t.toml:12: rule x/*: agency: missing`}},
		{"units", valid + `[[unit]]
code = "u"
name = "huyện U"
aliases = ["U", "", "huyện  u"]
parent = "v"
committee = "ubnd-u"
[[unit]]
code = "w"
name = "xã W"
aliases = ["U"]
parent = "w"
[[rule]]
field = "x"
name = "X"
scope = "each-unit"
`, []string{`t.toml:15: unit u: alias "" has no letters or digits`,
			`t.toml:15: unit u: alias "huyện  u" given twice (first at line 14)`,
			`t.toml:16: unit u: parent: unknown unit "v"`,
			`t.toml:17: unit u: committee: unknown agency "ubnd-u"`,
			`t.toml:18: unit w: no committee, of its own or of a parent, for the each-unit rules (the first at line 23)`,
			`t.toml:21: unit w: alias "U" already names unit u (line 15): an alias of two units decides nothing, leave it out`,
			`t.toml:22: unit w: parent: the chain of parents comes back to w`}},
		{"ambiguous names", valid + `[[unit]]
code = "u"
name = "huyện U"
committee = "c"
[[unit]]
code = "w"
name = "xã U"
committee = "c"
[[ambiguous]]
name = "huyện U"
units = ["u", "w"]
[[ambiguous]]
name = "U"
units = ["u", "v", "u"]
[[ambiguous]]
units = ["w"]
`, []string{`t.toml:21: ambiguous "huyện U": name: an alias of unit u (line 14) already: a name that decides a unit is not ambiguous`,
			`t.toml:25: ambiguous "U": units: unknown unit "v"`,
			`t.toml:25: ambiguous "U": units: "u" given twice`,
			`t.toml:26: ambiguous: name: missing`,
			`t.toml:26: ambiguous: units: a name is ambiguous between two units or more`}},
		{"unit scope", valid + "[[unit]]\ncode = \"u\"\nname = \"U\"\n[[rule]]\nfield = \"x\"\nname = \"X\"\nscope = \"u\"\nagency = \"nobody\"\n",
			[]string{`t.toml:19: rule x/u: unknown agency "nobody"`}},
		{"top level", "centre = \"c\"\n" + strings.Replace(valid, "center = \"c\"\nfallback = \"khac\"\n", "", 1),
			[]string{`t.toml: center: missing`, `t.toml: fallback: missing`,
				`t.toml:1: centre: unknown key (known: center, fallback, edition, title, center_short, center_english, area, escalation)`}},
		{"empty file", "",
			[]string{`t.toml: no [[agency]] table`, `t.toml: no [[rule]] table`, `t.toml: center: missing`, `t.toml: fallback: missing`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.toml", strings.NewReader(c.file))
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			got := strings.Split(verr.Error(), "\n")
			if !slices.Equal(got, c.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestAgencyEmail(t *testing.T) {
	table, err := Parse("t.toml", strings.NewReader(strings.Replace(valid, "resolve_days = 6",
		"resolve_days = 6\nemail = \" ttgsdh@HauGiang.gov.vn \"", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := table.Agency("c"); a.Email != "ttgsdh@haugiang.gov.vn" {
		t.Errorf("email %q, want it trimmed, its domain in lower case", a.Email)
	}
	for _, a := range Default().Agencies() {
		if !strings.HasSuffix(a.Email, "@haugiang.gov.vn") {
			t.Errorf("agency %s of the built-in table: email %q", a.Code, a.Email)
		}
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.toml")
	if err := os.WriteFile(path, []byte(strings.Replace(valid, "agency = \"c\"", "agency = \"so-gtvx\"", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if want := path + `:11: rule khac/*: unknown agency "so-gtvx"`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestVersion(t *testing.T) {
	a, err := Parse("a.toml", strings.NewReader(valid))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Parse("b.toml", strings.NewReader(valid))
	c, err := Parse("a.toml", strings.NewReader(valid+"# a comment changes the file\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Version() != b.Version() || len(a.Version()) != 12 {
		t.Errorf("same bytes, versions %q and %q", a.Version(), b.Version())
	}
	if a.Version() == c.Version() {
		t.Errorf("different files, same version %q", a.Version())
	}
	if Default().Version() == a.Version() {
		t.Error("the default table has the version of another file")
	}
}

func TestHolder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.toml")
	h, err := NewHolder("", "")
	if err != nil || h.Load() != Default() {
		t.Fatalf("NewHolder(\"\") = %v, %v", h, err)
	}
	if err := os.WriteFile(path, []byte(valid), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.Reload(path, ""); err != nil {
		t.Fatal(err)
	}
	good := h.Load()
	if good.Center().Code != "c" {
		t.Fatalf("reloaded table has center %q", good.Center().Code)
	}
	if err := os.WriteFile(path, []byte(valid+"[[rule]]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := h.Reload(path, ""); err == nil {
		t.Fatal("a bad table was accepted")
	}
	if h.Load() != good {
		t.Error("a bad table replaced the good one")
	}
	if _, err := NewHolder(filepath.Join(dir, "missing.toml"), ""); err == nil {
		t.Error("NewHolder of a missing file succeeded")
	}
	if h, err := NewHolder("", "2025"); err != nil || h.Load().Edition() != "2025" {
		t.Errorf("NewHolder of the built-in table 2025: %v", err)
	}
	if err := h.Reload("", "2025"); err != nil || h.Load().Edition() != "2025" {
		t.Errorf("Reload to the built-in table 2025: %v", err)
	}
	if err := h.Reload("", "2024"); err == nil || h.Load().Edition() != "2025" {
		t.Errorf("Reload to an unknown built-in table: %v", err)
	}
}

// TestDefaultTable checks the built-in table against Appendix I: its
// counts, and, when the specification is beside the repository, every
// agency, unit and rule row of appendix1.md.
func TestDefaultTable(t *testing.T) {
	table := Default()
	if n := [3]int{len(table.Agencies()), len(table.Units()), len(table.Rules())}; n != [3]int{24, 8, 25} {
		t.Errorf("agencies, units, rules = %v, want 24, 8, 25", n)
	}
	if table.Center().Code != "ttgsdh" || table.Fallback().Code != "khac" {
		t.Errorf("center %q, fallback %q", table.Center().Code, table.Fallback().Code)
	}
	f, err := os.Open("/work/shared/spec/appendix1.md")
	if err != nil {
		t.Logf("appendix1.md not found beside the repository: compared counts only (%v)", err)
		return
	}
	defer f.Close()
	rows := 0
	sc := bufio.NewScanner(f)
	section := ""
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			section = line
		}
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], "-") || cells[0] == "code" || cells[0] == "field" {
			continue
		}
		rows++
		switch {
		case strings.HasPrefix(section, "## Agencies"):
			a, ok := table.Agency(cells[0])
			if !ok || a.Name != cells[1] || strconv.Itoa(a.ResolveDays) != cells[2] {
				t.Errorf("agency %q: %+v", cells, a)
			}
		case strings.HasPrefix(section, "## Administrative units"):
			u, ok := table.Unit(cells[0])
			if !ok || u.Name != cells[1] || len(u.Aliases) != len(strings.Split(cells[2], ", ")) {
				t.Errorf("unit %q: %+v", cells, u)
			}
		case strings.HasPrefix(section, "## Rules"):
			checkRuleRow(t, table, cells)
		}
	}
	if rows != 24+8+25 {
		t.Errorf("read %d rows of appendix1.md, want 57", rows)
	}
	t.Logf("compared %d rows of appendix1.md", rows)
}

func checkRuleRow(t *testing.T, table *Table, cells []string) {
	t.Helper()
	scope := cells[2]
	if scope == "(each unit)" {
		scope = ScopeEachUnit
	}
	id := cells[0] + "/" + scope
	i := slices.IndexFunc(table.Rules(), func(r Rule) bool { return r.ID == id })
	if i < 0 {
		t.Errorf("rule %s missing", id)
		return
	}
	r := table.Rules()[i]
	list := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ", ")
	}
	f, _ := table.Field(r.Field)
	agency := cells[3]
	if scope == ScopeEachUnit {
		agency = ""
	}
	if f.Name != cells[1] || r.Agency != agency || !slices.Equal(r.Keywords, list(cells[4])) ||
		!slices.Equal(r.UrgentKeywords, list(cells[5])) || r.AutoForward {
		t.Errorf("rule %s: %+v, want %q", id, r, cells)
	}
}

// TestEnglishNames: both built-in tables name every field and agency in
// English, for mail to citizens who write English, and a name in English
// is a declared field as the Vietnamese one is.
func TestEnglishNames(t *testing.T) {
	for _, name := range BuiltinNames() {
		table, _ := Builtin(name)
		for _, f := range table.Fields() {
			if f.English == "" || !fold.Plain(strings.ReplaceAll(f.English, "Internet", "")) || f.NameFor(true) != f.English || f.NameFor(false) != f.Name {
				t.Errorf("%s: field %s: English name %q", name, f.Code, f.English)
			}
		}
		for _, a := range table.Agencies() {
			if a.English == "" || a.NameFor(true) != a.English || a.NameFor(false) != a.Name {
				t.Errorf("%s: agency %s: English name %q", name, a.Code, a.English)
			}
		}
		for _, declared := range []string{"Electricity", "electricity", "ELECTRICITY"} {
			if d := table.Route(Input{Text: "The lights went off.", Field: declared}); d.Field != "dien" {
				t.Errorf("%s: declared field %q: %s (%s)", name, declared, d.Field, d.Why)
			}
		}
		if found := table.FindField("drainage and flooding"); found.Code != "thoat-nuoc" {
			t.Errorf("%s: FindField of an English name: %+v", name, found)
		}
	}
	if a, _ := Default().Agency("dien-luc"); a.English != "Hậu Giang Power Company" {
		t.Errorf("the power company in English: %q", a.English)
	}
	t2025, _ := Builtin("2025")
	if a, _ := t2025.Agency("ubnd-xa-hoa-luu"); a.English != "People's Committee of Hỏa Lựu Commune" {
		t.Errorf("a committee of 2025 in English: %q", a.English)
	}
}
