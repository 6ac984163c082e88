package form

import (
	"strings"
	"testing"
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
