package command_test

import (
	"errors"
	"os"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/parse"
)

// noSink refuses attachments: the replies read here have none.
type noSink struct{}

func (noSink) Create() (parse.Blob, error) { return nil, errors.New("no attachment expected") }

// TestReplies reads whole replies as the pipeline does — parse.Read, then
// Parse of the message's NewText — from the mail clients operators use.
func TestReplies(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		// HTML only: paragraphs with non-breaking spaces, history in
		// Outlook's divRplyFwdMsg listing our own commands.
		{"outlook-html.eml", "1 urgent\n3 assign code=so-gtvt"},
		// HTML only, quoted-printable: a list bullet, history in
		// gmail_quote.
		{"gmail-html.eml", "1 reject text=\"Nội dung không phải phản ánh hiện trường.\\nĐã gọi xác minh.\"\n3 confidential"},
		// Nothing written above Outlook's header block: no command,
		// although our notice below lists them.
		{"outlook-empty.eml", ""},
		// Written under the quote.
		{"bottom-posted.eml", "1 sendback text=\"Kết quả chưa có ảnh hiện trường.\""},
		// Gmail's multipart/alternative at the top: the plain "ok" is
		// read, not a command that only the HTML holds.
		{"alternative-html-only-command.eml", ""},
		// Gmail for Android: the attribution right under the command,
		// with no blank line.
		{"gmail-android.eml", "1 resolve text=\"Đã thay bóng đèn\""},
		// Text the HTML hides is never a command.
		{"hidden-html-command.eml", "1 urgent"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			m, err := parse.Read(f, noSink{}, parse.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("new text %q", m.NewText)
			if got := format(command.Parse(m.NewText)); got != tt.want {
				t.Errorf("new text %q:\n got %s\nwant %s", m.NewText, got, tt.want)
			}
		})
	}
}
