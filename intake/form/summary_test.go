package form

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSummary checks the summary of SPEC 8.3 that the result notice
// repeats: the form's "Nội dung", else the text without greeting,
// signature and contact lines, never a phone number or an email address.
func TestSummary(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"free text with a phone and a signature",
			"Khu vực ấp 3 xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng đến giờ chưa có lại.\nSố điện thoại: 0912 345 678\n\nTrân trọng,\nNguyễn Văn An\n",
			"Khu vực ấp 3 xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng đến giờ chưa có lại."},
		{"greeting, contacts, closing",
			"Kính gửi Trung tâm,\n\nĐường vào ấp Mỹ Hiệp bị ngập sâu,\nxe máy không qua được.\nLiên hệ: 0912.345.678 – Email: an.nguyen@gmail.com\nZalo: 0987654321\n\nXin cảm ơn!\nNguyễn Văn An\nĐịa chỉ: 12 Trần Hưng Đạo",
			"Đường vào ấp Mỹ Hiệp bị ngập sâu, xe máy không qua được."},
		{"the form's content",
			"Họ tên: Nguyễn Văn An\nSĐT: 0912345678\nĐịa chỉ: ấp 3\nĐịa điểm: cầu Cái Tắc\nNội dung: Lan can cầu bị gãy,\nrất nguy hiểm.\nGiữ bí mật: không",
			"Lan can cầu bị gãy, rất nguy hiểm."},
		{"a phone and an address within the text",
			"Cống nghẹt trước nhà, gọi 0912 345 678 hoặc +84 987 654 321 hay viết an@example.vn (mailto:an@example.vn) giúp tôi.",
			"Cống nghẹt trước nhà, gọi hoặc hay viết giúp tôi."},
		{"greeting on the text's line", "Kính gửi Trung tâm, đường ở ấp 3 bị ngập sâu.", "đường ở ấp 3 bị ngập sâu."},
		{"english", "Dear Sir or Madam,\n\nThe street light on Tran Hung Dao street has been off for a week.\n\nBest regards,\nJohn Smith\n+84 912 345 678",
			"The street light on Tran Hung Dao street has been off for a week."},
		{"a signature under dashes", "Cây đổ chắn đường.\n-- \nNguyễn Văn An\nĐT: 0912 345 678", "Cây đổ chắn đường."},
		{"a phone's line", "Cây đổ chắn đường.\n\nSent from my iPhone", "Cây đổ chắn đường."},
		{"a self-introduction with a number", "Tôi là An, số điện thoại 0912345678. Đèn đường hỏng.", "Tôi là An, số điện thoại. Đèn đường hỏng."},
		{"money is no phone number", "Thu phí 15.000.000 đồng và 1.500.000.000 đồng không có biên lai.", "Thu phí 15.000.000 đồng và 1.500.000.000 đồng không có biên lai."},
		{"a contact line with a longer label",
			"Mất điện từ 6 giờ sáng.\n\nSố điện thoại liên hệ: 0912 345 678\nLiên lạc qua Zalo số: 0987654321\n\nTrân trọng,\nNguyễn Văn An",
			"Mất điện từ 6 giờ sáng."},
		{"nothing but contacts", "SĐT: 0912345678\nEmail: an@example.vn", ""},
	}
	for _, tt := range tests {
		if got := Summary(tt.text); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestSummaryLength checks that a summary is at most 500 characters, cut
// at a word.
func TestSummaryLength(t *testing.T) {
	long := strings.Repeat("Đường giao thông nông thôn xuống cấp nghiêm trọng ", 30)
	got := Summary(long)
	if n := utf8.RuneCountInString(got); n > 500 || n < 400 {
		t.Fatalf("%d characters: %q", n, got)
	}
	if !strings.HasSuffix(got, " …") {
		t.Errorf("no ellipsis: %q", got)
	}
	words := strings.Fields(strings.TrimSuffix(got, " …"))
	if !strings.Contains(long, strings.Join(words[len(words)-2:], " ")+" ") {
		t.Errorf("not cut at a word: %q", got)
	}
	if got := Summary(strings.Repeat("x", 800)); utf8.RuneCountInString(got) > 500 {
		t.Errorf("one long word: %d characters", utf8.RuneCountInString(got))
	}
}
