package intake

import (
	"fmt"
	"slices"
	"strings"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/templates"
)

// named is the code of the agency, field or unit a command names — by its
// code, or by a name or alias that names exactly one entry of the routing
// table (SPEC 7.1) — and, when it names none or several, the refusal to
// give should the lifecycle not know the argument as a code: the entries
// it names, or the closest. A bare /accept names nothing.
func (cr caseRules) named(c command.Command) (string, *lifecycle.Error) {
	arg := first(c.Name, c.Code)
	if arg == "" {
		return "", nil
	}
	table := cr.routing()
	var found routing.Found
	var what string
	var unknown lifecycle.Code
	switch c.Action {
	case lifecycle.Field:
		found, what, unknown = table.FindField(arg), "lĩnh vực", lifecycle.CodeUnknownField
	case lifecycle.Unit:
		found, what, unknown = table.FindUnit(arg), "đơn vị hành chính", lifecycle.CodeUnknownUnit
	default:
		found, what, unknown = table.FindAgency(arg), "cơ quan xử lý", lifecycle.CodeUnknownAgency
	}
	if found.Code != "" {
		return found.Code, nil
	}
	var list []string
	for _, e := range found.Candidates {
		list = append(list, fmt.Sprintf("%s (%s)", e.Name, e.Code))
	}
	cmd := first(command.Written(c.Raw), c.Action.Command())
	var msg string
	switch {
	case found.Several:
		msg = fmt.Sprintf("lệnh %s: «%s» ứng với nhiều %s: %s; hãy ghi mã", cmd, arg, what, strings.Join(list, "; "))
	case len(list) > 0:
		msg = fmt.Sprintf("lệnh %s: không có %s nào có mã hoặc tên «%s»; có phải: %s? Gửi /codes để xem danh mục mã",
			cmd, what, arg, strings.Join(list, "; "))
	default:
		msg = fmt.Sprintf("lệnh %s: không có %s nào có mã hoặc tên «%s»; gửi /codes để xem danh mục mã", cmd, what, arg)
	}
	if c.Action == lifecycle.Assign && strings.HasPrefix(fold.String(arg), "cap ") {
		msg += "; để chuyển cấp, viết liền: /chuyencap ghi chú" // "/chuyển cấp …" read as /chuyen
	}
	return arg, &lifecycle.Error{Code: unknown, Message: msg}
}

// unknownCode reports whether the lifecycle refused a code it does not
// know.
func unknownCode(le *lifecycle.Error) bool {
	switch le.Code {
	case lifecycle.CodeUnknownAgency, lifecycle.CodeUnknownField, lifecycle.CodeUnknownUnit:
		return true
	}
	return false
}

// directory is the answer to /codes (SPEC 7.1): the table's fields, units
// and agencies with their codes, or those matching filter — words of a
// code, name or alias, or of an agency merged into one, compared folded —
// when it is not empty.
func directory(table *routing.Table, filter string) *templates.Directory {
	d := &templates.Directory{Filter: filter}
	keep := func(texts ...string) bool {
		if filter == "" {
			return true
		}
		q := strings.Join(fold.Words(filter), " ")
		return slices.ContainsFunc(texts, func(t string) bool {
			return strings.Contains(" "+strings.Join(fold.Words(t), " ")+" ", " "+q+" ")
		})
	}
	for _, f := range table.Fields() {
		if keep(f.Code, f.Name) {
			d.Fields = append(d.Fields, templates.Code{Code: f.Code, Name: f.Name})
		}
	}
	for _, u := range table.Units() {
		if keep(append([]string{u.Code, u.Name}, u.Aliases...)...) {
			d.Units = append(d.Units, templates.Code{Code: u.Code, Name: u.Name, Aliases: u.Aliases})
		}
	}
	for _, a := range table.Agencies() {
		if keep(append([]string{a.Code, a.Name}, a.Absorbed...)...) {
			d.Agencies = append(d.Agencies, templates.Code{Code: a.Code, Name: a.Name, Absorbed: a.Absorbed})
		}
	}
	return d
}
