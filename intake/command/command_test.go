package command_test

import (
	"fmt"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// format writes commands and refusals compactly: "2 assign code=so-gtvt",
// "3 missing-argument".
func format(cmds []command.Command, refusals []command.Refusal) string {
	var out []string
	for _, c := range cmds {
		s := fmt.Sprintf("%d %s", c.Line, c.Action)
		if c.Code != "" {
			s += " code=" + c.Code
		}
		if c.Name != "" {
			s += " name=" + c.Name
		}
		if c.Days != 0 {
			s += fmt.Sprintf(" days=%d", c.Days)
		}
		if c.Text != "" {
			s += fmt.Sprintf(" text=%q", c.Text)
		}
		if c.Period != "" {
			s += " period=" + c.Period
		}
		if c.Month != "" {
			s += " month=" + c.Month
		}
		out = append(out, s)
	}
	for _, r := range refusals {
		out = append(out, fmt.Sprintf("%d %s", r.Line, r.Code))
	}
	return strings.Join(out, "\n")
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"bare accept", "/accept", "1 accept"},
		{"accept with an agency, any case", "/ACCEPT SO-GTVT", "1 accept code=so-gtvt"},
		{"alias with diacritics and hyphen", "/Tiếp-nhận", "1 accept"},
		{"underscore", "/call_failed", "1 call-failed"},
		{"colon after the name", "/reject: Nội dung quảng cáo", `1 reject text="Nội dung quảng cáo"`},
		{"dash after the name", "/tuchoi – Trùng lặp", `1 reject text="Trùng lặp"`},
		{"bare with punctuation", "/approve.", "1 approve"},
		{"several in order", "/urgent\n/assign dien-luc\n/note Đã gọi điện", "1 urgent\n2 assign code=dien-luc\n3 note text=\"Đã gọi điện\""},
		{"greeting and thanks ignored", "Chào anh,\n\n/duyet\nCảm ơn anh", "3 approve"},
		{"text below the command", "/reject Trùng với phản ánh trước\nĐã có PA-2026-000041.\n\n\nĐề nghị theo dõi.",
			"1 reject text=\"Trùng với phản ánh trước\\nĐã có PA-2026-000041.\\n\\nĐề nghị theo dõi.\""},
		// SPEC 7.1: lines above the first command belong to no command.
		{"a greeting above the command is no result", "Kính gửi Trung tâm,\n/ketqua A\nB",
			"2 resolve text=\"A\\nB\""},
		{"text above the command is no command's", "Kính gửi Trung tâm,\nĐơn vị đã vá ổ gà.\n/resolve", "3 resolve"},
		{"text on both sides: only what is under", "Đã vá xong.\n/ketqua Kết quả:\nCó ảnh kèm theo.",
			"2 resolve text=\"Kết quả:\\nCó ảnh kèm theo.\""},
		{"a greeting above a reason it does not join", "Kính gửi anh,\n\n/tuchoi Trùng lặp\nĐã có PA-2026-000041.",
			"3 reject text=\"Trùng lặp\\nĐã có PA-2026-000041.\""},
		{"two texts", "/note A\nline a\n/reject B\nline b", "1 note text=\"A\\nline a\"\n3 reject text=\"B\\nline b\""},
		{"lines under a bare command are no command's", "/urgent\nGhi chú thêm\n/note Gọi lại",
			"1 urgent\n3 note text=\"Gọi lại\""},
		{"a text ends at the next command", "/note Gọi lại\n/urgent\nGhi chú thêm",
			"1 note text=\"Gọi lại\"\n2 urgent"},
		{"resolve without text: the attachments may carry it", "/resolve", "1 resolve"},
		{"call-failed without a note", "/goikhongduoc", "1 call-failed"},
		{"call-failed with a note", "/call-failed Không bắt máy", `1 call-failed text="Không bắt máy"`},
		{"CRLF", "/urgent\r\n/complex\r\n", "1 urgent\n2 complex"},

		// Quoted history and signatures.
		{"Gmail attribution", "/approve\n\nOn Mon, 23 Nov 2026 at 08:00, phananh <phananh@haugiang.gov.vn> wrote:\n> /reject lý do\n> /accept",
			"1 approve"},
		{"attribution over two lines", "/approve\n\nOn Mon, 23 Nov 2026 at 08:00, phananh\n<phananh@haugiang.gov.vn> wrote:\n/accept",
			"1 approve"},
		{"Vietnamese attribution", "/duyet\nVào 8:00 Th 2, 23 thg 11, 2026 phananh <phananh@haugiang.gov.vn> đã viết:\n/reject x",
			"1 approve"},
		{"Vietnamese attribution without diacritics", "/duyet\nVao luc 8:00 ngay 23/11/2026, phananh da viet:\n/reject x",
			"1 approve"},
		{"quoted lines", "/assign so-gtvt\n> /accept\n> /reject lý do từ chối", "1 assign code=so-gtvt"},
		{"quoted lines without a space", "/urgent\n>/approve", "1 urgent"},
		{"Outlook block after a rule", "/approve\n\n________________________________\nFrom: phananh <phananh@haugiang.gov.vn>\n" +
			"Sent: Monday, November 23, 2026 8:00 AM\nTo: Nguyen Van A <a@haugiang.gov.vn>\nSubject: [PA-2026-000042] Phản ánh mới\n\n" +
			"/accept            tiếp nhận\n/reject lý do      từ chối", "1 approve"},
		{"Outlook block without a rule", "/urgent\nFrom: phananh\nSent: Monday\nTo: A\nSubject: x\n/accept", "1 urgent"},
		{"Vietnamese Outlook block", "/khancap\nTừ: phananh\nĐã gửi: Thứ Hai, 23 tháng 11, 2026 08:00\nĐến: A\nChủ đề: x\n/accept",
			"1 urgent"},
		{"what an empty Outlook reply leaves after the pipeline's cut", "Sent: Monday, November 23, 2026 8:00 AM\n" +
			"To: Nguyen Van A\nSubject: [PA-2026-000042] Phản ánh mới\n\n/accept tiếp nhận\n/reject lý do", ""},
		{"original message separator", "/approve\n-----Original Message-----\n/reject x", "1 approve"},
		{"forwarded block", "/note xem\n---------- Forwarded message ---------\n/reject x", "1 note text=\"xem\""},
		{"signature", "/resolve Đã xử lý\n-- \nNguyễn Văn B\nPhòng Quản lý đô thị", `1 resolve text="Đã xử lý"`},
		{"closing and signature", "/resolve Đã xử lý xong.\nẢnh đính kèm.\n\nTrân trọng,\nNguyễn Văn B\nĐT: 0912 345 678",
			"1 resolve text=\"Đã xử lý xong.\\nẢnh đính kèm.\""},
		{"Trân trọng./.", "/reject Không đủ thông tin\nTrân trọng./.\nB", `1 reject text="Không đủ thông tin"`},
		{"the last closing counts", "/resolve Đã xong.\nCảm ơn\nẢnh kèm theo.\nTrân trọng,\nB",
			"1 resolve text=\"Đã xong.\\nCảm ơn\\nẢnh kèm theo.\""},
		{"a closing with a long text under it stays", "/note a\nThanks\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11",
			"1 note text=\"a\\nThanks\\n1\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n9\\n10\\n11\""},
		{"a closing with a long line under it stays", "/note a\nCảm ơn\n" + strings.Repeat("chữ ", 30),
			"1 note text=\"a\\nCảm ơn\\n" + strings.TrimSpace(strings.Repeat("chữ ", 30)) + "\""},
		{"an office's signature", "/resolve Đã xong.\n\nTrân trọng,\nNguyễn Văn Bình\nChuyên viên\nPhòng Kỹ thuật\nĐịa chỉ: Quốc lộ 61\nĐT: 0293.3870.123\nEmail: a@b.vn\nWebsite: b.vn",
			`1 resolve text="Đã xong."`},
		{"an official sign-off", "/resolve Đã xong.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Bình",
			`1 resolve text="Đã xong."`},
		{"no sign-off in the text", "/resolve Đã xong.\nKT. lại lúc 10 giờ, ổn định.", "1 resolve text=\"Đã xong.\\nKT. lại lúc 10 giờ, ổn định.\""},
		{"thanks and regards", "/resolve Đã xong.\n\nThanks & Best Regards!\nBình", `1 resolve text="Đã xong."`},
		{"a closing above a command is no command's", "Cảm ơn\n/note ok", "2 note text=\"ok\""},
		{"mobile footer", "/approve\n\nSent from my iPhone", "1 approve"},
		{"Vietnamese mobile footer", "/note Đã xem\nGửi từ iPhone của tôi", `1 note text="Đã xem"`},

		// What mail clients and HTML conversion put in front.
		{"leading space", "   /approve", "1 approve"},
		{"list bullets", "- /urgent\n• /complex\n* /confidential\n1. /note x\n2) /field dien",
			"1 urgent\n2 complex\n3 confidential\n4 note text=\"x\"\n5 field code=dien"},
		{"bullet without space", "-/approve", "1 approve"},
		{"bold", "*/approve*\n*/assign so-gtvt*", "1 approve\n2 assign code=so-gtvt"},
		{"non-breaking spaces", "\u00a0/assign\u00a0so-gtvt\u00a0", "1 assign code=so-gtvt"},
		{"zero-width space", "\u200b/approve", "1 approve"},
		{"full-width slash", "／duyet", "1 approve"},
		{"decomposed diacritics", "/ti\u1ebfp-nha\u0323\u0302n", "1 accept"},

		// Not commands.
		{"slash then space", "/ không phải lệnh", ""},
		{"double slash", "// ghi chú riêng", ""},
		{"slash then digit", "/2026", ""},
		{"slash inside a line", "Xem tệp a/b.pdf\nhttp://x/approve", ""},

		// Arguments.
		{"extend with days", "/extend 5 ngày Cần khảo sát hiện trường", `1 extend days=5 text="Cần khảo sát hiện trường"`},
		{"extend with working days and a colon", "/giahan 10 ngày làm việc: chờ kinh phí", `1 extend days=10 text="chờ kinh phí"`},
		{"extend without days", "/giahan Chưa xác định được thời gian", `1 extend text="Chưa xác định được thời gian"`},
		{"extend: grounds below", "/extend 5\nCăn cứ: công văn số 12.", "1 extend days=5 text=\"Căn cứ: công văn số 12.\""},
		{"confirm without days", "/confirm-extension", "1 confirm-extension"},
		{"confirm with days", "/duyetgiahan 7 ngày", "1 confirm-extension days=7"},
		{"deny", "/khonggiahan Không đủ căn cứ", `1 deny-extension text="Không đủ căn cứ"`},
		{"status here", "/status", "1 status"},
		{"status of a code", "/tinhtrang pa-2026-000042", "1 status code=PA-2026-000042"},
		{"status of a tag", "/status [PA-2026-000042].", "1 status code=PA-2026-000042"},
		{"report", "/report monthly 2026-11", "1 report period=monthly month=2026-11"},
		{"report in Vietnamese", "/baocao quý 11/2026", "1 report period=quarterly month=2026-11"},
		{"report six months", "/baocao 6 tháng 2026-6", "1 report period=semiannual month=2026-06"},
		{"report without a month", "/report annual", "1 report period=annual"},
		{"help with a topic", "/huongdan extend", `1 help text="extend"`},
		{"escalate", "/chuyencap Liên quan nhiều sở", `1 escalate text="Liên quan nhiều sở"`},
		{"return", "/tralai Không thuộc thẩm quyền\nCăn cứ: Quyết định 12.\nĐề xuất: UBND huyện.",
			"1 return text=\"Không thuộc thẩm quyền\\nCăn cứ: Quyết định 12.\\nĐề xuất: UBND huyện.\""},
		{"sendback", "/yeucausua Thiếu ảnh", `1 sendback text="Thiếu ảnh"`},
		{"clarify", "/giaitrinh Đơn vị đã kiểm tra lại.", `1 clarify text="Đơn vị đã kiểm tra lại."`},
		{"unit", "/unit Vi-Thanh", "1 unit code=vi-thanh"},
		{"field alias", "/linhvuc giao-thong", "1 field code=giao-thong"},
		{"unit alias", "/diaban nga-bay", "1 unit code=nga-bay"},

		// Refusals, with their lines.
		{"unknown command", "/foo", "1 unknown-command"},
		{"misspelt alias", "Chào anh\n/duyett", "2 unknown-command"},
		{"assign without a code", "Chào anh\n/approve\n/assign", "2 approve\n3 missing-argument"},
		{"reject without a reason", "/reject", "1 missing-argument"},
		{"reject without a reason, a closing below", "/reject\nTrân trọng", "1 missing-argument"},
		{"return without a cause", "/urgent\n/return", "1 urgent\n2 missing-argument"},
		{"field without a code", "/field", "1 missing-argument"},
		{"extend with days but no grounds", "/extend 5", "1 missing-argument"},
		{"extend with zero days", "/extend 0 lý do", "1 bad-argument"},
		{"extend with too many days", "/extend 999 lý do", "1 bad-argument"},
		{"confirm with words", "/confirm-extension đồng ý", "1 extra-argument"},
		{"approve with words", "/approve ok luôn", "1 extra-argument"},
		{"urgent with words", "/urgent lắm", "1 extra-argument"},
		{"a name", "/assign Sở GTVT", "1 assign name=Sở GTVT"},
		{"a name without diacritics", "/chuyen so xay dung.", "1 assign name=so xay dung"},
		{"a code with diacritics is a name", "/assign sở-gtvt", "1 assign name=sở-gtvt"},
		{"a unit's name", "/diaban TP Vị Thanh", "1 unit name=TP Vị Thanh"},
		{"a field's name", "/field Giao thông", "1 field name=Giao thông"},
		{"accept with words", "/accept tiếp nhận, chuyển cơ quan", "1 accept name=tiếp nhận, chuyển cơ quan"},
		{"only punctuation", "/assign ---?", "1 bad-argument"},
		{"a name too long", "/assign " + strings.Repeat("sở ", 50), "1 bad-argument"},
		{"codes", "/codes", "1 codes"},
		{"codes in Vietnamese, with a filter", "/danhmuc xây dựng", `1 codes text="xây dựng"`},
		{"status with a bad code", "/status 42", "1 bad-argument"},
		{"report without a period", "/report", "1 missing-argument"},
		{"report with an unknown period", "/report weekly", "1 bad-argument"},
		{"report with a bad month", "/report monthly 2026-13", "1 bad-argument"},
		{"report with extra words", "/report monthly 2026-11 gấp", "1 extra-argument"},
		{"several refusals in line order", "/foo\n/approve\n/assign\n/reject", "2 approve\n1 unknown-command\n3 missing-argument\n4 missing-argument"},
		{"empty", "", ""},
		{"blank", " \n\n \t", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := format(command.Parse(tt.text)); got != tt.want {
				t.Errorf("Parse(%q):\n got %s\nwant %s", tt.text, got, tt.want)
			}
		})
	}
}

