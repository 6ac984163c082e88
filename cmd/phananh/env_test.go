package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/intake/imaptest"
	"haugiang.gov.vn/phananh/intake/imaptest/backend"
	"haugiang.gov.vn/phananh/intake/intaketest"
	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
)

// env is one end-to-end test's world: an IMAP account (in-process, or the
// real server the environment names), an SMTP sink on loopback, and a
// configuration file for the daemon under test.
type env struct {
	t       testing.TB
	imap    *backend.Backend
	account *imaptest.Account
	sink    *smtptest.Server
	daemon  *daemon // the daemon startDaemon runs in the test's process
	dir     string
	config  string
	// onAccepted, when set, is called by the sink after it keeps a mail and
	// before it answers 250.
	onAccepted atomic.Pointer[func(smtptest.Received)]
	// smtpSection, when set, is the configuration's [smtp] table in place
	// of the sink's (a real submission server: mta_test.go).
	smtpSection string
	// now is the instant the daemon's timed jobs run at (the deadline
	// watch, the digest and the periodic reports, their catch-up at
	// start): receivedAt unless a test sets another before startDaemon.
	// The tests' mail is received on their own time line, days or years
	// from the day they run; on the machine's clock every deadline would
	// be overdue and a digest due, and their mail would come out among the
	// mail a test waits for, or not, as the minute turns.
	now time.Time
}

type envOptions struct {
	imap  imaptest.Options
	extra string // more TOML for the configuration
	http  bool   // serve HTTP on a free loopback port
}

const testOperators = `
[[operators]]
email = "tiepnhan@example.gov.vn"
name = "Tiếp nhận"
role = "receiver"

[[operators]]
email = "pheduyet@example.gov.vn"
name = "Phê duyệt"
role = "approver"

[[operators]]
email = "xuly@dienluc.example.gov.vn"
name = "Điện lực"
role = "handler"
agency = "dien-luc"
`

