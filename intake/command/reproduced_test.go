package command_test

import (
	"strconv"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/parse"
)

// injected is a citizen's report whose lines look like commands: a notice
// that reproduces it must not have them read as its reader's.
const injected = "Kính gửi Trung tâm,\n" +
	"Cây xanh ngã đè dây điện trước nhà số 12 ấp 3, xã Vị Đông, mất điện từ sáng.\n" +
	"/reject Nội dung sai sự thật\n" +
	"/assign so-xd\n" +
	"/resolve Đã xử lý xong, không cần kiểm tra thêm.\n" +
	"Nguyễn Văn An"

// oldTriage is the text of a triage notice as it was sent before notices
// marked what they reproduce: the citizen's lines bare, the cheat sheet
// last. Notices of that shape are still in staff's mailboxes, and a client
// may strip the mark.
var oldTriage = "PHẢN ÁNH MỚI CẦN TIẾP NHẬN\n\nMã phản ánh: PA-2026-000001\nThời gian tiếp nhận: 08:15 ngày 23/11/2026\n\n" +
	"NỘI DUNG\nTiêu đề: Cây ngã đè dây điện\n\n" + injected + "\n\n" +
	"Trả lời thư này, mỗi lệnh một dòng ở đầu thư (tên lệnh tiếng Việt, cột giữa, không cần dấu):\n" +
	"/accept                 /tiepnhan      tiếp nhận, chuyển cơ quan được đề xuất\n" +
	"/assign MÃ [MÃ …]       /chuyen        chuyển cơ quan xử lý có mã (hoặc tên) MÃ; các mã sau: cơ quan phối hợp\n" +
	"/reject lý do           /tuchoi        từ chối; lý do được gửi cho người phản ánh\n" +
	"/note nội dung          /ghichu        ghi chú\n"

// quotingShapes are replies, as the plain text of the mail clients whose
// quoting we do not recognise writes them, to a notice: own is the
// operator's answer, notice the notice's text. The shapes follow public
// samples: HCL (Lotus) Notes' "wrote on" attribution over unmarked
// history; Outlook's header block in Spanish and Russian (talon's
// from-block fixtures in other languages); Zimbra's "----- Messaggio
// originale -----" in Italian (the corpus's talon/standard_replies/
// comcast.eml in English); Yahoo's "----- Original Message -----" with the
// history re-wrapped; a top-posted answer over an unquoted copy; a client
// that strips the ">" of quoted lines.
//
// The shapes that leave no sign of where the history starts (an unquoted
// copy, the marks stripped) end the operator's text at the notice's first
// line (noticeStart).
var quotingShapes = []struct {
	name  string
	reply func(own, notice string) string
}{
	{"notes-wrote-on", func(own, notice string) string {
		return own + "\n\n\n\n\"Trung tâm Giám sát, điều hành đô thị thông minh\" <phananh@haugiang.gov.vn> wrote on 23/11/2026 08:15:31 AM:\n\n" + notice
	}},
	{"outlook-spanish", func(own, notice string) string {
		return own + "\n\nDe: phananh@haugiang.gov.vn <phananh@haugiang.gov.vn>\nEnviado el: lunes, 23 de noviembre de 2026 8:15\n" +
			"Para: tiepnhan@haugiang.gov.vn\nAsunto: [PA-2026-000001] Phản ánh mới\n\n" + notice
	}},
	{"outlook-russian", func(own, notice string) string {
		return own + "\n\nОт: phananh@haugiang.gov.vn\nОтправлено: 23 ноября 2026 г. 8:15\nКому: tiepnhan@haugiang.gov.vn\n" +
			"Тема: [PA-2026-000001] Phản ánh mới\n\n" + notice
	}},
	{"zimbra-italian", func(own, notice string) string {
		return own + "\n\n----- Messaggio originale -----\nDa: \"Trung tâm\" <phananh@haugiang.gov.vn>\nA: tiepnhan@haugiang.gov.vn\n" +
			"Inviato: Lunedì, 23 novembre 2026 8:15:31\nOggetto: [PA-2026-000001] Phản ánh mới\n\n" + notice
	}},
	{"top-posted-unquoted", func(own, notice string) string { return own + "\n\n" + notice }},
	{"quote-marks-stripped", func(own, notice string) string {
		// What is left of "> " lines once a client (or a forward from a
		// phone) takes the marks off: the attribution went with them.
		return own + "\n\n" + strings.ReplaceAll(notice, "\n", "\n ")
	}},
	{"rewrapped-at-40", func(own, notice string) string {
		return own + "\n\n----- Original Message -----\n\n" + wrap(notice, 40)
	}},
}

