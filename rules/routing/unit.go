package routing

import (
	"fmt"
	"slices"
	"strings"
)

func (r *routing) unitNote(s string) {
	if r.why.unit != "" {
		r.why.unit += ", then "
	}
	r.why.unit += s
}

// unit finds the report's unit: the one given, else from the declared
// location, else from the subject and content, else from the declared
// address (SPEC 6.2).
func (r *routing) unit(in Input, subject, content text) {
	if in.Unit != "" {
		if _, ok := r.t.unitIndex[in.Unit]; ok {
			r.d.Unit = in.Unit
			r.unitNote(fmt.Sprintf("unit %s as given", in.Unit))
			return
		}
		r.unitNote(fmt.Sprintf("unit %q given is not in the table", in.Unit))
	}
	if in.Location != "" && r.alias(" in the declared location", newText(in.Location)) {
		return
	}
	if r.alias("", subject, content) {
		return
	}
	if in.Address != "" && r.alias(" in the declared address", newText(in.Address)) {
		return
	}
	if r.why.unit == "" {
		r.unitNote("no unit alias found")
	}
}

// occurrence is an alias found in a text: the alias's phrase id and the
// words it covers, [start, end).
type occurrence struct{ id, start, end int }

// alias looks for the unit in the texts and reports whether it decided it.
// The longest alias decides; aliases of different units equally long leave
// the unit empty. An alias of a former unit split among several units (a
// district abolished in 2025) names no unit, and the aliases inside it do
// not count: "thị xã Vị Thanh" holds "xã Vị Thanh" but is not it.
func (r *routing) alias(where string, texts ...text) bool {
	m := &r.t.match
	var aliases, split []int
	best := 0
	for _, tx := range texts {
		found, masks := r.occurrences(tx)
		for _, o := range masks {
			split = appendNew(split, o.id)
		}
		for _, o := range found {
			if slices.ContainsFunc(masks, func(k occurrence) bool { return k.start <= o.start && o.end <= k.end }) {
				continue
			}
			switch n := o.end - o.start; {
			case n > best:
				best, aliases = n, []int{o.id}
			case n == best:
				aliases = appendNew(aliases, o.id)
			}
		}
	}
	if len(aliases) == 0 {
		r.splitNote(split, where)
		return false
	}
	units := map[int]bool{}
	for _, a := range aliases {
		units[m.aliasUnit[a]] = true
	}
	if len(units) > 1 {
		quoted := make([]string, len(aliases))
		for i, a := range aliases {
			quoted[i] = fmt.Sprintf("%q (%s)", m.aliasText[a], r.t.units[m.aliasUnit[a]].Code)
		}
		r.unitNote(fmt.Sprintf("unit left empty: aliases %s%s are equally long", strings.Join(quoted, ", "), where))
		return false
	}
	// The unit's own name, when the citizen wrote it too, before a former
	// unit's.
	slices.SortStableFunc(aliases, func(a, b int) int { return m.aliasFormer[a] - m.aliasFormer[b] })
	a := aliases[0]
	r.d.Unit, r.d.Alias = r.t.units[m.aliasUnit[a]].Code, m.aliasText[a]
	note := fmt.Sprintf("unit %s from alias %q%s", r.d.Unit, r.d.Alias, where)
	if f := m.aliasFormer[a]; f >= 0 {
		r.d.Former = r.t.formers[f].Code
		note += fmt.Sprintf(": %s (cũ) → %s", r.t.formers[f].Name, r.t.units[m.aliasUnit[a]].Name)
	}
	r.unitNote(note)
	return true
}

// occurrences returns the aliases found in a text: those that name a unit,
// and those of former units split among several.
func (r *routing) occurrences(tx text) (found, split []occurrence) {
	m := &r.t.match
	m.aliases.find(tx, func(id, start int) {
		o := occurrence{id: id, start: start, end: start + m.aliases.words[id]}
		if m.aliasUnit[id] < 0 {
			split = append(split, o)
		} else {
			found = append(found, o)
		}
	})
	return found, split
}

// splitNote tells that the aliases found name former units split among
// several: no unit.
func (r *routing) splitNote(split []int, where string) {
	if len(split) == 0 {
		return
	}
	m := &r.t.match
	parts := make([]string, len(split))
	for i, a := range split {
		parts[i] = fmt.Sprintf("alias %q%s names %s (cũ), now split among several units", m.aliasText[a], where, r.t.formers[m.aliasFormer[a]].Name)
	}
	r.unitNote(strings.Join(parts, ", ") + ": no unit")
}

// appendNew appends x to list unless it is there.
func appendNew(list []int, x int) []int {
	if slices.Contains(list, x) {
		return list
	}
	return append(list, x)
}
