// Package form reads the citizen's report form (SPEC 4.4–4.5) out of the
// text of a message: labelled fields when the citizen filled in the form
// the acknowledgement shows, and otherwise what free text and the
// signature still tell (a phone number, a signature name, a request to
// stay anonymous). Summary makes the report's summary that the result
// notice repeats (SPEC 8.3).
package form

import (
	"strings"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Form is what a report's text says about the citizen and the incident.
type Form struct {
	Name, Phone, Address, Workplace string
	Field, Location, Time, Content  string
	// Confidential is set by "Giữ bí mật: có" or, when the form gives no
	// answer, a request in free text to stay anonymous ("giấu tên", "giữ
	// bí mật", "không công khai") that nothing negates (see confidential).
	Confidential bool
	// Labelled is set when the text used the form: two labels or more.
	Labelled bool
	// Dated is set when the text says when the event happened, with or
	// without the form's label: a date or an hour (MentionsTime).
	Dated bool
}

// Missing lists, as stable codes, what a report needs and the text lacks
// (SPEC 4.5): "name", "phone", "address", "content", "location", and
// "time" when the text says nothing of when the event happened (Art 6.2).
func (f Form) Missing() []string {
	var out []string
	for _, c := range []struct {
		code, value string
	}{{"name", f.Name}, {"phone", f.Phone}, {"address", f.Address}, {"content", f.Content}, {"location", f.Location}} {
		if strings.TrimSpace(c.value) == "" {
			out = append(out, c.code)
		}
	}
	if strings.TrimSpace(f.Time) == "" && !f.Dated {
		out = append(out, "time")
	}
	return out
}

// field names a form field.
type field int

const (
	fieldNone field = iota
	fieldName
	fieldPhone
	fieldAddress
	fieldWorkplace
	fieldField
	fieldLocation
	fieldTime
	fieldContent
	fieldConfidential
)

// labels maps each label, folded (lower case, no diacritics), to its field.
var labels = map[string]field{
	"ho ten": fieldName, "ho va ten": fieldName, "ten": fieldName, "ho & ten": fieldName, "ten nguoi phan anh": fieldName,
	"nguoi phan anh": fieldName, "name": fieldName, "full name": fieldName, "your name": fieldName,
	"so dien thoai": fieldPhone, "sdt": fieldPhone, "dien thoai": fieldPhone, "dt": fieldPhone, "so dt": fieldPhone,
	"dtdd": fieldPhone, "di dong": fieldPhone, "so di dong": fieldPhone, "dien thoai lien he": fieldPhone,
	"phone": fieldPhone, "phone number": fieldPhone, "tel": fieldPhone, "mobile": fieldPhone,
	"dia chi": fieldAddress, "dia chi lien he": fieldAddress, "dia chi thuong tru": fieldAddress, "noi o": fieldAddress,
	"address":      fieldAddress,
	"noi lam viec": fieldWorkplace, "co quan": fieldWorkplace, "co quan cong tac": fieldWorkplace,
	"don vi cong tac": fieldWorkplace, "workplace": fieldWorkplace,
	"linh vuc": fieldField, "field": fieldField, "category": fieldField,
	"dia diem": fieldLocation, "vi tri": fieldLocation, "noi xay ra": fieldLocation, "dia diem xay ra": fieldLocation,
	"noi xay ra su viec": fieldLocation, "location": fieldLocation, "place": fieldLocation,
	"thoi gian": fieldTime, "thoi gian xay ra": fieldTime, "thoi diem": fieldTime, "time": fieldTime, "when": fieldTime,
	"noi dung": fieldContent, "noi dung phan anh": fieldContent, "mo ta": fieldContent, "content": fieldContent,
	"description": fieldContent, "details": fieldContent,
	"giu bi mat": fieldConfidential, "bao mat": fieldConfidential, "giu bi mat thong tin": fieldConfidential,
	"an danh": fieldConfidential, "confidential": fieldConfidential, "giau ten": fieldConfidential,
	"keep my identity confidential": fieldConfidential, "keep my name confidential": fieldConfidential,
}

// Read reads a report's text. Labels are matched with or without
// diacritics, in any case, with their synonyms, at the start of a line
// (after a bullet or number) and before a colon; a value runs on over the
// following lines up to the next label. Without labels the whole text is
// the content. Either way a phone number is normalised to its 0… form, a
// missing phone is looked for in the text, a missing name in a "Tôi tên
// là …" phrase or the signature, and an anonymity request flags the form
// confidential.
func Read(text string) Form {
	text = fold.NFC(strings.ReplaceAll(text, "\r\n", "\n"))
	var (
		f       Form
		values  = map[field][]string{}
		current = fieldNone
		free    []string // lines that belong to no label
		found   = map[field]bool{}
	)
	lines := strings.Split(text, "\n")
	labs := readLabels(lines)
	for i, line := range lines {
		if fl, value := labs[i].field, labs[i].value; fl != fieldNone {
			current = fl
			found[fl] = true
			values[fl] = append(values[fl], value)
			continue
		}
		if current != fieldNone {
			values[current] = append(values[current], line)
			continue
		}
		free = append(free, line)
	}
	f.Labelled = len(found) >= 2
	if !f.Labelled {
		return freeText(text, lines, labs)
	}
	get := func(fl field) string { return strings.TrimSpace(strings.Join(values[fl], "\n")) }
	f.Name, f.Address, f.Workplace = oneLine(get(fieldName)), get(fieldAddress), get(fieldWorkplace)
	f.Field, f.Location, f.Time, f.Content = get(fieldField), get(fieldLocation), get(fieldTime), get(fieldContent)
	f.Phone = oneLine(get(fieldPhone))
	if p := Phone(f.Phone); p != "" {
		f.Phone = p
	} else if !strings.ContainsAny(f.Phone, "0123456789") {
		f.Phone = "" // "SĐT: không có" gives no number to call
	}
	if f.Content == "" {
		f.Content = strings.TrimSpace(strings.Join(free, "\n"))
	}
	f.Confidential = confidentialLines(lines, labs)
	f.Dated = MentionsTime(text)
	if f.Phone == "" {
		f.Phone = Phone(text)
	}
	if f.Name == "" {
		f.Name = nameInText(text)
	}
	return f
}

// freeText reads a text without a form, of lines whose labels are labs.
func freeText(text string, lines []string, labs []labelled) Form {
	return Form{
		Content:      strings.TrimSpace(text),
		Phone:        Phone(text),
		Name:         nameInText(text),
		Confidential: confidentialLines(lines, labs),
		Dated:        MentionsTime(text),
	}
}

// labelled is what labelLine read of a line: the field of the label it
// starts with (fieldNone without one) and the value after the colon.
type labelled struct {
	field field
	value string
}

// readLabels reads the label each line starts with, once for the form's
// fields and its request to stay anonymous both.
func readLabels(lines []string) []labelled {
	labs := make([]labelled, len(lines))
	for i, line := range lines {
		if fl, value, ok := labelLine(line); ok {
			labs[i] = labelled{field: fl, value: value}
		}
	}
	return labs
}

// labelLine reports whether line starts with a label and a colon, and
// returns the field and the value after the colon.
func labelLine(line string) (field, string, bool) {
	i := strings.IndexAny(line, ":：")
	if i <= 0 || i > 60 {
		return fieldNone, "", false
	}
	label := fold.String(line[:i])
	label = strings.TrimLeft(label, " \t-*•+·.)(0123456789")
	if j := strings.IndexByte(label, '('); j > 0 {
		label = label[:j] // "Số điện thoại (bắt buộc)"
	}
	if label = strings.Trim(label, " \t*_"); !singleSpaced(label) {
		label = strings.Join(strings.Fields(label), " ")
	}
	fl, ok := labels[label]
	if !ok {
		return fieldNone, "", false
	}
	_, size := firstRune(line[i:])
	return fl, strings.TrimSpace(line[i+size:]), true
}

// singleSpaced reports whether s is ASCII, its words one space apart and
// no space at either end: its words joined by one space are s, and
// labelLine need not split and join it.
func singleSpaced(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '):
			return false
		}
	}
	return true
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// oneLine joins a multi-line value into one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
