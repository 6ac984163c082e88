package lifecycle_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"haugiang.gov.vn/phananh/rules/lifecycle"
)

func TestParseRating(t *testing.T) {
	tests := []struct {
		line string
		want lifecycle.Rating // "" for no rating
	}{
		{"1", lifecycle.VerySatisfied},
		{"2", lifecycle.Satisfied},
		{" 3 ", lifecycle.Dissatisfied},
		{"2.", lifecycle.Satisfied},
		{"１", lifecycle.VerySatisfied}, // full-width digit
		{"Rất hài lòng", lifecycle.VerySatisfied},
		{"Rất hài lòng!", lifecycle.VerySatisfied},
		{"RẤT HÀI LÒNG", lifecycle.VerySatisfied},
		{"rat hai long", lifecycle.VerySatisfied},
		{"Hài lòng", lifecycle.Satisfied},
		{"hai long.", lifecycle.Satisfied},
		{"Hài lòng 👍", lifecycle.Satisfied},
		{"Không hài lòng", lifecycle.Dissatisfied},
		{"không hài lòng", lifecycle.Dissatisfied},
		{"khong hai long", lifecycle.Dissatisfied},
		{"KHÔNG HAI LONG", lifecycle.Dissatisfied}, // diacritics on some words only
		{"Chưa hài lòng", lifecycle.Dissatisfied},
		{"chua hai long!!!", lifecycle.Dissatisfied},
		{norm.NFD.String("Không hài lòng"), lifecycle.Dissatisfied}, // decomposed tone marks
		{"1 - Rất hài lòng", lifecycle.VerySatisfied},
		{"3. Không hài lòng", lifecycle.Dissatisfied},
		{"Đánh giá: Hài lòng", lifecycle.Satisfied},
		{"Mức 1", lifecycle.VerySatisfied},
		{"Tôi rất hài lòng.", lifecycle.VerySatisfied},
		{"Dạ, rất hài lòng ạ.", lifecycle.VerySatisfied},
		{"Vâng, hài lòng nhé!", lifecycle.Satisfied},
		{"Da khong hai long a", lifecycle.Dissatisfied},
		{"Very satisfied", lifecycle.VerySatisfied},
		{"Satisfied", lifecycle.Satisfied},
		{"Not satisfied", lifecycle.Dissatisfied},
		{"Dissatisfied", lifecycle.Dissatisfied},
		// Not ratings: a clarification.
		{"", ""},
		{"hài", ""},
		{"lòng", ""},
		{"4", ""},
		{"12", ""},
		{"1 - Không hài lòng", ""}, // the digit and the words disagree
		{"Hài lòng nhưng ổ gà vẫn còn", ""},
		{"Dạ", ""},
		{"ạ", ""},
		{"Tôi không hài lòng vì ổ gà vẫn còn", ""},
		{"Cảm ơn", ""},
		{"Tôi", ""},
		{"Đánh giá:", ""},
		{"hai lòng hai lòng", ""},
	}
	for _, tt := range tests {
		got, ok := lifecycle.ParseRating(tt.line)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ParseRating(%q) = %q, %v; want %q", tt.line, got, ok, tt.want)
		}
		if ok && !got.Valid() {
			t.Errorf("ParseRating(%q) = %q: not a valid rating", tt.line, got)
		}
	}
}

// TestDissatisfiedNeverSatisfied: whatever surrounds it, a line with
// "không hài lòng" or "chưa hài lòng" is never read as "hài lòng".
func TestDissatisfiedNeverSatisfied(t *testing.T) {
	for _, phrase := range []string{"không hài lòng", "khong hai long", "Chưa hài lòng", "KHONG HÀI LÒNG"} {
		for _, line := range []string{phrase, phrase + ".", "  " + phrase + "!", "3 " + phrase, "Đánh giá: " + phrase} {
			if r, _ := lifecycle.ParseRating(line); r == lifecycle.Satisfied || r == lifecycle.VerySatisfied {
				t.Errorf("ParseRating(%q) = %q", line, r)
			}
		}
	}
}

func FuzzParseRating(f *testing.F) {
	for _, s := range []string{"1", "Rất hài lòng!", "không hài lòng", "Đánh giá: Mức 2", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		r, ok := lifecycle.ParseRating(line)
		if ok != r.Valid() {
			t.Fatalf("ParseRating(%q) = %q, %v", line, r, ok)
		}
	})
}
