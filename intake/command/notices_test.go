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

// TestTextStopsAtOurNotice: a text command over one of our notices that
// the client copied under it unquoted — every notice to staff, its text
// part and its HTML part as a client makes it text — has the operator's
// words for its text and nothing of the notice: not its heading, not the
// report's details, not its cheat sheet.
func TestTextStopsAtOurNotice(t *testing.T) {
	files, _ := filepath.Glob("../../templates/testdata/*.vi*.golden")
	if len(files) == 0 {
		t.Fatal("no notice")
	}
	for _, f := range files {
		kind := strings.SplitN(filepath.Base(f), ".", 2)[0]
		if slices.Contains(citizenKinds, kind) {
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
		for _, own := range []string{"/ghichu Đã cử tổ kiểm tra hiện trường.\nSẽ báo cáo kết quả trong ngày.",
			"/ghichu Đã cử tổ kiểm tra hiện trường.\nSẽ báo cáo kết quả trong ngày.\n\nTrân trọng,\nLê Thị Thu"} {
			reply := own + "\n\n" + notice
			cmds, refused, _ := command.ParseReply(reply, command.Theirs{})
			if len(cmds) != 1 || len(refused) != 0 || cmds[0].Text != "Đã cử tổ kiểm tra hiện trường.\nSẽ báo cáo kết quả trong ngày." {
				t.Errorf("%s: got %s; want the note and its two lines alone", filepath.Base(f), format(cmds, refused))
			}
		}
	}
}
