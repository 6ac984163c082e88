package intake

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/rules/routing"
)

// benchReport is citizen report i as BenchmarkThroughput (./cmd/phananh)
// delivers it: about 5 KB, a text with the form's labels and a photo.
func benchReport(i int, photo []byte) string {
	var s strings.Builder
	fmt.Fprintf(&s, "From: Người dân %d <dan%d@example.com>\r\nTo: phananh@haugiang.gov.vn\r\n", i, i)
	fmt.Fprintf(&s, "Subject: =?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n_s=E1=BB=91_%d?=\r\n", i)
	fmt.Fprintf(&s, "Message-ID: <bench-%d@mail.example.com>\r\nDate: %s\r\nMIME-Version: 1.0\r\n", i, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC).Format(time.RFC1123Z))
	s.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	fmt.Fprintf(&s, "Kính gửi Trung tâm,\r\n\r\nHọ tên: Người dân %d\r\nSố điện thoại: 0912 345 %03d\r\nĐịa chỉ: ấp %d, xã Vị Đông, huyện Vị Thủy\r\n", i, i%1000, i%50)
	fmt.Fprintf(&s, "Nội dung: Khu vực ấp %d bị cúp điện từ sáng đến giờ chưa có lại, mã số %d. Đường dây trước nhà bị đứt sau cơn mưa lớn tối qua, "+
		"rất nguy hiểm cho người đi đường và trẻ em đi học.\r\n\r\nTrân trọng.\r\n", i%50, i)
	s.WriteString("\r\n--b1\r\nContent-Type: image/jpeg; name=\"anh.jpg\"\r\nContent-Disposition: attachment; filename=\"anh.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(photo)
	for len(enc) > 76 {
		s.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	s.WriteString(enc + "\r\n--b1--\r\n")
	return s.String()
}

// benchPhoto is a small photo with its EXIF block, padded to about 3 KB.
func benchPhoto(b *testing.B) []byte {
	jpeg, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		b.Fatal(err)
	}
	pad := make([]byte, 3<<10-len(jpeg))
	for i := range pad {
		pad[i] = byte(i * 7)
	}
	return append(jpeg, pad...)
}

// discardSink takes an attachment's bytes and keeps none of them.
type discardSink struct{}

func (discardSink) Create() (parse.Blob, error) { return discardBlob{}, nil }

type discardBlob struct{}

func (discardBlob) Write(p []byte) (int, error) { return len(p), nil }
func (discardBlob) Commit() (string, error)     { return "key", nil }
func (discardBlob) Abort() error                { return nil }

// BenchmarkParseReport is the work a parser goroutine does on each of
// BenchmarkThroughput's reports besides the blob store's: the message
// parsed, its photo's bytes dropped, then its report drafted (the form
// read, routed with the built-in table).
func BenchmarkParseReport(b *testing.B) {
	photo := benchPhoto(b)
	msgs := make([]string, 64)
	for i := range msgs {
		msgs[i] = benchReport(i, photo)
	}
	table := routing.Default()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m, err := parse.Read(strings.NewReader(msgs[i%len(msgs)]), discardSink{}, parse.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		draft(m, time.Time{}, table)
		i++
	}
}

// BenchmarkParseMessage is BenchmarkParseReport's parse alone.
func BenchmarkParseMessage(b *testing.B) {
	photo := benchPhoto(b)
	msgs := make([]string, 64)
	for i := range msgs {
		msgs[i] = benchReport(i, photo)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := parse.Read(strings.NewReader(msgs[i%len(msgs)]), discardSink{}, parse.Limits{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
