package command

import (
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

// repeats reports whether a command line — the name after "/" and the rest
// of the line, as split reads them — repeats what others wrote.
func (t Theirs) repeats(name, rest string) bool {
	if t.words == "" {
		return false
	}
	w := words("/" + name + rest)
	if len(w) == 0 || !strings.HasPrefix(w[0], "/") {
		return false
	}
	return strings.Contains(t.words, " "+strings.Join(w, " ")+" ")
}

// words folds text and splits it into words of letters, digits, marks and
// slashes: "/Từ chối: spam!" is "/tu", "choi", "spam".
func words(text string) []string {
	return strings.FieldsFunc(fold.String(text), func(r rune) bool {
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
	p.refuse(line, raw, Repeated, "dòng này trùng với nội dung người khác viết (người phản ánh hoặc cán bộ khác) mà thư thông báo "+
		"trích lại, nên không được đọc là lệnh; nếu đây là lệnh của Quý Ông/Bà, hãy viết lại ở đầu thư trả lời, "+
		"khác với nội dung được trích (ví dụ dùng tên lệnh tiếng Việt)")
	p.repeated = append(p.repeated, p.refusals[r])
	p.refusals = p.refusals[:r]
	p.current = -1
}
