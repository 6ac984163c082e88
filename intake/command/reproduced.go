package command

import (
	"regexp"
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Theirs is what others wrote on a report and our notices reproduce: the
// citizen's report, replies, follow-ups and rating reasons, and the notes,
// reasons and results of other staff. A reply read with ParseReply takes
// none of it for the operator's commands.
//
// A mail client that marks the history it quotes in a way we do not
// recognise — Lotus/HCL Notes' "… wrote on …:", Outlook's header block in a
// language we do not know, Zimbra's or Yahoo's in another — or that quotes
// nothing under a top-posted answer, or drops the ">" of quoted lines,
// leaves our notice under the operator's answer as if they had written it.
// Our notices set every line they reproduce behind a visible mark
// (templates.Reproduced), so that none of those lines begins with "/";
// Theirs is the second guard, for a client that drops that mark too (or
// re-wraps a long line so that a "/" word starts a line) and for notices
// sent before there was one: a command line that repeats a run of words of
// what others wrote, from a word that begins with "/", is not a command.
//
// Words are compared folded (case and diacritics), without punctuation or
// spacing, over each text's line breaks. The price: an operator's command
// that the citizen wrote word for word in the report ("/accept" in the
// text) is not read either, and the answer says why, so that they write it
// otherwise (its Vietnamese alias, or with an argument).
type Theirs struct {
	// words is " " + the folded words of each text + " ", the texts
	// separated by "\n", which no word holds.
	words string
}

// Reproduce returns what the texts hold that a reply must not read as
// commands. Texts that hold no word beginning with "/" are left out.
func Reproduce(texts ...string) Theirs {
	var b strings.Builder
	for _, t := range texts {
		if !strings.ContainsAny(t, "/／") {
			continue
		}
		b.WriteString("\n " + strings.Join(words(t), " ") + " ")
	}
	return Theirs{words: b.String()}
}

// repeats reports whether a command line repeats what others wrote: its
// words from the first that begins with "/" (a list bullet's number before
// it left out) are a run of their words.
func (t Theirs) repeats(line string) bool {
	if t.words == "" {
		return false
	}
	w := words(line)
	for len(w) > 0 && !strings.HasPrefix(w[0], "/") {
		w = w[1:]
	}
	return len(w) > 0 && strings.Contains(t.words, " "+strings.Join(w, " ")+" ")
}

// words folds text and splits it into words of letters, digits and
// slashes, without the invisible characters a command line is read
// without: "/Từ chối: spam!" is "/tu", "choi", "spam".
func words(text string) []string {
	return strings.FieldsFunc(fold.String(plain(text)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/'
	})
}

// cheatSheetRow reports a line of the cheat sheet our notices end with
// ("/accept   /tiepnhan   tiếp nhận, …"): a command followed, among the
// words of its line, by another name of the same command. No operator
// writes that; a reply that quotes our notice without a mark we recognise
// holds it.
func cheatSheetRow(name, rest string) bool {
	a, _, _, ok := lookup(name, rest)
	if !ok {
		return false
	}
	for _, w := range strings.Fields(rest) {
		w = strings.ReplaceAll(w, "／", "/")
		if other, found := names[key(strings.TrimPrefix(w, "/"))]; found && strings.HasPrefix(w, "/") && other == a {
			return true
		}
	}
	return false
}

// formLine is a line of a form our notices hold for staff to copy and
// fill in — the return's "Nguyên nhân: (vì sao không thuộc thẩm quyền)" —
// still as we wrote it: a label and a hint in parentheses.
var formLine = regexp.MustCompile(`^[\p{L} ]{2,30}:\s*\([^()]*\)\s*$`)

// blankForm reports whether a command's text opens with the lines of a
// form left blank — two of them at least, as our forms have — so that the
// command is the form of our notice in a reply that quotes it unmarked, and
// what follows it the rest of the notice; not the operator's command.
func blankForm(text string) bool {
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if !formLine.MatchString(l) {
			return false
		}
		if n++; n == 2 {
			return true
		}
	}
	return false
}

// formReason is why a blank form is not read as a command.
const formReason = "đây là mẫu lệnh trong thư thông báo, chưa được điền (nội dung trong ngoặc là hướng dẫn), nên không được đọc là lệnh"

// Repeated is the refusal code of a command line that repeats what others
// wrote on the report (Theirs): it is not read as a command, and does not
// stop the others.
const Repeated = "repeated"

// ParseReply reads the commands of a reply in a report's thread, as Parse
// does, but leaves out each command line that repeats what others wrote on
// the report (theirs): such a line is no command, ends the text of the
// command above it (the lines under it are the reproduced text that went
// on), and is returned among repeated, with why, so that the operator can be
// told.
func ParseReply(text string, theirs Theirs) (cmds []Command, refused, repeated []Refusal) {
	return parse(text, theirs)
}

// repeat records a command line that repeats what others wrote.
func (p *parser) repeat(line int, raw string) {
	r := len(p.refusals)
	p.refuse(line, raw, Repeated, "dòng này trùng với nội dung người khác viết (người phản ánh hoặc cán bộ khác) hoặc với bảng lệnh "+
		"mà thư thông báo trích lại, nên không được đọc là lệnh; nếu đây là lệnh của Quý Ông/Bà, hãy viết lại ở đầu thư trả lời, "+
		"khác với nội dung được trích (ví dụ dùng tên lệnh tiếng Việt)")
	p.repeated = append(p.repeated, p.refusals[r])
	p.refusals = p.refusals[:r]
	p.current = -1
}
