package fold

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"Đường Nguyễn Trãi":         "duong nguyen trai",
		"điện":                      "dien",
		"Vie\u0302\u0323t":          "viet", // decomposed, as windows-1258 sends it
		"Rất Hài Lòng":              "rat hai long",
		"KHÔNG HÀI LÒNG":            "khong hai long",
		"mat dien":                  "mat dien",
		"ASCII Only":                "ascii only",
		"Ỳ ỷ ỹ ỵ":                   "y y y y",
		"Ơ Ư Ă Â Ê Ô ơ ư ă â ê ô đ": "o u a a e o o u a a e o d",
		"":                          "",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWordsAndPlain(t *testing.T) {
	if got := Words("Hài lòng!!! (2)"); !slices.Equal(got, []string{"hai", "long", "2"}) {
		t.Errorf("Words: %q", got)
	}
	if !Plain("mat dien") || Plain("mất điện") || Plain("Đ") {
		t.Error("Plain")
	}
}

func BenchmarkTone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Tone("khu vực ấp 3 xã vị đông, huyện vị thủy bị cúp điện từ sáng, hoà an")
	}
}

func BenchmarkString(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		String("Khu vực ấp 3 xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng")
	}
}

// BenchmarkNFC normalises a report's text that is already in NFC, as the
// form, the time patterns and routing each do.
func BenchmarkNFC(b *testing.B) {
	text := "Kính gửi Trung tâm,\n\nHọ tên: Người dân 12\nSố điện thoại: 0912 345 012\nĐịa chỉ: ấp 12, xã Vị Đông, huyện Vị Thủy\n" +
		"Nội dung: Khu vực ấp 12 bị cúp điện từ sáng đến giờ chưa có lại. Đường dây trước nhà bị đứt sau cơn mưa lớn tối qua.\n\nTrân trọng."
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		NFC(text)
	}
}

// BenchmarkLower lower-cases a report's text, with its capitals, as the
// form, the time patterns and routing each do.
func BenchmarkLower(b *testing.B) {
	text := "Kính gửi Trung tâm,\n\nHọ tên: Người dân 12\nSố điện thoại: 0912 345 012\nĐịa chỉ: ấp 12, xã Vị Đông, huyện Vị Thủy\n" +
		"Nội dung: Khu vực ấp 12 bị cúp điện từ sáng đến giờ chưa có lại. Đường dây trước nhà bị đứt sau cơn mưa lớn tối qua.\n\nTrân trọng."
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Lower(text)
	}
}

