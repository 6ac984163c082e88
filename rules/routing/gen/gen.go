package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"haugiang.gov.vn/phananh/rules/routing"
)

// Generate makes the table of the sources in dir (see the command's
// documentation) and returns the file's bytes, checked by the routing
// package's loader.
func Generate(dir string) ([]byte, error) {
	ed, err := readEdition(filepath.Join(dir, "edition.toml"))
	if err != nil {
		return nil, err
	}
	base, err := routing.Load(ed.Base)
	if err != nil {
		return nil, err
	}
	rows, err := readUnits(filepath.Join(dir, "units.tsv"))
	if err != nil {
		return nil, err
	}
	m := &mapping{ed: ed, base: base, byCode: map[string]*place{}}
	if err := m.places(rows); err != nil {
		return nil, err
	}
	if err := m.carry(); err != nil {
		return nil, err
	}
	if err := m.claims(); err != nil {
		return nil, err
	}
	m.resolve()
	data, err := m.write(dir)
	if err != nil {
		return nil, err
	}
	if _, err := routing.Parse(ed.Edition+".toml", strings.NewReader(string(data))); err != nil {
		return nil, fmt.Errorf("the table made is refused:\n%w", err)
	}
	return data, nil
}

// mapping is the table being made.
type mapping struct {
	ed          *edition
	base        *routing.Table
	units       []*place // the new units
	formers     []*place // old units, then former districts, then the base's former units
	byCode      map[string]*place
	byOld       map[string]string // an old unit's state code → its new unit's code
	districts   map[string]*place // by name
	order       []string          // alias keys in the order first claimed
	claimed     map[string][]claim
	ambiguities []ambiguity // the names left out because several units could be meant
}

// ambiguity is a name that several units could mean, and those units, the
// new units of that name first.
type ambiguity struct {
	name  string
	units []string
}

// add registers a place under its code, which must be new among places of
// its kind (units and former units are apart: old "xã Hỏa Lựu" and new "xã
// Hỏa Lựu" share a code).
func (m *mapping) add(p *place, list *[]*place) error {
	key := p.code
	if p.kind != newUnit {
		key = "former " + key
	}
	if prev, dup := m.byCode[key]; dup {
		return fmt.Errorf("%s and %s both make the code %q", prev.name, p.name, p.code)
	}
	m.byCode[key] = p
	*list = append(*list, p)
	return nil
}

// places makes the new units, the old units and the former districts of
// units.tsv.
func (m *mapping) places(rows []row) error {
	m.byOld, m.districts = map[string]string{}, map[string]*place{}
	var districts []*place
	for _, r := range rows {
		u := &place{kind: newUnit, typ: r.typ, bare: r.bare, name: r.typ + " " + r.bare, official: r.official}
		u.code = slug(u.name)
		u.committee = expand(m.ed.Committee.Code, u)
		if err := m.add(u, &m.units); err != nil {
			return err
		}
		for _, o := range r.old {
			f := &place{kind: oldUnit, typ: o.typ, bare: o.bare, name: o.typ + " " + o.bare, official: o.official, became: u.code}
			f.code = slug(f.name)
			if err := m.add(f, &m.formers); err != nil {
				return err
			}
			m.byOld[o.official] = u.code
			dt, db, _ := typed(o.district)
			d := m.districts[dt+" "+db]
			if d == nil {
				d = &place{kind: district, typ: dt, bare: db, name: dt + " " + db, became: u.code}
				d.code = slug(d.name)
				m.districts[d.name] = d
				districts = append(districts, d)
			} else if d.became != u.code {
				d.became = "" // split among several units
			}
			if !slices.Contains(d.split, u.code) {
				d.split = append(d.split, u.code)
			}
		}
	}
	for _, d := range districts {
		if err := m.add(d, &m.formers); err != nil {
			return err
		}
	}
	return nil
}

// carry brings the base table's former units over: each leads to the new
// unit that its unit of the base table went into (found by the state's
// code), or stays split.
func (m *mapping) carry() error {
	for _, f := range m.base.Formers() {
		p := &place{kind: carried, code: f.Code, name: f.Name, official: f.Official}
		if f.Became != "" {
			u, _ := m.base.Unit(f.Became)
			if p.became = m.byOld[u.Official]; p.became == "" {
				return fmt.Errorf("base former unit %s became %s, whose state code %q units.tsv does not list", f.Code, u.Code, u.Official)
			}
		}
		if m.byCode["former "+p.code] != nil && p.official != "" {
			p.code += "-" + p.official // an older unit of the same name as one just abolished
		}
		if err := m.add(p, &m.formers); err != nil {
			return fmt.Errorf("base former unit %s: %w", f.Code, err)
		}
		for _, a := range f.Aliases {
			m.claim(claim{p, a, typedForm})
		}
	}
	return nil
}

