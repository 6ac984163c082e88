package form

import "testing"

// TestConfidentialLater: the requests a citizen writes in a later reply or
// follow-up, and their negations, read as in a report.
func TestConfidentialLater(t *testing.T) {
	for text, want := range map[string]bool{
		"Xin giữ bí mật danh tính.":                        true,
		"Đề nghị giấu tên tôi, tôi sợ bị làm khó.":         true,
		"Please keep my name confidential.":                true,
		"xin giu bi mat danh tinh":                         true,
		"Cảm ơn Trung tâm, tôi không cần giấu tên.":        false,
		"No need to keep my name confidential, thank you.": false,
		"Cột điện đã được dựng lại, cảm ơn.":               false,
	} {
		if got := Confidential(text); got != want {
			t.Errorf("%q: %v, want %v", text, got, want)
		}
	}
}
