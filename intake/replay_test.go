package intake

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/intaketest"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/store"
)

// TestReplayedCommandChangesNothing: the regression of the three copies of
// one /call-failed that rejected a report. The mail is applied once; the
// copies — a server's retry with one more Received, the copy delivered to
// our bare address, a replay with fresh Authentication-Results — are
// recorded as duplicates and change nothing.
func TestReplayedCommandChangesNothing(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.p.CallAttempts = 3
	mail := eml([]string{"From: " + receiver, "To: " + w.replyAddr(token.Operator, receiver), "Cc: phananh@haugiang.gov.vn",
		"Subject: Re: [" + w.code + "] Phản ánh mới", "Message-ID: <goi-1@example.gov.vn>", "Date: Mon, 23 Nov 2026 09:00:00 +0700",
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.gov.vn; s=mail; h=from:to:subject; bh=abc; b=def"},
		"/goikhongduoc Gọi hai lần không ai nghe máy.\n")
	first := w.send("Received: from mail.example.gov.vn by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:00:01 +0700\r\n" +
		"Delivered-To: phananh+" + token.FromAddress(w.p.Address, w.replyAddr(token.Operator, receiver)) + "@haugiang.gov.vn\r\n" + mail)
	if first.Kind != KindCommand || first.Reason != "" {
		t.Fatalf("first copy: %+v", first)
	}
	mark := 0
	w.sentSince(&mark)
	before, events := w.report(), len(w.events())
	copies := []string{
		"Received: from mx.haugiang.gov.vn by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:05:00 +0700\r\n" +
			"Received: from mail.example.gov.vn by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:00:01 +0700\r\n" + mail,
		"Return-Path: <tiepnhan@example.gov.vn>\r\nDelivered-To: phananh@haugiang.gov.vn\r\nX-Original-To: phananh@haugiang.gov.vn\r\n" + mail,
		"Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn\r\n" +
			"Received: from evil.example by mx.haugiang.gov.vn; Tue, 24 Nov 2026 10:00:00 +0700\r\n" + strings.ReplaceAll(mail, "\r\n", "\n"),
	}
	for i, c := range copies {
		out := w.send(c)
		if out.Kind != KindDuplicate || out.Code != w.code {
			t.Errorf("copy %d: %+v, want a duplicate of %s", i+1, out, w.code)
		}
	}
	after := w.report()
	if after.State != before.State || after.CallFailures != 1 || len(w.events()) != events {
		t.Errorf("the copies changed the report: %s → %s, %d failed calls, %d events (want %d)",
			before.State, after.State, after.CallFailures, len(w.events()), events)
	}
	if got := owed(w.sentSince(&mark)); got != "" {
		t.Errorf("the copies owe %q", got)
	}
	// Another mail, with its own Message-ID, is judged as one (here
	// applied: the token is the operator's).
	changed := strings.Replace(strings.Replace(mail, "Gọi hai lần", "Gọi ba lần", 1), "goi-1@", "goi-2@", 1)
	if out := w.send(changed); out.Kind != KindCommand || w.report().CallFailures != 2 {
		t.Errorf("a changed copy: %+v, %d failed calls", out, w.report().CallFailures)
	}
}

// TestDigestIgnoresTraceOnly: the digest leaves out the trace fields and
// line endings, and nothing else.
func TestDigestIgnoresTraceOnly(t *testing.T) {
	sum := func(raw string) string {
		d := newDigester()
		// Feed it in small pieces, so that fields and line ends fall
		// across writes.
		for b := []byte(raw); len(b) > 0; b = b[min(len(b), 7):] {
			d.Write(b[:min(len(b), 7)])
		}
		return d.Sum()
	}
	base := "From: a@b.vn\r\nTo: phananh@haugiang.gov.vn\r\nSubject: x\r\n  folded\r\nMessage-ID: <m@b.vn>\r\n\r\n/accept\r\n"
	same := []string{
		"Received: from x\r\n\tby y; Mon, 23 Nov 2026\r\n" + base,
		"X-Received: by 2002:a05\r\nARC-Seal: i=1; a=rsa-sha256\r\nARC-Message-Signature: i=1\r\n" + base,
		strings.Replace(base, "Subject: x", "Delivered-To: phananh+abc@haugiang.gov.vn\r\nsubject: x", 1) + "",
		strings.ReplaceAll(base, "\r\n", "\n"),
		"Return-Path: <a@b.vn>\r\nAuthentication-Results: mx; dkim=pass\r\nReceived-SPF: pass\r\nX-Spam-Status: No\r\n" + base,
	}
	// The lower-case "subject" is another spelling of the same field name,
	// but not the same bytes: only trace fields are ignored.
	same[2] = strings.Replace(base, "Subject: x", "Delivered-To: phananh+abc@haugiang.gov.vn\r\nSubject: x", 1)
	for i, s := range same {
		if sum(s) != sum(base) {
			t.Errorf("variant %d has another digest", i)
		}
	}
	other := []string{
		strings.Replace(base, "/accept", "/reject", 1),
		strings.Replace(base, "Subject: x", "Subject: y", 1),
		strings.Replace(base, "folded", "fold", 1),
		strings.Replace(base, "To: phananh@", "To: phananh+x@", 1),
		"Cc: c@d.vn\r\n" + base,
		"Receivedx: 1\r\n" + base,
	}
	for i, s := range other {
		if sum(s) == sum(base) {
			t.Errorf("changed message %d has the same digest", i)
		}
	}
}

// TestAcceptedCommandMailAgainChangesNothing is the property of SPEC 7.3:
// any command mail that was applied, delivered again — with trace fields
// added or changed, to another of our addresses, with other line endings,
// after a restart — is a duplicate and changes nothing: not the report, not
// its events or deadlines, and no mail is owed.
func TestAcceptedCommandMailAgainChangesNothing(t *testing.T) {
	type command struct{ from, body string }
	commands := []command{
		{receiver, "/accept"}, {receiver, "/khancap"}, {receiver, "/phuctap"}, {receiver, "/baomat"},
		{receiver, "/call-failed Không nghe máy."}, {receiver, "/reject Nội dung không rõ."}, {receiver, "/note Đã gọi."},
		{receiver, "/field cap-nuoc"}, {receiver, "/assign ubnd-vi-thuy"}, {receiver, "/status"}, {receiver, "/help"},
		{approver, "/escalate Cần Sở xem xét."}, {approver, "/note Theo dõi."}, {receiver, "/urgent\n/accept"},
	}
	pass := "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn"
	rng := rand.New(rand.NewPCG(12, 7))
	for i := range 40 {
		c := commands[rng.IntN(len(commands))]
		name := fmt.Sprintf("%d %s %s", i, c.from, strings.Fields(c.body)[0])
		t.Run(name, func(t *testing.T) {
			w := newWalker(t)
			w.p.RequireAuth = true
			w.ingest(outage)
			standalone := rng.IntN(4) == 0
			to, subject, body := w.replyAddr(token.Operator, c.from), "Re: ["+w.code+"] Thông báo", c.body
			if standalone {
				to, subject, body = w.p.Address, "Hỏi tình trạng", "/status "+w.code
			}
			mail := eml([]string{"From: " + c.from, "To: " + to, "Subject: " + subject,
				fmt.Sprintf("Message-ID: <cmd-%d@example.gov.vn>", i), "Date: Mon, 23 Nov 2026 09:00:00 +0700"}, body+"\n")
			first := w.send(trace(rng, w, pass) + mail)
			if first.Kind != KindCommand || first.Reason != "" {
				t.Fatalf("the command was not applied: %+v", first)
			}
			if rng.IntN(3) == 0 {
				w.restart()
			}
			mark := 0
			w.sentSince(&mark)
			before := w.state()
			again := mail
			if rng.IntN(2) == 0 {
				again = strings.ReplaceAll(again, "\r\n", "\n")
			}
			out := w.send(trace(rng, w, pass) + again)
			if out.Kind != KindDuplicate {
				t.Errorf("delivered again: %+v, want a duplicate", out)
			}
			if after := w.state(); after != before {
				t.Errorf("delivered again, the report changed:\n%s\nwas\n%s", after, before)
			}
			if got := owed(w.sentSince(&mark)); got != "" {
				t.Errorf("delivered again, it owes %q", got)
			}
		})
	}
}

// trace returns random trace fields as servers add them, on the way to one
// of our addresses.
func trace(rng *rand.Rand, w *walker, pass string) string {
	var b strings.Builder
	for range rng.IntN(4) {
		fmt.Fprintf(&b, "Received: from relay%d.example.net (relay%d.example.net [192.0.2.%d])\r\n\tby mx.haugiang.gov.vn with ESMTPS id %x;\r\n\tMon, 23 Nov 2026 09:%02d:00 +0700\r\n",
			rng.IntN(9), rng.IntN(9), rng.IntN(250), rng.Uint32(), rng.IntN(60))
	}
	ours := []string{w.p.Address, "phananh+" + strings.Repeat("a", 32) + "@haugiang.gov.vn", "PhanAnh@haugiang.gov.vn"}
	if rng.IntN(2) == 0 {
		a := ours[rng.IntN(len(ours))]
		fmt.Fprintf(&b, "Delivered-To: %s\r\nX-Original-To: %s\r\n", a, a)
	}
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "Return-Path: <bounce-%d@example.gov.vn>\r\n", rng.IntN(100))
	}
	// The mail must authenticate: our border writes this each time.
	b.WriteString(pass + "\r\n")
	if rng.IntN(2) == 0 {
		b.WriteString("ARC-Seal: i=1; a=rsa-sha256; t=1; cv=none; d=relay.example.net; s=arc; b=xyz\r\n")
	}
	return b.String()
}

