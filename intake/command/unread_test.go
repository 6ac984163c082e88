package command_test

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/parse"
)

// TestUnreadLinesNamesNothingOfOurNotices: a reply whose command is on top
// of one of our notices — copied unquoted, quoted with "> ", its text part
// or its HTML part made text one cell a line — has no line not read: not
// the cheat sheet's, not a confirmation's list of the commands done.
func TestUnreadLinesNamesNothingOfOurNotices(t *testing.T) {
	for name, notice := range staffNotices(t) {
		for _, full := range []string{"/ghichu Đã xem.\n\n" + notice, "/ghichu Đã xem.\n\n> " + strings.ReplaceAll(notice, "\n", "\n> ")} {
			if un := command.UnreadLines(full, parse.NewText(full), command.Theirs{}); len(un) > 0 {
				t.Errorf("%s: %v", name, un)
			}
		}
	}
}

// TestUnreadLines: a command line under an unquoted copy of our notice, or
// between the quoted lines of one, is named with its line in the whole
// text; the commands read, quoted lines and a path are not.
func TestUnreadLines(t *testing.T) {
	notice := staffNotices(t)["confirmation.vi.golden"]
	quoted := "> " + strings.ReplaceAll(notice, "\n", "\n> ")
	for _, tt := range []struct{ name, full, want string }{
		{"under an unquoted copy", "/khancap\n\n" + notice + "\n\n/ghichu Mới.\n", "/ghichu Mới."},
		{"under it alone", "Chào chị,\n\n" + notice + "\n/ghichu Mới.\n", "/ghichu Mới."},
		{"inline between quoted lines", "/khancap\n\n" + strings.Replace(quoted, "> TÌNH TRẠNG", "/tralai Không thuộc thẩm quyền.\n> TÌNH TRẠNG", 1),
			"/tralai Không thuộc thẩm quyền."},
		{"a path under the quote", "/khancap\n\n" + quoted + "\n/home/thu/bien-ban.pdf\n", ""},
		{"the command read, again in the quote", "/khancap\n\n> /khancap\n", ""},
	} {
		un := command.UnreadLines(tt.full, parse.NewText(tt.full), command.Theirs{})
		got := ""
		if len(un) == 1 {
			got = un[0].Raw
			if lines := strings.Split(tt.full, "\n"); strings.TrimSpace(lines[un[0].Line-1]) != got {
				t.Errorf("%s: line %d is %q, not the line named", tt.name, un[0].Line, lines[un[0].Line-1])
			}
		}
		if got != tt.want || len(un) > 1 {
			t.Errorf("%s: %v; want %q", tt.name, un, tt.want)
		}
	}
}

// TestUnreadLinesInsideAnUnquotedCopy: a command line typed inside a copy
// of our notice that the client made without quote marks, under the
// operator's command on top — between the report's details, between the
// cheat sheet's rows or cells, its text part or its HTML part made text —
// is named with its line and why, not lost among the notice's own lines;
// the notice's cheat sheet, its list of the commands done and its blank
// form are not.
func TestUnreadLinesInsideAnUnquotedCopy(t *testing.T) {
	const inner = "/ghichu Đã hẹn kiểm tra chiều nay."
	notices := staffNotices(t)
	for _, tt := range []struct{ name, notice, after string }{
		{"among the details", "confirmation.vi.golden", "Tình trạng: đã chuyển cơ quan xử lý"},
		{"under the list of commands done", "confirmation.vi.golden", "- /khancap\n"},
		{"between the cheat sheet's rows", "triage.vi.golden", "/urgent                 /khancap       đánh dấu khẩn cấp"},
		{"among the details, HTML", "triage.vi.html.golden", "Thời gian tiếp nhận"},
		{"between the cheat sheet's cells, HTML", "triage.vi.html.golden", "đánh dấu khẩn cấp"},
		{"under a blank form", "assignment.vi.golden", "Đề xuất: (cơ quan có thẩm quyền xử lý)"},
	} {
		notice := notices[tt.notice]
		at := strings.Index(notice, tt.after)
		if at < 0 {
			t.Fatalf("%s: %q is not in %s", tt.name, tt.after, tt.notice)
		}
		at += strings.Index(notice[at:], "\n") + 1
		if strings.HasSuffix(tt.after, "\n") {
			at = strings.Index(notice, tt.after) + len(tt.after)
		}
		full := "/khancap\n\n" + notice[:at] + inner + "\n" + notice[at:]
		un := command.UnreadLines(full, parse.NewText(full), command.Theirs{})
		if len(un) != 1 || un[0].Raw != inner {
			t.Errorf("%s: %v; want %q alone", tt.name, un, inner)
			continue
		}
		if lines := strings.Split(full, "\n"); strings.TrimSpace(lines[un[0].Line-1]) != inner {
			t.Errorf("%s: line %d is %q, not the line named", tt.name, un[0].Line, lines[un[0].Line-1])
		}
		if !strings.Contains(un[0].Reason, "nằm trong bản sao thư thông báo") {
			t.Errorf("%s: the reason does not say the line is in the copy of the notice: %s", tt.name, un[0].Reason)
		}
	}
}