func TestTone(t *testing.T) {
	for in, want := range map[string]string{
		"hoà":                   "hòa",
		"Hoà An":                "Hòa An",
		"HOÀ":                   "HÒA",
		"thuỷ":                  "thủy",
		"Vị Thuỷ":               "Vị Thủy",
		"khoẻ":                  "khỏe",
		"hoả hoạn":              "hỏa hoạn",
		"oà":                    "òa",
		"hòa":                   "hòa",   // already so
		"quý":                   "quý",   // qu + y
		"hoàng":                 "hoàng", // a closed syllable keeps it
		"thuyền":                "thuyền",
		"hoa":                   "hoa",
		"hoà,thuỷ":              "hòa,thủy",
		"xã Hoà An, Phụng Hiệp": "xã Hòa An, Phụng Hiệp",
	} {
		if got := Tone(in); got != want {
			t.Errorf("Tone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAddress(t *testing.T) {
	for in, want := range map[string]string{
		" TiepNhan@HauGiang.gov.VN ":   "tiepnhan@haugiang.gov.vn",
		"kiemtra@haugiang.gov.vn":      "kiemtra@haugiang.gov.vn",
		"\u212Aiemtra@haugiang.gov.vn": "\u212Aiemtra@haugiang.gov.vn", // the Kelvin sign stays itself
		"\u0130nfo@example.vn":         "\u0130nfo@example.vn",
		"NGUYỄN@Example.VN":            "nguyỄn@example.vn",
	} {
		if got := Address(in); got != want {
			t.Errorf("Address(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMailbox: the caps count a sender by the mailbox an address delivers
// to; only Gmail's dots are its own.
func TestMailbox(t *testing.T) {
	for in, want := range map[string]string{
		"An@Example.VN":                   "an@example.vn",
		"an+1@example.vn":                 "an@example.vn",
		"an+phan+anh@example.vn":          "an@example.vn",
		"+1@example.vn":                   "+1@example.vn", // no local part without the detail: kept
		"nguyen.van.an@gmail.com":         "nguyenvanan@gmail.com",
		"Nguyen.Van.An+pa@GoogleMail.com": "nguyenvanan@gmail.com",
		"nguyen.van.an@outlook.com":       "nguyen.van.an@outlook.com",
		"nguyen.van.an@haugiang.gov.vn":   "nguyen.van.an@haugiang.gov.vn",
		"...@gmail.com":                   "...@gmail.com",
		"an@bücher.de":                    "an@xn--bcher-kva.de", // a domain is one in any of its forms
		"an@BÜCHER.de":                    "an@xn--bcher-kva.de",
		"an@XN--BCHER-KVA.DE":             "an@xn--bcher-kva.de",
		"an@phản-ánh.vn":                  "an@xn--phn-nh-sta5502d.vn",
		"n.v.an@ｇｍａｉｌ.com":                "nvan@gmail.com",           // full-width letters are Gmail's too
		"n.v.an@GMAİL.com":                "n.v.an@xn--gmail-bgd.com", // another domain: its dots are kept
		"no-domain":                       "no-domain",
		"":                                "",
	} {
		if got := Mailbox(in); got != want {
			t.Errorf("Mailbox(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDestination: a domain is one in any of its forms, the local part
// stays as Address folds it.
func TestDestination(t *testing.T) {
	for in, want := range map[string]string{
		" An@Example.VN ":         "an@example.vn",
		"an+1@example.vn":         "an+1@example.vn", // another mailbox, perhaps
		"nguyen.van.an@gmail.com": "nguyen.van.an@gmail.com",
		"an@bücher.de":            "an@xn--bcher-kva.de",
		"AN@BÜCHER.de":            "an@xn--bcher-kva.de",
		"an@XN--BCHER-KVA.DE":     "an@xn--bcher-kva.de",
		"an@ｇｍａｉｌ.com":            "an@gmail.com",
		"\u212aiemtra@bücher.de":  "\u212aiemtra@xn--bcher-kva.de", // the Kelvin sign is no "k"
		"no-domain":               "no-domain",
		"":                        "",
	} {
		if got := Destination(in); got != want {
			t.Errorf("Destination(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzString checks String against its definition: the compatibility
// decomposition (NFKD) without its combining marks, "đ" as "d", lower-cased.
// (Of text that is not UTF-8, norm.NFKD.String may leave the letters after
// a bad byte undecomposed; String decomposes them.)
func FuzzString(f *testing.F) {
	for _, s := range []string{"Khu vực ấp 3 xã Vị Đông", "Ｆｕｌｌ １", "ǅ ﬁ ẞ İ", "a\u0301\u0323", "\xff\xfe ạ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		var want strings.Builder
		for _, r := range norm.NFKD.String(s) {
			switch {
			case unicode.Is(unicode.Mn, r):
			case r == 'đ' || r == 'Đ':
				want.WriteByte('d')
			default:
				want.WriteRune(unicode.ToLower(r))
			}
		}
		if got := String(s); got != want.String() {
			t.Fatalf("String(%q) = %q, want %q", s, got, want.String())
		}
	})
}

// TestLatinFoldsDecomposeAlone checks what lets latinString fold a text
// rune by rune: each of its runes decomposes into starters and nonspacing
// marks only, which no decomposition of a text reorders past a starter.
func TestLatinFoldsDecomposeAlone(t *testing.T) {
	check := func(from, to rune) {
		for r := from; r < to; r++ {
			for _, d := range norm.NFKD.String(string(r)) {
				if norm.NFKD.PropertiesString(string(d)).CCC() != 0 && !unicode.Is(unicode.Mn, d) {
					t.Errorf("%U decomposes into %U, which is reordered and kept", r, d)
				}
			}
		}
	}
	check(utf8.RuneSelf, latinEnd)
	check(extendedStart, extendedEnd)
}

// FuzzLatinString checks that String folds as the decomposition of the
// whole text does, invalid UTF-8 included.
func FuzzLatinString(f *testing.F) {
	for _, s := range []string{"Đường Nguyễn Trãi", "Vie\u0302\u0323t", "½ ǅ ŉ ﬁ", "a\u0301\u0316\u0300b", "ｇｍａｉｌ", "Ả\xffB", "ᄀ한국어",
		"e\u0301\u0345\u0323", "x\U0001D165\U0001D16D\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := String(s), decomposed(s); got != want {
			t.Fatalf("String(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzNFC checks NFC against norm.NFC.String.
func FuzzNFC(f *testing.F) {
	for _, s := range []string{"Đường Nguyễn Trãi", "Vie\u0302\u0323t", "a\u0301", "e\u0340", "Ả\xffB", "ᄀ\u1161", "½ ǅ ŉ", "Å \u212B", "\u0345",
		"A\u030A", "Ω\u2126", "x\u0328\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := NFC(s), norm.NFC.String(s); got != want {
			t.Fatalf("NFC(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestNFCComposedTable: the composed table holds the Vietnamese letters,
// and none of the runes that NFC changes alone or joins to the rune before.
func TestNFCComposedTable(t *testing.T) {
	if !composedLatin("Đường Nguyễn Trãi, Vị Thủy, ĂÂÊÔƠƯ ăâêôơư ỳỷỹỵ") {
		t.Error("Vietnamese letters are not in the table")
	}
	for _, s := range []string{"a\u0301", "\u0340", "\u0344", "e\u0323", "\u1161", "\xff"} {
		if composedLatin(s) {
			t.Errorf("%q is in the table", s)
		}
	}
}

// FuzzLower checks Lower against strings.ToLower.
func FuzzLower(f *testing.F) {
	for _, s := range []string{"Đường Nguyễn Trãi", "ASCII Only", "İSTANBUL", "Ả\xffB", "ǅ ǈ ǋ", "ΑΒΓ Đ", "ẞ", "a\u0301B", "đã xong"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Lower(s), strings.ToLower(s); got != want {
			t.Fatalf("Lower(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestTonedTables holds tonedOf to the toned map for every rune.
func TestTonedTables(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		vt, ok := tonedOf(r)
		want, wantOK := toned[r]
		if vt != want || ok != wantOK {
			t.Fatalf("tonedOf(%U) = %v %v, want %v %v", r, vt, ok, want, wantOK)
		}
	}
}
