package form

import (
	"reflect"
	"slices"
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
		Content: "Mặt đường có ổ gà lớn,\nnhiều xe ngã.", Confidential: true, Labelled: true, Dated: true,
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
	if m := got.Missing(); !reflect.DeepEqual(m, []string{"address", "location", "time"}) {
		t.Errorf("Missing = %v", m)
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		name, text string
		want       Form
	}{
		{"no diacritics, any case", "HO TEN: Le Van C\nso dien thoai: 0293 3 876 543\ndia chi: ap 1\nNOI DUNG: cong nghet",
			Form{Name: "Le Van C", Phone: "02933876543", Address: "ap 1", Content: "cong nghet", Labelled: true}},
		{"synonyms", "Tên: A B\nĐT: 0912-345-678\nCơ quan: UBND xã\nVị trí: cầu Cái Tắc\nNơi xảy ra: bổ sung\nBảo mật: không",
			Form{Name: "A B", Phone: "0912345678", Workplace: "UBND xã", Location: "cầu Cái Tắc\nbổ sung", Labelled: true}},
		{"english", "Name: John Smith\nPhone: +84 (0) 912 345 678\nAddress: 1 Le Loi\nLocation: market\nContent: broken light",
			Form{Name: "John Smith", Phone: "+84 (0) 912 345 678", Address: "1 Le Loi", Location: "market", Content: "broken light", Labelled: true}},
		{"value on next lines", "Họ và tên:\nPhạm Thị D\nNội dung:\ndòng một\ndòng hai",
			Form{Name: "Phạm Thị D", Content: "dòng một\ndòng hai", Labelled: true}},
		{"bullets and notes", "1. Họ tên (bắt buộc): E F\n- SĐT: 84912345678\n* Giữ bí mật: Có",
			Form{Name: "E F", Phone: "0912345678", Confidential: true, Labelled: true}},
		{"preamble is the content", "Cống nghẹt trước nhà.\nHọ tên: G H\nSĐT: 0987654321",
			Form{Name: "G H", Phone: "0987654321", Content: "Cống nghẹt trước nhà.", Labelled: true}},
	}
	for _, tt := range tests {
		if got := Read(tt.text); got != tt.want {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.name, got, tt.want)
		}
	}
}

func TestPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912 345 678", "0912345678"},
		{"0912.345.678", "0912345678"},
		{"0912-345-678", "0912345678"},
		{"+84 912 345 678", "0912345678"},
		{"(+84) 912345678", "0912345678"},
		{"84912345678", "0912345678"},
		{"gọi 0293.3876.543 giờ hành chính", "02933876543"},
		{"số nhà 12, 0123", ""},
		{"mã 091234567890123", ""},
		{"0112345678", ""},
	}
	for _, tt := range tests {
		if got := Phone(tt.in); got != tt.want {
			t.Errorf("Phone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFreeText(t *testing.T) {
	tests := []struct {
		name, text   string
		phone, who   string
		confidential bool
	}{
		{"self introduction", "Tôi tên là Võ Văn Tám, nhà ở ấp 2. Đường ngập.", "", "Võ Văn Tám", false},
		{"closing without diacritics", "Duong ngap.\nTran trong,\nNguyen Van Nam", "", "Nguyen Van Nam", false},
		{"english closing", "Street flooded.\n\nRegards,\nJohn Smith", "", "John Smith", false},
		{"not a name", "Đường ngập.\nCảm ơn,\nphường 5 thành phố", "", "", false},
		{"anonymity without diacritics", "xin giau ten, dien thoai 0912345678", "0912345678", "", true},
		{"do not publish", "Đề nghị không công khai thông tin của tôi.", "", "", true},
		{"negated", "Không cần giữ bí mật.", "", "", false},
		{"english anonymity", "Please keep my name confidential.", "", "", true},
		{"a name above the phone", "Mất điện.\n\nNguyễn Văn An\n0912 345 678", "0912345678", "Nguyễn Văn An", false},
		{"a name beside the phone", "Mất điện.\nLê Văn Tám - 0903 456 789", "0903456789", "Lê Văn Tám", false},
		{"a place above the phone", "Mất điện.\nẤp Long Hòa\n0912 345 678", "0912345678", "", false},
		{"a name far from the phone", "Nguyễn Văn An báo mất điện.\nCần sửa gấp.\n0912 345 678", "0912345678", "", false},
	}
	for _, tt := range tests {
		got := Read(tt.text)
		if got.Labelled || got.Content != tt.text || got.Phone != tt.phone || got.Name != tt.who || got.Confidential != tt.confidential {
			t.Errorf("%s: %#v", tt.name, got)
		}
	}
}

// TestMissing lists what a report lacks (SPEC 4.5); the time of the event
// is given by the form's label or by a date or hour in the text (Art 6.2).
func TestMissing(t *testing.T) {
	got := Form{Phone: "0912345678", Location: "x", Time: "sáng nay"}.Missing()
	if !reflect.DeepEqual(got, []string{"name", "address", "content"}) {
		t.Errorf("Missing = %v", got)
	}
	if got := (Form{}).Missing(); !reflect.DeepEqual(got, []string{"name", "phone", "address", "content", "location", "time"}) {
		t.Errorf("Missing = %v", got)
	}
	if got := Read("Cột điện nghiêng ở ấp 2 từ 15h hôm qua.").Missing(); slices.Contains(got, "time") {
		t.Errorf("a text with its hour: Missing = %v", got)
	}
}

// TestConfidentiality checks that the form's explicit answer wins and that
// negated phrases are not requests to stay anonymous.
func TestConfidentiality(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Đường ngập ở ấp 3.\nGiữ bí mật: không", false},
		{"Đường ngập ở ấp 3, xin giấu tên.\nGiữ bí mật: không", false},
		{"Họ tên: An\nSĐT: 0912345678\nNội dung: xin giấu tên giúp tôi\nGiữ bí mật: không", false},
		{"Đường ngập.\nGiữ bí mật: có", true},
		{"Đường ngập.\nGiấu tên: có", true},
		{"Đường ngập.\nGiữ bí mật: có/không", false},
		{"Đường ngập, xin giấu tên.\nGiữ bí mật: có/không", true},
		{"Họ tên:\nSố điện thoại:\nNội dung: đèn hỏng\nGiữ bí mật: có / không", false},
		{"Street flooded.\nKeep my identity confidential: no", false},
		{"Street flooded.\nKeep my identity confidential: yes/no", false},
		{"Street flooded.\nKeep my identity confidential: yes", true},
		{"Tôi không giấu tên, số điện thoại 0912345678.", false},
		{"Tôi không cần giấu tên.", false},
		{"ko cần giữ bí mật", false},
		{"Tôi hông cần giấu tên", false},
		{"Tôi không muốn giấu tên", false},
		{"Tôi không hề muốn giấu tên", false},
		{"Chưa cần giữ bí mật thông tin", false},
		{"Không giữ bí mật.", false},
		{"No need to keep my name confidential.", false},
		{"I do not need to stay anonymous.", false},
		{"Xin giấu tên.", true},
		{"Đèn hỏng, xin giấu tên.", true},
		{"Tôi muốn được giấu tên.", true},
		{"Đề nghị giữ bí mật, không tiết lộ danh tính.", true},
		{"Đề nghị không công khai thông tin của tôi.", true},
		{"Đừng công khai tên tôi.", true},
		{"Tôi không ngại, nhưng xin giấu tên.", true},
		{"Please keep my name confidential.", true},
	}
	for _, tt := range tests {
		if got := Read(tt.text).Confidential; got != tt.want {
			t.Errorf("%q: confidential %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestSignature checks that name, phone and address are looked for in the
// signature too (SPEC 4.4): Thunderbird's "-- " block is cut from the text
// the form is read from.
func TestSignature(t *testing.T) {
	tests := []struct {
		name, text, signature string
		want                  Form
	}{
		{"thunderbird", "Đèn đường ở ấp 3 tắt cả tuần.\n\nTrân trọng,", "Nguyễn Văn An\nĐT: 0912 345 678\nĐịa chỉ: ấp 3, xã Vị Đông",
			Form{Content: "Đèn đường ở ấp 3 tắt cả tuần.\n\nTrân trọng,", Name: "Nguyễn Văn An", Phone: "0912345678", Address: "ấp 3, xã Vị Đông"}},
		{"phone alone", "Cống nghẹt.", "0912.345.678",
			Form{Content: "Cống nghẹt.", Phone: "0912345678"}},
		{"the text's own details win", "Cống nghẹt. Tôi tên là Trần Văn Bình, số 0987654321.", "Nguyễn Văn An\n0912 345 678",
			Form{Content: "Cống nghẹt. Tôi tên là Trần Văn Bình, số 0987654321.", Name: "Trần Văn Bình", Phone: "0987654321"}},
		{"labelled form and a signature", "Họ tên: Lê C\nNội dung: ngập", "Lê Văn C\nSĐT: 0912345678",
			Form{Name: "Lê C", Content: "ngập", Phone: "0912345678", Labelled: true}},
		{"a closing first", "Ngập.", "Trân trọng,\nNguyễn Văn An\nPhòng Kế toán",
			Form{Content: "Ngập.", Name: "Nguyễn Văn An"}},
		{"not a name", "Ngập.", "www.example.vn\nhttps://x.example",
			Form{Content: "Ngập."}},
		{"no signature", "Ngập.", "", Form{Content: "Ngập."}},
	}
	for _, tt := range tests {
		if got := Read(tt.text).WithSignature(tt.signature); got != tt.want {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.name, got, tt.want)
		}
	}
}

// TestPersonName keeps a display name that can be a person's and drops
// nicknames with emoji, placeholders and addresses.
func TestPersonName(t *testing.T) {
	for display, want := range map[string]string{
		"Nguyễn Văn An": "Nguyễn Văn An", "NGUYEN VAN BINH": "NGUYEN VAN BINH", "Sarah Jones": "Sarah Jones",
		"Lan": "Lan", "Mary O'Neil": "Mary O'Neil", "nguyen van an": "nguyen van an", "Bé Heo 🐷": "", "admin": "",
		"Admin": "", "an.nguyen": "", "tuan1990": "",
		"an.nguyen@gmail.com": "", "0912345678": "", "Tran, Thi C": "", "": "",
	} {
		if got := PersonName(display); got != want {
			t.Errorf("PersonName(%q) = %q, want %q", display, got, want)
		}
	}
}

// TestPhoneIsOneLine: a value runs on over the lines under its label, but
// a phone number has no lines: one that is no number we read is kept as
// written on one line, since staff notices show it on a line of its own,
// out of the mark before what they reproduce.
func TestPhoneIsOneLine(t *testing.T) {
	f := Read("Họ tên: Nguyễn Văn An\nSố điện thoại: 12\n/tuchoi Nội dung sai sự thật\nNội dung: Mất điện ấp 5.\n")
	if want := "12 /tuchoi Nội dung sai sự thật"; f.Phone != want {
		t.Errorf("Phone = %q, want %q", f.Phone, want)
	}
}
