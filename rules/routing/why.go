package routing

import (
	"fmt"
	"strconv"
	"strings"

	"haugiang.gov.vn/phananh/rules/fold"
)

// The languages a decision's reasons are told in: English for `phananh
// rules explain` and the logs (Decision.Why), Vietnamese for the Center's
// receivers (Decision.Grounds, the triage notice's "Căn cứ", SPEC 8.4).
const (
	en = iota
	vi
)

// reasons are the parts of a decision's reasons, in the order they are
// told, each in both languages. The English names the table's entries by
// their codes and rule ids; the Vietnamese, which the receivers read, by
// their names ("quy tắc lĩnh vực Điện (mọi địa bàn)", "địa bàn huyện Vị
// Thủy"), the codes being on the notice's lines above.
type reasons struct {
	t                                    *Table
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
	vi := fmt.Sprintf("lĩnh vực người phản ánh ghi %s", quoteVi(s))
	if f, ok := w.t.Field(code); !ok || !strings.EqualFold(fold.Tone(strings.TrimSpace(s)), fold.Tone(f.Name)) {
		vi += " là " + w.fieldVi(code)
	}
	w.declared = say(fmt.Sprintf("declared field %q is %s", s, code), vi)
}

func (w *reasons) declaredAmbiguous(s string, codes []string) {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = w.fieldVi(c)
	}
	w.declared = say(fmt.Sprintf("declared field %q could be %s and is ignored", s, strings.Join(codes, " or ")),
		fmt.Sprintf("lĩnh vực người phản ánh ghi %s có thể là %s nên không xét", quoteVi(s), strings.Join(names, " hoặc ")))
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
	w.unitNote(say(fmt.Sprintf("unit %s as given", code), fmt.Sprintf("địa bàn %s như đã chọn", w.unitVi(code))))
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
	name := w.unitVi(code) + " "
	if strings.EqualFold(fold.Tone(alias), fold.Tone(name[:len(name)-1])) {
		name = ""
	}
	// Joined rather than formatted: every report routed to a unit by
	// its name says so.
	w.unitNote(say("unit "+code+" from alias "+strconv.Quote(alias)+whereAlias[where][en]+former,
		"địa bàn "+name+"theo tên "+quoteVi(alias)+whereAlias[where][vi]+former))
}

// ruleBest tells why a rule won: its keywords and score, and the rules it
// tied with when there were (tied: their ids; specific: the tie went to
// the more specific scope, else to the first of the same agency).
func (w *reasons) ruleBest(keywords []string, lengths []int, rule string, score int, tied []string, specific bool) {
	english := quoteScored(keywords, lengths) + " " + rule + " the best score, " + strconv.Itoa(score)
	vietnamese := quoteScoredVi(keywords, lengths) + ": " + w.ruleVi(rule) + " có điểm cao nhất, " + strconv.Itoa(score)
	if len(tied) > 0 {
		others := make([]string, len(tied))
		for i, id := range tied {
			others[i] = w.ruleVi(id)
		}
		if specific {
			english += fmt.Sprintf(", tied with %s (its scope is more specific)", strings.Join(tied, ", "))
			vietnamese += fmt.Sprintf(", bằng điểm với %s (chọn quy tắc có phạm vi hẹp hơn)", strings.Join(others, ", "))
		} else {
			english += fmt.Sprintf(", tied with %s (same agency, first in the table)", strings.Join(tied, ", "))
			vietnamese += fmt.Sprintf(", bằng điểm với %s (cùng cơ quan xử lý, chọn quy tắc đứng trước trong bảng)", strings.Join(others, ", "))
		}
	}
	w.rule = say(english, vietnamese)
}

// ruleTie tells that rules of different agencies tied: rules are their
// ids, agencies the agency each sends the report to.
func (w *reasons) ruleTie(rules, agencies []string, score int) {
	en, vi := make([]string, len(rules)), make([]string, len(rules))
	for i := range rules {
		en[i] = fmt.Sprintf("%s (%s)", rules[i], agencies[i])
		vi[i] = fmt.Sprintf("%s, chuyển %s", w.ruleVi(rules[i]), w.agencyVi(agencies[i]))
	}
	w.rule = say(fmt.Sprintf("%s tie at score %d: the Center decides", strings.Join(en, " and "), score),
		fmt.Sprintf("các quy tắc cùng %d điểm nhưng khác cơ quan xử lý (%s): Trung tâm quyết định", score, strings.Join(vi, "; ")))
}

