package routing

import "strings"

// RecordedUnit returns the unit with the code as a report may have recorded
// it: from this table, else from a built-in table of another edition. A
// report keeps the unit it was routed with (SPEC 6.4), and notices and
// statistics still name it after the table in use has changed.
func (t *Table) RecordedUnit(code string) (Unit, bool) {
	u, _, ok := t.recordedUnit(code)
	return u, ok
}

// RecordedAgency returns the agency with the code, from this table, else
// from a built-in table of another edition (see RecordedUnit).
func (t *Table) RecordedAgency(code string) (Agency, bool) {
	return recorded(t, code, (*Table).Agency)
}

// RecordedField returns the field with the code, from this table, else from
// a built-in table of another edition (see RecordedUnit).
func (t *Table) RecordedField(code string) (Field, bool) {
	return recorded(t, code, (*Table).Field)
}

// UnitLabel names a report's unit in a notice: the unit's name, and, when
// the citizen wrote the name of a former unit that is part of it now, that
// name too, so that citizens learn the new names — "xã Hỏa Lựu (xã Hỏa
// Tiến cũ)", in English "Hỏa Lựu Commune (formerly Hỏa Tiến Commune)"
// (EnglishUnitName). unit and former are the codes the report recorded
// (Decision.Unit and Decision.Former); "" when the unit is unknown.
func (t *Table) UnitLabel(unit, former string, english bool) string {
	u, in, ok := t.recordedUnit(unit)
	if !ok {
		return ""
	}
	name := u.Name
	if english {
		name = EnglishUnitName(name)
	}
	f, ok := in.Former(former)
	switch {
	case !ok || f.Became != u.Code:
		return name
	case english:
		return name + " (formerly " + EnglishUnitName(f.Name) + ")"
	}
	return name + " (" + f.Name + " cũ)"
}

// unitTypesEnglish are the type words that open a Vietnamese unit's name,
// longest first, with the word English writes for them.
var unitTypesEnglish = []struct{ word, english string }{
	{"thành phố ", "City"}, {"thị trấn ", "Township"}, {"thị xã ", "Town"},
	{"phường ", "Ward"}, {"huyện ", "District"}, {"tỉnh ", "Province"}, {"xã ", "Commune"},
}

// EnglishUnitName writes a unit's name as English does, its type word
// after the name ("huyện Vị Thủy" is "Vị Thủy District"), or before a
// number ("phường I" is "Ward I"). A name that opens with no type word is
// returned as it is.
func EnglishUnitName(name string) string {
	lower := strings.ToLower(name)
	for _, t := range unitTypesEnglish {
		if !strings.HasPrefix(lower, t.word) {
			continue
		}
		bare := strings.TrimSpace(name[len(t.word):])
		if bare == "" {
			return name
		}
		if strings.Trim(bare, "0123456789IVXLC") == "" {
			return t.english + " " + bare
		}
		return bare + " " + t.english
	}
	return name
}

// recordedUnit returns the unit and the table that has it.
func (t *Table) recordedUnit(code string) (Unit, *Table, bool) {
	if code == "" {
		return Unit{}, nil, false
	}
	for _, table := range t.withBuiltins() {
		if u, ok := table.Unit(code); ok {
			return u, table, true
		}
	}
	return Unit{}, nil, false
}

func recorded[T any](t *Table, code string, get func(*Table, string) (T, bool)) (T, bool) {
	for _, table := range t.withBuiltins() {
		if v, ok := get(table, code); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// withBuiltins returns t, then the built-in tables of other editions,
// newest first.
func (t *Table) withBuiltins() []*Table {
	out := []*Table{t}
	for i := len(builtinNames) - 1; i >= 0; i-- {
		if b, _ := Builtin(builtinNames[i]); b.edition != t.edition || t.edition == "" && b != t {
			out = append(out, b)
		}
	}
	return out
}
