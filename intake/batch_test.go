package intake

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/store"
)

// processAll processes raws as one batch, UIDs 1, 2, … of INBOX unless
// uids names them.
func (f *fixture) processAll(raws []string, uids ...uint32) []Result {
	return f.processInTurn(nil, raws, uids...)
}

// processInTurn is processAll committing in turn.
func (f *fixture) processInTurn(turn func(context.Context) error, raws []string, uids ...uint32) []Result {
	return f.p.ProcessAll(context.Background(), func(yield func(Source) bool) {
		for i, raw := range raws {
			uid := uint32(i + 1)
			if i < len(uids) {
				uid = uids[i]
			}
			if !yield(Source{Mailbox: "INBOX", UIDValidity: 7, UID: uid, ReceivedAt: received, Body: strings.NewReader(raw)}) {
				return
			}
		}
	}, turn)
}

// TestBatchWaitsForItsTurn: a batch's turn is taken once its files are
// durable, before its transaction; a turn that fails commits nothing, and
// each message's result says why.
func TestBatchWaitsForItsTurn(t *testing.T) {
	f := newFixture(t)
	var steps []string
	f.p.AfterBlobs = func() { steps = append(steps, "files synced") }
	f.p.BeforeCommit = func() { steps = append(steps, "transaction") }
	refused := errors.New("no turn")
	raws := []string{
		report("b@example.com", "b@x", "Mất điện ấp 1", "Ấp 1 xã Vị Đông, huyện Vị Thủy mất điện.\n"),
		report("c@example.com", "c@x", "Mất điện ấp 2", "Ấp 2 xã Vị Đông, huyện Vị Thủy mất điện.\n"),
	}
	for _, c := range []struct {
		err   error
		steps string
	}{
		{refused, "files synced, turn"},
		{nil, "files synced, turn, transaction"},
	} {
		steps = nil
		rs := f.processInTurn(func(context.Context) error { steps = append(steps, "turn"); return c.err }, raws)
		if got := strings.Join(steps, ", "); got != c.steps {
			t.Errorf("turn %v: steps %s, want %s", c.err, got, c.steps)
		}
		for _, r := range rs {
			if c.err != nil && !errors.Is(r.Err, c.err) || c.err == nil && (r.Err != nil || r.Outcome.Kind != KindReport) {
				t.Errorf("turn %v: result %+v", c.err, r)
			}
		}
		want := 0
		if c.err == nil {
			want = 2
		}
		if n := f.counts(t)[KindReport]; n != want {
			t.Errorf("turn %v: %d reports recorded, want %d", c.err, n, want)
		}
	}
}

// TestBatchMessageFailsAlone commits a batch in which the store refuses
// one message (its UID is recorded already): that one is rolled back
// alone and reported; the others are committed, and the report code the
// refused one took is given back.
func TestBatchMessageFailsAlone(t *testing.T) {
	f := newFixture(t)
	if _, err := f.p.Process(context.Background(), Source{Mailbox: "INBOX", UIDValidity: 7, UID: 9, ReceivedAt: received,
		Body: strings.NewReader(report("a@example.com", "a@x", "Mất điện", outage))}); err != nil {
		t.Fatal(err)
	}
	rs := f.processAll([]string{
		report("b@example.com", "b@x", "Mất điện ấp 1", "Ấp 1 xã Vị Đông, huyện Vị Thủy mất điện.\n"),
		report("c@example.com", "c@x", "Mất điện ấp 2", "Ấp 2 xã Vị Đông, huyện Vị Thủy mất điện.\n"),
		report("d@example.com", "d@x", "Mất điện ấp 3", "Ấp 3 xã Vị Đông, huyện Vị Thủy mất điện.\n"),
	}, 1, 9, 3)
	if len(rs) != 3 || rs[0].Err != nil || rs[1].Err == nil || rs[2].Err != nil {
		t.Fatalf("results %+v: want the second alone refused", rs)
	}
	if rs[0].UID != 1 || rs[2].UID != 3 || rs[0].Outcome.Code != "PA-2026-000002" || rs[2].Outcome.Code != "PA-2026-000003" {
		t.Errorf("results %+v: want UIDs 1 and 3 as PA-2026-000002 and PA-2026-000003", rs)
	}
	if n := len(f.mails(t, rs[2].Outcome.Code)); n != 3 {
		t.Errorf("the last report owes %d mails, want 3", n)
	}
}