// TestAliases checks every name of SPEC 7.1.
func TestAliases(t *testing.T) {
	aliases := map[string]lifecycle.Action{
		"tiepnhan": lifecycle.Accept, "chuyen": lifecycle.Assign, "tuchoi": lifecycle.Reject,
		"goikhongduoc": lifecycle.CallFailed, "khancap": lifecycle.Urgent, "phuctap": lifecycle.Complex,
		"baomat": lifecycle.Confidential, "tralai": lifecycle.Return, "ketqua": lifecycle.Resolve,
		"giaitrinh": lifecycle.Clarify, "giahan": lifecycle.Extend, "duyetgiahan": lifecycle.ConfirmExtension,
		"khonggiahan": lifecycle.DenyExtension, "duyet": lifecycle.Approve, "yeucausua": lifecycle.SendBack,
		"chuyencap": lifecycle.Escalate, "ghichu": lifecycle.Note, "tinhtrang": lifecycle.Status,
		"huongdan": lifecycle.Help, "baocao": lifecycle.Report, "giulai": lifecycle.Hold, "bogiu": lifecycle.Release,
		"bimatnhanuoc": lifecycle.Secret,
	}
	for _, a := range lifecycle.Actions() {
		if !strings.HasPrefix(a.Command(), "/") {
			continue // the system's and the citizen's actions are no commands
		}
		aliases[string(a)] = a
	}
	args := map[lifecycle.Action]string{
		lifecycle.Assign: " so-gtvt", lifecycle.Field: " dien", lifecycle.Unit: " vi-thanh", lifecycle.Report: " monthly",
		lifecycle.Reject: " x", lifecycle.Return: " x", lifecycle.SendBack: " x", lifecycle.Extend: " x",
		lifecycle.DenyExtension: " x", lifecycle.Escalate: " x", lifecycle.Clarify: " x", lifecycle.Note: " x",
		lifecycle.Hold: " x",
	}
	for name, want := range aliases {
		for _, written := range []string{name, strings.ToUpper(name)} {
			cmds, refusals := command.Parse("/" + written + args[want])
			if len(refusals) != 0 || len(cmds) != 1 || cmds[0].Action != want {
				t.Errorf("/%s: %s, want %s", written, format(cmds, refusals), want)
			}
		}
	}
}

