package reports

import (
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/routing"
)

// Names come from the routing table in use, else from the built-in table
// of another edition that has the code (a report keeps the codes it was
// routed with, SPEC 6.4); a code no table at hand has is shown as it was
// recorded.

// none names the group of reports without a unit (or field, or agency).
const none = "(chưa xác định)"

func fieldName(t *routing.Table, code string) string {
	if f, ok := t.RecordedField(code); ok {
		return f.Name
	}
	return orNone(code)
}

// unitName capitalises the table's name, written for the middle of a
// sentence ("thành phố Vị Thanh"), to head a row.
func unitName(t *routing.Table, code string) string {
	if u, ok := t.RecordedUnit(code); ok {
		r, size := utf8.DecodeRuneInString(u.Name)
		return string(unicode.ToUpper(r)) + u.Name[size:]
	}
	return orNone(code)
}

func agencyName(t *routing.Table, code string) string {
	if a, ok := t.RecordedAgency(code); ok {
		return a.Name
	}
	return orNone(code)
}

func orNone(code string) string {
	if code == "" {
		return none
	}
	return code
}

func fieldCodes(t *routing.Table) []string {
	var out []string
	for _, f := range t.Fields() {
		out = append(out, f.Code)
	}
	return out
}

func unitCodes(t *routing.Table) []string {
	var out []string
	for _, u := range t.Units() {
		out = append(out, u.Code)
	}
	return out
}

func agencyCodes(t *routing.Table) []string {
	var out []string
	for _, a := range t.Agencies() {
		out = append(out, a.Code)
	}
	return out
}
