package main

import (
	"context"
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/imaptest"
	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/store"
)

var receivedAt = time.Date(2026, 11, 23, 8, 15, 0, 0, calendar.Vietnam)

// TestE2EReportsAreAcknowledged delivers reports to the mailbox and checks
// the mail that comes out of the SMTP server and where the messages went.
func TestE2EReportsAreAcknowledged(t *testing.T) {
	for _, c := range []struct {
		name string
		imap imaptest.Options
	}{
		{"move", imaptest.Options{}},
		{"copy-expunge", imaptest.Options{NoMove: true}},
		{"polling", imaptest.Options{NoIdle: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, envOptions{imap: c.imap})
			if e.imap.Server() == nil && c.name != "move" {
				t.Skip("the real server has the capabilities it has")
			}
			e.startDaemon()
			const n = 3
			for i := range n {
				e.deliver(receivedAt, citizenReport(i, fmt.Sprintf("dan%d@example.com", i)))
			}
			// Each report: one acknowledgement and one triage notice (one receiver).
			eventually(t, 30*time.Second, "the acknowledgements and the triage notices", func() bool {
				for i := range n {
					if len(e.mailsOf("ack", fmt.Sprintf("dan%d@example.com", i))) == 0 {
						return false
					}
				}
				return len(e.mailsOf("triage", e2eReceiver)) >= n
			})
			eventually(t, 10*time.Second, "an empty inbox", func() bool { return e.count(e.imap.Config().Mailbox) == 0 })
			if got := e.count(e.imap.Config().Processed); got != n {
				t.Errorf("%d messages in the processed folder, want %d", got, n)
			}
			acks := 0
			for _, m := range e.sent() {
				checkCommonHeaders(t, m)
				if strings.Contains(m.Header.Get("To"), "dan") {
					acks++
					checkAck(t, m)
				}
			}
			if acks != n {
				t.Errorf("%d acknowledgements, want %d", acks, n)
			}
		})
	}
}

// checkCommonHeaders checks what SPEC 8.1 asks of every mail.
func checkCommonHeaders(t *testing.T, m *mail.Message) {
	t.Helper()
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	if !tagged.MatchString(subject) {
		t.Errorf("subject %q has no report tag", subject)
	}
	if id := m.Header.Get("Message-ID"); !strings.HasSuffix(id, "@haugiang.gov.vn>") {
		t.Errorf("Message-ID %q is not ours", id)
	}
	if as := m.Header.Get("Auto-Submitted"); as != "auto-replied" && as != "auto-generated" {
		t.Errorf("Auto-Submitted %q", as)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("Content-Type %q, want text and HTML alternatives", ct)
	}
	if !strings.HasPrefix(m.Header.Get("Reply-To"), "phananh+") && !strings.HasPrefix(m.Header.Get("Reply-To"), "<phananh+") {
		t.Errorf("Reply-To %q is no reply address", m.Header.Get("Reply-To"))
	}
}

var tagged = regexp.MustCompile(`^\[PA-2026-\d{6}\] `)

func checkAck(t *testing.T, m *mail.Message) {
	t.Helper()
	if !strings.HasPrefix(m.Header.Get("In-Reply-To"), "<report-") {
		t.Errorf("acknowledgement In-Reply-To %q", m.Header.Get("In-Reply-To"))
	}
	body := decodedBody(t, m)
	for _, want := range []string{"Mã phản ánh: PA-2026-", "Lĩnh vực: Điện", "Địa bàn: huyện Vị Thủy", "trước 10:15 ngày 23/11/2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "cúp điện") {
		t.Error("the acknowledgement repeats the citizen's text")
	}
}

