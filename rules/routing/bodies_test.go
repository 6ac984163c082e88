package routing

import (
	"strings"
	"testing"
)

// TestBuiltinBodies: each built-in table names the bodies of its own
// time. In 2025 the Dept. of Information and Communications was merged into
// the Dept. of Science and Technology and Hậu Giang province into Cần Thơ
// city: the 2025 table names neither of the old bodies.
func TestBuiltinBodies(t *testing.T) {
	for _, c := range []struct {
		table string
		want  Bodies
	}{
		{"appendix1", Bodies{
			Center:           "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Hậu Giang",
			CenterShort:      "Trung tâm Giám sát, điều hành đô thị thông minh",
			CenterEnglish:    "Hậu Giang Smart City Monitoring and Operations Center",
			Area:             "tỉnh Hậu Giang",
			Escalation:       "Sở Thông tin và Truyền thông",
			EscalationAgency: "so-tttt",
		}},
		{"2025", Bodies{
			Center:           "Trung tâm Giám sát, điều hành đô thị thông minh (khu vực Hậu Giang)",
			CenterShort:      "Trung tâm Giám sát, điều hành đô thị thông minh",
			CenterEnglish:    "Smart City Monitoring and Operations Center (Hậu Giang area, Cần Thơ City)",
			Area:             "thành phố Cần Thơ",
			Escalation:       "Sở Khoa học và Công nghệ thành phố Cần Thơ",
			EscalationAgency: "so-khcn",
		}},
	} {
		table, _ := Builtin(c.table)
		if got := table.Bodies(); got != c.want {
			t.Errorf("%s: bodies\n%+v\nwant\n%+v", c.table, got, c.want)
		}
	}
	b := mustBuiltin(t, "2025").Bodies()
	for _, s := range []string{b.Center, b.CenterShort, b.Area, b.Escalation, b.Committee()} {
		if strings.Contains(s, "Thông tin và Truyền thông") || strings.Contains(s, "tỉnh Hậu Giang") {
			t.Errorf("2025: %q names a body that no longer exists", s)
		}
	}
	if got := b.Committee(); got != "Ủy ban nhân dân thành phố Cần Thơ" {
		t.Errorf("2025: committee %q", got)
	}
}

// TestBodiesLeftOut: a table that names no area and no escalation agency
// still gives every name a sentence needs.
func TestBodiesLeftOut(t *testing.T) {
	table, err := Parse("t.toml", strings.NewReader(valid))
	if err != nil {
		t.Fatal(err)
	}
	want := Bodies{Center: "Trung tâm", CenterShort: "Trung tâm", CenterEnglish: "Smart City Monitoring and Operations Center",
		Escalation: "cấp có thẩm quyền"}
	if got := table.Bodies(); got != want {
		t.Errorf("bodies %+v, want %+v", got, want)
	}
	if got := want.Committee(); got != "Ủy ban nhân dân cấp tỉnh" {
		t.Errorf("committee %q", got)
	}
}

func TestBodiesProblems(t *testing.T) {
	file := strings.Replace(valid, "fallback = \"khac\"\n",
		"fallback = \"khac\"\nescalation = \"so-tttt\"\narea = \" \"\ncenter_short = \"\"\"Trung tâm\nGiám sát\"\"\"\n", 1)
	_, err := Parse("t.toml", strings.NewReader(file))
	want := "t.toml:3: escalation: unknown agency \"so-tttt\"\nt.toml:4: area: must not be empty (leave the key out)\n" +
		"t.toml:5: center_short: write the name on one line"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want\n%s", err, want)
	}
}

func mustBuiltin(t *testing.T, name string) *Table {
	t.Helper()
	table, ok := Builtin(name)
	if !ok {
		t.Fatalf("no built-in table %s", name)
	}
	return table
}

// TestNamedCenter: the Center named by the deployment is named so wherever
// the table names it, as the agency of a report too, and staff may write
// that name; codes and version stay, the table itself is unchanged, and a
// holder keeps the name across reloads.
func TestNamedCenter(t *testing.T) {
	const name, english = "Trung tâm Giám sát, điều hành đô thị thông minh thành phố Cần Thơ", "Cần Thơ Smart City Operations Center"
	base, _ := Builtin("2025")
	table := base.NamedCenter(name, english)
	if a, _ := table.Agency("ttgsdh"); a.Name != name || a.English != english || table.Center().Name != name {
		t.Errorf("the Center as an agency: %+v", a)
	}
	if a, _ := table.RecordedAgency("ttgsdh"); a.Name != name {
		t.Errorf("the Center as a report recorded it: %q", a.Name)
	}
	if b := table.Bodies(); b.Center != name || b.CenterEnglish != english {
		t.Errorf("bodies: %+v", b)
	}
	if f := table.FindAgency(name); f.Code != "ttgsdh" {
		t.Errorf("FindAgency(%q) = %+v", name, f)
	}
	if table.Version() != base.Version() || table.Route(Input{Subject: "Góp ý"}).Agency != "ttgsdh" {
		t.Error("naming the Center changed the table's version or routing")
	}
	if base.Center().Name == name || base.NamedCenter("", "") != base {
		t.Error("the built-in table was changed, or copied for no name")
	}
	h, err := NewHolder("", "2025")
	if err != nil {
		t.Fatal(err)
	}
	h.NameCenter(name, "")
	if h.Load().Center().Name != name {
		t.Errorf("the holder's table names the Center %q", h.Load().Center().Name)
	}
	if err := h.Reload("", "appendix1"); err != nil || h.Load().Center().Name != name || h.Load().Edition() != "appendix1" {
		t.Errorf("after a reload the Center is %q (%v)", h.Load().Center().Name, err)
	}
}
