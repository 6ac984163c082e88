package mailer

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// BenchmarkSession sends b.N mails of 14 KB, rendered beforehand, on one
// session with PIPELINING, each mail's envelope sent behind the data of
// the one before as the worker sends a lane: the session's part of a
// mail (its envelope, DATA dot-stuffed, the flush, the replies read), the
// sink's small part included. The sink (quickSink) reads a line at a time
// and keeps nothing. It reports the CPU time of the process a mail.
func BenchmarkSession(b *testing.B) {
	addr := quickSink(b)
	host, port, _ := strings.Cut(addr, ":")
	p, _ := strconv.Atoi(port)
	s, err := SMTP{Host: host, Port: p, TLS: "none", Timeout: 30 * time.Second}.open(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer s.close()
	body := bytes.Repeat([]byte("Nội dung phản ánh, dòng thư.\r\n"), 14<<10/32)
	envs := [2]*smtpEnvelope{
		{from: "<phananh@haugiang.gov.vn>", rcpts: []string{"<dan7@example.com>"}},
		{from: "<phananh@haugiang.gov.vn>", rcpts: []string{"<tiepnhan@haugiang.gov.vn>"}},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	cpu := cpuTime()
	i := 0
	for b.Loop() {
		next := func() *smtpEnvelope { return envs[(i+1)%2] }
		if err := s.send(ctx, envs[i%2], bytes.NewReader(body), next); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/mail")
}

// quickSink is an SMTP server for benchmarks that costs little CPU: it
// offers PIPELINING and 8BITMIME, reads a line at a time, answers every
// command with 250 (DATA with 354), writes its replies once it has read
// every command sent, and keeps nothing of the mail. It serves one
// connection and returns its address.
func quickSink(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r, w := bufio.NewReaderSize(c, 64<<10), bufio.NewWriter(c)
		reply := func(line string) bool {
			w.WriteString(line)
			return r.Buffered() > 0 || w.Flush() == nil
		}
		reply("220 localhost ESMTP\r\n")
		for {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return
			}
			switch strings.ToUpper(string(line[:min(4, len(line))])) {
			case "EHLO":
				reply("250-localhost\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
			case "DATA":
				reply("354 go on\r\n")
				for begin := true; ; {
					l, err := r.ReadSlice('\n')
					if err != nil && err != bufio.ErrBufferFull {
						return
					}
					if begin && string(l) == ".\r\n" {
						break
					}
					begin = err == nil
				}
				reply("250 2.0.0 taken\r\n")
			case "QUIT":
				reply("221 bye\r\n")
				return
			default:
				reply("250 2.0.0 OK\r\n")
			}
		}
	}()
	return ln.Addr().String()
}

// BenchmarkSentLine writes the line the log has for each mail sent, with
// the daemon's JSON handler, to nowhere. It reports the CPU time a line.
func BenchmarkSentLine(b *testing.B) {
	w := &Worker{Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	m := store.Mail{ID: 123456, Kind: "triage", ReportCode: "PA-2026-000001", Role: "receiver"}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		w.logSent(m)
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1e3/float64(b.N), "cpu-µs/line")
}
