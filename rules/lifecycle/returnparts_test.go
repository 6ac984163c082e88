package lifecycle_test

import (
	"errors"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// TestMissingReturnParts reads the cause, the legal basis and the proposal
// that Art 8.1 asks of a return, labelled with or without diacritics.
func TestMissingReturnParts(t *testing.T) {
	for _, c := range []struct{ text, missing string }{
		{"Nguyên nhân: đường dây hạ thế do xã quản lý.\nCăn cứ: phân cấp quản lý lưới điện.\nĐề xuất: UBND huyện Vị Thủy.", ""},
		{"nguyen nhan: duong day ha the do xa quan ly\ncan cu: phan cap quan ly\nde xuat: UBND huyen Vi Thuy", ""},
		{"NGUYÊN NHÂN : ngoài phạm vi.\n- Căn cứ pháp lý: Nghị định 14/2014.\n- Đề xuất: chuyển Sở Công Thương.", ""},
		{"Nguyên nhân: ngoài phạm vi. Căn cứ: Quyết định 12/2025. Đề xuất: chuyển UBND xã.", ""},
		{"Nguyên nhân:\nTuyến đường do tỉnh quản lý.\nCăn cứ:\nQuyết định 12/2025.\nĐề xuất:\nSở Xây dựng.", ""},
		{"Nguyên nhân：ngoài phạm vi\nCăn cứ：QĐ 12\nĐề xuất：Sở Xây dựng", ""}, // full-width colons
		{"Không thuộc thẩm quyền: đường dây do xã quản lý.\nCăn cứ: phân cấp.\nĐề xuất: UBND huyện.", "Nguyên nhân"},
		{"Nguyên nhân: ngoài phạm vi.\nĐề xuất: UBND xã.", "Căn cứ"},
		{"Nguyên nhân: ngoài phạm vi.\nCăn cứ: \nĐề xuất: UBND xã.", "Căn cứ"},
		{"Nguyên nhân: ngoài phạm vi.\nCăn cứ: QĐ 12.\nĐề xuất:", "Đề xuất"},
		{"Không thuộc thẩm quyền.", "Nguyên nhân, Căn cứ, Đề xuất"},
		{"Nguyên nhân ngoài phạm vi, căn cứ quyết định, đề xuất UBND xã.", "Nguyên nhân, Căn cứ, Đề xuất"}, // no colons: no labels
		{"Lý do xuất: x\nphacan cu: y", "Nguyên nhân, Căn cứ, Đề xuất"},                                    // inside other words
		{"", "Nguyên nhân, Căn cứ, Đề xuất"},
	} {
		got := strings.Join(lifecycle.MissingReturnParts(c.text), ", ")
		if got != c.missing {
			t.Errorf("%q: missing %q, want %q", c.text, got, c.missing)
		}
	}
}

// TestIncompleteReturn refuses a /return that lacks a part, naming what is
// missing and the labels to write, and changes nothing.
func TestIncompleteReturn(t *testing.T) {
	in := happy(t, lifecycle.Return, lifecycle.Forwarded, handler)
	in.Text = "Không thuộc thẩm quyền.\nĐề xuất: UBND huyện Vị Thủy."
	_, err := lifecycle.Apply(in)
	want := "lệnh /return phải nêu rõ nguyên nhân, căn cứ và đề xuất (khoản 1 Điều 8); thiếu: Nguyên nhân, Căn cứ. " +
		"Ghi mỗi phần trên một dòng, bắt đầu bằng «Nguyên nhân:», «Căn cứ:», «Đề xuất:»"
	var le *lifecycle.Error
	if !errors.As(err, &le) || le.Code != lifecycle.CodeIncompleteReturn || le.Message != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	in.Text = "Nguyên nhân: không thuộc thẩm quyền.\nCăn cứ: phân cấp quản lý.\nĐề xuất: UBND huyện Vị Thủy."
	if ch, err := lifecycle.Apply(in); err != nil || ch.To != lifecycle.Returned {
		t.Fatalf("a complete return: %v %v", ch.To, err)
	}
}
