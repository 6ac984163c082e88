package form

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// SummaryRunes is the most characters a summary holds.
const SummaryRunes = 500

// Summary is what the result notice repeats of a report (SPEC 8.3,
// Appendix II's "Nội dung phản ánh"): the form's "Nội dung" when the text
// gives it, else the text without its greeting ("Kính gửi …,", "Dear …,"),
// its signature (a "-- " block, a closing such as "Trân trọng," and the
// lines under it, a phone's "Sent from …" line) and its contact lines
// (name, phone, address, email, Zalo…); phone numbers and email addresses
// left inside sentences are removed. It is one line of at most
// SummaryRunes characters, cut at a word with " …". It is "" when the text
// holds nothing else.
func Summary(text string) string {
	text = fold.NFC(strings.ReplaceAll(text, "\r\n", "\n"))
	if f := Read(text); f.Labelled && f.Content != "" {
		text = f.Content
	}
	lines := withoutSignature(strings.Split(text, "\n"))
	var kept []string
	for i, line := range lines {
		if i == firstNonBlank(lines) {
			line = withoutGreeting(line)
		}
		if !isContactLine(line) {
			kept = append(kept, line)
		}
	}
	s := strings.Join(strings.Fields(strings.Join(kept, " ")), " ")
	return cutAtWord(tidyPunctuation(withoutContacts(s)), SummaryRunes)
}

// withoutSignature drops a "-- " signature, a phone's "Sent from …" line,
// and a closing with the short lines under it.
func withoutSignature(lines []string) []string {
	for i, l := range lines {
		if t := strings.TrimRight(l, " \t"); t == "--" {
			lines = lines[:i]
			break
		}
	}
	for len(lines) > 0 && (strings.TrimSpace(lines[len(lines)-1]) == "" || mobileLine.MatchString(fold.String(lines[len(lines)-1]))) {
		lines = lines[:len(lines)-1]
	}
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-8; i-- {
		if isClosing(lines[i]) && signatureBlock(lines[i+1:]) {
			return lines[:i]
		}
	}
	return lines
}

// signatureBlock reports lines that can be what follows a closing: at
// most six short ones.
func signatureBlock(lines []string) bool {
	n := 0
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			if n++; n > 6 || utf8.RuneCountInString(t) > 80 {
				return false
			}
		}
	}
	return true
}

var mobileLine = regexp.MustCompile(`^\s*(sent from|get outlook for|gui tu|duoc gui tu)\b`)

func firstNonBlank(lines []string) int {
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			return i
		}
	}
	return -1
}

var greeting = regexp.MustCompile(`^\s*(kinh gui|kinh thua|xin chao|chao|dear|hello|hi|good (morning|afternoon|evening)|to whom it may concern)\b`)

// withoutGreeting removes a greeting from the first line: the whole line
// when it is short, else up to the punctuation that ends the greeting.
func withoutGreeting(line string) string {
	if !greeting.MatchString(fold.String(line)) {
		return line
	}
	if i := strings.IndexAny(line, ",:;!"); i >= 0 && utf8.RuneCountInString(line[:i]) <= 80 {
		return line[i+1:]
	}
	if utf8.RuneCountInString(line) <= 60 {
		return ""
	}
	return line
}

// contactLabels are labels of contact lines that the form does not read.
var contactLabels = []string{"email", "e-mail", "mail", "thu dien tu", "zalo", "facebook", "lien he", "lien lac",
	"hotline", "website", "web", "contact"}

// isContactLine reports a line that gives the citizen's details: a form
// label for them, a contact label, or a phone number or an email address
// with at most two other words or after a label of a few words.
func isContactLine(line string) bool {
	if fl, _, ok := labelLine(line); ok {
		switch fl {
		case fieldName, fieldPhone, fieldAddress, fieldWorkplace, fieldConfidential:
			return true
		}
	}
	if i := strings.IndexAny(line, ":："); i > 0 {
		label := strings.Trim(fold.String(line[:i]), " \t-*•")
		for _, c := range contactLabels {
			if label == c {
				return true
			}
		}
	}
	rest := withoutContacts(line)
	if rest == strings.TrimSpace(line) {
		return false
	}
	n := len(strings.Fields(rest))
	return n <= 2 || n <= 6 && strings.HasSuffix(rest, ":") // "Số điện thoại liên hệ: 0912 345 678"
}

var (
	mailtoPattern  = regexp.MustCompile(`\(?\s*mailto:[^\s)]*\)?`)
	emailPattern   = regexp.MustCompile(`[^\s<>()\[\]"',;:]+@[^\s<>()\[\]"',;:]+\.[\p{L}\d-]{2,}`)
	foreignPhone   = regexp.MustCompile(`\+\d[\d .\-()]{7,}\d`)
	spaceBeforeEnd = regexp.MustCompile(`\s+([,.;:!?)])`)
	emptyParens    = regexp.MustCompile(`\(\s*\)`)
	repeatedPunct  = regexp.MustCompile(`([,;:])(\s*[,;:.])+`)
)

// withoutContacts removes phone numbers and email addresses from s.
func withoutContacts(s string) string {
	s = mailtoPattern.ReplaceAllString(s, "")
	s = emailPattern.ReplaceAllString(s, "")
	s = foreignPhone.ReplaceAllString(s, "")
	var b strings.Builder
	last := 0
	for _, loc := range phonePattern.FindAllStringIndex(s, -1) {
		if loc[0] > 0 && isDigit(s[loc[0]-1]) || loc[1] < len(s) && isDigit(s[loc[1]]) {
			continue
		}
		b.WriteString(s[last:loc[0]])
		last = loc[1]
	}
	b.WriteString(s[last:])
	return strings.TrimSpace(b.String())
}

// tidyPunctuation mends what removing contacts leaves: "gọi , ." and
// "( )".
func tidyPunctuation(s string) string {
	s = emptyParens.ReplaceAllString(s, "")
	s = spaceBeforeEnd.ReplaceAllString(s, "$1")
	s = repeatedPunct.ReplaceAllStringFunc(s, func(m string) string {
		return string(m[len(m)-1])
	})
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimLeft(s, " ,.;:–-")
}

// cutAtWord shortens s to at most max characters, at a word, with " …".
func cutAtWord(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := string([]rune(s)[:max-2])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + " …"
}
