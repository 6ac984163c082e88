package mask

import (
	"testing"
)

const hidden = "[giữ bí mật]"

var an = Citizen{Name: "Nguyễn Văn An", Phone: "0912345678", Email: "an.nguyen@gmail.com", Address: "12 Trần Hưng Đạo, phường 1"}

// TestIdentity: what a citizen's words give of them is masked; what they
// report — the hamlet, the time, the amounts, the pole's number — stays.
func TestIdentity(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Tôi là Nguyễn Văn An, nhà ở 12 Trần Hưng Đạo, phường 1, số 0912 345 678.",
			"Tôi là [giữ bí mật], nhà ở [giữ bí mật], số [giữ bí mật]."},
		{"Tôi tên là Lê Thị Bình, gọi 0293.3876.543 hoặc +84 987 654 321, thư binh.le@yahoo.com.vn",
			"Tôi tên là [giữ bí mật], gọi [giữ bí mật] hoặc [giữ bí mật], thư [giữ bí mật]"},
		{"Cột điện số 15 ở ấp 3, tổ 5, xã Vị Đông đổ lúc 10:30 ngày 23/11/2026, thiệt hại 500.000 đồng.",
			"Cột điện số 15 ở ấp 3, tổ 5, xã Vị Đông đổ lúc 10:30 ngày 23/11/2026, thiệt hại 500.000 đồng."},
		{"Hẻm trước nhà số 5/3 hẻm 7 đường Nguyễn Trãi ngập.", "Hẻm trước [giữ bí mật] ngập."},
		{"Địa chỉ: 45B Lê Lợi, phường 5\nNội dung: ổ gà", "Địa chỉ: [giữ bí mật]\nNội dung: ổ gà"},
		{"nguyen van an báo lại: vẫn mất điện", "[giữ bí mật] báo lại: vẫn mất điện"},
		{"Trân trọng,\nPhạm Minh Quân\n", "Trân trọng,\n[giữ bí mật]\n"},
		{"Quốc lộ 61 đoạn qua xã Vị Đông sụt lún.", "Quốc lộ 61 đoạn qua xã Vị Đông sụt lún."},
		// An identity card's number, and a house's number alone.
		{"CCCD của tôi: 093 184 000 123, số nhà 12A, ấp Mái Dầm.", "CCCD của tôi: [giữ bí mật], [giữ bí mật], ấp Mái Dầm."},
		{"Mã trụ 12345678 nghiêng.", "Mã trụ 12345678 nghiêng."},
	} {
		if got := Identity(tc.in, an, hidden); got != tc.want {
			t.Errorf("Identity(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestRecorded: the Center's words lose only what the report recorded of
// the citizen; the street of the problem stays.
func TestRecorded(t *testing.T) {
	got := Recorded("Anh An (0912 345 678) báo cột điện số 40 Nguyễn Trãi đổ; gọi Nguyen Van An.", an, hidden)
	if want := "Anh An ([giữ bí mật]) báo cột điện số 40 Nguyễn Trãi đổ; gọi [giữ bí mật]."; got != want {
		t.Errorf("Recorded:\n got %q\nwant %q", got, want)
	}
}

// FuzzIdentity: whatever a citizen writes, what Identity leaves holds no
// email address, no phone number and no run of nine digits, and the
// masking never fails.
func FuzzIdentity(f *testing.F) {
	f.Add("Tôi là Nguyễn Văn An, nhà ở 12 Trần Hưng Đạo, số 0912 345 678, email an.nguyen@gmail.com.", "Nguyễn Văn An")
	f.Add("Trân trọng,\nPhạm Minh Quân\n0293.3876.543", "")
	f.Add("Địa chỉ: 45B Lê Lợi\nSĐT: +84 987 654 321, CCCD 093184000123", "An")
	f.Fuzz(func(t *testing.T, text, name string) {
		got := Identity(text, Citizen{Name: name, Email: "an@example.vn", Phone: "0912345678"}, hidden)
		if m := emailPattern.FindString(got); m != "" {
			t.Errorf("Identity(%q) leaves the address %q", text, m)
		}
		if m := phonePattern.FindString(got); m != "" {
			t.Errorf("Identity(%q) leaves the phone number %q", text, m)
		}
		for _, m := range numberPattern.FindAllString(got, -1) {
			if len(digits(m)) >= 9 {
				t.Errorf("Identity(%q) leaves the number %q", text, m)
			}
		}
	})
}
