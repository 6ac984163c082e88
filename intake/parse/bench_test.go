package parse

import (
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// base64Body streams n decoded bytes as base64 lines, generated on the fly:
// a JPEG signature, then pseudo-random bytes.
type base64Body struct {
	left  int64
	seed  uint32
	line  []byte
	buf   []byte
	chunk [57]byte
}

func newBase64Body(n int64) *base64Body { return &base64Body{left: n, seed: 1} }

func (r *base64Body) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if r.left <= 0 {
			return 0, io.EOF
		}
		chunk := r.chunk[:min(57, r.left)]
		for i := range chunk {
			r.seed = r.seed*1664525 + 1013904223
			chunk[i] = byte(r.seed >> 24)
		}
		if r.line == nil {
			copy(chunk, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
		}
		r.left -= int64(len(chunk))
		r.line = base64.StdEncoding.AppendEncode(r.line[:0], chunk)
		r.buf = append(r.line, '\n')
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// messageWith returns a message with a text of textBytes and an attachment
// of attachBytes, generated as it is read.
func messageWith(textBytes int, attachBytes int64) io.Reader {
	head := "From: Nguyễn An <an@example.vn>\nTo: phananh@haugiang.gov.vn\nSubject: =?utf-8?q?=C4=90=C3=A8n_h=E1=BB=8Fng?=\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n" +
		strings.Repeat("Đèn đường ở ấp 3 bị hỏng đã lâu.\n", textBytes/44+1) +
		"\n> quoted history\n--b\nContent-Type: image/jpeg; name=photo.jpg\nContent-Transfer-Encoding: base64\n\n"
	if attachBytes == 0 {
		return strings.NewReader(head + "\n--b--\n")
	}
	return io.MultiReader(strings.NewReader(head), newBase64Body(attachBytes), strings.NewReader("--b--\n"))
}

func benchmarkRead(b *testing.B, textBytes int, attachBytes int64) {
	b.ReportAllocs()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	var size int64
	for b.Loop() {
		m, err := Read(messageWith(textBytes, attachBytes), discardSink{}, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Attachments) > 0 {
			size = m.Attachments[0].Size
		}
	}
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	if attachBytes > 0 && size != attachBytes {
		b.Fatalf("attachment size %d, want %d", size, attachBytes)
	}
}

func BenchmarkRead5KB(b *testing.B)   { benchmarkRead(b, 5<<10, 0) }
func BenchmarkRead200KB(b *testing.B) { benchmarkRead(b, 50<<10, 110<<10) }

// BenchmarkRead50MBAttachment shows memory flat in the attachment's size:
// compare its peak heap with BenchmarkRead200KB's.
func BenchmarkRead50MBAttachment(b *testing.B) { benchmarkRead(b, 5<<10, 50<<20) }

// BenchmarkReadClientReports reads the ten client-shaped reports of
// testdata/clients (HTML alternatives, Word HTML, flowed text, photos): the
// cost of choosing the alternative and of tracking hidden HTML.
func BenchmarkReadClientReports(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("testdata", "clients", "*.eml"))
	var msgs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, data)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range msgs {
			if _, err := Read(bytes.NewReader(data), discardSink{}, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkHTMLToText turns a 200 KB Outlook-style HTML part into text.
func BenchmarkHTMLToText(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`<html><head><style><!--p.MsoNormal{margin:0cm} .x{mso-hide:all}--></style></head><body><div class=WordSection1>`)
	for sb.Len() < 200<<10 {
		sb.WriteString(`<p class=MsoNormal>Đèn đường ở ấp 3 bị hỏng đã lâu, <span style="color:red">buổi tối rất tối</span>.<o:p></o:p></p>`)
		sb.WriteString(`<p class=x>ẩn</p><table><tr><td>Ngày<td>2/3</table>`)
	}
	sb.WriteString(`</div></body></html>`)
	html := sb.String()
	b.SetBytes(int64(len(html)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := htmlToText(strings.NewReader(html), 4<<20, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
