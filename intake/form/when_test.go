package form

import "testing"

// TestMentionsTime finds the date or hour of an event in what citizens
// write, and not in house numbers, phone numbers, amounts or durations.
func TestMentionsTime(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Ổ gà lớn trên đường 3/2 từ ngày 20/11/2026.", true},
		{"Sự việc xảy ra lúc 21h30 tối thứ Bảy.", true},
		{"Khoảng 9 giờ sáng có xe tải đổ trộm rác.", true},
		{"Cháy lúc 09:45.", true},
		{"Mất điện từ sáng 23/11 đến giờ.", true},
		{"Đèn đường tắt từ ngày 15.", true},
		{"Tối qua có tiếng nổ lớn ở ấp 3.", true},
		{"Hôm nay nước sinh hoạt bị đục.", true},
		{"Rác thải ùn ứ, mùng 5 Tết vẫn chưa thu gom.", true},
		{"toi qua co tieng no lon o ap 3", true}, // without diacritics: folded
		{"mat dien tu 8h sang", true},
		{"Bridge railing broken since yesterday.", true},
		{"The lights went out at 9 pm on 23 November.", true},
		{"Thời điểm 2026-11-23.", true},
		{"Hẻm 45/2 đường Trần Hưng Đạo ngập nước.", false},                 // a house number
		{"Liên hệ 0912 345 678 hoặc 0293.3876.543.", false},                // phone numbers
		{"Phạt 1.500.000 đồng là quá nặng.", false},                        // an amount
		{"Mất điện kéo dài 2 giờ, trong 3 giờ liền không có nước.", false}, // durations
		{"Tôi qua nhà hàng xóm thì thấy ống nước vỡ.", false},              // "tôi qua" is no "tối qua"
		{"Khu vực ấp 3 bị cúp điện từ sáng đến giờ chưa có lại.", false},
		{"Đường Nguyễn Huệ có 2 ha đất bỏ hoang.", false},
		{"", false},
	} {
		if got := MentionsTime(c.text); got != c.want {
			t.Errorf("MentionsTime(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
