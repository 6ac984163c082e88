package command_test

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
)

// citizenKinds are the kinds of mail sent to citizens, which no operator
// answers with commands.
var citizenKinds = []string{"ack", "already-rated", "clarification", "extended", "follow-up", "forwarded", "rejection",
	"rejection-unreachable", "result", "secret-result", "thanks"}

var (
	htmlBlock = regexp.MustCompile(`(?i)<(/?(p|div|br|tr|td|th|li|ol|ul|h[1-6]|table|blockquote)\b)[^>]*>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
)

// staffNotices returns every notice to staff of the templates' golden
// files, by file name, as a client copies it under a reply: its text part,
// and its HTML part made text one paragraph, table cell and list item a
// line.
func staffNotices(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("../../templates/testdata/*.vi*.golden")
	if len(files) == 0 {
		t.Fatal("no notice")
	}
	notices := map[string]string{}
	for _, f := range files {
		if slices.Contains(citizenKinds, strings.SplitN(filepath.Base(f), ".", 2)[0]) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		notice := string(b)
		if strings.HasSuffix(f, ".html.golden") {
			notice = html.UnescapeString(htmlTag.ReplaceAllString(htmlBlock.ReplaceAllString(notice, "\n"), ""))
		} else {
			_, notice, _ = strings.Cut(notice, "\n\n") // the golden's Subject line
		}
		notices[filepath.Base(f)] = notice
	}
	return notices
}

// TestTextStopsAtOurNotice: a text command over one of our notices that
// the client copied under it unquoted — every notice to staff, its text
// part and its HTML part as a client makes it text — has the operator's
// words for its text and nothing of the notice: not its heading, not the
// report's details, not its cheat sheet.
func TestTextStopsAtOurNotice(t *testing.T) {
	for name, notice := range staffNotices(t) {
		for _, own := range []string{"/ghichu Đã cử tổ kiểm tra hiện trường.\nSẽ báo cáo kết quả trong ngày.",
			"/ghichu Đã cử tổ kiểm tra hiện trường.\nSẽ báo cáo kết quả trong ngày.\n\nTrân trọng,\nLê Thị Thu"} {
			reply := own + "\n\n" + notice
			cmds, refused, _ := command.ParseReply(reply, command.Theirs{})
			if len(cmds) != 1 || len(refused) != 0 || cmds[0].Text != "Đã cử tổ kiểm tra hiện trường.\nSẽ báo cáo kết quả trong ngày." {
				t.Errorf("%s: got %s; want the note and its two lines alone", name, format(cmds, refused))
			}
		}
	}
}

// TestNoticeUnderWordsCommandsNothing: a reply that holds no command of
// its own — a thanks, a signature, nothing — over one of our notices that
// the client copied under it unquoted, its text part or its HTML part made
// text one table cell and one list item a line (as Outlook and webmail
// convert HTML), commands nothing: not the cheat sheet's rows, not the
// commands a confirmation lists as done.
func TestNoticeUnderWordsCommandsNothing(t *testing.T) {
	for name, notice := range staffNotices(t) {
		for _, own := range []string{"", "Cảm ơn anh chị.", "Trân trọng,\nLê Thị Thu\nTổ tiếp nhận"} {
			cmds, refused, repeated := command.ParseReply(own+"\n\n"+notice, command.Theirs{})
			if len(cmds)+len(refused)+len(repeated) > 0 {
				t.Errorf("%s under %q: got %s; want nothing read", name, own, format(cmds, append(refused, repeated...)))
			}
		}
	}
}

// commandWord is a command as a notice names it to staff: a "/" that opens
// a word, followed by its name.
var commandWord = regexp.MustCompile(`(?:^|[\s(>])(/[\p{L}-]+(?: nhận)?)`)

// TestNoticesNameRealCommands: every command a notice to staff tells its
// reader to use — in its sentences, its cheat sheet, its help — is one the
// command reader knows, written as the notice writes it; the reproduced
// text ("| ") and the refused lines an answer quotes (in quotes) are left
// out, and so is a refusal's line, which names what was written.
func TestNoticesNameRealCommands(t *testing.T) {
	files, _ := filepath.Glob("../../templates/testdata/*.vi*.golden")
	for _, f := range files {
		if slices.Contains(citizenKinds, strings.SplitN(filepath.Base(f), ".", 2)[0]) {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "| ") || strings.Contains(line, "| /") || strings.ContainsAny(line, "«\"") ||
				strings.Contains(line, "&#34;") || strings.Contains(line, "không có lệnh") {
				continue
			}
			for _, m := range commandWord.FindAllStringSubmatch(line, -1) {
				if _, refused := command.Parse(m[1]); len(refused) > 0 && refused[0].Code == command.UnknownCommand {
					t.Errorf("%s: %q names no command: %q", filepath.Base(f), m[1], line)
				}
			}
		}
	}
}

// TestHeadlessCopyStopsAtDetails: a copy of one of our notices under a
// command, from the report's details down (a client that lost the
// heading), still ends the command's text at the details' first row: the
// rest of the notice follows it. Only rows an operator writes alone, with
// nothing else of a notice under them, stay theirs (the e2e test of a
// result naming another report).
func TestHeadlessCopyStopsAtDetails(t *testing.T) {
	for name, notice := range staffNotices(t) {
		i := strings.Index(notice, "Mã phản ánh: PA-")
		if i < 0 {
			continue
		}
		if rows := strings.SplitN(notice[i:], "\n", 3); len(rows) < 2 ||
			!strings.HasPrefix(rows[1], "Tình trạng") && !strings.HasPrefix(rows[1], "Thời gian tiếp nhận") {
			continue // details that a reminder writes otherwise: its heading marks it
		}
		cmds, refused, _ := command.ParseReply("/ghichu Đã xem.\n\n"+notice[i:], command.Theirs{})
		if len(cmds) != 1 || len(refused) != 0 || cmds[0].Text != "Đã xem." {
			t.Errorf("%s: got %s; want the note alone", name, format(cmds, refused))
		}
	}
}
