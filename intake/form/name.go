package form

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

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
	return signedBesidePhone(lines)
}

// signedBesidePhone finds a name signed without a closing, the way a
// citizen ends a report with their contact: among the last four lines, a
// Vietnamese full name on the line of a phone number ("Lê Văn Tám -
// 0903 456 789") or right above or under it ("Nguyễn Văn An" then "0912
// 345 678").
func signedBesidePhone(lines []string) string {
	var last []string
	for i := len(lines) - 1; i >= 0 && len(last) < 4; i-- {
		if t := strings.TrimSpace(lines[i]); t != "" {
			last = append([]string{t}, last...)
		}
	}
	for i, l := range last {
		if loc := phonePattern.FindStringIndex(l); loc != nil {
			if name := strings.Trim(l[:loc[0]], " -–—,:|/"); vietnameseName(name) {
				return name
			}
			continue
		}
		if !vietnameseName(l) {
			continue
		}
		if i > 0 && Phone(last[i-1]) != "" || i+1 < len(last) && Phone(last[i+1]) != "" {
			return l
		}
	}
	return ""
}

// surnames are the Vietnamese family names, folded: a full name starts
// with one of them.
var surnames = map[string]bool{
	"nguyen": true, "tran": true, "le": true, "pham": true, "hoang": true, "huynh": true, "phan": true, "vu": true,
	"vo": true, "dang": true, "bui": true, "do": true, "ho": true, "ngo": true, "duong": true, "ly": true,
	"dinh": true, "truong": true, "doan": true, "lam": true, "mai": true, "trinh": true, "luong": true, "cao": true,
	"ta": true, "quach": true, "luu": true, "ha": true, "thai": true, "to": true, "chau": true, "tang": true,
	"kieu": true, "la": true, "lai": true, "vuong": true, "giang": true, "tong": true, "thach": true, "danh": true,
	"kim": true, "diep": true, "quan": true, "khuu": true, "hua": true, "chu": true, "ong": true, "mac": true,
	"tieu": true, "son": true, "lieu": true, "nghiem": true, "ton": true, "au": true, "on": true, "trieu": true,
}

// vietnameseName reports a full name: two to five capitalised words, the
// first a Vietnamese family name ("Nguyễn Văn An", not "Ấp Long Hòa").
func vietnameseName(s string) bool {
	words := strings.Fields(s)
	return isName(s) && surnames[fold.String(words[0])]
}

// placeholders are display names that name no one.
var placeholders = map[string]bool{"admin": true, "administrator": true, "user": true, "info": true, "contact": true,
	"support": true, "noreply": true, "no reply": true, "office": true, "mail": true, "test": true, "me": true,
	"unknown": true, "webmaster": true, "guest": true}

// PersonName returns a mail's display name when it can be a person's
// name — one to six words of letters (and digits, ".", "-", "'"), a single
// word capitalised and without digits — and "" for a nickname with emoji
// or symbols ("Bé Heo 🐷"), a placeholder ("admin"), a user name
// ("an.nguyen") or an address: a report's citizen is named by what they
// signed, else by such a display name, else left to the receiver's call.
func PersonName(display string) string {
	display = strings.TrimSpace(display)
	words := strings.Fields(display)
	if len(words) == 0 || len(words) > 6 || placeholders[fold.String(display)] {
		return ""
	}
	letters := false
	for _, w := range words {
		for _, c := range w {
			switch {
			case unicode.IsLetter(c) || unicode.Is(unicode.Mn, c):
				letters = true
			case unicode.IsDigit(c) && len(words) > 1, strings.ContainsRune(".-'’", c):
			default:
				return ""
			}
		}
	}
	if first, _ := utf8.DecodeRuneInString(display); !letters || len(words) == 1 && !unicode.IsUpper(first) {
		return ""
	}
	return display
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