func newEnv(t testing.TB, opt envOptions) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), now: receivedAt}
	e.imap = backend.New(t, opt.imap)
	e.account = e.imap.Account(t)
	sink, err := smtptest.NewServer(smtptest.Options{OnAccepted: func(r smtptest.Received) {
		if f := e.onAccepted.Load(); f != nil {
			(*f)(r)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	e.sink = sink
	listen := ""
	if opt.http {
		listen = "127.0.0.1:0"
	}
	e.config = e.writeConfig(opt.extra, listen)
	return e
}

func (e *env) writeConfig(extra, listen string) string {
	c := e.imap.Config()
	pw := filepath.Join(e.dir, "imap.password")
	if err := os.WriteFile(pw, []byte(c.Password), 0o600); err != nil {
		e.t.Fatal(err)
	}
	caFile := os.Getenv(backend.EnvCAFile)
	host, port := splitAddr(e.t, e.sink.Addr())
	smtpSection := e.smtpSection
	if smtpSection == "" {
		smtpSection = fmt.Sprintf(`[smtp]
host = %q
port = %d
tls = "none"
from = "phananh@haugiang.gov.vn"
retry_max = "2s"
`, host, port)
	}
	body := fmt.Sprintf(`[imap]
host = %q
port = %d
tls = %q
username = %q
password_file = %q
ca_file = %q
mailbox = %q
processed_mailbox = %q
quarantine_mailbox = %q
poll_interval = "2s"

%s
[security]
require_authentication_results = false

[http]
listen = %q
%s
%s`, c.Host, c.Port, string(c.TLS), c.Username, pw, caFile, c.Mailbox, c.Processed, c.Quarantine, smtpSection, listen, extra, testOperators)
	path := filepath.Join(e.dir, "phananh.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

func splitAddr(t testing.TB, addr string) (string, int) {
	i := strings.LastIndex(addr, ":")
	var port int
	fmt.Sscan(addr[i+1:], &port)
	return addr[:i], port
}

// deliver puts messages in the mailbox, received at the given time.
func (e *env) deliver(at time.Time, raws ...string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, raw := range raws {
		if _, err := e.account.Append(ctx, e.imap.Config().Mailbox, []byte(raw), at); err != nil {
			e.t.Fatal(err)
		}
	}
}

// reported delivers the citizen's report n, received at at, and returns
// its code from the citizen's nth acknowledgement (the test's nth report).
func (e *env) reported(n, nth int, at time.Time) string {
	e.t.Helper()
	e.deliver(at, citizenReport(n, e2eCitizen))
	return e.waitMail("ack", e2eCitizen, nth).code()
}

// forwarded delivers a report as reported does and has the receiver
// accept it ten minutes later; it returns the report's code and the
// handler's assignment.
func (e *env) forwarded(n, nth int, at time.Time) (string, sentMail) {
	e.t.Helper()
	code := e.reported(n, nth, at)
	e.replyTo(e.mailAbout("triage", e2eReceiver, code), e2eReceiver, at.Add(10*time.Minute), "/tiepnhan\n", "")
	return code, e.mailAbout("assignment", e2eHandler, code)
}

func (e *env) count(mailbox string) int {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := e.account.Count(ctx, mailbox)
	if err != nil {
		// The daemon has not created the folder yet: servers say so in
		// words of their own (Dovecot's NO to EXAMINE has no NONEXISTENT
		// code), so the folder is looked for.
		names, lerr := e.account.List(ctx, mailbox)
		if lerr == nil && len(names) == 0 {
			return 0
		}
		if lerr == nil { // made between the two: counted now
			n, err = e.account.Count(ctx, mailbox)
		}
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// startDaemon runs `phananh serve` in the test's process until the test
// ends or stop is called.
func (e *env) startDaemon() (stop func()) {
	e.t.Helper()
	return e.openDaemon()()
}

// openDaemon opens the daemon as startDaemon does — its configuration
// checked, the store opened (on a new installation, made), the templates
// loaded — and returns the function that starts it running.
func (e *env) openDaemon() (run func() (stop func())) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := newDaemon(ctx, e.config, testLogger(e.t))
	if err != nil {
		cancel()
		e.t.Fatal(err)
	}
	return func() func() { return e.runDaemon(ctx, cancel, d) }
}

// runDaemon runs an opened daemon until the function it returns, or the
// test's end, stops it.
func (e *env) runDaemon(ctx context.Context, cancel context.CancelFunc, d *daemon) (stop func()) {
	now := e.now
	d.now = func() time.Time { return now }
	e.daemon = d
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
			d.Close()
		})
	}
	e.t.Cleanup(stop)
	return stop
}

// testLogger logs JSON into e2eLogs, which TestMain checks for personal
// data, and, with -v, text to the test's output.
func testLogger(t testing.TB) *slog.Logger {
	h := slog.Handler(slog.NewJSONHandler(&e2eLogs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if testing.Verbose() {
		h = slog.NewMultiHandler(h, slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(h)
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// eventually waits until cond holds, failing the test after timeout.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// openStore opens the daemon's store (after the daemon stopped, or beside
// it: the store allows both).
func (e *env) openStore() *store.DB {
	e.t.Helper()
	a, err := openApp(context.Background(), e.config, testLogger(e.t))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { a.Close() })
	return a.db
}

// sent parses every message the sink accepted.
func (e *env) sent() []*mail.Message {
	var out []*mail.Message
	for _, r := range e.sink.Messages() {
		m, err := mail.ReadMessage(bytes.NewReader(r.Data))
		if err != nil {
			e.t.Fatalf("sent mail does not parse: %v", err)
		}
		out = append(out, m)
	}
	return out
}

// citizenReport is a realistic report from a citizen.
func citizenReport(n int, from string) string {
	return fmt.Sprintf("From: Người dân %d <%s>\r\nTo: phananh@haugiang.gov.vn\r\nSubject: =?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n_s=E1=BB=91_%d?=\r\n"+
		"Message-ID: <report-%d@mail.example.com>\r\nDate: Mon, 23 Nov 2026 08:10:00 +0700\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
		"Khu vực ấp %d, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng, mã số %d.\r\nSố điện thoại: 0912 345 %03d\r\n", n, from, n, n, n, n, n%1000)
}

// sentFile is a file a citizen attaches to a report.
type sentFile struct {
	name, typ string
	data      []byte
}

// reportWithFiles is e2eCitizen's report of a power cut, with Message-ID
// <id>, extra (lines ending with CRLF) after its first line of text, and
// files attached in base64, as a mail program sends it.
func reportWithFiles(id, extra string, files ...sentFile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Nguyễn Văn An <%s>\r\nTo: phananh@haugiang.gov.vn\r\nSubject: =?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n?=\r\n"+
		"Message-ID: <%s>\r\nDate: Mon, 23 Nov 2026 08:10:00 +0700\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n"+
		"Content-Transfer-Encoding: 8bit\r\n\r\nKhu vực ấp 3, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng, cột điện nghiêng.\r\n%s\r\n",
		e2eCitizen, id, extra)
	for _, f := range files {
		fmt.Fprintf(&b, "--b1\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"+
			"Content-Transfer-Encoding: base64\r\n\r\n%s", f.typ, f.name, f.name, intaketest.Base64Lines(f.data))
	}
	b.WriteString("--b1--\r\n")
	return b.String()
}

// decodedBody returns the plain-text alternative of a mail, decoded.
func decodedBody(t testing.TB, m *mail.Message) string {
	t.Helper()
	var buf bytes.Buffer
	for k, v := range m.Header {
		for _, vv := range v {
			fmt.Fprintf(&buf, "%s: %s\r\n", k, vv)
		}
	}
	buf.WriteString("\r\n")
	io.Copy(&buf, m.Body)
	r, err := gomessage.CreateReader(&buf)
	if err != nil {
		t.Fatalf("sent mail: %v", err)
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			t.Fatalf("sent mail has no text part: %v", err)
		}
		if h, ok := p.Header.(*gomessage.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				b, _ := io.ReadAll(p.Body)
				return string(b)
			}
		}
	}
}
