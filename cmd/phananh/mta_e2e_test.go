package main

import (
	"context"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/auth"
	"haugiang.gov.vn/phananh/store"
)

// A receiver of an agency that signs its mail with DKIM but publishes no
// DMARC record (see .ci/mail/world.zone).
const (
	noDMARCReceiver = "tiepnhan@nodmarc.example"
	noDMARCExtra    = `
[[operators]]
email = "tiepnhan@nodmarc.example"
name = "Tiếp nhận (không DMARC)"
role = "receiver"
`
)

// TestE2EBorderAcknowledgement sends a citizen's report through the border
// MX: the acknowledgement leaves through the submission port and arrives
// at the citizen's server signed by haugiang.gov.vn, dkim=pass.
func TestE2EBorderAcknowledgement(t *testing.T) {
	e, b := newBorderEnv(t, "")
	e.startDaemon()
	if err := b.send(e2eCitizen, b.ours, citizenReport(1, e2eCitizen)); err != nil {
		t.Fatalf("the border refused a citizen's report: %v", err)
	}
	ack := e.waitMail("ack", e2eCitizen, 1)
	if body := ack.text(); !strings.Contains(body, "Mã phản ánh: PA-") || strings.Contains(body, "cúp điện") {
		t.Errorf("acknowledgement:\n%s", body)
	}
	if !b.real() {
		return // no signing server in the process
	}
	m := ack.msg()
	if r := auth.Check(m.Header["Authentication-Results"], b.ours, "mx.example.com"); r.Status != auth.Pass || r.Method != "dkim" {
		t.Errorf("at the citizen's server: %+v; headers %q", r, m.Header["Authentication-Results"])
	}
	if !strings.Contains(strings.Join(m.Header["Received"], "\n"), "by mail.haugiang.gov.vn (Postfix)") {
		t.Errorf("not sent through the border's Postfix: %q", m.Header["Received"])
	}
}

// TestE2EBorderCommands sends staff commands through the border. On one
// report, as the Center's receiver (example.gov.vn publishes DMARC
// p=reject): an unsigned /accept, one signed with a key the domain does not
// publish, one signed by another domain, one whose display name is the
// receiver's address, one with two From headers, and then the receiver's
// own signed /accept. On another, as a receiver whose domain signs but
// publishes no DMARC record: unsigned /accept with forged
// Authentication-Results under our id — dmarc=pass, dkim=pass under an
// upper-case id after a comment, a bare spf=pass, dmarc=pass after a nested
// comment, with the id on a folded line or with white space before the
// colon (which Postfix reads as the same field) — which the border must remove,
// and then the receiver's own signed /accept. Only the two signed
// commands are applied; every reply travels to phananh+TOKEN@ through
// Postfix and Dovecot (plus-addressing).
func TestE2EBorderCommands(t *testing.T) {
	e, b := newBorderEnv(t, noDMARCExtra)
	e.startDaemon()
	for i, citizen := range []string{e2eCitizen, "binh.tran@example.com"} {
		if err := b.send(citizen, b.ours, citizenReport(20+i, citizen)); err != nil {
			t.Fatalf("the border refused a citizen's report: %v", err)
		}
	}
	center := e.waitMail("triage", e2eReceiver, 1)
	agency := e.waitMail("triage", noDMARCReceiver, 2)
	if center.code() == agency.code() {
		agency = e.waitMail("triage", noDMARCReceiver, 1)
	}
	reply := func(m sentMail, from, text string, headers ...string) string {
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
		return threadReply(from, m.header("Reply-To"), "Re: "+subject, m.header("Message-ID"), text, "", headers...)
	}
	to := func(m sentMail) string {
		a, err := mail.ParseAddress(m.header("Reply-To"))
		if err != nil || !strings.Contains(a.Address, "+") {
			t.Fatalf("reply address %q: %v", m.header("Reply-To"), err)
		}
		return a.Address
	}
	twoFroms := strings.Replace(reply(center, e2eReceiver, "/accept\n"), "From: ", "From: mallory@evil.example\r\nFrom: ", 1)
	forgeries := []struct {
		name, envFrom, to, raw string
		refusedAtBorder        bool
	}{
		{"unsigned", e2eReceiver, to(center), reply(center, e2eReceiver, "/accept\n"), false},
		{"signed with an unpublished key", e2eReceiver, to(center),
			b.sign(reply(center, e2eReceiver, "/accept\n"), "example.gov.vn", "unpublished"), false},
		{"signed by another domain", "mallory@evil.example", to(center),
			b.sign(reply(center, e2eReceiver, "/accept\n"), "evil.example", "evil.example"), false},
		{"display name", "mallory@evil.example", to(center),
			b.sign(reply(center, `"tiepnhan@example.gov.vn" <mallory@evil.example>`, "/accept\n"), "evil.example", "evil.example"), false},
		{"two From headers", "mallory@evil.example", to(center), b.sign(twoFroms, "evil.example", "evil.example"), true},
		{"forged dmarc=pass", noDMARCReceiver, to(agency), reply(agency, noDMARCReceiver, "/accept\n",
			"Authentication-Results: mail.haugiang.gov.vn; dmarc=pass (p=none dis=none) header.from=nodmarc.example"), false},
		{"forged dkim=pass, commented upper-case id", noDMARCReceiver, to(agency), reply(agency, noDMARCReceiver, "/accept\n",
			"Authentication-Results: (checked) MAIL.HAUGIANG.GOV.VN;\r\n\tdkim=pass header.d=nodmarc.example header.s=mail"), false},
		{"forged bare spf=pass", noDMARCReceiver, to(agency), reply(agency, noDMARCReceiver, "/accept\n",
			"Authentication-Results: mail.haugiang.gov.vn; spf=pass smtp.mailfrom=nodmarc.example"), false},
		{"forged dmarc=pass after a nested comment", noDMARCReceiver, to(agency), reply(agency, noDMARCReceiver, "/accept\n",
			"Authentication-Results: (a (b) c) mail.haugiang.gov.vn; dmarc=pass header.from=nodmarc.example"), false},
		{"forged dmarc=pass, the id on a folded line", noDMARCReceiver, to(agency), reply(agency, noDMARCReceiver, "/accept\n",
			"Authentication-Results:\r\n mail.haugiang.gov.vn; dmarc=pass header.from=nodmarc.example"), false},
		{"forged dmarc=pass, a space before the colon", noDMARCReceiver, to(agency), reply(agency, noDMARCReceiver, "/accept\n",
			"Authentication-Results : mail.haugiang.gov.vn; dmarc=pass header.from=nodmarc.example"), false},
		{"forged dkim=pass, a space before the colon", noDMARCReceiver, to(agency), reply(agency, noDMARCReceiver, "/accept\n",
			"Authentication-Results\t: mail.haugiang.gov.vn; dkim=pass header.d=nodmarc.example header.s=mail"), false},
	}
	delivered := 2
	for _, f := range forgeries {
		err := b.send(f.envFrom, f.to, f.raw)
		switch {
		case f.refusedAtBorder && !refused(err):
			t.Errorf("%s: the border did not refuse it: %v", f.name, err)
		case !f.refusedAtBorder && err != nil:
			t.Fatalf("%s: the border refused it: %v", f.name, err)
		case err == nil:
			delivered++
		}
	}
	eventually(t, 60*time.Second, "the forgeries processed", func() bool { return e.count(e.imap.Config().Processed) == delivered })
	db := e.openStore()
	state := func(code string) string {
		var r store.Report
		db.Read(context.Background(), func(tx *store.Tx) error {
			r, _ = tx.Report(code)
			return nil
		})
		return r.State
	}
	for _, code := range []string{center.code(), agency.code()} {
		if s := state(code); s != "received" {
			t.Fatalf("a forgery was applied: %s is %s", code, s)
		}
	}

	// The receivers' own signed replies.
	if err := b.send(e2eReceiver, to(center), b.sign(reply(center, e2eReceiver, "/accept\n"), "example.gov.vn", "example.gov.vn")); err != nil {
		t.Fatal(err)
	}
	if err := b.send(noDMARCReceiver, to(agency), b.sign(reply(agency, noDMARCReceiver, "/accept\n"), "nodmarc.example", "nodmarc.example")); err != nil {
		t.Fatal(err)
	}
	e.waitMail("assignment", e2eHandler, 2)
	for _, code := range []string{center.code(), agency.code()} {
		if s := state(code); s != "forwarded" {
			t.Errorf("the signed /accept left %s %s", code, s)
		}
	}
}

