package routing

import (
	"fmt"
	"strings"
)

// The languages a decision's reasons are told in: English for `phananh
// rules explain` and the logs (Decision.Why), Vietnamese for the Center's
// receivers (Decision.Grounds, the triage notice's "Căn cứ", SPEC 8.4).
const (
	en = iota
	vi
)

// reasons are the parts of a decision's reasons, in the order they are
// told, each in both languages.
type reasons struct {
	declared, rule, unit, agency, urgent [2]string
}

// String joins the parts in one language.
func (w reasons) String(lang int) string {
	var parts []string
	for _, s := range [][2]string{w.declared, w.rule, w.unit, w.agency, w.urgent} {
		if s[lang] != "" {
			parts = append(parts, s[lang])
		}
	}
	return strings.Join(parts, "; ")
}

func say(english, vietnamese string) [2]string { return [2]string{english, vietnamese} }

// quoteVi writes a text the citizen or the table wrote, in Vietnamese
// quotation marks.
func quoteVi(s string) string { return "«" + s + "»" }

func (w *reasons) declaredUnknown(s string) {
	w.declared = say(fmt.Sprintf("declared field %q is no field of the table and is ignored", s),
		fmt.Sprintf("lĩnh vực người phản ánh ghi %s không có trong bảng, không xét", quoteVi(s)))
}

func (w *reasons) declaredIs(s, code string) {
	w.declared = say(fmt.Sprintf("declared field %q is %s", s, code),
		fmt.Sprintf("lĩnh vực người phản ánh ghi %s là %s", quoteVi(s), code))
}

func (w *reasons) declaredAmbiguous(s string, codes []string) {
	w.declared = say(fmt.Sprintf("declared field %q could be %s and is ignored", s, strings.Join(codes, " or ")),
		fmt.Sprintf("lĩnh vực người phản ánh ghi %s có thể là %s nên không xét", quoteVi(s), strings.Join(codes, " hoặc ")))
}

// unitNote adds a step of the search for the unit.
func (w *reasons) unitNote(s [2]string) {
	for lang, then := range []string{", then ", ", sau đó "} {
		if w.unit[lang] != "" {
			w.unit[lang] += then
		}
		w.unit[lang] += s[lang]
	}
}

func (w *reasons) unitGiven(code string) {
	w.unitNote(say(fmt.Sprintf("unit %s as given", code), fmt.Sprintf("địa bàn %s như đã chọn", code)))
}

func (w *reasons) unitUnknown(code string) {
	w.unitNote(say(fmt.Sprintf("unit %q given is not in the table", code), fmt.Sprintf("địa bàn %s đã chọn không có trong bảng", quoteVi(code))))
}

func (w *reasons) unitNone() {
	w.unitNote(say("no unit alias found", "không tìm thấy tên địa bàn nào"))
}

// Where an alias was found: in the subject and content, in the declared
// location or in the declared address.
const (
	inText = iota
	inLocation
	inAddress
)

var whereAlias = [][2]string{inText: {"", ""}, inLocation: {" in the declared location", " trong mục Địa điểm"},
	inAddress: {" in the declared address", " trong mục Địa chỉ"}}

func (w *reasons) unitAmbiguous(quoted [2][]string, where int) {
	w.unitNote(say(fmt.Sprintf("unit left empty: aliases %s%s are equally long", strings.Join(quoted[en], ", "), whereAlias[where][en]),
		fmt.Sprintf("chưa xác định được địa bàn: các tên %s%s dài bằng nhau", strings.Join(quoted[vi], ", "), whereAlias[where][vi])))
}

// unitAlias tells the alias that gave the unit; former, when the alias is
// a former unit's, is ": NAME (cũ) → NEW NAME", the same in both
// languages.
func (w *reasons) unitAlias(code, alias string, where int, former string) {
	w.unitNote(say(fmt.Sprintf("unit %s from alias %q%s%s", code, alias, whereAlias[where][en], former),
		fmt.Sprintf("địa bàn %s theo tên %s%s%s", code, quoteVi(alias), whereAlias[where][vi], former)))
}

