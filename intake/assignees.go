package intake

import (
	"strings"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// assignees reads the agencies an /assign names (SPEC 3, 7.1): the lead,
// which resolves the report and answers for its deadline, then its
// co-agencies — codes or names separated by commas or semicolons ("/assign
// Sở Giao thông vận tải; Điện lực Hậu Giang"), or codes separated by spaces
// ("/assign so-gtvt dien-luc"). A text that names one agency whole is that
// agency alone ("/assign so xay dung"). Each part is read as named reads
// an argument; the refusal is that of the first part that names no agency,
// or several.
func (cr caseRules) assignees(c command.Command) (lead string, co []string, refusal *lifecycle.Error) {
	for i, part := range cr.assigneeParts(first(c.Name, c.Code)) {
		code, why := cr.named(command.Command{Action: c.Action, Name: part})
		if refusal == nil {
			refusal = why
		}
		if i == 0 {
			lead = code
		} else {
			co = append(co, code)
		}
	}
	return lead, co, refusal
}

// assigneeParts splits an /assign's argument into the agencies it names.
func (cr caseRules) assigneeParts(arg string) []string {
	if strings.ContainsAny(arg, ",;") {
		var parts []string
		for _, p := range strings.FieldsFunc(arg, func(r rune) bool { return r == ',' || r == ';' }) {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		return parts
	}
	table := cr.routing()
	words := strings.Fields(arg)
	if len(words) < 2 || table.FindAgency(arg).Code != "" {
		return []string{arg}
	}
	for _, w := range words {
		if _, ok := table.Agency(strings.ToLower(w)); !ok {
			return []string{arg} // a name, or a mistake the refusal names whole
		}
	}
	return words
}
