package command_test

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
)

// BenchmarkParse reads a typical reply: a few commands and a result text
// above a long quoted notice.
func BenchmarkParse(b *testing.B) {
	text := "Kính gửi Trung tâm,\n/khancap\n/ketqua Đã vá ổ gà trên quốc lộ 61 đoạn qua xã Tân Bình.\n" +
		"Ảnh hiện trường đính kèm.\n\nTrân trọng,\nNguyễn Văn B\n\n" +
		"Vào 08:00 Th 2, 23 thg 11, 2026 phananh <phananh@haugiang.gov.vn> đã viết:\n" +
		strings.Repeat("> Nội dung phản ánh: ổ gà lớn trên quốc lộ, nguy hiểm cho người đi xe máy.\n", 60)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		cmds, refusals := command.Parse(text)
		if len(cmds) != 2 || len(refusals) != 0 {
			b.Fatal(cmds, refusals)
		}
	}
}

// BenchmarkParseReply reads a reply whose client quoted nothing, above a
// notice whose citizen's text holds command lines, against what others
// wrote on a report with a long text and twenty events.
func BenchmarkParseReply(b *testing.B) {
	citizen := strings.Repeat("Ổ gà lớn trên quốc lộ 61 đoạn qua xã Tân Bình, nguy hiểm cho người đi xe máy.\n", 40) +
		"/reject Nội dung sai\n/resolve Đã xong\n"
	texts := []string{citizen}
	for i := range 20 {
		texts = append(texts, strings.Repeat("Đã gọi điện xác minh với người dân, lần "+string(rune('a'+i))+".\n", 5))
	}
	theirs := command.Reproduce(texts...)
	text := "/khancap\n/ketqua Đã vá ổ gà.\n\nTrân trọng,\nNguyễn Văn B\n\nPHẢN ÁNH MỚI\n\n" + citizen
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		cmds, refusals, repeated := command.ParseReply(text, theirs)
		if len(cmds) != 2 || len(refusals) != 0 || len(repeated) != 2 {
			b.Fatal(cmds, refusals, repeated)
		}
	}
}
