package command

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// ownLines returns how many of the lines, from the top, the operator wrote
// in this reply: the lines before quoted history, an attribution, an
// original or forwarded message block, a block of mail headers, one of our
// notices copied unquoted (noticeStart), or a signature; the last closing ("Trân trọng", "Best regards") or official
// sign-off ("TM. ỦY BAN NHÂN DÂN") and the lines
// under it go too, when no command follows and at most a signature's worth
// of lines (maxSignatureLines) does. The pipeline already cuts these
// (parse.Message.NewText); this is the second line of defence, since a
// command read from quoted history — our own notices list the commands —
// would act on a report.
func ownLines(lines []string) int {
	end := len(lines)
	for i := range lines {
		if startsHistory(lines, i) {
			end = i
			break
		}
	}
	end = min(end, noticeStart(lines))
	lastCommand := -1
	for i := range end {
		if isCommandLine(lines[i]) {
			lastCommand = i
		}
	}
	for i := end - 1; i > lastCommand; i-- {
		if isClosing(lines[i]) || isSignOff(lines[i]) {
			if !signatureBlock(lines[i+1 : end]) {
				break
			}
			for i-1 > lastCommand && (isSignOff(lines[i-1]) || isClosing(lines[i-1])) { // "TM. …" above "KT. …"
				i--
			}
			return i
		}
	}
	return end
}

// signatureBlock reports whether lines, under a closing, can be a
// signature: at most maxSignatureLines short lines — a name, a title, a
// service, its address, telephone, fax, email and website.
func signatureBlock(lines []string) bool {
	n := 0
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			if n++; n > maxSignatureLines || utf8.RuneCountInString(t) > maxSignatureWidth {
				return false
			}
		}
	}
	return true
}

// maxSignatureLines and maxSignatureWidth bound what a closing may have
// under it to be taken, with it, for the end of a letter.
const (
	maxSignatureLines = 10
	maxSignatureWidth = 100
)

// signOff is the first line of an official signature block: "TM. ỦY BAN
// NHÂN DÂN" (on behalf of), "KT. CHỦ TỊCH" (signing for), "TL." and
// "TUQ." (by order, by delegation), written in capitals.
var signOff = regexp.MustCompile(`^(TM|KT|TL|TUQ|Q)\. +\p{Lu}`)

// isSignOff reports the first line of an official signature block.
func isSignOff(line string) bool {
	t := strings.TrimSpace(line)
	return signOff.MatchString(t) && strings.ToUpper(t) == t
}

func nonBlank(lines []string) int {
	n := 0
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

var (
	initials     = regexp.MustCompile(`^\s*\p{Lu}{1,4}>`)
	separator    = regexp.MustCompile(`^[-_=*\s]*(original message|forwarded message|begin forwarded message|thu goc|thu chuyen tiep|thu da chuyen tiep|tin nhan goc|tin nhan chuyen tiep|messaggio originale|mensaje original|mail original|mensagem original|исходное сообщение)\b`)
	rule         = regexp.MustCompile(`^(_{10,}|-{20,}|={20,})$`)
	attribEnd    = regexp.MustCompile(`(wrote|writes|da viet|viet)(\s+on\s.*\d.*)?\s*:$`)
	attribStart  = regexp.MustCompile(`^(on|vao|luc|ngay|le|am|el)\b`)
	headerLabel  = regexp.MustCompile(`^\*?(from|sent|date|to|cc|subject|tu|nguoi gui|gui|da gui|ngay gui|den|toi|chu de|tieu de|de|von|da|enviado el|inviato|para|asunto|oggetto|от|отправлено|кому|тема)\*?\s*:`)
	mobileFooter = regexp.MustCompile(`^(sent from my|sent from mail for|sent from outlook|get outlook for|sent via|gui tu|duoc gui tu)\b`)
)

// startsHistory reports whether quoted or forwarded history, or a
// signature, starts at line i.
func startsHistory(lines []string, i int) bool {
	line := lines[i]
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	f := fold.String(t)
	switch {
	case strings.HasPrefix(t, ">") || initials.MatchString(line):
		return true
	case line == "-- " || t == "--":
		return true
	case separator.MatchString(f) || rule.MatchString(t) || mobileFooter.MatchString(f):
		return true
	case headerLabel.MatchString(f) && i+1 < len(lines) && headerLabel.MatchString(fold.String(strings.TrimSpace(lines[i+1]))):
		return true
	}
	return isAttribution(lines, i)
}

// isAttribution reports an "On … wrote:" line as Gmail, Apple Mail and
// Thunderbird write it, over up to three lines, or its Vietnamese form
// "Vào … đã viết:": it must end so, and open with such a word or carry an
// address or a date.
func isAttribution(lines []string, i int) bool {
	joined := ""
	for n := 0; n < 3 && i+n < len(lines); n++ {
		next := strings.TrimSpace(lines[i+n])
		if next == "" || isCommandLine(next) {
			return false
		}
		joined = strings.TrimSpace(joined + " " + next)
		f := fold.String(joined)
		if attribEnd.MatchString(f) {
			return attribStart.MatchString(f) || strings.ContainsAny(joined, "@0123456789")
		}
	}
	return false
}

// closings are the lines that end a letter, folded and without
// punctuation.
var closings = []string{
	"tran trong", "tran trong cam on", "tran trong kinh chao", "kinh thu", "kinh chao", "than ai", "than chao",
	"xin cam on", "cam on", "best regards", "kind regards", "regards", "best", "thanks", "thank you",
	"many thanks", "cheers", "thanks best regards", "thanks and best regards", "thanks and regards",
	"thanks regards", "best wishes", "warm regards", "sincerely", "yours sincerely", "xin tran trong cam on",
}

// isClosing reports a line that is only a closing, such as "Trân
// trọng./." or "Best regards,".
func isClosing(line string) bool {
	f := strings.Join(strings.FieldsFunc(fold.String(line), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
	return slices.Contains(closings, f)
}
