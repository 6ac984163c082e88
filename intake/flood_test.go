package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestAutomaticReplyLimitCountsTheMailbox: the variants of one address —
// its +details, and at Gmail its dots and googlemail.com — share the
// sender's hourly automatic replies (SPEC 4.7).
func TestAutomaticReplyLimitCountsTheMailbox(t *testing.T) {
	f := newFixture(t)
	from := []string{"an.nguyen+1@gmail.com", "an.nguyen+2@gmail.com", "AnNguyen@gmail.com", "a.n.nguyen@googlemail.com",
		"an.nguyen+pa@GoogleMail.com", "annguyen+6@gmail.com", "an.nguyen+7@gmail.com"}
	var states []string
	for i, addr := range from {
		body := fmt.Sprintf("Đèn đường số %d hư, huyện Vị Thủy.\n", i)
		out := f.process(t, report(addr, fmt.Sprintf("r%d@x", i), "Đèn đường hư", body))
		states = append(states, f.mails(t, out.Code)[0].State)
	}
	want := "queued queued queued queued queued suppressed suppressed"
	if got := strings.Join(states, " "); got != want {
		t.Errorf("acknowledgement states %s, want %s", got, want)
	}
}

// TestFollowUpFloodIsCapped: follow-ups past the hourly caps — their
// sender's mailbox (any variant of its address), or their report's, from
// every sender — are recorded on the report with their text and forwarded
// to nobody (SPEC 4.2); the counts live in the store, so a restart
// forgets none, and the next hour forwards again. The next notice tells
// the holders how many they were not told of, and the daily digest's
// count names them.
func TestFollowUpFloodIsCapped(t *testing.T) {
	w := newWalker(t)
	w.p.FollowUpsPerSender, w.p.FollowUpsPerReport = 2, 4
	steps := []floodStep{
		{from: "an.nguyen+pa@gmail.com", notices: 1},
		{from: "AnNguyen@googlemail.com", notices: 1},
		{from: citizen, notices: 0}, // the citizen's mailbox has had its 2
		{from: "hangxom1@example.com", notices: 1, held: 1},
		{from: "hangxom2@example.com", notices: 1, restart: true},
		{from: "hangxom3@example.com", notices: 0}, // the report has had its 4
		{from: "hangxom3@example.com", notices: 1, held: 1, later: true},
	}
	w.flood(t, steps)
	var texts []string
	for _, e := range w.events() {
		if e.Command == "followup" {
			texts = append(texts, e.Detail["text"])
		}
	}
	if len(texts) != len(steps) || texts[2] != "Bổ sung lần 3: vẫn mất điện." {
		t.Errorf("follow-ups recorded on the report: %q", texts)
	}
	var held []store.HeldFollowUps
	w.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		held, err = tx.HeldFollowUpsBetween(received, received.Add(24*time.Hour))
		return err
	})
	want := []store.HeldFollowUps{{Code: w.code, N: 2, Citizen: true, Others: 1}}
	if !reflect.DeepEqual(held, want) {
		t.Errorf("held follow-ups %+v, want %+v", held, want)
	}
}

// TestFollowUpFloodDoesNotSilenceTheCitizen: strangers who flood a report
// with follow-ups use up its hourly share, but not the citizen's: a
// follow-up from the report's own address is forwarded within its
// mailbox's share whatever others sent, so that no stranger can keep the
// citizen's word from the report's holders (SPEC 4.2).
func TestFollowUpFloodDoesNotSilenceTheCitizen(t *testing.T) {
	w := newWalker(t)
	w.p.FollowUpsPerSender, w.p.FollowUpsPerReport = 2, 3
	w.flood(t, []floodStep{
		{from: "la1@example.com", notices: 1},
		{from: "la2@example.com", notices: 1},
		{from: "la3@example.com", notices: 1},
		{from: "la4@example.com", notices: 0}, // the report has had its 3
		{from: citizen, notices: 1, held: 1},  // the citizen's own share; la4's was held
		{from: citizen, notices: 1},
		{from: citizen, notices: 0}, // the citizen's mailbox has had its 2
	})
}

// TestFollowUpFloodOfManyReportsIsCapped: report codes are guessable, and
// a flood from many senders to many reports stays within each sender's
// and each report's share while it notifies the holders of all of them.
// Follow-ups from others than a report's own citizen share one hourly
// budget, over every report; the citizen's own follow-ups are never held
// by it, so that no flood silences them.
func TestFollowUpFloodOfManyReportsIsCapped(t *testing.T) {
	w := newWalker(t)
	w.p.FollowUpsPerSender, w.p.FollowUpsPerReport, w.p.FollowUpsPerHour = 5, 100, 3
	w.flood(t, []floodStep{
		{from: "la1@example.com", notices: 1},
		{from: "la2@example.com", notices: 1},
		{from: "la3@example.com", notices: 1},
		{from: "la4@example.com", notices: 0}, // every report's strangers have had their 3
		{from: citizen, notices: 1, held: 1},  // la4's was held
	})
}

// floodStep is one follow-up of a flood: who sends it, and how many
// notices of it the report's holders get (0: it is held).
type floodStep struct {
	from    string
	notices int
	held    int  // how many follow-ups the notice says were held before it
	restart bool // the process restarts before it
	later   bool // it comes an hour after the report
}

// flood ingests the outage report and sends it the follow-ups of steps in
// turn, "Bổ sung lần N", checking each one's outcome and notices.
func (w *walker) flood(t *testing.T, steps []floodStep) {
	t.Helper()
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	for i, s := range steps {
		if s.restart {
			w.restart()
		}
		if s.later {
			w.p.Now = func() time.Time { return received.Add(62 * time.Minute) }
		}
		out := w.followUp(s.from, fmt.Sprintf("Bổ sung lần %d: vẫn mất điện.\n", i+1))
		notes := 0
		for _, m := range w.sentSince(&mark) {
			var n templates.Notice
			if m.Kind != "citizen-note" {
				continue
			}
			notes++
			if err := json.Unmarshal(m.Data, &n); err != nil || n.HeldFollowUps != s.held {
				t.Errorf("follow-up %d: the notice says %d held before it, want %d (%v)", i+1, n.HeldFollowUps, s.held, err)
			}
		}
		held := out.Reason == store.ReasonFollowUpHeld
		if notes != s.notices || held != (s.notices == 0) || out.Kind != KindReply {
			t.Errorf("follow-up %d from %s: %d notices, outcome %+v; want %d", i+1, s.from, notes, out, s.notices)
		}
	}
}
