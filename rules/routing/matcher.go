package routing

import (
	"slices"
	"strings"
)

// matcher is a table compiled for routing: every keyword, alias and field
// name is in a phraseSet, so that a report is read once whatever the size of
// the table, and only the rules whose keywords occur in it are scored.
type matcher struct {
	keywords     phraseSet
	keywordRules [][]int // keyword phrase → the rules that list it
	ruleKeywords [][]int // rule → its keyword phrases, in the order of Rule.allKeywords
	fieldUrgent  [][]int // field → its urgent keyword phrases, in Field.Urgent's order
	fieldRules   [][]int // field → its rules
	ruleField    []int   // rule → its field
	rank         []int   // rule → specificity: "*" 0, each-unit 1, a unit 2 + its depth

	aliases        phraseSet
	aliasUnit      []int    // alias phrase → unit, -1 for a former unit split among several or an ambiguous name
	aliasFormer    []int    // alias phrase → former unit, -1 for a unit's own alias or an ambiguous name
	aliasAmbiguous []int    // alias phrase → ambiguous name, -1 for an alias
	aliasText      []string // alias phrase → as the table writes it

	fieldNames  phraseSet
	fieldByName [][]int // name phrase → the fields it names
}

func compile(t *Table) matcher {
	var m matcher
	keyword := func(k string) int {
		id, _ := m.keywords.addText(k) // the loader refuses a keyword without words
		for len(m.keywordRules) <= id {
			m.keywordRules = append(m.keywordRules, nil)
		}
		return id
	}
	m.fieldRules = make([][]int, len(t.fields))
	for i, r := range t.rules {
		ids := make([]int, len(r.Keywords)+len(r.EnglishKeywords))
		for j, k := range r.allKeywords() {
			ids[j] = keyword(k)
			m.keywordRules[ids[j]] = append(m.keywordRules[ids[j]], i)
		}
		m.ruleKeywords = append(m.ruleKeywords, ids)
		f := t.fieldIndex[r.Field]
		m.ruleField = append(m.ruleField, f)
		m.fieldRules[f] = append(m.fieldRules[f], i)
		m.rank = append(m.rank, rank(t, r.Scope))
	}
	for _, f := range t.fields {
		ids := make([]int, len(f.Urgent))
		for j, k := range f.Urgent {
			ids[j] = keyword(k)
		}
		m.fieldUrgent = append(m.fieldUrgent, ids)
	}
	alias := func(a string, unit, former, ambiguous int) {
		if id, _ := m.aliases.addText(a); id == len(m.aliasUnit) {
			m.aliasUnit = append(m.aliasUnit, unit)
			m.aliasFormer = append(m.aliasFormer, former)
			m.aliasAmbiguous = append(m.aliasAmbiguous, ambiguous)
			m.aliasText = append(m.aliasText, a)
		}
	}
	for i, u := range t.units {
		for _, a := range append([]string{u.Name}, u.Aliases...) {
			alias(a, i, -1, -1)
		}
	}
	for i, a := range t.ambiguous {
		alias(a.Name, -1, -1, i)
	}
	for i, f := range t.formers {
		unit := -1
		if f.Became != "" {
			unit = t.unitIndex[f.Became]
		}
		for _, a := range f.Aliases {
			alias(a, unit, i, -1)
		}
	}
	for i, f := range t.fields {
		names := append([]string{f.Code, f.Name}, strings.Split(f.Name, ",")...)
		if f.English != "" {
			names = append(append(names, f.English), strings.Split(f.English, ",")...)
		}
		for _, n := range names {
			id, ok := m.fieldNames.addText(n)
			if !ok {
				continue
			}
			for len(m.fieldByName) <= id {
				m.fieldByName = append(m.fieldByName, nil)
			}
			if !slices.Contains(m.fieldByName[id], i) {
				m.fieldByName[id] = append(m.fieldByName[id], i)
			}
		}
	}
	return m
}

// rank orders scopes by specificity, for ties: a rule for one unit beats an
// each-unit rule, which beats a rule for the whole province; a rule for a
// unit beats one for the unit above it.
func rank(t *Table, scope string) int {
	switch scope {
	case ScopeProvince:
		return 0
	case ScopeEachUnit:
		return 1
	}
	depth := 0
	for i := t.unitIndex[scope]; t.units[i].Parent != "" && depth < len(t.units); depth++ {
		i = t.unitIndex[t.units[i].Parent]
	}
	return 2 + depth
}

// found is the set of keyword phrases that occur in a report.
type found []int

// findKeywords returns the keyword phrases that occur in any of the texts,
// each once, sorted.
func (m *matcher) findKeywords(texts ...text) found {
	var ids found
	for _, t := range texts {
		m.keywords.find(t, func(id, _ int) { ids = append(ids, id) })
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func (f found) has(id int) bool {
	_, ok := slices.BinarySearch(f, id)
	return ok
}

// allKeywords returns the rule's keywords, in Vietnamese then in English.
func (r Rule) allKeywords() []string {
	return append(slices.Clone(r.Keywords), r.EnglishKeywords...)
}
