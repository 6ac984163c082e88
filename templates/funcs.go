package templates

import (
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// funcs are the helpers every template may call, in its language.
func (s *Set) funcs(lang string) map[string]any {
	b := s.bodies
	center := b.Center
	if lang == English {
		center = b.CenterEnglish
	}
	sheet := cheatsheet{b}
	return map[string]any{
		// The bodies the mail names (routing.Bodies).
		"center":         func() string { return center },
		"centerShort":    func() string { return b.CenterShort },
		"area":           func() string { return b.Area },
		"committee":      b.Committee,
		"escalationBody": func() string { return b.Escalation },
		"lang":           func() string { return lang }, // the HTML's lang
		"upper":          strings.ToUpper,
		"when":           func(t time.Time) string { return when(lang, t) },
		"item":           func(code string) string { return item(lang, code) },
		"items":          func(codes []string) string { return items(lang, codes) },
		"size":           func(n int64) string { return Size(lang, n) },
		"join":           strings.Join,
		"inc":            func(i int) int { return i + 1 },
		"month":          month,
		"the":            func(name string) string { return article("the", name) },
		"The":            func(name string) string { return article("The", name) },
		// A field someone else wrote, in a staff notice: on its label's
		// line when it is one line, else under it behind the mark
		// (Reproduced), the "value" partial.
		"multiline": func(s string) bool { return strings.ContainsAny(s, "\r\n") },
		"mark":      func(s string) Reproduced { return Reproduced(s) },
		// The cheat sheet of the commands a reader can use.
		"cheatsheet":  sheet.text,
		"commandRows": sheet.rows,
		"codeTable":   codeTable,
		"has":         func(list []string, s string) bool { return slices.Contains(list, s) },
		// cid is the source of an image the mail carries inline: the
		// Content-ID is ours (intake makes it), never text received.
		"cid": func(id string) htmltemplate.URL { return htmltemplate.URL("cid:" + id) },
	}
}

// when formats an instant in Vietnam's time, the way each language writes
// it: "08:30 ngày 23/11/2026", "08:30 on 23 November 2026".
func when(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(calendar.Vietnam)
	if lang == English {
		return t.Format("15:04 on 2 January 2006")
	}
	return t.Format("15:04 ngày 02/01/2006")
}

// article puts "the" (or "The", at the start of a sentence) before an
// agency's name in running English text: the routing table's English names
// (name_en) are written bare, as a label or a list shows them ("Agency:
// Hậu Giang Power Company"), and every one of them — a department, a
// People's Committee, a company, the police — takes the article in a
// sentence ("passed to the Hậu Giang Power Company"). A name that already
// starts with it keeps it once.
func article(the, name string) string {
	if name == "" || strings.HasPrefix(strings.ToLower(name), "the ") {
		return name
	}
	return the + " " + name
}

// month writes a month given as YYYY-MM the way Vietnamese mail writes
// it, "12/2026"; anything else as it is.
func month(s string) string {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return s
	}
	return t.Format("01/2006")
}

// itemNames name the items of the citizen form (SPEC 4.4) by the codes the
// form reader uses for missing items.
var itemNames = map[string][2]string{
	"name":      {"họ tên", "your name"},
	"phone":     {"số điện thoại", "your phone number"},
	"address":   {"địa chỉ", "your address"},
	"content":   {"nội dung phản ánh", "a description of the problem"},
	"location":  {"địa điểm xảy ra", "where the problem is"},
	"workplace": {"nơi làm việc", "your workplace"},
	"time":      {"thời gian xảy ra", "when it happened"},
}

func item(lang, code string) string {
	n, ok := itemNames[code]
	if !ok {
		return code
	}
	if lang == English {
		return n[1]
	}
	return n[0]
}

// items names form items as a list: "họ tên, số điện thoại" in
// Vietnamese; "your name, your phone number or your address" in English,
// whose sentences say what a report does not include.
func items(lang string, codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = item(lang, c)
	}
	if lang == English && len(names) > 1 {
		return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	return strings.Join(names, ", ")
}

// Size writes a byte count for people in lang: "850 KB", "12,4 MB" in
// Vietnamese, whose decimal mark is a comma (a dot groups thousands),
// "12.4 MB" in English.
func Size(lang string, n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	s := fmt.Sprintf("%.1f MB", float64(n)/1e6)
	if lang != English {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
