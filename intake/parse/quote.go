package parse

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// NewText returns what a reply adds to the conversation: the text above the
// quoted history and without the signature. History starts at the first
// of: a ">" quoted line (or The Bat!'s "AB>" initials form); an attribution
// line ("On … wrote:" as Gmail, Apple Mail and Thunderbird write it, over
// up to three lines; the Vietnamese "Vào … đã viết:" with or without
// diacritics; HCL (Lotus) Notes' "… wrote on 23/11/2026 08:15:31 AM:"); Outlook's "-----Original Message-----" or its
// "From:/Sent:/To:/Subject:" block (English or Vietnamese labels, after a
// "____" rule or not); a forwarded-message marker. The signature starts at
// a "-- " line; a trailing "Sent from my iPhone" line goes too. A
// bottom-posted reply (nothing above the quote) gives the unquoted text
// after the last quoted line.
func NewText(text string) string {
	fresh, _ := splitNewText(text)
	return fresh
}

// splitNewText returns what NewText returns, and the signature it cut: the
// lines after the "-- " line, without a "Sent from my …" line.
func splitNewText(text string) (fresh, signature string) {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	cut := historyStart(lines)
	own := lines[:cut]
	if blank(own) && cut < len(lines) {
		last := cut
		for i := cut; i < len(lines); i++ {
			if isQuoted(lines[i]) || isAttribution(lines, i) > 0 {
				last = i
			}
		}
		own = lines[last+1:]
		if c := historyStart(own); c < len(own) {
			own = own[:c]
		}
	}
	body, sig := splitSignature(own)
	return strings.TrimSpace(strings.Join(body, "\n")), strings.TrimSpace(strings.Join(sig, "\n"))
}

// blankBody reports whether text holds nothing but a signature and a
// mail client's "Sent from my iPhone" line.
func blankBody(text string) bool {
	body, _ := splitSignature(strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n"))
	return blank(body)
}

// historyStart returns the index of the first line of quoted history, or
// len(lines).
func historyStart(lines []string) int {
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if isQuoted(line) || isAttribution(lines, i) > 0 || isSeparator(lines, i) || isHeaderBlock(lines, i) {
			return i
		}
	}
	return len(lines)
}

func blank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	return true
}

var initialsQuote = regexp.MustCompile(`^\s*[\p{Lu}]{1,4}>`)

// isQuoted reports a quoted line: ">" first, or initials then ">".
func isQuoted(line string) bool {
	t := strings.TrimLeft(line, " \t")
	// Both want a ">": most lines have none, and no pattern to run.
	return strings.HasPrefix(t, ">") || strings.IndexByte(line, '>') >= 0 && initialsQuote.MatchString(line)
}

var (
	attributionEnd   = regexp.MustCompile(`(?i)(wrote|writes|a écrit|schrieb|escribió|ha scritto|schreef|da viet)(\s+on\s.*\d.*)?\s*:\s*$`)
	attributionStart = regexp.MustCompile(`(?i)^\s*(on|le|am|el|il|op|vao|luc|ngay|vào|lúc|ngày)\b`)
)

// isAttribution reports whether an attribution ("On … wrote:") starts at
// line i, and over how many lines (0 when none). An attribution is the
// line that ends in "wrote:" ("đã viết:", …) and starts with "On"/"Vào"/…
// or carries an address or a digit, or is followed by a quoted line; or
// such a line wrapped over two or three lines (see wrapped). A command
// line is never part of one: Gmail for Android writes the attribution
// right under the new text, with no blank line between.
func isAttribution(lines []string, i int) int {
	if !colonEnd(lines, i, 3) || isQuoted(lines[i]) || looksLikeCommand(lines[i]) {
		return 0
	}
	joined := ""
	for n := 1; n <= 3 && i+n <= len(lines); n++ {
		line := strings.TrimSpace(lines[i+n-1])
		if n > 1 && (line == "" || isQuoted(line) || looksLikeCommand(line)) {
			return 0
		}
		joined = strings.TrimSpace(joined + " " + line)
		if len(joined) > 400 {
			return 0
		}
		folded := fold.String(joined)
		if !attributionEnd.MatchString(folded) {
			continue
		}
		if n > 1 {
			if wrapped(lines[i : i+n]) {
				return n
			}
			return 0
		}
		if attributionStart.MatchString(folded) || strings.ContainsAny(joined, "@0123456789") || quotedAfter(lines, i+n) {
			return n
		}
		return 0
	}
	return 0
}

// wrapWidth is the narrowest width at which mail clients wrap a line.
const wrapWidth = 60

// wrapped reports whether lines, which end in "wrote:", are one
// attribution that a mail client wrapped: each line but the last is long
// enough that the next word did not fit on it, and the first opens an
// attribution ("On", "Vào", …) or holds the address being wrapped ("<",
// "@") with no later line opening one. Text written right above an
// attribution is so kept out of it.
func wrapped(lines []string) bool {
	for j := 0; j < len(lines)-1; j++ {
		next := strings.Fields(lines[j+1])
		if len(next) == 0 || utf8.RuneCountInString(strings.TrimSpace(lines[j]))+1+utf8.RuneCountInString(next[0]) <= wrapWidth {
			return false
		}
	}
	if attributionStart.MatchString(fold.String(lines[0])) {
		return true
	}
	for _, l := range lines[1:] {
		if attributionStart.MatchString(fold.String(l)) {
			return false
		}
	}
	return strings.ContainsAny(lines[0], "<@")
}