// TestE2EQuarantineDoesNotBlock puts a hostile message between two reports:
// it goes to the quarantine folder with its reason, the receivers are told,
// and the report behind it is processed.
func TestE2EQuarantineDoesNotBlock(t *testing.T) {
	e := newEnv(t, envOptions{extra: "[intake]\nmax_depth = 5\n"})
	e.startDaemon()
	bomb := "From: x@example.net\r\nMessage-ID: <bomb@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
	for i := range 10 {
		bomb += fmt.Sprintf("--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	e.deliver(receivedAt, citizenReport(1, "a@example.com"), bomb, citizenReport(2, "b@example.com"))
	eventually(t, 30*time.Second, "an empty inbox", func() bool { return e.count(e.imap.Config().Mailbox) == 0 })
	if q, p := e.count(e.imap.Config().Quarantine), e.count(e.imap.Config().Processed); q != 1 || p != 2 {
		t.Errorf("quarantine %d, processed %d; want 1 and 2", q, p)
	}
	eventually(t, 30*time.Second, "the quarantine notice", func() bool {
		for _, m := range e.sent() {
			if strings.Contains(decodedBody(t, m), "Lý do: thư có các phần MIME lồng nhau quá 5 lớp") {
				return true
			}
		}
		return false
	})
}

// TestE2ESMTPOutage stops the SMTP server while reports arrive: they are
// processed at once, their mail waits, and when the server is back every
// mail is delivered exactly once.
func TestE2ESMTPOutage(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.sink.SetDown(true)
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(1, "a@example.com"), citizenReport(2, "b@example.com"))
	eventually(t, 30*time.Second, "an empty inbox", func() bool { return e.count(e.imap.Config().Mailbox) == 0 })
	time.Sleep(time.Second)
	if n := len(e.sink.Messages()); n != 0 {
		t.Fatalf("%d mails accepted by a server that is down", n)
	}
	e.sink.SetDown(false)
	eventually(t, 30*time.Second, "the delayed mail", func() bool { return len(e.sink.Messages()) >= 4 })
	time.Sleep(3 * time.Second) // room for a wrong second delivery
	assertEachOnce(t, e.sink.Messages())
}

// TestE2EReconnect cuts every IMAP connection while mail arrives.
func TestE2EReconnect(t *testing.T) {
	e := newEnv(t, envOptions{})
	if e.imap.Server() == nil {
		t.Skip("cutting connections needs the in-process server")
	}
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(1, "a@example.com"))
	eventually(t, 30*time.Second, "the first report", func() bool { return e.count(e.imap.Config().Processed) == 1 })
	e.imap.Server().DropConnections()
	e.account = e.imap.Account(t) // the test's own connection was cut too
	e.deliver(receivedAt, citizenReport(2, "b@example.com"))
	eventually(t, 60*time.Second, "the second report after the reconnect", func() bool { return e.count(e.imap.Config().Processed) == 2 })
}

// assertEachOnce checks that no Message-ID was delivered twice.
func assertEachOnce(t *testing.T, msgs []smtptest.Received) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.MessageID]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
}

// reportCount counts the reports in the store.
func reportCount(t *testing.T, db *store.DB) map[string]int {
	var counts map[string]int
	db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		counts, err = tx.MessageCounts()
		return err
	})
	return counts
}

// TestE2EDigestCaughtUpAtStart stops the daemon over the morning of a
// working day and starts it again after the digest's time: at start it
// sends the digest it missed, of the day before, to the Center's receiver
// and approver. The daemon's timed jobs follow the test's clock.
func TestE2EDigestCaughtUpAtStart(t *testing.T) {
	e := newEnv(t, envOptions{})
	stop := e.startDaemon()
	e.deliver(receivedAt, citizenReport(1, "a@example.com"))
	e.waitMail("triage", e2eReceiver, 1)
	stop()
	if n := len(e.mailsOf("periodic-report", e2eReceiver)); n != 0 {
		t.Fatalf("%d digests sent before the day's end", n)
	}
	e.now = time.Date(2026, 11, 24, 9, 0, 0, 0, calendar.Vietnam) // Tuesday, after the digest's 07:30
	e.startDaemon()
	for _, to := range []string{e2eReceiver, e2eApprover} {
		subject, _ := new(mime.WordDecoder).DecodeHeader(e.waitMail("periodic-report", to, 1).header("Subject"))
		if !strings.Contains(subject, "Ngày 23/11/2026") {
			t.Errorf("digest to %s: subject %q, want the digest of 23/11/2026", to, subject)
		}
	}
}

// TestE2EAutoSubmitted: what answers its recipient's own mail says so —
// Auto-Submitted: auto-replied, the acknowledgement and the answer to a
// command — and what staff's actions cause says auto-generated, even the
// citizen's notice that continues the thread of their report (RFC 3834
// section 5).
func TestE2EAutoSubmitted(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(1, e2eCitizen))
	e.replyTo(e.waitMail("triage", e2eReceiver, 1), e2eReceiver, receivedAt.Add(20*time.Minute), "/tiepnhan\n", "")
	for _, c := range []struct{ kind, to, want string }{
		{"ack", e2eCitizen, "auto-replied"},
		{"triage", e2eReceiver, "auto-generated"},
		{"confirmation", e2eReceiver, "auto-replied"},
		{"forwarded", e2eCitizen, "auto-generated"},
		{"assignment", e2eHandler, "auto-generated"},
	} {
		m := e.waitMail(c.kind, c.to, 1)
		if got := m.header("Auto-Submitted"); got != c.want {
			t.Errorf("%s (In-Reply-To %q): Auto-Submitted %q, want %q", c.kind, m.header("In-Reply-To"), got, c.want)
		}
	}
}