// claims lists every alias each place wants (see forms): new units and
// former districts want their bare names; old units only the towns' (a
// town's name is the common name of its market, "Cây Dương").
func (m *mapping) claims() error {
	for _, u := range m.units {
		m.claimAll(u.forms(true))
	}
	for _, f := range m.formers {
		if f.kind != carried { // carried ones were claimed in carry
			m.claimAll(f.forms(f.kind == district || f.typ == "thị trấn"))
		}
	}
	for _, a := range m.ed.Alias {
		p := m.byCode[a.To]
		if p == nil {
			p = m.byCode["former "+a.To]
		}
		if p == nil {
			return fmt.Errorf("edition.toml: alias to %q: no unit or former unit has that code", a.To)
		}
		for _, text := range a.Aliases {
			m.claim(claim{p, text, typedForm})
		}
	}
	return nil
}

func (m *mapping) claimAll(cs []claim) {
	for _, c := range cs {
		m.claim(c)
	}
}

func (m *mapping) claim(c claim) {
	if m.claimed == nil {
		m.claimed = map[string][]claim{}
	}
	key := strings.Join(routing.Words(c.text), " ")
	if _, seen := m.claimed[key]; !seen {
		m.order = append(m.order, key)
	}
	m.claimed[key] = append(m.claimed[key], c)
}

// resolve gives each alias to the one place it can name, or to none.
func (m *mapping) resolve() {
	for _, key := range m.order {
		cs := m.claimed[key]
		var wanting, typedNew []claim
		targets := map[string]bool{}
		for _, c := range cs {
			targets[c.p.target()] = true
			if c.kind == shadow {
				continue
			}
			wanting = append(wanting, c)
			if c.p.kind == newUnit && c.kind != bareName {
				typedNew = append(typedNew, c)
			}
		}
		switch {
		case len(wanting) == 0:
		case len(targets) == 1:
			m.give(wanting, wanting)
		case len(typedNew) == 1:
			m.give(typedNew, wanting)
		default:
			m.ambiguous(wanting, cs)
		}
	}
}

// give hands the alias to the first of winners, a new unit's claim first;
// the losers that wanted it are told in a comment.
func (m *mapping) give(winners, losers []claim) {
	i := slices.IndexFunc(winners, func(c claim) bool { return c.p.kind == newUnit })
	w := winners[max(i, 0)]
	if !(w.p.kind == newUnit && w.kind == typedName) { // a unit's name is its alias already
		w.p.aliases = append(w.p.aliases, w.text)
	}
	for _, c := range losers {
		if c.p != w.p {
			c.p.lose(c.text, w.p.code)
		}
	}
}

// ambiguous leaves an alias out: the places that wanted it are told which
// places it could mean, one for each unit it could lead to, and the table
// lists it with the units it could mean (see units).
func (m *mapping) ambiguous(wanting, all []claim) {
	if units := candidates(all); len(units) > 1 {
		m.ambiguities = append(m.ambiguities, ambiguity{wanting[0].text, units})
	}
	var labels, targets []string
	for _, c := range all {
		i := slices.Index(targets, c.p.target())
		switch {
		case i < 0:
			targets, labels = append(targets, c.p.target()), append(labels, c.p.label())
		case c.p.kind == newUnit:
			labels[i] = c.p.label()
		}
	}
	note := fmt.Sprintf("%q alone is no alias: it could be %s.", wanting[0].text, orList(labels))
	for _, c := range wanting {
		if !slices.Contains(c.p.notes, note) {
			c.p.notes = append(c.p.notes, note)
		}
	}
}

// candidates returns the units the places of claims could mean: a new
// unit itself, a former unit the unit it became, a former district split
// among several units all of them; the new units first.
func candidates(claims []claim) []string {
	var units []string
	for _, newFirst := range []bool{true, false} {
		for _, c := range claims {
			if (c.p.kind == newUnit) != newFirst {
				continue
			}
			for _, u := range c.p.units() {
				if !slices.Contains(units, u) {
					units = append(units, u)
				}
			}
		}
	}
	return units
}

// orList writes "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// expand fills a committee pattern: {code}, {compact} (the code without
// hyphens), {name} and {name_en} (the name as English writes it: "Hỏa
// Lựu Commune").
func expand(pattern string, u *place) string {
	return strings.NewReplacer("{code}", u.code, "{compact}", strings.ReplaceAll(u.code, "-", ""), "{name}", u.name,
		"{name_en}", u.bare+" "+typeOf(u.typ).english).Replace(pattern)
}