// TestBatchCommandAndItsReplay puts a command and a copy of it in one
// batch: the first is applied, the copy is recognised as the same message
// and changes nothing (SPEC 7.3), as when they come one by one.
func TestBatchCommandAndItsReplay(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.p.CallAttempts = 3
	mail := eml([]string{"From: " + receiver, "To: " + w.replyAddr(token.Operator, receiver),
		"Subject: Re: [" + w.code + "] Phản ánh mới", "Message-ID: <goi-1@example.gov.vn>", "Date: Mon, 23 Nov 2026 09:00:00 +0700"},
		"/goikhongduoc Gọi hai lần không ai nghe máy.\n")
	rs := w.processAll([]string{
		"Received: from mail.example.gov.vn by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:00:01 +0700\r\n" + mail,
		"Received: from mx2.haugiang.gov.vn by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:05:00 +0700\r\n" + mail,
	}, 11, 12)
	if rs[0].Err != nil || rs[0].Outcome.Kind != KindCommand || rs[1].Err != nil || rs[1].Outcome.Kind != KindDuplicate {
		t.Fatalf("results %+v: want the command, then its duplicate", rs)
	}
	if n := w.report().CallFailures; n != 1 {
		t.Errorf("%d failed calls recorded, want 1", n)
	}
}

// TestBatchRepliesCapped puts a sender's reports four to seven in one
// batch: the fifth is answered, the sixth and seventh are recorded and
// not answered (SPEC 4.7), as when they come one by one.
func TestBatchRepliesCapped(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		f.process(t, report("an@gmail.com", fmt.Sprintf("r%d@x", i), "Đèn đường hư", fmt.Sprintf("Đèn đường số %d hư, huyện Vị Thủy.\n", i)))
	}
	var raws []string
	for i := 3; i < 7; i++ {
		raws = append(raws, report("an@gmail.com", fmt.Sprintf("r%d@x", i), "Đèn đường hư", fmt.Sprintf("Đèn đường số %d hư, huyện Vị Thủy.\n", i)))
	}
	var states []string
	for _, r := range f.processAll(raws) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		states = append(states, f.mails(t, r.Outcome.Code)[0].State)
	}
	if got, want := strings.Join(states, " "), "queued queued suppressed suppressed"; got != want {
		t.Errorf("acknowledgement states %s, want %s", got, want)
	}
}

// TestBatchUnreadableBodyFailsAlone: a message whose body cannot be read
// to its end (the connection broke) records nothing; the messages read
// before it are committed.
func TestBatchUnreadableBodyFailsAlone(t *testing.T) {
	f := newFixture(t)
	broken := errors.New("connection reset")
	rs := f.p.ProcessAll(context.Background(), func(yield func(Source) bool) {
		if yield(Source{Mailbox: "INBOX", UIDValidity: 7, UID: 1, ReceivedAt: received,
			Body: strings.NewReader(report("b@example.com", "b@x", "Mất điện", outage))}) {
			yield(Source{Mailbox: "INBOX", UIDValidity: 7, UID: 2, ReceivedAt: received, Body: &failingReader{err: broken}})
		}
	}, nil)
	if len(rs) != 2 || rs[0].Err != nil || !errors.Is(rs[1].Err, broken) {
		t.Fatalf("results %+v", rs)
	}
	var counts map[string]int
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		counts, err = tx.MessageCounts()
		return err
	})
	if counts[KindReport] != 1 || len(counts) != 1 {
		t.Errorf("recorded %v, want the one report", counts)
	}
}

// failingReader yields a little of a message, then fails.
type failingReader struct {
	err  error
	done bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, r.err
	}
	r.done = true
	return copy(p, "From: x@example.com\r\nSubject: "), nil
}
