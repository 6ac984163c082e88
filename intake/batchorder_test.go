package intake

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"haugiang.gov.vn/phananh/intake/token"
)

// The tests of this file put in one batch messages whose outcome depends
// on one another: each must see what those before it became, as if each
// were committed alone (SPEC 4.1, 7.3).

// TestBatchSameMessageTwice: a citizen's message and a second copy of it,
// delivered again by a server's retry (another Received line), in one
// batch: one report, the copy recorded as its duplicate, owing nothing.
func TestBatchSameMessageTwice(t *testing.T) {
	f := newFixture(t)
	raw := report("dan@example.com", "twice@x", "Mất điện", outage)
	rs := f.processAll([]string{raw,
		"Received: from mx2.example.com by mx.haugiang.gov.vn; Mon, 23 Nov 2026 08:15:00 +0700\r\n" + raw, raw})
	for i, want := range []string{KindReport, KindDuplicate, KindDuplicate} {
		if rs[i].Err != nil || rs[i].Outcome.Kind != want || rs[i].Outcome.Code != rs[0].Outcome.Code {
			t.Errorf("message %d: %+v, want %s of %s", i+1, rs[i], want, rs[0].Outcome.Code)
		}
	}
	if c := f.counts(t); c[KindReport] != 1 || c[KindDuplicate] != 2 {
		t.Errorf("recorded %v, want one report and two duplicates", c)
	}
	if n := len(f.mails(t, rs[0].Outcome.Code)); n != 3 {
		t.Errorf("the report owes %d mails, want 3 (acknowledgement and two triage notices)", n)
	}
}

// TestBatchesInOneGroup: the same message in two batches committed at
// once — each batch's transactions queued together, so that the writer
// may commit both in one group — is one report and one duplicate.
func TestBatchesInOneGroup(t *testing.T) {
	f := newFixture(t)
	raw := report("dan@example.com", "group@x", "Mất điện", outage)
	var ready, wg sync.WaitGroup
	ready.Add(2)
	f.p.AfterBlobs = func() { ready.Done(); ready.Wait() } // both batches' commits start together
	results := make([][]Result, 2)
	for i := range 2 {
		wg.Go(func() { results[i] = f.processAll([]string{raw}, uint32(i+1)) })
	}
	wg.Wait()
	kinds := map[string]int{}
	for _, rs := range results {
		if rs[0].Err != nil {
			t.Fatal(rs[0].Err)
		}
		kinds[rs[0].Outcome.Kind]++
	}
	if kinds[KindReport] != 1 || kinds[KindDuplicate] != 1 {
		t.Errorf("outcomes %v, want one report and one duplicate", kinds)
	}
	if c := f.counts(t); c[KindReport] != 1 || c[KindDuplicate] != 1 || len(c) != 2 {
		t.Errorf("recorded %v, want one report and one duplicate", c)
	}
}

// commandMail is a mail of an operator's to the reply address of the
// report with id, answering its notice.
func (w *walker) commandMail(from string, reportID int64, code, msgID, body string) string {
	addr := token.Address(w.p.Address, w.p.Tokens.Mint(reportID, token.Operator, from, w.p.now()))
	return eml([]string{"From: " + from, "To: " + addr, "Subject: Re: [" + code + "] Phản ánh mới",
		"Message-ID: <" + msgID + ">", "Date: Mon, 23 Nov 2026 09:00:00 +0700"}, body)
}

