package intake

import (
	"fmt"
	"strings"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/rules/fold"
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

// absorbedNote tells which agencies an /accept or /assign named by the
// name of an agency a reorganisation merged into another ("/assign Sở
// GTVT" under the 2025 table: Sở Xây dựng), and where each went, so that
// the confirmation says why the report went to another name than the one
// written: "«Sở GTVT»: Sở Giao thông vận tải nay đã hợp nhất vào Sở Xây
// dựng thành phố Cần Thơ (so-xd)". "" when it named none.
func (cr caseRules) absorbedNote(c command.Command) string {
	arg := first(c.Name, c.Code)
	if arg == "" || (c.Action != lifecycle.Assign && c.Action != lifecycle.Accept) {
		return ""
	}
	parts := []string{arg}
	if c.Action == lifecycle.Assign {
		parts = cr.assigneeParts(arg)
	}
	table := cr.routing()
	var notes []string
	for _, part := range parts {
		f := table.FindAgency(part)
		a, ok := table.Agency(f.Code)
		if !ok || f.Absorbed == "" {
			continue
		}
		note := fmt.Sprintf("%s nay đã hợp nhất vào %s (%s)", f.Absorbed, a.Name, a.Code)
		if strings.Join(fold.Words(part), " ") != strings.Join(fold.Words(f.Absorbed), " ") {
			note = fmt.Sprintf("«%s»: %s", part, note)
		}
		notes = append(notes, note)
	}
	return strings.Join(notes, "; ")
}
