package form

import (
	"regexp"
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/rules/fold"
)

// closings are the folded words a letter ends with before the signature.
var closings = []string{"tran trong", "kinh thu", "cam on", "xin cam on", "chan thanh cam on", "than ai", "kinh chao",
	"thanks", "thank you", "regards", "best regards", "kind regards", "sincerely", "best"}

var selfIntro = regexp.MustCompile(`(?i:tôi tên là|tên tôi là|tôi là|toi ten la|ten toi la|toi la|my name is|i am)\s+(\p{Lu}\p{L}*(?:\s+\p{Lu}\p{L}*){1,4})`)

// nameInText finds the citizen's name in free text: a "Tôi tên là …" (or
// "My name is …") phrase, or the signature, a short line of capitalised
// words after a closing ("Trân trọng", "Cảm ơn", "Regards", …) at the end
// of the text.
func nameInText(text string) string {
	if m := selfIntro.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	start := max(0, len(lines)-6)
	for i := start; i < len(lines); i++ {
		if !isClosing(lines[i]) {
			continue
		}
		for _, l := range lines[i+1:] {
			if t := strings.TrimSpace(l); t != "" {
				if isName(t) {
					return t
				}
				break
			}
		}
	}
	return ""
}

// isClosing reports a closing line ("Trân trọng,", "Xin cảm ơn!").
func isClosing(line string) bool {
	f := strings.Trim(fold.String(strings.TrimSpace(line)), " ,.!")
	for _, c := range closings {
		if f == c || strings.HasPrefix(f, c+" ") && len(f) < len(c)+25 {
			return true
		}
	}
	return false
}

// isName reports a short line of two to five capitalised words without
// digits or an address.
func isName(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 || len(s) > 60 {
		return false
	}
	for _, w := range words {
		r := []rune(w)
		if !unicode.IsUpper(r[0]) {
			return false
		}
		for _, c := range r {
			if !unicode.IsLetter(c) && c != '.' {
				return false
			}
		}
	}
	return true
}

// WithSignature fills what the form lacks — name, phone, address — from
// the signature a mail client put under "-- " (SPEC 4.4), which is cut
// from the text the form is read from: a labelled line there ("ĐT: …",
// "Địa chỉ: …"), a phone number anywhere in it, and a name on one of its
// first lines.
func (f Form) WithSignature(signature string) Form {
	if strings.TrimSpace(signature) == "" {
		return f
	}
	s := Read(signature)
	if f.Phone == "" {
		f.Phone = s.Phone
	}
	if f.Name == "" {
		f.Name = s.Name
	}
	if f.Name == "" {
		f.Name = signatureName(signature)
	}
	if f.Address == "" {
		for _, line := range strings.Split(signature, "\n") {
			if fl, value, ok := labelLine(line); ok && fl == fieldAddress && value != "" {
				f.Address = value
				break
			}
		}
	}
	return f
}

// signatureName returns the name a signature starts with: the first of its
// first three lines that reads as a name, after a closing if there is one.
func signatureName(signature string) string {
	n := 0
	for _, line := range strings.Split(signature, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || isClosing(t) {
			continue
		}
		if isName(t) {
			return t
		}
		if n++; n == 3 {
			break
		}
	}
	return ""
}
