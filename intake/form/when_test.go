package form

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"haugiang.gov.vn/phananh/rules/fold"
)

// TestMentionsTime finds the date or hour of an event in what citizens
// write, and not in house numbers, phone numbers, amounts or durations.
func TestMentionsTime(t *testing.T) {
	for _, c := range timeCases {
		if got := MentionsTime(c.text); got != c.want {
			t.Errorf("MentionsTime(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

var timeCases = []struct {
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
}

// BenchmarkMentionsTime reads a report's text of a few lines, as a
// citizen writes it, for its date or hour.
func BenchmarkMentionsTime(b *testing.B) {
	text := "Kính gửi Trung tâm,\n\nHọ tên: Người dân 17\nSố điện thoại: 0912 345 017\nĐịa chỉ: ấp 17, xã Vị Đông, huyện Vị Thủy\n" +
		"Nội dung: Khu vực ấp 17 bị cúp điện từ sáng đến giờ chưa có lại, mã số 17. Đường dây trước nhà bị đứt sau cơn mưa lớn, " +
		"rất nguy hiểm cho người đi đường và trẻ em đi học.\n\nTrân trọng.\n"
	b.ReportAllocs()
	for b.Loop() {
		if MentionsTime(text) {
			b.Fatal("a time found")
		}
	}
}

// BenchmarkMentionsTimeLastNight reads the same text that says when:
// "tối qua", a day named by its distance from today.
func BenchmarkMentionsTimeLastNight(b *testing.B) {
	text := "Kính gửi Trung tâm,\n\nHọ tên: Người dân 17\nSố điện thoại: 0912 345 017\nĐịa chỉ: ấp 17, xã Vị Đông, huyện Vị Thủy\n" +
		"Nội dung: Khu vực ấp 17 bị cúp điện từ sáng đến giờ chưa có lại, mã số 17. Đường dây trước nhà bị đứt sau cơn mưa lớn tối qua, " +
		"rất nguy hiểm cho người đi đường và trẻ em đi học.\n\nTrân trọng.\n"
	b.ReportAllocs()
	for b.Loop() {
		if !MentionsTime(text) {
			b.Fatal("no time found")
		}
	}
}

// TestTimePatternGates checks that a pattern's quick test never turns
// away a text the pattern matches, with diacritics or without: texts
// that do and do not name a time, and each cut at every byte.
func TestTimePatternGates(t *testing.T) {
	for _, c := range timeCases {
		for i := range len(c.text) + 1 {
			checkGates(t, c.text[:i])
			checkGates(t, c.text[i:])
		}
	}
	for _, s := range []string{"9 : 30", "ngày 5 - 6", "12 /  11", "2026-11-23", "8 am", "since 5 . 6", "1 giờ", "1 gio", "bữa qua", "mồng 5",
		"last night", "this evening", "1st of may", "may 5", "monday", "21g", "o'clock", "9:05"} {
		checkGates(t, s)
		checkGates(t, strings.ToUpper(s))
	}
}

// FuzzTimePatternGates checks the same of any text.
func FuzzTimePatternGates(f *testing.F) {
	for _, c := range timeCases {
		f.Add(c.text)
	}
	f.Fuzz(checkGates)
}

// checkGates fails when a pattern MentionsTime applies to a text matches
// it though its quick test says it cannot.
func checkGates(t *testing.T, text string) {
	text = strings.ToLower(norm.NFC.String(text))
	patterns := exact
	if fold.Plain(text) {
		text, patterns = fold.String(text), folded
	}
	for _, p := range patterns {
		if p.re.MatchString(text) && !p.may(text) {
			t.Fatalf("%s matches %q, which its quick test turns away", p.re, text)
		}
	}
}