// ruleBest tells why a rule won: its keywords and score, and the rules it
// tied with when there were (tied: their ids; specific: the tie went to
// the more specific scope, else to the first of the same agency).
func (w *reasons) ruleBest(keywords []string, rule string, score int, tied string, specific bool) {
	english := fmt.Sprintf("%s %s the best score, %d", quoteScored(keywords), rule, score)
	vietnamese := fmt.Sprintf("%s: quy tắc %s có điểm cao nhất, %d", quoteScoredVi(keywords), rule, score)
	if tied != "" {
		if specific {
			english += fmt.Sprintf(", tied with %s (its scope is more specific)", tied)
			vietnamese += fmt.Sprintf(", bằng điểm với %s (chọn quy tắc có phạm vi hẹp hơn)", tied)
		} else {
			english += fmt.Sprintf(", tied with %s (same agency, first in the table)", tied)
			vietnamese += fmt.Sprintf(", bằng điểm với %s (cùng cơ quan xử lý, chọn quy tắc đứng trước trong bảng)", tied)
		}
	}
	w.rule = say(english, vietnamese)
}

// ruleTie tells that rules of different agencies tied: parts are "ID
// (agency)".
func (w *reasons) ruleTie(parts []string, score int) {
	w.rule = say(fmt.Sprintf("%s tie at score %d: the Center decides", strings.Join(parts, " and "), score),
		fmt.Sprintf("%s bằng điểm (%d) mà khác cơ quan xử lý: Trung tâm quyết định", strings.Join(parts, " và "), score))
}

func (w *reasons) ruleDefault(field, rule string) {
	w.rule = say(fmt.Sprintf("no keyword of field %s found: its rule %s applies", field, rule),
		fmt.Sprintf("không có từ khóa nào của lĩnh vực %s: áp dụng quy tắc %s của lĩnh vực này", field, rule))
}

func (w *reasons) ruleNoneOfField(field string) {
	w.rule = say(fmt.Sprintf("no keyword of field %s found and no rule of it fits: the Center decides", field),
		fmt.Sprintf("không có từ khóa nào của lĩnh vực %s và không quy tắc nào của lĩnh vực này phù hợp: Trung tâm quyết định", field))
}

func (w *reasons) ruleNone(field string) {
	w.rule = say(fmt.Sprintf("no keyword of any rule found: field %s, the Center decides", field),
		fmt.Sprintf("không tìm thấy từ khóa của quy tắc nào: lĩnh vực %s, Trung tâm quyết định", field))
}

func (w *reasons) eachUnitWithoutUnit() {
	w.agency = say("an each-unit rule without a unit: the Center decides",
		"quy tắc theo từng địa bàn nhưng chưa xác định được địa bàn: Trung tâm quyết định")
}

func (w *reasons) eachUnitCommittee(agency, unit string) {
	w.agency = say(fmt.Sprintf("agency %s, the committee of %s", agency, unit),
		fmt.Sprintf("cơ quan xử lý %s, Ủy ban nhân dân của địa bàn %s", agency, unit))
}

func (w *reasons) urgentHits(hits []string) {
	en, vi := make([]string, len(hits)), make([]string, len(hits))
	for i, h := range hits {
		en[i], vi[i] = fmt.Sprintf("%q", h), quoteVi(h)
	}
	w.urgent = say("urgent: "+strings.Join(en, ", "), "khẩn cấp: "+strings.Join(vi, ", "))
}

// quoteScored writes keywords with their length in words:
// "mất điện" (2), "cúp điện" (2).
func quoteScored(keywords []string) string {
	parts := make([]string, len(keywords))
	for i, k := range keywords {
		parts[i] = fmt.Sprintf("%q (%d)", k, len(words(k)))
	}
	if len(parts) == 1 {
		return "keyword " + parts[0] + " gives"
	}
	return "keywords " + strings.Join(parts, ", ") + " give"
}

// quoteScoredVi is quoteScored in Vietnamese: từ khóa «mất điện» (2 từ).
func quoteScoredVi(keywords []string) string {
	parts := make([]string, len(keywords))
	for i, k := range keywords {
		parts[i] = fmt.Sprintf("%s (%d từ)", quoteVi(k), len(words(k)))
	}
	return "từ khóa " + strings.Join(parts, ", ")
}