// wrap breaks the lines of text at width runes, at spaces, as a client
// that re-wraps the history it quotes does.
func wrap(text string, width int) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(l) {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
				out = append(out, line)
				line = ""
			}
			line = strings.TrimSpace(line + " " + w)
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// TestParseReplyOwnLinesOnly: whatever a client makes of the history, the
// operator's own lines are applied, and none of the citizen's.
func TestParseReplyOwnLinesOnly(t *testing.T) {
	theirs := command.Reproduce("Cây ngã đè dây điện", injected)
	owns := []struct{ own, want string }{
		{"/accept", "1 accept"},
		{"Dạ,\n/note Đã gọi điện xác minh.\n\nTrân trọng,\nLê Thị Thu", `2 note text="Đã gọi điện xác minh."`},
		{"/chuyen dien-luc\n/khancap", "1 assign code=dien-luc\n2 urgent"},
	}
	for _, shape := range quotingShapes {
		for _, o := range owns {
			t.Run(shape.name, func(t *testing.T) {
				body := shape.reply(o.own, oldTriage)
				text := parse.NewText(body)
				cmds, refused, repeated := command.ParseReply(text, theirs)
				if got := format(cmds, refused); got != o.want {
					t.Errorf("reply:\n%s\n\ngot  %s\nwant %s", body, got, o.want)
				}
				for _, r := range repeated {
					if r.Code != command.Repeated || r.Reason == "" {
						t.Errorf("repeated line %+v", r)
					}
				}
			})
		}
	}
}

// TestParseReplyRepeated: which lines are the citizen's, and that the
// operator is told of each.
func TestParseReplyRepeated(t *testing.T) {
	theirs := command.Reproduce(injected, "Ghi chú của cán bộ khác:\n/urgent")
	tests := []struct {
		name, text, want, repeated string
	}{
		{"the citizen's line", "/reject Nội dung sai sự thật", "", "1"},
		{"folded and spaced otherwise", "  /REJECT   nội dung sai  sự thật.", "", "1"},
		{"the operator's own reason", "/reject Quảng cáo", `1 reject text="Quảng cáo"`, ""},
		{"a run of the citizen's words, wrapped", "/resolve Đã xử lý xong,", "", "1"},
		{"a command the citizen wrote inside a line is no run from a slash", "/xu ly xong", "1 unknown-command", ""},
		{"another staff member's line", "/urgent", "", "1"},
		{"the text under a repeated line is no one's", "/note Đã gọi\n/assign so-xd\nNguyễn Văn An",
			`1 note text="Đã gọi"`, "2"},
		{"our return form, left blank", "/ghichu Đã cử tổ kiểm tra.\n/return\nNguyên nhân: (vì sao không thuộc thẩm quyền)\n" +
			"Căn cứ: (văn bản quy định thẩm quyền)\nĐề xuất: (cơ quan có thẩm quyền xử lý)\n\nXử lý xong, trả lời với /resolve kèm kết quả.",
			`1 note text="Đã cử tổ kiểm tra."`, "2"},
		{"our return form, filled in", "/return\nNguyên nhân: không thuộc thẩm quyền (đường tỉnh)\nCăn cứ: Quyết định 12/2025\nĐề xuất: Sở GTVT",
			`1 return text="Nguyên nhân: không thuộc thẩm quyền (đường tỉnh)\nCăn cứ: Quyết định 12/2025\nĐề xuất: Sở GTVT"`, ""},
		{"our cheat sheet", "/accept\n/accept                 /tiepnhan      tiếp nhận, chuyển cơ quan được đề xuất\n" +
			"/reject lý do           /tuchoi        từ chối; lý do được gửi cho người phản ánh", "1 accept", "2 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds, refused, repeated := command.ParseReply(tt.text, theirs)
			if got := format(cmds, refused); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			var lines []string
			for _, r := range repeated {
				lines = append(lines, strconv.Itoa(r.Line))
			}
			if got := strings.Join(lines, " "); got != tt.repeated {
				t.Errorf("repeated lines %q, want %q", got, tt.repeated)
			}
		})
	}
}

// TestAddressIsNoCommand: an email address may begin with "/" (RFC 5322
// allows it in a local part), and staff notices show addresses that others
// chose — the citizen's, a follow-up's sender — where a client's own
// conversion of the HTML part to text (a table's cells one a line) or its
// re-wrapping of a long line sets them at the start of a line. Such a line
// is no command: only the operator's own line is read.
func TestAddressIsNoCommand(t *testing.T) {
	reply := "/ghichu Đã xem, chuyển tổ kỹ thuật kiểm tra.\n\n" +
		"PHẢN ÁNH MỚI CẦN TIẾP NHẬN\n\nMã phản ánh: PA-2026-000001\n" +
		"Họ tên\nNguyễn Văn An\nEmail\n/tiepnhan@evil.example\n" +
		"Thư này là thư mới (không trả lời thư của hệ thống) ghi mã phản ánh trong tiêu đề, gửi từ địa chỉ\n" +
		"/tuchoi.gia-mao@evil.example, không phải địa chỉ của người phản ánh: người gửi chưa được xác thực.\n" +
		"- /note@evil.example xin chào\n"
	cmds, refused, repeated := command.ParseReply(reply, command.Reproduce(injected))
	if len(cmds) != 1 || cmds[0].Action != "note" || cmds[0].Line != 1 || len(refused) != 0 || len(repeated) != 0 {
		t.Errorf("commands %+v, refused %v, repeated %v; want the operator's /ghichu alone", cmds, refused, repeated)
	}
	for _, line := range []string{"/tiepnhan@x.vn", "/reject.spam@x.vn lý do", "/Note@X.VN"} {
		if command.Written(line) != "" {
			t.Errorf("%q is read as a command", line)
		}
	}
}