// TestE2EBorderSpamMarkFromOutside: a spam mark that a message brings
// with it — set by the sender's own server, or by the sender — is no
// verdict of our border's: the border removes it (header_checks), and the
// citizen's report is a report, acknowledged, not junk (SPEC 4.2).
func TestE2EBorderSpamMarkFromOutside(t *testing.T) {
	e, b := newBorderEnv(t, "")
	e.startDaemon()
	report := strings.Replace(citizenReport(40, e2eCitizen), "MIME-Version:", "X-Spam-Flag: YES\r\nX-Spam: Yes\r\nMIME-Version:", 1)
	if err := b.send(e2eCitizen, b.ours, report); err != nil {
		t.Fatalf("the border refused a citizen's report: %v", err)
	}
	e.waitMail("ack", e2eCitizen, 1)
}

// TestE2EBorderBounces sends the acknowledgements of two reports to
// addresses that the citizens' server refuses, one of them with Vietnamese
// letters: the border's Postfix returns each with a DSN, the first in RFC
// 3464's format (message/delivery-status), the second, submitted with
// SMTPUTF8, in RFC 6533's (message/global-delivery-status). Both are read
// as bounces: the receivers are told that the citizen cannot be reached.
func TestE2EBorderBounces(t *testing.T) {
	e, b := newBorderEnv(t, "")
	if !b.real() {
		t.Skip("Postfix's DSNs need Postfix")
	}
	e.startDaemon()
	for i, citizen := range []string{"khong-ton-tai@example.com", "khong-ton-tai.người-dân@example.com"} {
		if err := b.send(citizen, b.ours, citizenReport(30+i, citizen)); err != nil {
			t.Fatalf("the border refused a citizen's report: %v", err)
		}
	}
	e.waitMail("bounce", e2eReceiver, 2)
	formats := map[string]bool{}
	for _, raw := range e.mailboxMessages(e.imap.Config().Processed) {
		for _, f := range []string{"message/delivery-status", "message/global-delivery-status"} {
			if strings.Contains(strings.ToLower(raw), "content-type: "+f) {
				formats[f] = true
			}
		}
	}
	if len(formats) != 2 {
		t.Errorf("DSN formats seen: %v; want both", formats)
	}
}

// mailboxMessages returns every message of a mailbox.
func (e *env) mailboxMessages(mailbox string) []string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	uids, err := e.account.UIDs(ctx, mailbox)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, uid := range uids {
		raw, err := e.account.Fetch(ctx, mailbox, uid)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, string(raw))
	}
	return out
}