// state is everything about the walker's report that a message could
// change, as text: the report, its events, deadlines and mail.
func (w *walker) state() string {
	var b strings.Builder
	w.db.Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(w.code)
		if err != nil {
			w.t.Fatal(err)
		}
		r.UpdatedAt = time.Time{}
		fmt.Fprintf(&b, "%+v\n", r)
		es, _ := tx.Events(r.ID)
		ds, _ := tx.Deadlines(r.ID)
		ms, _ := tx.ReportMail(r.ID)
		fmt.Fprintf(&b, "%d events, %d deadlines %+v, %d mails", len(es), len(ds), ds, len(ms))
		return nil
	})
	return b.String()
}

// restart closes the store and opens it again under a new pipeline, as a
// restarted daemon would.
func (w *walker) restart() {
	w.t.Helper()
	ctx := context.Background()
	w.db.Close()
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(w.dir, "phananh.db"), DataDir: filepath.Join(w.dir, "data"),
		Key: bytes.Repeat([]byte{3}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	p := *w.p
	p.DB = db
	w.p, w.db = &p, db
}

// BenchmarkDigest measures the replay digest of a message with a 5 MB
// body, as the spool computes it: in 32 KiB writes.
func BenchmarkDigest(b *testing.B) {
	header := strings.Repeat("Received: from relay.example.net by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:00:00 +0700\r\n", 5) +
		"From: a@b.vn\r\nTo: phananh@haugiang.gov.vn\r\nSubject: x\r\nMessage-ID: <m@b.vn>\r\n\r\n"
	raw := []byte(header + strings.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n", 5<<20/76))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		d := newDigester()
		for p := raw; len(p) > 0; p = p[min(len(p), 32<<10):] {
			d.Write(p[:min(len(p), 32<<10)])
		}
		d.Sum()
	}
}

// TestDigestEveryByteAfterName: a field's name cut at its longest is
// hashed with the byte that follows it, whatever that byte (255 made the
// slice of the byte's value run past its end: a panic on a message's
// header).
func TestDigestEveryByteAfterName(t *testing.T) {
	for c := range 256 {
		raw := []byte(strings.Repeat("n", maxFieldName) + string(rune(0)) + ": v\n\nbody\n")
		raw[maxFieldName] = byte(c)
		d := newDigester()
		d.Write(raw)
		if got, want := d.Sum(), byteDigest(raw); got != want {
			t.Errorf("byte %#x after a name cut: %s, a byte at a time %s", c, got, want)
		}
	}
}

// FuzzDigestByRuns holds the digest, which hashes a field's value a run
// of bytes at a time, to the digest of the same bytes hashed one at a
// time (byteDigest), in writes of any size.
func FuzzDigestByRuns(f *testing.F) {
	f.Add([]byte("Received: from x\r\n\tby y\r\nFrom: a@b.vn\r\nSubject: x\r\n  folded\r\n\r\n/accept\r\n"), uint8(3))
	f.Add([]byte("X-Long-Name-"+strings.Repeat("n", 70)+": v\nReceived: r\n\n"), uint8(0))
	f.Add([]byte("a\rb: c\r\r\nd\n \n\n"), uint8(1))
	f.Add([]byte(strings.Repeat("0", maxFieldName)+"\xff: v\n\n"), uint8(7)) // a name cut before the byte 0xff
	f.Fuzz(func(t *testing.T, raw []byte, step uint8) {
		d := newDigester()
		for p := raw; len(p) > 0; p = p[min(len(p), int(step)+1):] {
			d.Write(p[:min(len(p), int(step)+1)])
		}
		if got, want := d.Sum(), byteDigest(raw); got != want {
			t.Fatalf("%q in writes of %d: %s, a byte at a time %s", raw, int(step)+1, got, want)
		}
	})
}

// byteDigest is the digest of raw with each byte of the header's values
// hashed alone, as the digester once did.
func byteDigest(raw []byte) string {
	d := newDigester()
	for _, c := range raw {
		if c == '\r' {
			continue
		}
		switch d.state {
		case inBody:
			d.h.Write([]byte{c})
		case lineStart:
			d.lineStart(c)
		case inName:
			d.inName(c)
		case inValue:
			if !d.trace {
				d.h.Write([]byte{c})
			}
			if c == '\n' {
				d.state = lineStart
			}
		}
	}
	return d.Sum()
}

// BenchmarkDigestReport digests BenchmarkThroughput's reports as they are
// spooled: a header of some 400 bytes, a text and a photo of 3 KB.
func BenchmarkDigestReport(b *testing.B) {
	photo := intaketest.Photo()
	msgs := make([][]byte, 64)
	for i := range msgs {
		msgs[i] = []byte(intaketest.Report(i, benchDate, photo))
	}
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		d := newDigester()
		d.Write(msgs[i%len(msgs)])
		d.Sum()
		i++
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1e3/float64(b.N), "cpu-µs/report")
}