// TestRefusalText checks the wording of a refusal as the operator reads it.
func TestRefusalText(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Chào anh\n/chuyen", "dòng 2: «/chuyen» — lệnh /chuyen cần mã hoặc tên cơ quan xử lý, ví dụ: /assign so-gtvt hoặc /assign Sở Giao thông vận tải"},
		{"/tuchoi", "dòng 1: «/tuchoi» — lệnh /tuchoi cần lý do từ chối: ghi sau lệnh hoặc ở các dòng dưới, " +
			"ví dụ: /reject Nội dung không thuộc phạm vi phản ánh hiện trường"},
		{"/xoa PA-2026-000042", "dòng 1: «/xoa PA-2026-000042» — không có lệnh /xoa; gửi /help để xem các lệnh"},
		{"/duyet ok", "dòng 1: «/duyet ok» — lệnh /duyet không nhận thêm nội dung trên cùng dòng"},
		{"Kính gửi Trung tâm,\nĐã xử lý xong.\n/tuchoi", "dòng 3: «/tuchoi» — lệnh /tuchoi cần lý do từ chối: ghi sau lệnh hoặc ở " +
			"các dòng dưới, ví dụ: /reject Nội dung không thuộc phạm vi phản ánh hiện trường; các dòng phía trên lệnh đầu tiên " +
			"(lời chào, …) không thuộc lệnh nào"},
		{"/assign ???", "dòng 1: «/assign ???» — «???» không phải là mã hoặc tên cơ quan xử lý; ví dụ: /assign so-gtvt " +
			"hoặc /assign Sở Giao thông vận tải"},
	}
	for _, tt := range tests {
		_, refusals := command.Parse(tt.text)
		if len(refusals) != 1 || refusals[0].String() != tt.want {
			t.Errorf("Parse(%q): %v\nwant %s", tt.text, refusals, tt.want)
		}
	}
}

