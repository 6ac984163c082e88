package parse

import "testing"

// TestFlowed checks that format=flowed text (RFC 3676), as Thunderbird and
// Apple Mail send it, is reflowed: soft line breaks go, hard ones stay.
func TestFlowed(t *testing.T) {
	tests := []struct{ name, ct, body, text, newText string }{
		{"thunderbird", `text/plain; charset=UTF-8; format=flowed`,
			"Đèn đường ở ấp 3, xã Vị Đông bị hỏng từ tuần trước, buổi tối rất tối và \r\nnguy hiểm cho người đi đường.\r\n\r\nSĐT: 0912 345 678\r\n\r\n-- \r\nNguyễn Văn An\r\n",
			"Đèn đường ở ấp 3, xã Vị Đông bị hỏng từ tuần trước, buổi tối rất tối và nguy hiểm cho người đi đường.\n\nSĐT: 0912 345 678\n\n--\nNguyễn Văn An",
			"Đèn đường ở ấp 3, xã Vị Đông bị hỏng từ tuần trước, buổi tối rất tối và nguy hiểm cho người đi đường.\n\nSĐT: 0912 345 678"},
		{"apple mail, delsp", `text/plain; charset=utf-8; format=flowed; delsp=yes`,
			"Cống thoát nước trước nhà số 12 bị nghẹt, nước tràn lên mặt đườ \r\nng.\r\nXin cảm ơn.\r\n",
			"Cống thoát nước trước nhà số 12 bị nghẹt, nước tràn lên mặt đường.\nXin cảm ơn.",
			"Cống thoát nước trước nhà số 12 bị nghẹt, nước tràn lên mặt đường.\nXin cảm ơn."},
		{"space-stuffed and quoted", `text/plain; format=flowed; charset=utf-8`,
			"/ketqua Đã sửa \r\nxong.\r\n\r\nOn 28/11/2026 12:36, Trung tâm wrote:\r\n> Phản ánh mới, nội dung \r\n> dài.\r\n>> cũ \r\n>> hơn\r\n Từ nay\r\n",
			"/ketqua Đã sửa xong.\n\nOn 28/11/2026 12:36, Trung tâm wrote:\n> Phản ánh mới, nội dung dài.\n>> cũ hơn\nTừ nay",
			"/ketqua Đã sửa xong."},
		{"a flowed line before a quote depth change", `text/plain; format=flowed`,
			"one \r\n> two\r\n",
			"one\n> two", "one"},
		{"format=fixed is left", `text/plain; format=fixed`,
			"one \r\ntwo\r\n", "one\ntwo", "one\ntwo"},
	}
	for _, tt := range tests {
		m := readString(t, "From: a@example.vn\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: "+tt.ct+"\r\n\r\n"+tt.body)
		if m.Text != tt.text || m.NewText != tt.newText {
			t.Errorf("%s:\n text %q\n new  %q\nwant  %q\n      %q", tt.name, m.Text, m.NewText, tt.text, tt.newText)
		}
	}
}