func (w *reasons) ruleDefault(field, rule string) {
	w.rule = say(fmt.Sprintf("no keyword of field %s found: its rule %s applies", field, rule),
		fmt.Sprintf("không có từ khóa nào của %s: áp dụng %s", w.fieldVi(field), w.ruleVi(rule)))
}

func (w *reasons) ruleNoneOfField(field string) {
	w.rule = say(fmt.Sprintf("no keyword of field %s found and no rule of it fits: the Center decides", field),
		fmt.Sprintf("không có từ khóa nào của %s và không quy tắc nào của lĩnh vực này phù hợp: Trung tâm quyết định", w.fieldVi(field)))
}

func (w *reasons) ruleNone(field string) {
	w.rule = say(fmt.Sprintf("no keyword of any rule found: field %s, the Center decides", field),
		fmt.Sprintf("không tìm thấy từ khóa của quy tắc nào: %s, Trung tâm quyết định", w.fieldVi(field)))
}

func (w *reasons) eachUnitWithoutUnit() {
	w.agency = say("an each-unit rule without a unit: the Center decides",
		"quy tắc theo từng địa bàn nhưng chưa xác định được địa bàn: Trung tâm quyết định")
}

func (w *reasons) eachUnitCommittee(agency, unit string) {
	w.agency = say(fmt.Sprintf("agency %s, the committee of %s", agency, unit),
		fmt.Sprintf("cơ quan xử lý theo địa bàn: %s", w.agencyVi(agency)))
}

func (w *reasons) urgentHits(hits []string) {
	en, vi := make([]string, len(hits)), make([]string, len(hits))
	for i, h := range hits {
		en[i], vi[i] = fmt.Sprintf("%q", h), quoteVi(h)
	}
	w.urgent = say("urgent: "+strings.Join(en, ", "), "khẩn cấp: "+strings.Join(vi, ", "))
}

// agencyAbsorbed tells the agencies a reorganisation merged into the one
// chosen.
func (w *reasons) agencyAbsorbed(a Agency) {
	w.agency = say(fmt.Sprintf("agency %s absorbed %s", a.Code, strings.Join(a.Absorbed, ", ")),
		fmt.Sprintf("%s đã hợp nhất %s", a.Name, strings.Join(a.Absorbed, ", ")))
}

// fieldVi names a field for the receivers: "lĩnh vực Điện".
func (w *reasons) fieldVi(code string) string {
	if f, ok := w.t.Field(code); ok {
		return "lĩnh vực " + f.Name
	}
	return "lĩnh vực " + code
}

// unitVi names a unit for the receivers: "huyện Vị Thủy".
func (w *reasons) unitVi(code string) string {
	if u, ok := w.t.Unit(code); ok {
		return u.Name
	}
	return code
}

// agencyVi names an agency for the receivers.
func (w *reasons) agencyVi(code string) string {
	if a, ok := w.t.Agency(code); ok {
		return a.Name
	}
	return code
}

// ruleVi names a rule (its id is FIELD/SCOPE) for the receivers, by its
// field and where it applies: "quy tắc lĩnh vực Điện (mọi địa bàn)",
// "quy tắc lĩnh vực Trật tự đô thị (theo từng địa bàn)", "quy tắc lĩnh
// vực Điện (huyện Vị Thủy)".
func (w *reasons) ruleVi(id string) string {
	field, scope, _ := strings.Cut(id, "/")
	where := w.unitVi(scope)
	switch scope {
	case ScopeProvince:
		where = "mọi địa bàn"
	case ScopeEachUnit:
		where = "theo từng địa bàn"
	}
	return fmt.Sprintf("quy tắc %s (%s)", w.fieldVi(field), where)
}

// quoteScored writes keywords with their lengths in words:
// "mất điện" (2), "cúp điện" (2).
func quoteScored(keywords []string, lengths []int) string {
	parts := make([]string, len(keywords))
	for i, k := range keywords {
		parts[i] = strconv.Quote(k) + " (" + strconv.Itoa(lengths[i]) + ")"
	}
	if len(parts) == 1 {
		return "keyword " + parts[0] + " gives"
	}
	return "keywords " + strings.Join(parts, ", ") + " give"
}

// quoteScoredVi is quoteScored in Vietnamese: từ khóa «mất điện» (2 từ).
func quoteScoredVi(keywords []string, lengths []int) string {
	parts := make([]string, len(keywords))
	for i, k := range keywords {
		parts[i] = quoteVi(k) + " (" + strconv.Itoa(lengths[i]) + " từ)"
	}
	return "từ khóa " + strings.Join(parts, ", ")
}