// TestLongLineShortened: a refusal quotes at most 120 characters.
func TestLongLineShortened(t *testing.T) {
	_, refusals := command.Parse("/foo " + strings.Repeat("ă", 500))
	if len(refusals) != 1 || len([]rune(refusals[0].Raw)) != 120 || !strings.HasSuffix(refusals[0].Raw, "…") {
		t.Fatalf("%+v", refusals)
	}
}

// TestWritten names a command as the operator wrote it.
func TestWritten(t *testing.T) {
	for line, want := range map[string]string{
		"/Chuyen UBND huyện Vị Thủy": "/chuyen", "- /tiepnhan": "/tiepnhan", "*/duyet*": "/duyet",
		"／ketqua Đã xong": "/ketqua", "/accept": "/accept", "Kính gửi Trung tâm,": "",
	} {
		if got := command.Written(line); got != want {
			t.Errorf("Written(%q) = %q, want %q", line, got, want)
		}
	}
}

// TestSyllables reads the Vietnamese names of the commands written in
// syllables, as Vietnamese is written.
func TestSyllables(t *testing.T) {
	for text, want := range map[string]string{
		"/Tiếp nhận":                     "1 accept",
		"/từ chối Thông tin không đúng":  `1 reject text="Thông tin không đúng"`,
		"/ghi chú: Đã gọi":               `1 note text="Đã gọi"`,
		"/gọi không được":                "1 call-failed",
		"/gia hạn 5 Chờ vật tư":          `1 extend days=5 text="Chờ vật tư"`,
		"/duyệt gia hạn 5":               "1 confirm-extension days=5",
		"/không gia hạn Không đủ căn cứ": `1 deny-extension text="Không đủ căn cứ"`,
		"/bí mật nhà nước":               "1 secret",
		"/yêu cầu sửa Thiếu ảnh":         `1 sendback text="Thiếu ảnh"`,
		"/chuyển cấp nước":               "1 assign name=cấp nước", // a word that names a command taking an argument is that command
		"/duyệt ok":                      "1 extra-argument",
		"/tiếp theo":                     "1 unknown-command",
	} {
		if got := format(command.Parse(text)); got != want {
			t.Errorf("Parse(%q) = %s, want %s", text, got, want)
		}
	}
	if got := command.Written("/Gọi không được lần 2"); got != "/gọi không được" {
		t.Errorf("Written: %q", got)
	}
}
