package parse

import "testing"

func TestNewText(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"quoted lines", "Đã sửa xong.\n\n> Đèn hỏng\n> ở ấp 3", "Đã sửa xong."},
		{"gmail", "/accept\n\nOn Mon, Mar 2, 2026 at 8:15 AM Trung tâm <phananh@haugiang.gov.vn> wrote:\n> old", "/accept"},
		{"gmail wrapped", "ok\n\nOn Mon, Mar 2, 2026 at 8:15 AM Trung tâm <\nphananh@haugiang.gov.vn> wrote:\n\n> old", "ok"},
		{"apple mail", "ok\n\nOn 2 Mar 2026, at 08:15, Trung tâm <phananh@haugiang.gov.vn> wrote:\n\n> old", "ok"},
		{"thunderbird", "ok\n\nTrung tâm wrote:\n> old", "ok"},
		{"outlook original", "ok\n\n-----Original Message-----\nFrom: Trung tâm\nSent: Monday\nTo: me\nSubject: x\n\nold", "ok"},
		{"outlook block", "ok\n\n________________________________\nFrom: Trung tâm <phananh@haugiang.gov.vn>\nSent: Monday, March 2, 2026 8:15 AM\nTo: Nguyễn An\nSubject: [PA-2026-000042]\n\nold", "ok"},
		{"outlook bold", "ok\n\n*From:* Trung tâm\n*Sent:* Monday\n*To:* me\n*Subject:* x\nold", "ok"},
		{"outlook vietnamese", "ok\n\nTừ: Trung tâm <phananh@haugiang.gov.vn>\nĐã gửi: Thứ Hai\nĐến: An\nChủ đề: x\n\nold", "ok"},
		{"vietnamese gmail", "2\n\nVào Th 2, 2 thg 3, 2026 vào lúc 08:15 Trung tâm <phananh@haugiang.gov.vn> đã viết:\n> old", "2"},
		{"vietnamese plain", "Hài lòng\n\nVao luc 08:15 ngay 2/3/2026, Trung tam da viet:\n> old", "Hài lòng"},
		{"the bat initials", "Cảm ơn.\n\nĐTCD> old text\nĐTCD> more", "Cảm ơn."},
		{"signature", "Đèn hỏng.\n-- \nNguyễn An\n0912345678", "Đèn hỏng."},
		{"mobile signature", "Đèn hỏng.\n\nSent from my iPhone", "Đèn hỏng."},
		{"vietnamese mobile", "Đèn hỏng.\n\nGửi từ iPhone của tôi", "Đèn hỏng."},
		{"forwarded", "Xem dưới.\n\n---------- Forwarded message ---------\nFrom: A <a@example.vn>\nDate: x\nSubject: y\n\nold", "Xem dưới."},
		{"begin forwarded", "Xem.\n\nBegin forwarded message:\n\nFrom: A <a@example.vn>\nSubject: y\n\nold", "Xem."},
		{"bottom posting", "On Mon, Mar 2, 2026 Trung tâm <phananh@haugiang.gov.vn> wrote:\n> question\n\nanswer below", "answer below"},
		{"no history", "Chỉ có nội dung.\nHai dòng.", "Chỉ có nội dung.\nHai dòng."},
		{"wrote in prose", "Anh ấy wrote: nothing here\nstill text", "Anh ấy wrote: nothing here\nstill text"},
		{"CRLF", "ok\r\n\r\n> old\r\n", "ok"},
		// Gmail for Android writes the attribution right under the new
		// text, with no blank line.
		{"command above gmail android", "/ketqua Đã thay bóng đèn\nOn Sat, 28 Nov 2026, 12:36 \"Trung tâm\" <phananh+abc@haugiang.gov.vn> wrote:\n\n> old", "/ketqua Đã thay bóng đèn"},
		{"text above gmail android", "Đã xử lý xong.\nOn 28 Nov 2026 12:36, \"Trung tâm\" <phananh@haugiang.gov.vn> wrote:\n> old", "Đã xử lý xong."},
		{"short line above an attribution", "Ngày mai tôi gọi lại\nOn 28 Nov 2026 12:36, Trung tâm <phananh@haugiang.gov.vn> wrote:\n> old", "Ngày mai tôi gọi lại"},
		{"command above a wrapped attribution", "/duyet\nOn Sat, 28 Nov 2026, 12:36 Trung tâm tiếp nhận phản ánh hiện trường <\nphananh@haugiang.gov.vn> wrote:\n\n> old", "/duyet"},
		{"command above vietnamese", "- /tiepnhan\nVào Th 7, 28 thg 11, 2026 lúc 12:36 Trung tâm <phananh@haugiang.gov.vn> đã viết:\n> old", "- /tiepnhan"},
		{"vietnamese wrapped over three lines", "ok\n\nVào Th 7, 28 thg 11, 2026 vào lúc 12:36 Trung tâm tiếp nhận và xử lý\nphản ánh hiện trường tỉnh Hậu Giang <\nphananh@haugiang.gov.vn> đã viết:\n> old", "ok"},
		{"a command that ends in wrote", "/note khách nói anh ấy wrote:\n> old", "/note khách nói anh ấy wrote:"},
	}
	for _, tt := range tests {
		if got := NewText(tt.text); got != tt.want {
			t.Errorf("%s: NewText = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHTMLReplies(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"gmail", `<div dir="ltr">/resolve Đã sửa</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon wrote:</div><blockquote class="gmail_quote">old</blockquote></div>`, "/resolve Đã sửa"},
		{"outlook web", `<div>ok</div><hr><div id="divRplyFwdMsg"><b>From:</b> Trung tâm<br><b>Sent:</b> Monday</div><div>old</div>`, "ok"},
		{"outlook appendonsend", `<p>ok</p><div id="appendonsend"></div><p>From: x</p>`, "ok"},
		{"thunderbird", `<p>ok</p><div class="moz-cite-prefix">On 2/3 X wrote:</div><blockquote type="cite">old</blockquote>`, "ok"},
		{"yahoo", `<div>ok</div><div class="yahoo_quoted">old</div>`, "ok"},
		{"apple", `<div>ok</div><div><br><blockquote type="cite"><div>old</div></blockquote></div>`, "ok"},
		// Written under the quote: what follows it, as in plain text.
		{"thunderbird under the quote", `<div class="moz-cite-prefix">On 2/3 X wrote:<br></div><blockquote type="cite">old</blockquote><p>ok</p>`, "ok"},
		{"gmail under the quote", `<div class="gmail_quote"><div class="gmail_attr">On Mon, X &lt;x@example.vn&gt; wrote:</div><blockquote class="gmail_quote">old</blockquote></div><div>ok</div>`, "ok"},
		// Nothing written over Outlook's unquoted history: its own
		// blockquote (a notice's quoted text) is no quote of the writer's.
		{"outlook, nothing written", `<div id="divRplyFwdMsg"><b>From:</b> Trung tâm<br><b>Sent:</b> Monday</div><div>PHẢN ÁNH MỚI</div><blockquote>text</blockquote><p>TỆP ĐÍNH KÈM</p>`, ""},
	}
	for _, tt := range tests {
		msg := "Subject: r\nContent-Type: text/html; charset=utf-8\n\n" + tt.html + "\n"
		m := readString(t, msg)
		if m.NewText != tt.want {
			t.Errorf("%s: NewText = %q, want %q (text %q)", tt.name, m.NewText, tt.want, m.Text)
		}
	}
}
