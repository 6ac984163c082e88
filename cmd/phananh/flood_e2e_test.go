package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestE2EFollowUpFlood floods one report with follow-ups through the IMAP
// server — from the citizen's address in its +detail forms, then from
// others — and counts the mail that comes out of the SMTP sink: the
// receiver gets a notice of the first follow-ups of the hour only, the
// sender's and the report's hourly caps holding the rest, across a
// restart of the daemon, and the next notice says how many were held;
// the citizen's forms of one address share one sender's automatic
// replies; and every follow-up is recorded on the report.
func TestE2EFollowUpFlood(t *testing.T) {
	e := newEnv(t, envOptions{extra: "[intake]\nauto_replies_per_hour = 3\n" +
		"follow_ups_per_sender_per_hour = 2\nfollow_ups_per_report_per_hour = 3\n"})
	stop := e.startDaemon()
	at := receivedAt
	code := e.reported(0, 1, at)
	local, domain, _ := strings.Cut(e2eCitizen, "@")
	froms := []string{local + "+1@" + domain, local + "+2@" + domain, e2eCitizen, "hangxom1@example.com", "hangxom2@example.com"}
	for i, from := range froms {
		if i == 3 {
			e.drained(i + 1) // the report and the follow-ups so far
			stop()
			stop = e.startDaemon()
		}
		at = at.Add(time.Minute)
		e.deliver(at, followUpMail(i, from, code))
	}
	e.drained(len(froms) + 1)

	notes := e.mailsOf("citizen-note", e2eReceiver)
	if len(notes) != 3 {
		t.Fatalf("the receiver got %d notices of follow-ups, want 3 (the citizen's 2, then the report's third)", len(notes))
	}
	if text := notes[2].text(); !strings.Contains(text, "Trước thư này, 1 thư bổ sung khác cho phản ánh "+code) {
		t.Errorf("the notice after a held follow-up does not say so:\n%s", text)
	}
	answers := map[string]int{}
	for _, r := range e.sink.Messages() {
		if strings.Contains(r.MessageID, ".follow-up.") {
			answers[strings.Join(r.To, ",")]++
		}
	}
	want := map[string]int{froms[0]: 1, froms[1]: 1, "hangxom1@example.com": 1, "hangxom2@example.com": 1}
	if fmt.Sprint(answers) != fmt.Sprint(want) {
		t.Errorf("answers to follow-ups %v, want %v (the acknowledgement and two answers fill the citizen's 3)", answers, want)
	}
	var recorded int
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		es, err := tx.Events(r.ID)
		for _, ev := range es {
			if ev.Command == "followup" {
				recorded++
			}
		}
		return err
	})
	if recorded != len(froms) {
		t.Errorf("%d follow-ups recorded on the report, want %d", recorded, len(froms))
	}
}

// followUpMail is a new mail, no reply to ours, with a report's code in
// its subject: what anyone who knows or guesses the code can send.
func followUpMail(n int, from, code string) string {
	return fmt.Sprintf("From: %s\r\nTo: phananh@haugiang.gov.vn\r\nSubject: =?UTF-8?Q?B=E1=BB=95_sung?= [%s]\r\n"+
		"Message-ID: <follow-%d@example.net>\r\nDate: Mon, 23 Nov 2026 08:30:00 +0700\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
		"Bổ sung lần %d: khu vực vẫn mất điện.\r\n", from, code, n, n+1)
}

// drained waits until n messages have been processed and every mail they
// owe has reached the SMTP sink.
func (e *env) drained(n int) {
	e.t.Helper()
	eventually(e.t, 30*time.Second, fmt.Sprintf("%d messages processed", n), func() bool {
		return e.count(e.imap.Config().Processed) == n
	})
	db := e.openStore()
	eventually(e.t, 30*time.Second, "every mail sent", func() bool {
		queued := -1
		db.Read(context.Background(), func(tx *store.Tx) error {
			due, err := tx.DueMail(time.Now().Add(24*365*time.Hour), 100)
			queued = len(due)
			return err
		})
		return queued == 0
	})
}