// TestCommandReplayWithNewMessageIDChangesNothing is the property of the
// second replay key (SPEC 7.3): a command mail that was applied, delivered
// again with a new Message-ID and any header field its DKIM signature does
// not cover added or changed — an X- field, a second Date or Subject above
// the signed one, a body grown past a signature's l= — is recognised by its
// sender, its Date and its Subject, recorded as a duplicate, and changes
// nothing. The operator who sends the same command text again, in a new
// mail (a new Date), has it applied.
func TestCommandReplayWithNewMessageIDChangesNothing(t *testing.T) {
	type command struct{ from, body string }
	commands := []command{
		{receiver, "/accept"}, {receiver, "/khancap"}, {receiver, "/baomat"}, {receiver, "/call-failed Không nghe máy."},
		{receiver, "/reject Nội dung không rõ."}, {receiver, "/note Đã gọi."}, {receiver, "/assign ubnd-vi-thuy"},
		{receiver, "/status"}, {approver, "/escalate Cần Sở xem xét."}, {approver, "/note Theo dõi."},
	}
	unsigned := []func(rng *rand.Rand, mail string) string{
		func(rng *rand.Rand, mail string) string { // a field of the attacker's own
			return fmt.Sprintf("X-Replay-%d: %x\r\n", rng.IntN(100), rng.Uint64()) + mail
		},
		func(rng *rand.Rand, mail string) string { // a changed unsigned field
			return strings.Replace(mail, "X-Mailer: Microsoft Outlook 16.0", fmt.Sprintf("X-Mailer: Thunderbird %d", rng.IntN(200)), 1)
		},
		func(rng *rand.Rand, mail string) string { // a Date above the signed one: DKIM reads the last
			return fmt.Sprintf("Date: Tue, 24 Nov 2026 %02d:%02d:00 +0700\r\n", rng.IntN(24), rng.IntN(60)) + mail
		},
		func(rng *rand.Rand, mail string) string { // a Subject above the signed one
			return fmt.Sprintf("Subject: Re: chuyển tiếp %d\r\n", rng.IntN(1000)) + mail
		},
		func(rng *rand.Rand, mail string) string { // the body grown past l=
			return mail + fmt.Sprintf("\r\n-- \r\nthêm %d\r\n", rng.IntN(1000))
		},
		func(rng *rand.Rand, mail string) string { // forged signatures above the real one, each with its own l=
			var b strings.Builder
			for range 10 + rng.IntN(30) {
				form := []string{"simple", "relaxed"}[rng.IntN(2)]
				fmt.Fprintf(&b, "DKIM-Signature: v=1; a=rsa-sha256; c=%s/%s; d=evil.example; s=x; l=%d; h=from; bh=x; b=y\r\n", form, form, rng.IntN(9))
			}
			return b.String() + mail
		},
		func(rng *rand.Rand, mail string) string { // the folding of a signed field (relaxed canonicalisation)
			return strings.Replace(mail, "Date: Mon, 23 Nov 2026", "Date: Mon,\r\n  23 Nov   2026", 1)
		},
	}
	pass := "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn"
	rng := rand.New(rand.NewPCG(5, 18))
	for i := range 30 {
		c := commands[rng.IntN(len(commands))]
		t.Run(fmt.Sprintf("%d %s %s", i, c.from, strings.Fields(c.body)[0]), func(t *testing.T) {
			w := newWalker(t)
			w.p.RequireAuth = true
			w.ingest(outage)
			head := func(msgID, date string) []string {
				return []string{"From: " + c.from, "To: " + w.replyAddr(token.Operator, c.from), "Subject: Re: [" + w.code + "] Thông báo",
					"Message-ID: <" + msgID + ">", "Date: " + date, "X-Mailer: Microsoft Outlook 16.0",
					// l= is the length of the body signed, in the relaxed form.
					fmt.Sprintf("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.gov.vn; s=mail; l=%d; h=from:to:subject:date; bh=abc; b=def",
						len(c.body)+2)}
			}
			mail := eml(head(fmt.Sprintf("cmd-%d@example.gov.vn", i), "Mon, 23 Nov 2026 09:00:07 +0700"), c.body+"\n")
			if first := w.send(pass + "\r\n" + mail); first.Kind != KindCommand || first.Reason != "" {
				t.Fatalf("the command was not applied: %+v", first)
			}
			mark := 0
			w.sentSince(&mark)
			before := w.state()
			again := strings.Replace(mail, fmt.Sprintf("<cmd-%d@", i), fmt.Sprintf("<%x@", rng.Uint64()), 1)
			for _, j := range rng.Perm(len(unsigned))[:1+rng.IntN(3)] {
				again = unsigned[j](rng, again)
			}
			out := w.send(trace(rng, w, pass) + again)
			if out.Kind != KindDuplicate {
				t.Errorf("replayed with a new Message-ID: %+v, want a duplicate\n%s", out, again)
			}
			if after := w.state(); after != before {
				t.Errorf("replayed with a new Message-ID, the report changed:\n%s\nwas\n%s", after, before)
			}
			if got := owed(w.sentSince(&mark)); got != "" {
				t.Errorf("replayed with a new Message-ID, it owes %q", got)
			}
			// The same text again in a new mail, written a minute later.
			resent := eml(head(fmt.Sprintf("cmd-%d-again@example.gov.vn", i), "Mon, 23 Nov 2026 09:01:07 +0700"), c.body+"\n")
			if out := w.send(trace(rng, w, pass) + resent); out.Kind != KindCommand {
				t.Errorf("the same command in a new mail: %+v, want it judged as a command", out)
			}
		})
	}
}
