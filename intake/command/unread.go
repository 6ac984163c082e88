package command

import (
	"strings"
	"unicode/utf8"
)

// Unread is the refusal code of a command line written below the part of
// a reply that is read: under quoted history, or under a copy of one of
// our notices. It is not read, and does not stop the others.
const Unread = "unread"

// unreadReason is why a line below the part of a reply that is read is
// not a command.
const unreadReason = "dòng này nằm dưới phần thư cũ được trích lại (hoặc dưới bản sao thư thông báo của hệ thống), " +
	"nên không được đọc là lệnh: lệnh chỉ được đọc ở đầu thư trả lời, phía trên phần trích; " +
	"nếu đây là lệnh mới của Quý Ông/Bà, hãy gửi lại ở đầu một thư trả lời"

// UnreadLines returns the command lines of a reply's whole text (full,
// parse.Message.Text) that lie outside the part read for commands (read,
// the text given to ParseReply): an operator who answers inline, between
// the quoted lines of the mail they answer, or who writes a second command
// at the bottom, under the quote or under an unquoted copy of our notice,
// is told which line was not read and why, rather than left to believe it
// was applied (SPEC 7.1). Such a line is never applied: below the quote a
// client may hold older history unmarked (HCL Notes' thread, a forwarded
// chain), whose commands were applied when they were sent.
//
// Left out are the lines read (the same line among them), quoted lines ("> ",
// "AB>"), the lines of a copy of one of our notices (from its heading, or
// from a line only our notices write, to the line that closes every
// notice, or to the end), cheat sheet rows, lines that name no command (a path), and the lines that repeat what
// others wrote on the report (theirs). Line numbers count in full, from 1.
func UnreadLines(full, newText string, theirs Theirs) []Refusal {
	done := map[string]bool{}
	read := splitLines(newText)
	for _, l := range read[:ownLines(read)] {
		if t := strings.TrimSpace(l); t != "" {
			done[t] = true
		}
	}
	lines := splitLines(full)
	var out []Refusal
	inNotice := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, ">") || initials.MatchString(l):
			continue // quoted: a notice quoted holds no line of the operator's
		case inNotice:
			inNotice = strings.Trim(t, " *_") != noticeClosing
			continue
		case noticeHeading(l) || noticeMark(lines, i):
			inNotice = strings.Trim(t, " *_") != noticeClosing
			continue
		case done[t]:
			continue
		}
		name, rest, ok := split(l)
		if !ok || cheatSheetRow(name, rest) || theirs.repeats(l) {
			continue
		}
		if _, _, _, known := lookup(name, rest); !known {
			continue // a path, a date: no command
		}
		if utf8.RuneCountInString(t) > 120 {
			t = string([]rune(t)[:119]) + "…"
		}
		out = append(out, Refusal{Line: i + 1, Raw: t, Code: Unread, Reason: unreadReason})
	}
	return out
}
