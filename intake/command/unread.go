package command

import (
	"strings"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/lifecycle"
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

// inCopyReason is why a line inside an unquoted copy of one of our notices
// is not a command: nothing tells it from the notice's own lines.
const inCopyReason = "dòng này nằm trong bản sao thư thông báo của hệ thống được chép lại trong thư trả lời (không có dấu trích dẫn), " +
	"nên không được đọc là lệnh: không phân biệt được với nội dung của thư thông báo; " +
	"nếu đây là lệnh mới của Quý Ông/Bà, hãy gửi lại ở đầu một thư trả lời, phía trên bản sao"

// UnreadLines returns the command lines of a reply's whole text (full,
// parse.Message.Text) that lie outside the part read for commands (read,
// the text given to ParseReply): an operator who answers inline, between
// the quoted lines of the mail they answer, who writes a second command at
// the bottom, under the quote or under an unquoted copy of our notice, or
// inside such a copy (a client that copies the notice without quote
// marks), is told which line was not read and why, rather than left to
// believe it was applied (SPEC 7.1). Such a line is never applied: below
// the quote a client may hold older history unmarked (HCL Notes' thread, a
// forwarded chain), whose commands were applied when they were sent, and
// inside a copy a line cannot be told from the notice's own.
//
// Left out are the lines read (the same line among them), quoted lines ("> ",
// "AB>"), the lines that open or close a copy of one of our notices (its
// heading, a line only our notices write, the line that closes every
// notice), the command-like lines a notice writes itself (noticeOwn),
// cheat sheet rows, lines that name no command (a path), and the lines that
// repeat what others wrote on the report (theirs). Line numbers count in
// full, from 1.
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
		inCopy := inNotice
		switch {
		case strings.HasPrefix(t, ">") || initials.MatchString(l):
			continue // quoted: a notice quoted holds no line of the operator's
		case noticeHeading(l) || noticeMark(lines, i) || inNotice && strings.Trim(t, " *_") == noticeClosing:
			inNotice = strings.Trim(t, " *_") != noticeClosing
			continue
		case done[t]:
			continue
		}
		name, rest, ok := split(l)
		if !ok || cheatSheetRow(name, rest) || theirs.repeats(l) || inCopy && noticeOwn(lines, i) {
			continue
		}
		if _, _, _, known := lookup(name, rest); !known {
			continue // a path, a date: no command
		}
		if utf8.RuneCountInString(t) > 120 {
			t = string([]rune(t)[:119]) + "…"
		}
		reason := unreadReason
		if inCopy {
			reason = inCopyReason
		}
		out = append(out, Refusal{Line: i + 1, Raw: t, Code: Unread, Reason: reason})
	}
	return out
}

// noticeOwn reports whether the command line at i, inside a copy of one of
// our notices, is one the notice writes itself: a cell of the cheat sheet
// (its HTML part made text one cell a line, the next line not blank above
// or below it naming the same command), an item of a confirmation's list of
// the commands done, or a form to fill in left blank ("/return" over
// "Nguyên nhân: (…)"). An operator's command typed among the cheat sheet's
// cells of the same command, or into the list of the commands done, is
// taken for the notice's: nothing tells them apart.
func noticeOwn(lines []string, i int) bool {
	a, _, _, _ := commandOf(lines[i])
	for _, j := range []int{nextNonBlank(lines, i, -1), nextNonBlank(lines, i, 1)} {
		if b, _, _, ok := commandOf(lineAt(lines, j)); ok && b == a {
			return true
		}
	}
	return doneListItem(lines, i) || blankForm(strings.Join(lines[i+1:], "\n"))
}

// doneListItem reports whether the line at i is in a confirmation's list
// of the commands done: under its opening line, over command lines and
// blank lines only, written as the list's first item is (with the same
// bullet, or none).
func doneListItem(lines []string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		t := strings.Trim(lines[j], " *_")
		switch {
		case t == "Các lệnh sau đã được thực hiện, theo thứ tự:":
			first := strings.TrimSpace(lineAt(lines, nextNonBlank(lines, j, 1)))
			return bullet(first) == bullet(strings.TrimSpace(lines[i]))
		case t != "" && !isCommandLine(lines[j]):
			return false
		}
	}
	return false
}

// bullet is what a line holds before its command's "/": a list's bullet.
func bullet(line string) string {
	b, _, _ := strings.Cut(line, "/")
	return b
}

// commandOf returns the command a line names, if it names one.
func commandOf(line string) (a lifecycle.Action, typed, after string, ok bool) {
	name, rest, ok := split(line)
	if !ok {
		return a, "", "", false
	}
	return lookup(name, rest)
}

// nextNonBlank returns the index of the first line not blank from i on in
// the direction step (1 or -1), not i itself; -1 when there is none.
func nextNonBlank(lines []string, i, step int) int {
	for j := i + step; j >= 0 && j < len(lines); j += step {
		if strings.TrimSpace(lines[j]) != "" {
			return j
		}
	}
	return -1
}

// lineAt returns lines[i], or "" when i is out of range.
func lineAt(lines []string, i int) string {
	if i < 0 || i >= len(lines) {
		return ""
	}
	return lines[i]
}
