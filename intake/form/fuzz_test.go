package form

import (
	"strings"
	"testing"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

func FuzzFormRead(f *testing.F) {
	for _, s := range []string{"Họ tên: A\nSĐT: 0912345678", "Tôi tên là Nguyễn An, sđt +84 912 345 678", "Giữ bí mật: không", "Trân trọng,\nTrần Bình"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Read(s)
		if got.Phone != "" && (len(got.Phone) < 10 || len(got.Phone) > 11 || got.Phone[0] != '0') && Phone(got.Phone) != got.Phone {
			if strings.ContainsAny(got.Phone, "0123456789") && got.Labelled {
				return // a labelled phone that is no number is kept as written
			}
			t.Fatalf("phone %q from %q", got.Phone, s)
		}
		_ = got.Missing()
	})
}

// FuzzSummary checks the summary's promises whatever the text: at most
// SummaryRunes characters, valid UTF-8, one line, and no phone number.
func FuzzSummary(f *testing.F) {
	for _, s := range []string{"Kính gửi Trung tâm,\n\nĐường ngập.\nSĐT: 0912 345 678\n\nTrân trọng,\nAn",
		"Họ tên: A\nNội dung: cống nghẹt, gọi 0912.345.678", "gọi +84 912 345 678 hoặc an@example.vn (mailto:an@example.vn)",
		strings.Repeat("Đèn hỏng ", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Summary(s)
		if n := utf8.RuneCountInString(got); n > SummaryRunes || !utf8.ValidString(got) && utf8.ValidString(s) {
			t.Fatalf("%d characters: %q", n, got)
		}
		if strings.Contains(got, "\n") {
			t.Fatalf("a line break in %q", got)
		}
		if p := Phone(got); p != "" {
			t.Fatalf("phone number %s in %q (from %q)", p, got, s)
		}
	})
}

// FuzzMayAskAnonymity checks the quick test of asksAnonymity: it turns
// away no text in which a clause asks to stay anonymous.
func FuzzMayAskAnonymity(f *testing.F) {
	for _, s := range []string{"Xin giữ bí mật danh tính.", "Đề nghị giấu tên tôi, tôi sợ bị làm khó.", "Please keep my name confidential.",
		"xin giu bi mat danh tinh", "Cảm ơn, tôi không cần giấu tên.", "Đừng tiết lộ; ẨN DANH!", "Don't publish my address", "Ｇｉｕ ｋｉｎ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if clauseAsksAnonymity(s) && !mayAskAnonymity(fold.String(s)) {
			t.Fatalf("%q asks to stay anonymous, and the quick test turns it away", s)
		}
	})
}

// FuzzSingleSpaced: a label that singleSpaced passes is its words joined
// by one space, as labelLine would otherwise make it.
func FuzzSingleSpaced(f *testing.F) {
	for _, s := range []string{"ho ten", " ho ten", "ho  ten", "ho\tten", "ho ten ", "", "a", "sđt", "ho\u00a0ten", "ho\vten", "ho\u0085ten"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if joined := strings.Join(strings.Fields(s), " "); singleSpaced(s) && joined != s {
			t.Fatalf("singleSpaced(%q), but its words joined are %q", s, joined)
		}
	})
}
