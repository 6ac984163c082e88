package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"runtime/pprof"
	"sync"
	"testing"
)

// countingSink is the SMTP server of BenchmarkThroughput: it takes every
// mail from anyone to anyone, in plain text, and keeps only their number.
// The end-to-end tests' sink (smtptest, on go-smtp) keeps each mail to be
// read, and its DATA reader takes a byte at a time: some 0.3 ms of CPU a
// report in the benchmark's process, which no mail server of production
// spends in the daemon's. This one reads DATA a line at a time and, as
// servers offering PIPELINING do, writes its replies when it has read
// every command the client sent.
type countingSink struct {
	ln      net.Listener
	mu      sync.Mutex
	n       int
	changed chan struct{} // closed, and replaced, when a mail is taken
	wg      sync.WaitGroup
}

// newCountingSink starts a sink on a free port of 127.0.0.1, closed when
// the test ends. Its goroutines carry the CPU profile label "server", as
// the test's other servers' do.
func newCountingSink(t testing.TB) *countingSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &countingSink{ln: ln, changed: make(chan struct{})}
	s.wg.Go(func() {
		pprof.Do(context.Background(), pprof.Labels("server", "smtp"), func(context.Context) {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				s.wg.Go(func() {
					pprof.Do(context.Background(), pprof.Labels("server", "smtp"), func(context.Context) { s.serve(c) })
				})
			}
		})
	})
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// Addr is the sink's "127.0.0.1:port".
func (s *countingSink) Addr() string { return s.ln.Addr().String() }

// Count is the number of mails taken so far.
func (s *countingSink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// WaitFor waits until at least n mails have been taken.
func (s *countingSink) WaitFor(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		count, changed := s.n, s.changed
		s.mu.Unlock()
		if count >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("counting sink: %d of %d mails: %w", count, n, ctx.Err())
		}
	}
}

func (s *countingSink) taken() {
	s.mu.Lock()
	s.n++
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// serve runs one connection until the client quits or hangs up. The
// sink's own mistakes end it too: the benchmark then waits in vain and
// fails, which is what it should do.
func (s *countingSink) serve(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReaderSize(c, 64<<10), bufio.NewWriter(c)
	reply := func(line string) bool {
		w.WriteString(line)
		w.WriteString("\r\n")
		// Pipelined commands are answered together, once all are read.
		return r.Buffered() > 0 || w.Flush() == nil
	}
	if !reply("220 localhost ESMTP counting sink") {
		return
	}
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		ok := true
		switch verb(line) {
		case "EHLO":
			ok = reply("250-localhost\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8")
		case "HELO", "MAIL", "RCPT", "RSET", "NOOP":
			ok = reply("250 2.0.0 OK")
		case "DATA":
			if !reply("354 End data with <CR><LF>.<CR><LF>") || !s.data(r) {
				return
			}
			s.taken()
			ok = reply("250 2.0.0 OK: taken")
		case "QUIT":
			reply("221 2.0.0 Bye")
			return
		default:
			ok = reply("502 5.5.2 Command not implemented")
		}
		if !ok {
			return
		}
	}
}

// verb is a command line's first four letters, in capitals: the verbs of
// RFC 5321 are all four letters long.
func verb(line []byte) string {
	if len(line) < 4 {
		return ""
	}
	return string(bytes.ToUpper(line[:4]))
}

// data reads a message up to the line holding only a dot; it reports
// whether that line came.
func (s *countingSink) data(r *bufio.Reader) bool {
	begin := true // at the start of a line
	for {
		line, err := r.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			return false
		}
		if begin && string(line) == ".\r\n" {
			return true
		}
		begin = err == nil
	}
}
