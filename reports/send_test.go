package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// sender is a Sender over the world's store with the default schedules,
// two report recipients and the Center's staff.
func (w *world) sender(log *bytes.Buffer) *Sender {
	cfg := config.Default("").Reports
	cfg.Recipients = []string{"lanhdao@haugiang.gov.vn"}
	cfg.SemiannualRecipients = []string{"sonoivu@haugiang.gov.vn", "LANHDAO@haugiang.gov.vn"}
	return &Sender{DB: w.db, Calendar: w.cal, Routing: func() *routing.Table { return w.table }, Config: cfg,
		Operators: func() []config.Operator {
			return []config.Operator{
				{Email: "tiepnhan@haugiang.gov.vn", Role: config.RoleReceiver},
				{Email: "pheduyet@haugiang.gov.vn", Role: config.RoleApprover},
				{Email: "xuly@dienluc.gov.vn", Role: config.RoleHandler, Agency: "dien-luc"},
			}
		},
		CallAttempts: 3, Log: slog.New(slog.NewTextHandler(log, nil))}
}

// queued lists the queued mails as "kind period recipient files".
func (w *world) queued(t *testing.T) []string {
	t.Helper()
	var out []string
	err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		mails, err := tx.DueMail(at(2030, 1, 1, 0, 0), 1000)
		for _, m := range mails {
			var v templates.PeriodicReport
			if err := json.Unmarshal(m.Data, &v); err != nil {
				return err
			}
			inline := slices.IndexFunc(m.Attachments, func(f store.MailFile) bool { return f.Inline })
			out = append(out, fmt.Sprintf("%s %s %s %s %d files, chart %d", m.Kind, v.Title, m.To, m.Role, len(m.Attachments), inline))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSendOnce sends the March report at its scheduled time, then again
// and from a new Sender (a restart): it is queued once.
func TestSendOnce(t *testing.T) {
	w := newWorld(t)
	w.seed()
	var log bytes.Buffer
	ctx := context.Background()
	for range 2 {
		if err := w.sender(&log).Run(ctx, Monthly, at(2026, 3, 15, 7, 30)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"periodic-report Tháng 3/2026 lanhdao@haugiang.gov.vn reports 3 files, chart 2"}
	if got := w.queued(t); !slices.Equal(got, want) {
		t.Errorf("queued %q, want %q", got, want)
	}
	if err := w.sender(&log).CatchUp(ctx, at(2026, 3, 15, 9, 0)); err != nil {
		t.Fatal(err)
	}
	// On Sunday the 15th: the quarter, and Friday's digest, missed.
	want = append(want,
		"periodic-report Ngày 12/03/2026 tiepnhan@haugiang.gov.vn receiver 3 files, chart 2",
		"periodic-report Ngày 12/03/2026 pheduyet@haugiang.gov.vn approver 3 files, chart 2",
		"periodic-report Quý I/2026 lanhdao@haugiang.gov.vn reports 3 files, chart 2")
	if got := w.queued(t); !slices.Equal(got, want) {
		t.Errorf("after catching up on Sunday 15 March:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(log.String(), "@") {
		t.Errorf("the log holds an address: %s", log.String())
	}
}

// TestCatchUp starts a daemon on Tuesday 17 March 2026 that was stopped
// since before the 15th: the monthly and quarterly reports and Tuesday's
// digest are sent; the 6-monthly and annual reports of December 2025 are
// not, no report being received before their end.
func TestCatchUp(t *testing.T) {
	w := newWorld(t)
	w.seed()
	var log bytes.Buffer
	s := w.sender(&log)
	if err := s.CatchUp(context.Background(), at(2026, 3, 17, 10, 0)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"periodic-report Ngày 16/03/2026 tiepnhan@haugiang.gov.vn receiver 3 files, chart 2",
		"periodic-report Ngày 16/03/2026 pheduyet@haugiang.gov.vn approver 3 files, chart 2",
		"periodic-report Tháng 3/2026 lanhdao@haugiang.gov.vn reports 3 files, chart 2",
		"periodic-report Quý I/2026 lanhdao@haugiang.gov.vn reports 3 files, chart 2",
	}
	if got := w.queued(t); !slices.Equal(got, want) {
		t.Errorf("queued:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Started again the same day: nothing more.
	if err := w.sender(&log).CatchUp(context.Background(), at(2026, 3, 17, 11, 0)); err != nil {
		t.Fatal(err)
	}
	if got := w.queued(t); len(got) != len(want) {
		t.Errorf("a second start queued more: %q", got)
	}
	// In June the 6-monthly report goes to the Dept. of Home Affairs too,
	// once to an address listed twice.
	if err := s.Run(context.Background(), Semiannual, at(2026, 6, 15, 7, 30)); err != nil {
		t.Fatal(err)
	}
	got := w.queued(t)[len(want):]
	if want := []string{
		"periodic-report 6 tháng đầu năm 2026 lanhdao@haugiang.gov.vn reports 3 files, chart 2",
		"periodic-report 6 tháng đầu năm 2026 sonoivu@haugiang.gov.vn reports 3 files, chart 2",
	}; !slices.Equal(got, want) {
		t.Errorf("6-monthly report: %q, want %q", got, want)
	}
}

// TestDigestDays sends no digest on a weekend or a holiday, and warns of a
// missing Tết in the digest.
func TestDigestDays(t *testing.T) {
	w := newWorld(t)
	w.seed()
	var log bytes.Buffer
	s := w.sender(&log)
	s.MissingTet = func(now time.Time) (int, bool) { return 2027, now.Month() == time.January }
	for _, day := range []time.Time{at(2026, 2, 14, 7, 30), at(2026, 2, 16, 7, 30), at(2026, 3, 14, 7, 30)} { // Tết, Tết, Saturday
		if err := s.Run(context.Background(), Daily, day); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.queued(t); len(got) != 0 {
		t.Errorf("digests on days off: %q", got)
	}
	if err := s.Run(context.Background(), Daily, at(2026, 1, 12, 7, 30)); err != nil {
		t.Fatal(err)
	}
	err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		mails, err := tx.DueMail(at(2030, 1, 1, 0, 0), 10)
		if err != nil || len(mails) != 2 {
			return fmt.Errorf("%d digests (%v), want 2", len(mails), err)
		}
		var v templates.PeriodicReport
		json.Unmarshal(mails[0].Data, &v)
		if v.TetMissing != 2027 || v.Kind != "daily" || v.Dates != "10/01/2026 – 11/01/2026" {
			return fmt.Errorf("digest of 12 January: %+v", v)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// TestNothingToReport: a new installation, or a kind with no recipient,
// sends and records nothing.
func TestNothingToReport(t *testing.T) {
	w := newWorld(t)
	var log bytes.Buffer
	s := w.sender(&log)
	if err := s.CatchUp(context.Background(), at(2026, 3, 17, 10, 0)); err != nil {
		t.Fatal(err)
	}
	w.seed()
	s.Config.Recipients, s.Config.SemiannualRecipients = nil, nil
	if err := s.Run(context.Background(), Monthly, at(2026, 3, 15, 7, 30)); err != nil {
		t.Fatal(err)
	}
	if got := w.queued(t); len(got) != 0 {
		t.Errorf("queued %q", got)
	}
	if !strings.Contains(log.String(), "no recipient") || !strings.Contains(log.String(), "monthly_recipients") {
		t.Errorf("no warning: %s", log.String())
	}
	s.Config.Recipients = []string{"lanhdao@haugiang.gov.vn"}
	if err := s.Run(context.Background(), Monthly, at(2026, 3, 15, 7, 30)); err != nil {
		t.Fatal(err)
	}
	if got := w.queued(t); len(got) != 1 {
		t.Errorf("once recipients are set: %q", got)
	}
}

// TestCatchUpDigestNamesItsDay restarts the daemon on Saturday 5 December
// 2026, after Friday's digest was missed: the catch-up sends Friday's
// digest, which covers Thursday 3 December, and its title names that day
// — not the Friday it was due, nor the Saturday it leaves. Monday's digest
// covers Friday and the weekend, and its title names the three days.
func TestCatchUpDigestNamesItsDay(t *testing.T) {
	w := newWorld(t)
	w.seed()
	var log bytes.Buffer
	s := w.sender(&log)
	s.Config.Recipients, s.Config.SemiannualRecipients = nil, nil
	if err := s.CatchUp(context.Background(), at(2026, 12, 5, 10, 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), Daily, at(2026, 12, 7, 7, 30)); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		mails, err := tx.DueMail(at(2030, 1, 1, 0, 0), 10)
		for _, m := range mails {
			var v templates.PeriodicReport
			json.Unmarshal(m.Data, &v)
			if m.Role == "receiver" {
				got = append(got, v.Title+" | "+v.Dates)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Ngày 03/12/2026 | 03/12/2026 – 03/12/2026", "Từ ngày 04/12/2026 đến ngày 06/12/2026 | 04/12/2026 – 06/12/2026"}
	if !slices.Equal(got, want) {
		t.Errorf("digests %q, want %q", got, want)
	}
}

// TestDigestRequests: the daily digest lists the data subjects' requests
// not yet answered, with the state of their deadlines; an answered one
// is not listed, and the monthly report lists none.
func TestDigestRequests(t *testing.T) {
	w := newWorld(t)
	w.seed()
	var log bytes.Buffer
	s := w.sender(&log)
	err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		for _, r := range []store.Request{
			{Kind: "copy", ReceivedAt: at(2026, 3, 5, 9, 0), AckDue: at(2026, 3, 9, 17, 0), Due: at(2026, 3, 16, 17, 0)},
			{Kind: "erasure", ReceivedAt: at(2026, 3, 2, 9, 0), AckDue: at(2026, 3, 4, 17, 0), Due: at(2026, 3, 23, 17, 0),
				AcknowledgedAt: at(2026, 3, 3, 9, 0)},
			{Kind: "other", ReceivedAt: at(2026, 3, 1, 9, 0), AckDue: at(2026, 3, 3, 17, 0), Due: at(2026, 3, 11, 17, 0),
				DoneAt: at(2026, 3, 6, 9, 0)},
		} {
			added, err := tx.AddRequest(r)
			if err != nil {
				return err
			}
			r.ID = added.ID
			if err := tx.UpdateRequest(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), Daily, at(2026, 3, 16, 7, 30)); err != nil {
		t.Fatal(err)
	}
	if err := s.Run(context.Background(), Monthly, at(2026, 3, 16, 7, 30)); err != nil {
		t.Fatal(err)
	}
	err = w.db.Read(context.Background(), func(tx *store.Tx) error {
		mails, err := tx.DueMail(at(2030, 1, 1, 0, 0), 10)
		kinds := map[string]int{}
		for _, m := range mails {
			var v templates.PeriodicReport
			json.Unmarshal(m.Data, &v)
			kinds[v.Kind]++
			var got []string
			for _, r := range v.Requests {
				got = append(got, fmt.Sprintf("%d %s ack %s due %s", r.ID, r.Kind, r.AckState, r.State))
			}
			want := "1 copy ack overdue due due-soon; 2 erasure ack met due on-time"
			if v.Kind != "daily" {
				want = ""
			}
			if strings.Join(got, "; ") != want {
				t.Errorf("%s to %s lists %q, want %q", v.Kind, m.To, got, want)
			}
		}
		if kinds["daily"] == 0 || kinds["monthly"] == 0 {
			t.Errorf("mails queued: %v", kinds)
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
}

// TestRecipientsFold: the digest's recipients are the same address when
// they differ in ASCII case (SPEC 7.3), or write the domain in Unicode and
// in its ASCII (IDNA) form, and each gets one report; an address with a
// Kelvin sign "K" (U+212A) is another one, which Unicode case folding took
// for "kiemtra@" and left without its digest, and a subaddress may be
// another mailbox.
func TestRecipientsFold(t *testing.T) {
	for _, c := range []struct {
		name     string
		daily    []string
		operator config.Operator
		want     []string
	}{
		{"ASCII case only", []string{"\u212aiemtra@haugiang.gov.vn", "KIEMTRA@haugiang.gov.vn"},
			config.Operator{Email: "kiemtra@haugiang.gov.vn", Role: config.RoleReceiver},
			[]string{"kiemtra@haugiang.gov.vn receiver", "\u212aiemtra@haugiang.gov.vn reports"}},
		{"the domain", []string{"KiemTra@XN--PHN-NH-STA5502D.vn", "kiemtra+bc@phản-ánh.vn"},
			config.Operator{Email: "kiemtra@phản-ánh.vn", Role: config.RoleApprover},
			[]string{"kiemtra@phản-ánh.vn approver", "kiemtra+bc@phản-ánh.vn reports"}},
	} {
		s := &Sender{Config: config.Reports{DailyRecipients: c.daily},
			Operators: func() []config.Operator { return []config.Operator{c.operator} }}
		var got []string
		for _, r := range s.recipients(Daily) {
			got = append(got, r.address+" "+r.role)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: digest recipients %q, want %q", c.name, got, c.want)
		}
	}
}
