package routing

import (
	"fmt"
	"regexp"
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
	// The same in Vietnamese, for the receivers (SPEC 8.4).
	const grounds = `từ khóa «mất điện» (2 từ), «cúp điện» (2 từ): quy tắc lĩnh vực Điện (mọi địa bàn) có điểm cao nhất, 4; địa bàn theo tên «huyện Vị Thủy»`
	if d.Grounds != grounds {
		t.Errorf("grounds:\n%s\nwant:\n%s", d.Grounds, grounds)
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

// TestGroundsAreVietnamese: every reason routing gives reaches the
// receivers in Vietnamese, the English words staying in Why; rules,
// fields, units and agencies are named, never written as the table's ids
// and codes ("dien/*", "each-unit", "khac"), which the notice gives on
// its lines above.
func TestGroundsAreVietnamese(t *testing.T) {
	table, small := Default(), smallTable(t)
	for _, c := range []struct {
		table *Table
		in    Input
	}{
		{table, Input{Subject: "Mất điện", Text: "ở huyện Vị Thủy", Field: "Điện"}},
		{table, Input{Subject: "Góp ý", Field: "Không có"}},
		{table, Input{Subject: "Góp ý", Text: "abc"}},
		{table, Input{Subject: "Cháy nhà", Location: "Vị Thanh"}},
		{table, Input{Subject: "Hẻm lầy lội", Address: "Long Mỹ"}},
		{table, Input{Subject: "Mất điện", Unit: "khong-co"}},
		{small, Input{Text: "mất điện, ổ gà"}},
		{small, Input{Text: "hẻm ở Châu Thành A"}},
		{small, Input{Text: "hẻm"}},
		{table, Input{Subject: "Lấn chiếm vỉa hè", Text: "ở thành phố Vị Thanh"}},
		{table, Input{Subject: "Đèn đường hư", Text: "học sinh đi học về rất tối, đèn chiếu sáng hỏng ở Vị Thủy"}},
		{table, Input{Subject: "Mất điện", Unit: "vi-thuy"}},
		{table, Input{Subject: "Đường hư", Field: "giao thong"}},
	} {
		d := c.table.Route(c.in)
		if d.Grounds == "" {
			t.Errorf("%+v: no grounds (why: %s)", c.in, d.Why)
		}
		for _, english := range []string{"keyword", "score", " unit ", "declared", "alias", "the Center", "agency", "tie", "found", "urgent", "then", "each"} {
			if strings.Contains(d.Grounds, english) {
				t.Errorf("%+v: grounds hold %q: %s", c.in, english, d.Grounds)
			}
		}
		if code := tableCode.FindString(quoted.ReplaceAllString(d.Grounds, "")); code != "" {
			t.Errorf("%+v: grounds hold the code %q: %s", c.in, code, d.Grounds)
		}
	}
}

// tableCode is a routing table's code or rule id as it could leak into
// the grounds: "vi-thuy", "dien/*", "khac".
// Outside «», where the grounds quote what was written.
var (
	tableCode = regexp.MustCompile(`[a-z0-9]+(-[a-z0-9]+)+|[a-z0-9-]+/|/[a-z*-]+|\bkhac\b`)
	quoted    = regexp.MustCompile(`«[^»]*»`)
)

// TestRunners lists the other rules that scored, for the receiver who
// chooses instead: best first, with where each would send the report; for
// a tie, the rules that tied.
func TestRunners(t *testing.T) {
	d := Default().Route(Input{Subject: "Ổ gà và mất điện", Text: "Đường ở huyện Vị Thủy có ổ gà, cột điện nghiêng, mất điện"})
	want := []Candidate{{Rule: "giao-thong/*", Field: "giao-thong", Scope: "*", Agency: "so-gtvt", Score: 2}}
	if d.Rule != "dien/*" || !slices.Equal(d.Runners, want) {
		t.Errorf("%s, runners %+v; want dien/* and %+v", d.Rule, d.Runners, want)
	}
	runners := func(d Decision) []string {
		var out []string
		for _, c := range d.Runners {
			out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %d %s", c.Rule, c.Agency, c.Score, c.Unit)))
		}
		return out
	}
	d = smallTable(t).Route(Input{Text: "mất điện, ổ gà"})
	if want := []string{"dien/* power 2", "duong/* roads 2", "duong/each-unit center 2"}; d.Agency != "center" || !slices.Equal(runners(d), want) {
		t.Errorf("tie to %s, runners %q; want the Center and %q", d.Agency, runners(d), want)
	}
	// With a unit, the each-unit rule is the more specific and wins.
	d = smallTable(t).Route(Input{Text: "mất điện, ổ gà ở Châu Thành A"})
	if want := []string{"dien/* power 2", "duong/* roads 2"}; d.Rule != "duong/each-unit" || !slices.Equal(runners(d), want) {
		t.Errorf("%s, runners %q; want duong/each-unit and %q", d.Rule, runners(d), want)
	}
	d = smallTable(t).Route(Input{Text: "cầu khỉ, cột ở Châu Thành A"})
	if want := []string{"duong/* roads 1"}; d.Rule != "duong/a" || !slices.Equal(runners(d), want) {
		t.Errorf("%s, runners %q; want duong/a and %q", d.Rule, runners(d), want)
	}
	if d := Default().Route(Input{Subject: "Góp ý"}); len(d.Runners) != 0 {
		t.Errorf("runners without any score: %+v", d.Runners)
	}
}

// TestGroundsDoNotRepeat: the grounds name a declared field or an alias
// once when the citizen wrote the table's own name.
func TestGroundsDoNotRepeat(t *testing.T) {
	d := Default().Route(Input{Subject: "Lấn chiếm vỉa hè", Field: "Trật tự đô thị", Location: "thành phố Vị Thanh"})
	for _, twice := range []string{"«Trật tự đô thị» là lĩnh vực Trật tự đô thị", "địa bàn thành phố Vị Thanh theo tên «thành phố Vị Thanh»"} {
		if strings.Contains(d.Grounds, twice) {
			t.Errorf("the grounds say %q: %s", twice, d.Grounds)
		}
	}
	if d := Default().Route(Input{Subject: "Đường hư", Field: "giao thong"}); !strings.Contains(d.Grounds, "«giao thong» là lĩnh vực Giao thông, hạ tầng đường bộ") {
		t.Errorf("the grounds do not say what the declared field is: %s", d.Grounds)
	}
}