// looksLikeCommand reports a line that begins, after spaces and a list
// bullet, with "/" (or the full-width "／") and a letter: an operator's
// command (SPEC 7.1), which is never quoted history.
func looksLikeCommand(line string) bool {
	t := strings.TrimLeft(line, " \t*_-•·+")
	if d := strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' }); d > 0 && d <= 2 && (t[d] == '.' || t[d] == ')') {
		t = strings.TrimLeft(t[d+1:], " ")
	}
	for _, slash := range []string{"/", "／"} {
		if rest, ok := strings.CutPrefix(t, slash); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			return unicode.IsLetter(r)
		}
	}
	return false
}

// colonEnd reports whether one of the n lines from i ends with a colon.
func colonEnd(lines []string, i, n int) bool {
	for j := i; j < len(lines) && j < i+n; j++ {
		if strings.HasSuffix(strings.TrimSpace(lines[j]), ":") {
			return true
		}
	}
	return false
}

// quotedAfter reports whether the next non-blank line from i is quoted.
func quotedAfter(lines []string, i int) bool {
	for ; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			return isQuoted(lines[i])
		}
	}
	return false
}

var separator = regexp.MustCompile(`(?i)^\s*(-{2,}|_{2,}|={2,})?\s*(original message|forwarded message|forwarded by|begin forwarded message|thu goc|thu da chuyen tiep|thu chuyen tiep|tin nhan goc|bat dau thu duoc chuyen tiep|message transfere|urspr.ngliche nachricht|messaggio originale|mensaje original|mail original|mensagem original|исходное сообщение)\b.*$`)

// isSeparator reports a line that opens quoted or forwarded history:
// "-----Original Message-----", "---------- Forwarded message ---------",
// "Begin forwarded message:", their Vietnamese forms, and a long "____"
// rule followed by a header block.
func isSeparator(lines []string, i int) bool {
	t := strings.TrimSpace(lines[i])
	if !strings.HasPrefix(t, "-") && !strings.HasPrefix(t, "_") && !strings.HasPrefix(t, "=") &&
		!strings.HasSuffix(t, ":") && !strings.HasSuffix(t, "-") {
		return false
	}
	if separator.MatchString(fold.String(t)) {
		return true
	}
	if len(t) >= 10 && strings.Trim(t, "_") == "" || len(t) >= 20 && strings.Trim(t, "-") == "" {
		for j := i + 1; j < len(lines) && j <= i+2; j++ {
			if isHeaderBlock(lines, j) {
				return true
			}
		}
	}
	return false
}

var (
	fromLabel = regexp.MustCompile(`(?i)^\s*\*?(from|tu|de|von|da|от|nguoi gui)\s*:`)
	dateLabel = regexp.MustCompile(`(?i)^\s*\*?(sent|date|da gui|ngay gui|ngay|gui|envoye|gesendet|enviado el|enviado|inviato|data|отправлено|дата)\s*:`)
	toLabel   = regexp.MustCompile(`(?i)^\s*\*?(to|den|toi|subject|chu de|tieu de|objet|betreff|para|a|asunto|oggetto|кому|тема)\s*:`)
)

// fromLabels are the words fromLabel reads as a quoted header's "From".
var fromLabels = []string{"from", "tu", "de", "von", "da", "от", "nguoi gui"}

// isFromLabel is fromLabel.MatchString of a label that ends with its only
// colon, without the pattern: white space, a "*" or none, one of
// fromLabels in any case, white space, the colon.
func isFromLabel(label string) bool {
	const space = "\t\n\f\r " // the pattern's \s
	t, ok := strings.CutSuffix(label, ":")
	if !ok || strings.Contains(t, ":") {
		return fromLabel.MatchString(label)
	}
	t = strings.TrimPrefix(strings.TrimLeft(t, space), "*")
	t = strings.TrimRight(t, space)
	for _, w := range fromLabels {
		if strings.EqualFold(t, w) {
			return true
		}
	}
	return false
}

// isHeaderBlock reports Outlook's quoted header: a "From:" line with a
// "Sent:"/"Date:" line and a "To:"/"Subject:" line among the next five
// (English or Vietnamese labels, with or without diacritics, bold or not;
// the French, German, Spanish, Italian and Russian ones of Outlook and
// Zimbra in those languages).
func isHeaderBlock(lines []string, i int) bool {
	if c := strings.IndexByte(lines[i], ':'); c < 0 || c > 30 || !isFromLabel(fold.String(lines[i][:c+1])) {
		return false
	}
	var date, to bool
	for j := i + 1; j < len(lines) && j <= i+5; j++ {
		f := fold.String(lines[j])
		date = date || dateLabel.MatchString(f)
		to = to || toLabel.MatchString(f)
	}
	return date && to
}

var mobileSignature = regexp.MustCompile(`(?i)^\s*(sent from my|sent from mail for|sent from yahoo|sent from outlook|get outlook for|sent via|gui tu|duoc gui tu|gui tu iphone|gui tu dien thoai)\b`)

// splitSignature splits lines at a "-- " signature line, and drops a
// trailing "Sent from my …" line from both parts.
func splitSignature(lines []string) (body, signature []string) {
	body = lines
	for i, l := range lines {
		if l == "-- " || l == "--" || l == "-- \r" {
			body, signature = lines[:i], lines[i+1:]
			break
		}
	}
	return cutMobileSignature(body), cutMobileSignature(signature)
}

// cutMobileSignature drops up to three trailing "Sent from my …" lines.
func cutMobileSignature(lines []string) []string {
	for n := 0; n < 3 && len(lines) > 0; n++ {
		last := len(lines) - 1
		for last >= 0 && strings.TrimSpace(lines[last]) == "" {
			last--
		}
		if last < 0 || !mobileSignature.MatchString(fold.String(lines[last])) {
			break
		}
		lines = lines[:last]
	}
	return lines
}
