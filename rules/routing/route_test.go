package routing

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// smallTable is testdata/small.toml: rules of every scope, made to tie.
func smallTable(t testing.TB) *Table {
	t.Helper()
	table, err := Load("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	return table
}

// want is the part of a Decision a test checks; "-" leaves a value unchecked.
type want struct {
	field, unit, agency, rule string
	urgent                    bool
}

func check(t *testing.T, d Decision, w want) {
	t.Helper()
	got := []string{d.Field, d.Unit, d.Agency, d.Rule}
	exp := []string{w.field, w.unit, w.agency, w.rule}
	for i := range exp {
		if exp[i] == "-" {
			got[i] = "-"
		}
	}
	if !slices.Equal(got, exp) || d.Urgent != w.urgent {
		t.Errorf("field, unit, agency, rule = %q, urgent %v; want %q, urgent %v\nwhy: %s", got, d.Urgent, exp, w.urgent, d.Why)
	}
}

func TestFolding(t *testing.T) {
	table := Default()
	for _, c := range []struct {
		name, subject, text string
		want                want
	}{
		{"chạy is not cháy", "Góp ý", "Tôi chạy bộ mỗi sáng trong công viên.", want{"khac", "", "ttgsdh", "", false}},
		{"cháy is cháy", "Cháy nhà", "Đang cháy lớn.", want{"phong-chay", "", "ca-tinh", "phong-chay/*", true}},
		{"upper case", "CHÁY NHÀ", "", want{"phong-chay", "", "ca-tinh", "phong-chay/*", true}},
		{"chay typed plain", "chay nha", "chay nha o ap 3, can giup gap", want{"phong-chay", "", "ca-tinh", "phong-chay/*", true}},
		{"cho is not chợ", "Đề nghị", "Đoạn này rất nguy hiểm cho người đi bộ, đề nghị quan tâm.", want{"khac", "", "ttgsdh", "", false}},
		{"cho typed plain is chợ", "ban hang", "nguoi ta ban hang o cho dem", want{"thuong-mai", "", "so-ct", "thuong-mai/*", false}},
		{"mat dien", "Mat dien", "mat dien tu sang", want{"dien", "", "dien-luc", "dien/*", false}},
		{"a text with diacritics is compared exactly", "Mất dien", "", want{"khac", "", "ttgsdh", "", false}},
		{"wrong tone never matches", "Mát điện", "", want{"khac", "", "ttgsdh", "", false}},
		{"đ folds to d", "duong hem lay loi", "", want{"giao-thong", "", "ttgsdh", "giao-thong/each-unit", false}},
		{"decomposed input", norm.NFD.String("Mất điện"), "", want{"dien", "", "dien-luc", "dien/*", false}},
		{"d is not đ", "Mất điện", "", want{"dien", "", "dien-luc", "dien/*", false}},
		{"punctuation splits words", "mất-điện!!", "", want{"dien", "", "dien-luc", "dien/*", false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			check(t, table.Route(Input{Subject: c.subject, Text: c.text}), c.want)
		})
	}
}

// TestMatching holds the rules of SPEC 6.2 on how text is compared.
func TestMatching(t *testing.T) {
	table := Default()
	for _, c := range []struct {
		name          string
		subject, text string
		want          want
	}{
		{"old place of the tone mark in the text", "Hoả hoạn", "", want{"phong-chay", "", "ca-tinh", "phong-chay/*", true}},
		{"old place of the tone mark in a unit", "Mất điện", "ở huyện Vị Thuỷ", want{"dien", "vi-thuy", "dien-luc", "dien/*", false}},
		{"no phrase across a comma", "Góp ý", "Nhà tôi bị mất, điện thoại thì hỏng", want{"khac", "", "ttgsdh", "", false}},
		{"no phrase across a full stop", "Góp ý", "Tôi bị mất. Điện thoại không gọi được", want{"khac", "", "ttgsdh", "", false}},
		{"an abbreviation's stop is no punctuation", "Mất điện", "ở TP. Vị Thanh", want{"dien", "vi-thanh", "dien-luc", "dien/*", false}},
		{"a hyphen is no punctuation", "mất-điện", "", want{"dien", "", "dien-luc", "dien/*", false}},
		{"a line break is no punctuation", "Phản ánh", "nhà tôi bị mất\nđiện từ sáng", want{"dien", "", "dien-luc", "dien/*", false}},
		{"hàng cam is not hàng cấm", "Góp ý", "Người dân trồng cam, hàng cam tồn nhiều.", want{"khac", "", "ttgsdh", "", false}},
		{"ăn chay is not cháy", "Góp ý", "Quán ăn chay mở cửa đến khuya.", want{"khac", "", "ttgsdh", "", false}},
		{"a plain word in a text with diacritics", "Góp ý", "Đường hẻm bi ngap sau mưa", want{"giao-thong", "", "ttgsdh", "giao-thong/each-unit", false}},
		{"a text without diacritics is folded", "mat dien", "o TP Vi Thanh", want{"dien", "vi-thanh", "dien-luc", "dien/*", false}},
		{"English quoting Vietnamese", "Fire", "There is a fire (cháy nhà) near the market of Vi Thanh city.",
			want{"phong-chay", "vi-thanh", "ca-tinh", "phong-chay/*", true}},
		{"Vietnamese with a few plain words is not English", "Góp ý", "Tôi ăn chay in the morning ở nhà.", want{"khac", "", "ttgsdh", "", false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			check(t, table.Route(Input{Subject: c.subject, Text: strings.ReplaceAll(c.text, `\n`, "\n")}), c.want)
		})
	}
}

func TestUnits(t *testing.T) {
	table := Default()
	for _, c := range []struct {
		name string
		in   Input
		unit string
	}{
		{"Châu Thành A is not Châu Thành", Input{Text: "ở huyện Châu Thành A"}, "chau-thanh-a"},
		{"Châu Thành", Input{Text: "ở huyện Châu Thành, gần chợ"}, "chau-thanh"},
		{"bare Châu Thành A", Input{Text: "thị trấn Một Ngàn, Châu Thành A"}, "chau-thanh-a"},
		{"without diacritics", Input{Text: "o chau thanh a"}, "chau-thanh-a"},
		{"thị xã Long Mỹ", Input{Text: "phường 1, thị xã Long Mỹ"}, "tx-long-my"},
		{"huyện Long Mỹ", Input{Text: "xã Lương Tâm, huyện Long Mỹ"}, "h-long-my"},
		{"TX Long Mỹ", Input{Text: "TX Long Mỹ"}, "tx-long-my"},
		{"H. Long Mỹ", Input{Text: "H. Long Mỹ"}, "h-long-my"},
		{"bare Long Mỹ is ambiguous", Input{Text: "chợ Long Mỹ"}, ""},
		{"aliases of two units equally long", Input{Text: "từ Vị Thanh đến Phụng Hiệp"}, ""},
		{"the longest alias wins", Input{Text: "từ Vị Thanh về huyện Phụng Hiệp"}, "phung-hiep"},
		{"declared location first", Input{Text: "tôi ở thành phố Vị Thanh", Location: "huyện Vị Thủy"}, "vi-thuy"},
		{"form location", Input{Text: "Địa điểm: Nàng Mau\nNội dung: thành phố Vị Thanh"}, "vi-thuy"},
		{"form address when no place", Input{Text: "Địa chỉ: Ngã Bảy\nNội dung: ..."}, "nga-bay"},
		{"the text before the address", Input{Text: "Địa chỉ: Ngã Bảy\nNội dung: mất điện ở TP Vị Thanh"}, "vi-thanh"},
		{"the declared address last", Input{Text: "mất điện", Address: "thị trấn Nàng Mau"}, "vi-thuy"},
		{"the declared location before the text", Input{Text: "ở Ngã Bảy", Location: "Nàng Mau", Address: "Vị Thanh"}, "vi-thuy"},
		{"location without alias: the text", Input{Text: "ở Vị Thanh", Location: "ấp 3"}, "vi-thanh"},
		{"location ambiguous: the text", Input{Text: "ở huyện Long Mỹ", Location: "Long Mỹ"}, "h-long-my"},
		{"known unit", Input{Text: "ở Vị Thanh", Unit: "nga-bay"}, "nga-bay"},
		{"unknown known unit is ignored", Input{Text: "ở Vị Thanh", Unit: "nowhere"}, "vi-thanh"},
		{"no alias", Input{Text: "ở đây"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := table.Route(c.in)
			if d.Unit != c.unit {
				t.Errorf("unit %q, want %q\nwhy: %s", d.Unit, c.unit, d.Why)
			}
		})
	}
}

func TestTies(t *testing.T) {
	table := smallTable(t)
	for _, c := range []struct {
		name string
		in   Input
		want want
	}{
		{"each-unit beats * with a unit", Input{Text: "ổ gà ở Châu Thành A"},
			want{"duong", "a", "ubnd-a", "duong/each-unit", false}},
		{"* beats each-unit without a unit", Input{Text: "ổ gà"},
			want{"duong", "", "roads", "duong/*", false}},
		{"a unit's rule beats each-unit and *", Input{Text: "cầu khỉ hay ổ gà", Unit: "a"},
			want{"duong", "a", "roads", "duong/a", false}},
		{"a unit's rule holds for the units below it", Input{Text: "cầu khỉ ở xã Tân Hòa"},
			want{"duong", "a-1", "roads", "duong/a", false}},
		{"a unit's rule is no candidate elsewhere", Input{Text: "cầu khỉ ở Châu Thành"},
			want{"other", "b", "center", "", false}},
		{"two agencies tied: the Center", Input{Text: "mất điện, ổ gà"},
			want{"other", "", "center", "", false}},
		{"same agency tied: the first rule", Input{Text: "chợ, cột"},
			want{"duong", "", "roads", "duong/*", false}},
		{"the best score wins", Input{Text: "cột điện"},
			want{"dien", "", "power", "dien/*", false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			check(t, table.Route(c.in), c.want)
		})
	}
}

func TestDeclaredField(t *testing.T) {
	table := Default()
	for _, c := range []struct {
		name string
		in   Input
		want want
	}{
		{"by name", Input{Field: "Điện"}, want{"dien", "", "dien-luc", "dien/*", false}},
		{"by code", Input{Field: "dien"}, want{"dien", "", "dien-luc", "dien/*", false}},
		{"without diacritics", Input{Field: "Moi truong"}, want{"moi-truong", "", "so-tnmt", "moi-truong/*", false}},
		{"a part of the name", Input{Field: "cây xanh"}, want{"chieu-sang-cay-xanh", "", "cap-nuoc", "chieu-sang-cay-xanh/*", false}},
		{"restricts the candidates", Input{Field: "Điện", Text: "ổ gà trên quốc lộ"}, want{"dien", "", "dien-luc", "dien/*", false}},
		{"unit rule when a unit is known", Input{Field: "giao-thong", Text: "xuống cấp", Unit: "vi-thanh"},
			want{"giao-thong", "vi-thanh", "ubnd-vi-thanh", "giao-thong/each-unit", false}},
		{"* rule without a unit", Input{Field: "giao-thong", Text: "xuống cấp"},
			want{"giao-thong", "", "so-gtvt", "giao-thong/*", false}},
		{"each-unit only, without a unit: the Center", Input{Field: "trat-tu-do-thi", Text: "mất trật tự"},
			want{"trat-tu-do-thi", "", "ttgsdh", "trat-tu-do-thi/each-unit", false}},
		{"unknown field is ignored", Input{Field: "thời tiết", Text: "mất điện"}, want{"dien", "", "dien-luc", "dien/*", false}},
		{"from the form", Input{Text: "Linh vuc: Dien\nDia diem: huyen Vi Thuy\nNoi dung: tru nghieng"},
			want{"dien", "vi-thuy", "dien-luc", "dien/*", false}},
		{"the fallback field", Input{Field: "Khác", Text: "mất điện"}, want{"khac", "", "ttgsdh", "khac/*", false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			check(t, table.Route(c.in), c.want)
		})
	}
}

func TestEachUnit(t *testing.T) {
	table := Default()
	check(t, table.Route(Input{Subject: "Lấn chiếm vỉa hè", Text: "trên đường Nguyễn Trãi"}),
		want{"trat-tu-do-thi", "", "ttgsdh", "trat-tu-do-thi/each-unit", false})
	for _, u := range table.Units() {
		d := table.Route(Input{Subject: "Lấn chiếm vỉa hè", Unit: u.Code})
		if d.Agency != u.Committee || d.Rule != "trat-tu-do-thi/each-unit" {
			t.Errorf("unit %s: agency %s by %s, want %s", u.Code, d.Agency, d.Rule, u.Committee)
		}
	}
}

func TestUrgent(t *testing.T) {
	table := Default()
	for _, c := range []struct {
		name string
		in   Input
		want want
	}{
		{"urgent keyword of another rule of the field", Input{Text: "Cầu dân sinh bị sập cầu rồi"},
			want{"giao-thong", "", "ttgsdh", "giao-thong/each-unit", true}},
		{"only the chosen field's", Input{Text: "ổ gà trên quốc lộ, có người bị điện giật"},
			want{"giao-thong", "", "so-gtvt", "giao-thong/*", false}},
		{"keyword and urgent keyword", Input{Subject: "Cướp giật"}, want{"an-ninh-trat-tu", "", "ca-tinh", "an-ninh-trat-tu/*", true}},
		{"urgent without diacritics", Input{Subject: "Tai nan", Text: "tai nan giao thong tren quoc lo"},
			want{"an-toan-giao-thong", "", "ca-tinh", "an-toan-giao-thong/*", true}},
		{"not urgent", Input{Subject: "Mất điện"}, want{"dien", "", "dien-luc", "dien/*", false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			check(t, table.Route(c.in), c.want)
		})
	}
}

func TestDecisionDetails(t *testing.T) {
	d := Default().Route(Input{Subject: "Mat dien", Text: "xa Vi Dong huyen Vi Thuy bi cup dien"})
	if !slices.Equal(d.Keywords, []string{"mất điện", "cúp điện"}) || d.Alias != "huyện Vị Thủy" {
		t.Errorf("keywords %q, alias %q", d.Keywords, d.Alias)
	}
	const why = `keywords "mất điện" (2), "cúp điện" (2) give dien/* the best score, 4; unit vi-thuy from alias "huyện Vị Thủy"`
	if d.Why != why {
		t.Errorf("why:\n%s\nwant:\n%s", d.Why, why)
	}
	if d.Version != Default().Version() || d.AutoForward {
		t.Errorf("version %q, auto-forward %v", d.Version, d.AutoForward)
	}

	small := smallTable(t)
	if d := small.Route(Input{Text: "mất điện"}); !d.AutoForward {
		t.Errorf("dien/* forwards by itself: %+v", d)
	}
	if d := small.Route(Input{Text: "mất điện, ổ gà"}); d.AutoForward || !strings.Contains(d.Why, "the Center decides") {
		t.Errorf("a tie never forwards by itself: %+v", d)
	}
}
