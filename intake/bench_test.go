package intake

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// videoMessage streams a report with a video attachment of size bytes,
// base64-encoded as mail clients send it, without ever holding it whole.
func videoMessage(size int64, id int) io.Reader {
	head := strings.NewReader("From: Lê Văn Cường <cuong@example.com>\r\nTo: phananh@haugiang.gov.vn\r\nSubject: Video ngập nước\r\n" +
		fmt.Sprintf("Message-ID: <video-%d@example.com>\r\n", id) + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=V\r\n\r\n" +
		"--V\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nĐường Lê Hồng Phong, thành phố Ngã Bảy ngập sâu, gửi kèm video.\r\n" +
		"--V\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=ngap.mp4\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 64<<10)
		enc := base64.NewEncoder(base64.StdEncoding, &lineWriter{w: bw})
		chunk := make([]byte, 57*1024)
		copy(chunk[4:], "ftypisom") // an MP4 signature for the sniffer
		for n := int64(0); n < size; n += int64(len(chunk)) {
			enc.Write(chunk[:min(int64(len(chunk)), size-n)])
		}
		enc.Close()
		bw.WriteString("\r\n--V--\r\n")
		bw.Flush()
		pw.Close()
	}()
	return io.MultiReader(head, pr)
}

// lineWriter breaks base64 into 76-character lines.
type lineWriter struct {
	w   *bufio.Writer
	col int
}

func (l *lineWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if l.col == 76 {
			l.w.WriteString("\r\n")
			l.col = 0
		}
		l.w.WriteByte(c)
		l.col++
	}
	return len(p), nil
}

// BenchmarkProcessVideo ingests one report with a 50 MB video and reports
// the peak heap in use while doing it: it stays flat in the video's size.
func BenchmarkProcessVideo(b *testing.B) {
	for _, mb := range []int64{5, 50} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			f := newFixture(b)
			f.p.Limits.MaxAttachmentBytes = 200 << 20
			f.p.Limits.MaxAttachmentsBytes = 200 << 20
			var peak atomic.Uint64
			stop := make(chan struct{})
			go sampleHeap(&peak, stop)
			b.SetBytes(mb << 20)
			for i := 0; b.Loop(); i++ {
				out, err := f.p.Process(context.Background(), Source{ReceivedAt: received, Body: videoMessage(mb<<20, i)})
				if err != nil || out.Kind != KindReport {
					b.Fatalf("%+v %v", out, err)
				}
			}
			close(stop)
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		})
	}
}

func sampleHeap(peak *atomic.Uint64, stop chan struct{}) {
	var ms runtime.MemStats
	for {
		select {
		case <-stop:
			return
		case <-time.After(5 * time.Millisecond):
		}
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
	}
}
