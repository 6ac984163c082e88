package form

import (
	"reflect"
	"testing"
)

func TestReadLabelled(t *testing.T) {
	text := `Kính gửi Trung tâm,

Họ tên: Nguyễn Văn An
SĐT: 0912.345.678
Địa chỉ: 12 Trần Hưng Đạo, phường 1,
thành phố Vị Thanh
Nơi làm việc: Trường THCS Vị Thanh
Lĩnh vực: Giao thông
Địa điểm: Quốc lộ 61, km 5
Thời gian: sáng 2/3/2026
Nội dung: Mặt đường có ổ gà lớn,
nhiều xe ngã.
Giữ bí mật: có`
	got := Read(text)
	want := Form{
		Name: "Nguyễn Văn An", Phone: "0912345678", Address: "12 Trần Hưng Đạo, phường 1,\nthành phố Vị Thanh",
		Workplace: "Trường THCS Vị Thanh", Field: "Giao thông", Location: "Quốc lộ 61, km 5", Time: "sáng 2/3/2026",
		Content: "Mặt đường có ổ gà lớn,\nnhiều xe ngã.", Confidential: true, Labelled: true,
	}
	if got != want {
		t.Errorf("Read =\n%#v\nwant\n%#v", got, want)
	}
	if m := got.Missing(); len(m) != 0 {
		t.Errorf("Missing = %v", m)
	}
}

func TestReadFree(t *testing.T) {
	got := Read("Đèn đường ở ấp 4 bị hư. Xin giấu tên.\nLiên hệ +84 912 345 678.\n\nTrân trọng,\nTrần Thị Bình")
	if got.Labelled || got.Phone != "0912345678" || got.Name != "Trần Thị Bình" || !got.Confidential {
		t.Errorf("Read = %#v", got)
	}
	if m := got.Missing(); !reflect.DeepEqual(m, []string{"address", "location"}) {
		t.Errorf("Missing = %v", m)
	}
}
