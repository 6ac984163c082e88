package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/rules/routing"
)

// write writes the table's file.
func (m *mapping) write(dir string) ([]byte, error) {
	w := &bytes.Buffer{}
	m.header(w, dir)
	m.agencies(w)
	m.writeUnits(w)
	if err := m.rules(w); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

func (m *mapping) header(w *bytes.Buffer, dir string) {
	src := filepath.ToSlash(dir)
	if i := strings.Index(src, "sources/"); i >= 0 {
		src = src[i:]
	}
	fmt.Fprintf(w, `# Routing table %q: %s.
#
# Made by the program in gen/ (go generate ./rules/routing) from %s/units.tsv,
# the official mapping of old units to new ones, and %s/edition.toml, with the
# rules of %s. Do not edit it: change those and make it again. A deployment
# that wants its own table copies this file, edits the copy, names it in its
# configuration ([rules] file) and checks it with "phananh rules check FILE".
#
# Codes are ASCII (lower case, digits, hyphens); names, aliases and keywords are
# Vietnamese, written with their diacritics: a citizen who types without them
# still matches ("mat dien" finds "mất điện"), the other way round never does.
# name_en, keywords_en and urgent_keywords_en are English, for citizens who
# write in English: the names their mail shows, and keywords (without
# diacritics) that each mean their field only.

center = %s
fallback = %s
edition = %s
title = %s
`, m.ed.Edition, m.ed.Title, src, src, filepath.Base(m.ed.Base), quote(m.ed.Center), quote(m.base.Fallback().Code), quote(m.ed.Edition), quote(m.ed.Title))
	m.bodies(w)
}

// bodies writes the keys that name the bodies mail and reports speak of,
// those the edition gives.
func (m *mapping) bodies(w *bytes.Buffer) {
	keys := []struct{ key, value string }{{"center_short", m.ed.CenterShort}, {"center_english", m.ed.CenterEnglish},
		{"area", m.ed.Area}, {"escalation", m.ed.Escalation}}
	var b bytes.Buffer
	for _, k := range keys {
		if k.value != "" {
			fmt.Fprintf(&b, "%s = %s\n", k.key, quote(k.value))
		}
	}
	if b.Len() == 0 {
		return
	}
	fmt.Fprint(w, `# The bodies that mail and reports name besides the agencies: the Center's
# name without its area and in English (its full name is its agency's), the
# city or province it serves, and the agency escalated reports go to.
`)
	w.Write(b.Bytes())
}

func (m *mapping) agencies(w *bytes.Buffer) {
	fmt.Fprint(w, `
# Agencies. resolve_days: the time to resolve a report, in working days (1-6).
# email: the agency's official mailbox, which receives its notices when no
# handler of it is configured. These follow the naming of official mailboxes
# and must be checked by the deployment before use. absorbed: the base table's
# agencies merged into this one, whose names staff still write.
`)
	for _, a := range m.ed.Agency {
		agency(w, a.Code, a.Name, a.English, a.ResolveDays, a.Email, m.absorbed(a))
	}
	fmt.Fprint(w, "\n# The People's Committees of the units.\n")
	c := m.ed.Committee
	for _, u := range m.units {
		agency(w, u.committee, expand(c.Name, u), expand(c.English, u), c.ResolveDays, expand(c.Email, u), nil)
	}
}

// absorbed names the base table's agencies that an agency takes over and
// that the new table no longer has under their code: "Sở Giao thông vận
// tải", merged into Sở Xây dựng.
func (m *mapping) absorbed(a agencySource) []string {
	var out []string
	for _, code := range a.TakesOver {
		if old, ok := m.base.Agency(code); ok && code != a.Code {
			out = append(out, old.Name)
		}
	}
	return out
}

func agency(w *bytes.Buffer, code, name, english string, days int, email string, absorbed []string) {
	fmt.Fprintf(w, "\n[[agency]]\ncode = %s\nname = %s\n", quote(code), quote(name))
	if english != "" {
		fmt.Fprintf(w, "name_en = %s\n", quote(english))
	}
	fmt.Fprintf(w, "resolve_days = %d\n", days)
	if email != "" {
		fmt.Fprintf(w, "email = %s\n", quote(email))
	}
	if len(absorbed) > 0 {
		fmt.Fprintf(w, "absorbed = %s\n", list(absorbed))
	}
}

func (m *mapping) writeUnits(w *bytes.Buffer) {
	fmt.Fprintf(w, `
# Administrative units: each new unit, then the old units that went into it
# ([[former]]: their aliases lead to the new unit, and notices name both). An
# alias is written as citizens type it; a name that two units could mean is
# no alias of either, and a comment says why.
`)
	for _, u := range m.units {
		fmt.Fprintln(w)
		notes(w, u)
		fmt.Fprintf(w, "[[unit]]\ncode = %s\nname = %s\nofficial = %s\naliases = %s\ncommittee = %s\n",
			quote(u.code), quote(u.name), quote(u.official), list(u.aliases), quote(u.committee))
		for _, f := range m.formers {
			if f.kind == oldUnit && f.became == u.code {
				fmt.Fprintln(w)
				former(w, f)
			}
		}
	}
	fmt.Fprint(w, `
# Former districts. One split among several units (no became) names no unit,
# and keeps the shorter aliases inside its names from counting; a commune named
# beside it decides.
`)
	for _, f := range m.formers {
		if f.kind == district {
			fmt.Fprintln(w)
			former(w, f)
		}
	}
	if carried := m.carried(); len(carried) > 0 {
		fmt.Fprint(w, "\n# Former units of the base table, carried over.\n")
		for _, f := range carried {
			fmt.Fprintln(w)
			former(w, f)
		}
	}
	m.writeAmbiguous(w)
}

// writeAmbiguous writes the names left out of the aliases because several
// units could be meant, each with those units.
func (m *mapping) writeAmbiguous(w *bytes.Buffer) {
	if len(m.ambiguities) == 0 {
		return
	}
	fmt.Fprint(w, `
# Names that several units could mean, left out of the aliases above: such a
# name decides no unit, and routing tells the receiver the units it could mean
# (the new unit of that name first), to choose one with /unit.
`)
	for _, a := range m.ambiguities {
		fmt.Fprintf(w, "\n[[ambiguous]]\nname = %s\nunits = %s\n", quote(a.name), list(a.units))
	}
}

// carried returns the base table's former units.
func (m *mapping) carried() []*place {
	var out []*place
	for _, f := range m.formers {
		if f.kind == carried {
			out = append(out, f)
		}
	}
	return out
}

func former(w *bytes.Buffer, f *place) {
	notes(w, f)
	fmt.Fprintf(w, "[[former]]\ncode = %s\nname = %s\n", quote(f.code), quote(f.name))
	if f.official != "" {
		fmt.Fprintf(w, "official = %s\n", quote(f.official))
	}
	if f.became != "" {
		fmt.Fprintf(w, "became = %s\n", quote(f.became))
	}
	fmt.Fprintf(w, "aliases = %s\n", list(f.aliases))
}

func notes(w *bytes.Buffer, p *place) {
	for _, n := range p.notes {
		fmt.Fprintf(w, "# %s\n", n)
	}
	for _, to := range p.lostOrder {
		quoted := make([]string, len(p.lost[to]))
		for i, a := range p.lost[to] {
			quoted[i] = fmt.Sprintf("%q", a)
		}
		what := "an alias"
		if len(quoted) > 1 {
			what = "aliases"
		}
		fmt.Fprintf(w, "# %s: %s of unit %s.\n", strings.Join(quoted, ", "), what, to)
	}
}

// rules writes the base table's rules with their agencies mapped.
func (m *mapping) rules(w *bytes.Buffer) error {
	takes := map[string]string{}
	for _, a := range m.ed.Agency {
		for _, old := range a.TakesOver {
			takes[old] = a.Code
		}
	}
	fmt.Fprint(w, `
# Rules, those of the base table with their agencies mapped. scope: "*" (the
# whole area), "each-unit" (one rule whose agency is the People's Committee of
# the report's unit), or a unit code. The best keyword score wins; specificity
# only breaks ties (SPEC 6.2). urgent_keywords flag a report urgent.
`)
	for _, r := range m.base.Rules() {
		f, _ := m.base.Field(r.Field)
		fmt.Fprintf(w, "\n[[rule]]\nfield = %s\nname = %s\n", quote(r.Field), quote(f.Name))
		if f.English != "" {
			fmt.Fprintf(w, "name_en = %s\n", quote(f.English))
		}
		fmt.Fprintf(w, "scope = %s\n", quote(r.Scope))
		switch r.Scope {
		case routing.ScopeEachUnit:
		case routing.ScopeProvince:
			a, ok := takes[r.Agency]
			if !ok {
				return fmt.Errorf("rule %s of the base table: no agency of edition.toml takes over %s", r.ID, r.Agency)
			}
			fmt.Fprintf(w, "agency = %s\n", quote(a))
		default:
			return fmt.Errorf("rule %s of the base table is scoped to a unit of it: write it in edition.toml's units' terms by hand", r.ID)
		}
		for _, l := range []struct {
			key   string
			words []string
		}{{"keywords", r.Keywords}, {"keywords_en", r.EnglishKeywords}, {"urgent_keywords", r.UrgentKeywords},
			{"urgent_keywords_en", r.EnglishUrgentKeywords}} {
			if len(l.words) > 0 || l.key == "keywords" {
				fmt.Fprintf(w, "%s = %s\n", l.key, list(l.words))
			}
		}
		if r.AutoForward {
			fmt.Fprint(w, "auto_forward = true\n")
		}
	}
	return nil
}

// quote writes a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func list(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = quote(s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}
