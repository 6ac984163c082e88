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