// TestBatchReportAndCommandOnIt: a report and a receiver's command on it
// in one batch, in the order of their UIDs: the command finds the report
// the message before it made, and is applied.
func TestBatchReportAndCommandOnIt(t *testing.T) {
	w := newWalker(t)
	code := "PA-2026-000001" // the first report's, and its id 1
	rs := w.processAll([]string{
		report("Nguyễn Văn An <"+citizen+">", "r1@mail.gmail.com", "Mất điện kéo dài", outage),
		w.commandMail(receiver, 1, code, "accept@example.gov.vn", "/accept\n"),
	})
	if rs[0].Err != nil || rs[0].Outcome.Kind != KindReport || rs[0].Outcome.Code != code {
		t.Fatalf("the report: %+v", rs[0])
	}
	if r := rs[1]; r.Err != nil || r.Outcome.Kind != KindCommand || r.Outcome.Reason != "" || r.Outcome.State != "forwarded" {
		t.Fatalf("the command: %+v, want it applied", r)
	}
	w.code = code
	if s := w.report().State; s != "forwarded" {
		t.Errorf("the report is %s, want forwarded", s)
	}
}

// TestBatchCommandsInOrder: two operators' commands on one report in one
// batch apply in the batch's order, each judged against the state the one
// before left: /accept then /reject rejects nothing (a forwarded report
// is no longer the receivers' to reject); /reject then /accept accepts
// nothing.
func TestBatchCommandsInOrder(t *testing.T) {
	for _, c := range []struct {
		first, second, state string
	}{
		{"/accept", "/reject Nội dung không rõ.", "forwarded"},
		{"/reject Nội dung không rõ.", "/accept", "rejected"},
	} {
		t.Run(strings.Fields(c.first)[0], func(t *testing.T) {
			w := newWalker(t)
			w.ingest(outage)
			id := w.report().ID
			rs := w.processAll([]string{
				w.commandMail(receiver, id, w.code, "one@example.gov.vn", c.first+"\n"),
				w.commandMail(receiver, id, w.code, "two@example.gov.vn", c.second+"\n"),
			}, 21, 22)
			if r := rs[0]; r.Err != nil || r.Outcome.Kind != KindCommand || r.Outcome.Reason != "" || r.Outcome.State != c.state {
				t.Errorf("%s: %+v, want it applied", c.first, r)
			}
			if r := rs[1]; r.Err != nil || r.Outcome.Kind != KindCommand || r.Outcome.Reason == "" || r.Outcome.State != c.state {
				t.Errorf("%s after %s: %+v, want it refused", c.second, c.first, r)
			}
			if s := w.report().State; s != c.state {
				t.Errorf("the report is %s, want %s", s, c.state)
			}
		})
	}
}

// TestBatchCommandAndSignedReplay: an authenticated command and a replay
// of it with a new Message-ID and a header field its DKIM signature does
// not cover, in one batch: the replay is recognised by what the signature
// covers, and changes nothing (SPEC 7.3).
func TestBatchCommandAndSignedReplay(t *testing.T) {
	w := newWalker(t)
	w.p.RequireAuth = true
	w.ingest(outage)
	w.p.CallAttempts = 2
	pass := "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn\r\n"
	body := "/call-failed Không nghe máy.\n"
	mail := pass + w.commandMail(receiver, w.report().ID, w.code, "call@example.gov.vn", body)
	mail = strings.Replace(mail, "Date:", fmt.Sprintf("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.gov.vn; s=mail; "+
		"l=%d; h=from:to:subject:date; bh=abc; b=def\r\nDate:", len(body)+1), 1)
	replay := "X-Replayed: 1\r\n" + strings.Replace(mail, "<call@", "<other@", 1)
	rs := w.processAll([]string{mail, replay}, 21, 22)
	if r := rs[0]; r.Err != nil || r.Outcome.Kind != KindCommand || r.Outcome.Reason != "" {
		t.Fatalf("the command: %+v", r)
	}
	if r := rs[1]; r.Err != nil || r.Outcome.Kind != KindDuplicate {
		t.Errorf("its replay: %+v, want a duplicate", r)
	}
	if n := w.report().CallFailures; n != 1 {
		t.Errorf("%d failed calls, want 1", n)
	}
	if s := w.report().State; s == "rejected" {
		t.Error("the replay rejected the report as a second failed call")
	}
}
