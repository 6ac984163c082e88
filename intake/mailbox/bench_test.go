package mailbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"iter"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
)

// benchMessage is a citizen's report of about size bytes: text, and a
// photo-like base64 attachment making up the rest.
func benchMessage(i, size int) []byte {
	text := fmt.Sprintf("Khu vực ấp %d, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng đến giờ chưa có lại.\r\nSố điện thoại: 0912 345 %03d\r\n", i, i%1000)
	head := fmt.Sprintf("From: Người dân <dan%d@example.com>\r\nTo: phananh@haugiang.gov.vn\r\nSubject: Mất điện %d\r\n"+
		"Message-ID: <bench-%d@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"+
		"--B\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s", i, i, i, text)
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, byte(i)}, max(size-len(head)-200, 0)*3/4/8+1)
	enc := base64.StdEncoding.EncodeToString(photo)
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("--B\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=anh.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--B--\r\n")
	return []byte(b.String())
}

func fill(b *testing.B, srv *imaptest.Server, n, size int) {
	b.Helper()
	for i := range n {
		if _, err := srv.Deliver("INBOX", benchMessage(i, size), time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngest measures messages per second from the IMAP server to
// committed reports (fetch, spool, parse, route, one transaction with the
// outbox rows, move), beside a bare streaming fetch of the same mailbox.
func BenchmarkIngest(b *testing.B) {
	for _, size := range []int{5 << 10, 200 << 10} {
		b.Run(fmt.Sprintf("pipeline-%dKB", size>>10), func(b *testing.B) { benchPipeline(b, size) })
		b.Run(fmt.Sprintf("bare-fetch-%dKB", size>>10), func(b *testing.B) { benchBareFetch(b, size) })
	}
}

type counting struct {
	Processor
	n atomic.Int64
}

func (c *counting) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	rs := c.Processor.ProcessAll(ctx, srcs, turn)
	for _, r := range rs {
		if r.Err == nil {
			c.n.Add(1)
		}
	}
	return rs
}

func benchPipeline(b *testing.B, size int) {
	srv, err := imaptest.NewServer(imaptest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	fill(b, srv, b.N, size)
	p := newPipeline(b)
	p.Staff = func() intake.Staff { return intake.Staff{{Email: "r@example.gov.vn", Role: "receiver"}} }
	quiet := p.Log
	proc := &counting{Processor: p}
	cfg := srv.Config()
	w := &Watcher{Addr: cfg.Addr(), TLS: "none", Username: cfg.Username, Password: cfg.Password, Mailbox: "INBOX",
		Processed: "Processed", Quarantine: "Quarantine", PollInterval: time.Second, Processor: proc, Log: quiet}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.SetBytes(int64(size))
	b.ResetTimer()
	start := time.Now()
	go w.Run(ctx)
	for proc.n.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func benchBareFetch(b *testing.B, size int) {
	srv, err := imaptest.NewServer(imaptest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	fill(b, srv, b.N, size)
	c, err := imapclient.DialInsecure(srv.Addr(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	cfg := srv.Config()
	if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	start := time.Now()
	for uid := imap.UID(1); uid <= imap.UID(b.N); uid++ {
		cmd := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				if body, ok := item.(imapclient.FetchItemDataBodySection); ok {
					io.Copy(io.Discard, body.Literal)
				}
			}
		}
		if err := cmd.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}
