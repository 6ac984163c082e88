package routing

import (
	"fmt"
	"slices"
	"strings"
)

// unit finds the report's unit: the one given, else from the declared
// location, else from the subject and content, else from the declared
// address (SPEC 6.2).
func (r *routing) unit(in Input, subject, content text) {
	if in.Unit != "" {
		if _, ok := r.t.unitIndex[in.Unit]; ok {
			r.d.Unit = in.Unit
			r.why.unitGiven(in.Unit)
			return
		}
		r.why.unitUnknown(in.Unit)
	}
	if in.Location != "" && r.alias(inLocation, newText(in.Location)) {
		return
	}
	if r.alias(inText, subject, content) {
		return
	}
	if in.Address != "" && r.alias(inAddress, newText(in.Address)) {
		return
	}
	if r.why.unit[en] == "" {
		r.why.unitNone()
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
func (r *routing) alias(where int, texts ...text) bool {
	m := &r.t.match
	var aliases, split, ambiguous []int
	best := 0
	for _, tx := range texts {
		found, masks, names := r.occurrences(tx)
		for _, o := range masks {
			split = appendNew(split, o.id)
		}
		masked := func(o occurrence) bool {
			return slices.ContainsFunc(masks, func(k occurrence) bool { return k.start <= o.start && o.end <= k.end })
		}
		for _, o := range names {
			if !masked(o) {
				ambiguous = appendNew(ambiguous, o.id)
			}
		}
		for _, o := range found {
			if masked(o) {
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
	r.d.Placed = r.d.Placed || len(aliases) > 0 || len(split) > 0 || len(ambiguous) > 0
	if len(aliases) == 0 {
		r.splitNote(split, where)
		r.ambiguousNote(ambiguous, where)
		return false
	}
	units := map[int]bool{}
	for _, a := range aliases {
		units[m.aliasUnit[a]] = true
	}
	if len(units) > 1 {
		var quoted [2][]string
		for _, a := range aliases {
			code := r.t.units[m.aliasUnit[a]].Code
			quoted[en] = append(quoted[en], fmt.Sprintf("%q (%s)", m.aliasText[a], code))
			quoted[vi] = append(quoted[vi], fmt.Sprintf("%s (%s)", quoteVi(m.aliasText[a]), r.t.units[m.aliasUnit[a]].Name))
		}
		r.why.unitAmbiguous(quoted, where)
		return false
	}
	// The unit's own name, when the citizen wrote it too, before a former
	// unit's.
	slices.SortStableFunc(aliases, func(a, b int) int { return m.aliasFormer[a] - m.aliasFormer[b] })
	a := aliases[0]
	r.d.Unit, r.d.Alias = r.t.units[m.aliasUnit[a]].Code, m.aliasText[a]
	former := ""
	if f := m.aliasFormer[a]; f >= 0 {
		r.d.Former = r.t.formers[f].Code
		former = fmt.Sprintf(": %s (cũ) → %s", r.t.formers[f].Name, r.t.units[m.aliasUnit[a]].Name)
	}
	r.why.unitAlias(r.d.Unit, r.d.Alias, where, former)
	return true
}

// occurrences returns the aliases found in a text: those that name a unit,
// those of former units split among several, and the names several units
// could mean.
func (r *routing) occurrences(tx text) (found, split, ambiguous []occurrence) {
	m := &r.t.match
	m.aliases.find(tx, func(id, start int) {
		o := occurrence{id: id, start: start, end: start + m.aliases.words[id]}
		switch {
		case m.aliasAmbiguous[id] >= 0:
			ambiguous = append(ambiguous, o)
		case m.aliasUnit[id] < 0:
			split = append(split, o)
		default:
			found = append(found, o)
		}
	})
	return found, split, ambiguous
}

// ambiguousNote tells that the names found could mean several units, and
// which: the receiver chooses one with /unit.
func (r *routing) ambiguousNote(ambiguous []int, where int) {
	if len(ambiguous) == 0 {
		return
	}
	m := &r.t.match
	var parts [2][]string
	for _, id := range ambiguous {
		a := r.t.ambiguous[m.aliasAmbiguous[id]]
		codes, names := make([]string, len(a.Units)), make([]string, len(a.Units))
		for i, code := range a.Units {
			codes[i], names[i] = code, r.why.unitVi(code)
		}
		parts[en] = append(parts[en], fmt.Sprintf("place %q%s could be %s", m.aliasText[id], whereAlias[where][en], strings.Join(codes, ", ")))
		parts[vi] = append(parts[vi], fmt.Sprintf("tên %s%s có thể là %s", quoteVi(m.aliasText[id]), whereAlias[where][vi], strings.Join(names, ", ")))
	}
	r.why.unitNote(say(strings.Join(parts[en], ", ")+": no unit, the receiver chooses one (/unit CODE)",
		strings.Join(parts[vi], ", ")+": chưa xác định được địa bàn, người tiếp nhận chọn một"))
}

// splitNote tells that the aliases found name former units split among
// several: no unit.
func (r *routing) splitNote(split []int, where int) {
	if len(split) == 0 {
		return
	}
	m := &r.t.match
	var parts [2][]string
	for _, a := range split {
		alias, former := m.aliasText[a], r.t.formers[m.aliasFormer[a]].Name
		parts[en] = append(parts[en], fmt.Sprintf("alias %q%s names %s (cũ), now split among several units", alias, whereAlias[where][en], former))
		parts[vi] = append(parts[vi], fmt.Sprintf("tên %s%s là %s (cũ), nay đã chia cho nhiều đơn vị", quoteVi(alias), whereAlias[where][vi], former))
	}
	r.why.unitNote(say(strings.Join(parts[en], ", ")+": no unit", strings.Join(parts[vi], ", ")+": không xác định được địa bàn"))
}

// appendNew appends x to list unless it is there.
func appendNew(list []int, x int) []int {
	if slices.Contains(list, x) {
		return list
	}
	return append(list, x)
}
