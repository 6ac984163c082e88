package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// vn is a wall-clock time of March 2026 in Vietnam.
func vn(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, calendar.Vietnam)
}

// history writes what the lifecycle writes for a few reports:
//
//	A: received 2 Mar, forwarded to so-gtvt, resolved on time, sent back,
//	   resolved late on 12 Mar, published.
//	B: confidential, received 3 Mar and rejected.
//	C: received 14 Mar 23:59, ingested after the 15th, never acted on.
func history(t *testing.T, db *DB) (a, b, c Report) {
	t.Helper()
	ctx := context.Background()
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		must := func(e error) {
			if err == nil {
				err = e
			}
		}
		event := func(r Report, at time.Time, from, to string) {
			must(tx.AppendEvent(r.ID, Event{At: at, Actor: "system", Command: "x", From: from, To: to}))
		}
		deadline := func(r Report, kind string, start, due time.Time) int64 {
			id, e := tx.SetDeadline(r.ID, Deadline{Kind: kind, Start: start, Due: due})
			must(e)
			return id
		}
		a = sample(vn(2, 8, 0))
		a.Routing = Routing{Field: "giao-thong", Unit: "vi-thanh", Agency: "so-gtvt"}
		a, err = tx.CreateReport(a)
		event(a, vn(2, 8, 0), "", "received")
		deadline(a, "intake", vn(2, 8, 0), vn(2, 10, 0))
		event(a, vn(2, 9, 0), "received", "forwarded")
		must(tx.CloseDeadline(a.ID, "intake", "met", vn(2, 9, 0)))
		deadline(a, "return", vn(2, 9, 0), vn(2, 14, 0))
		first := deadline(a, "resolve", vn(2, 9, 0), vn(10, 17, 0))
		event(a, vn(5, 10, 0), "forwarded", "resolved")
		must(tx.CloseDeadline(a.ID, "resolve", "met", vn(5, 10, 0)))
		must(tx.CloseDeadline(a.ID, "return", "superseded", vn(5, 10, 0)))
		deadline(a, "publish", vn(5, 10, 0), vn(5, 15, 0))
		event(a, vn(5, 14, 0), "resolved", "forwarded") // sent back
		must(tx.CloseDeadline(a.ID, "publish", "superseded", vn(5, 14, 0)))
		must(tx.SupersedeDeadline(first))
		deadline(a, "resolve", vn(2, 9, 0), vn(10, 17, 0))
		event(a, vn(12, 9, 0), "forwarded", "resolved")
		must(tx.CloseDeadline(a.ID, "resolve", "late", vn(12, 9, 0)))
		deadline(a, "publish", vn(12, 9, 0), vn(12, 11, 0))
		event(a, vn(12, 10, 0), "resolved", "published")
		must(tx.CloseDeadline(a.ID, "publish", "met", vn(12, 10, 0)))
		a.State = "published"
		must(tx.UpdateReport(a, vn(12, 10, 0)))

		b = sample(vn(3, 9, 0))
		b.Routing = Routing{Field: "dien", Unit: "nga-bay", Agency: "dien-luc"}
		b.Confidential = true
		b, err = tx.CreateReport(b)
		event(b, vn(3, 9, 0), "", "received")
		deadline(b, "intake", vn(3, 9, 0), vn(3, 11, 0))
		event(b, vn(3, 9, 30), "received", "rejected")
		must(tx.CloseDeadline(b.ID, "intake", "met", vn(3, 9, 30)))
		b.State = "rejected"
		must(tx.UpdateReport(b, vn(3, 9, 30)))

		c = sample(vn(14, 23, 59))
		c.Routing = Routing{Field: "dien", Unit: "", Agency: "dien-luc"}
		c, err = tx.CreateReport(c)
		event(c, vn(15, 0, 1), "", "received")
		deadline(c, "intake", vn(14, 23, 59), vn(15, 23, 59))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, b, c
}

func transitions(t *testing.T, db *DB, from, to time.Time) []string {
	t.Helper()
	var got []string
	err := db.Read(context.Background(), func(tx *Tx) error {
		return tx.TransitionsBetween(from, to, func(tr Transition) error {
			got = append(got, fmt.Sprintf("%s %s>%s %s %s %q", tr.Report.Code, tr.From, tr.To, tr.At.In(calendar.Vietnam).Format("02 15:04"), tr.Agency, tr.Reason))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTransitionsAndSteps(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	a, b, _ := history(t, db)
	got := transitions(t, db, vn(1, 0, 0), vn(15, 0, 0))
	want := []string{
		a.Code + ` >received 02 08:00  ""`,
		a.Code + ` received>forwarded 02 09:00 so-gtvt ""`,
		b.Code + ` >received 03 09:00  ""`,
		b.Code + ` received>rejected 03 09:30  ""`,
		a.Code + ` forwarded>resolved 05 10:00 so-gtvt ""`,
		a.Code + ` resolved>forwarded 05 14:00 so-gtvt ""`,
		a.Code + ` forwarded>resolved 12 09:00 so-gtvt ""`,
		a.Code + ` resolved>published 12 10:00 so-gtvt ""`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("transitions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var steps []string
	err := db.Read(context.Background(), func(tx *Tx) error {
		return tx.StepsBetween(vn(1, 0, 0), vn(15, 0, 0), func(s Step) error {
			steps = append(steps, fmt.Sprintf("%s %s %s %s", s.Report.Code, s.Kind, s.Outcome, s.Done.In(calendar.Vietnam).Format("02 15:04")))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The first result was sent back: only the one finally approved counts;
	// superseded return and publish deadlines are no steps.
	wantSteps := []string{
		a.Code + " intake met 02 09:00",
		b.Code + " intake met 03 09:30",
		a.Code + " resolve late 12 09:00",
		a.Code + " publish met 12 10:00",
	}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(steps, "\n"), strings.Join(wantSteps, "\n"))
	}
}

func openAt(t *testing.T, db *DB, at time.Time) []string {
	t.Helper()
	var got []string
	err := db.Read(context.Background(), func(tx *Tx) error {
		return tx.OpenAt(at, func(o OpenReport) error {
			due := "-"
			if !o.Due.IsZero() {
				due = o.Due.In(calendar.Vietnam).Format("02 15:04")
			}
			got = append(got, fmt.Sprintf("%s %s %s %s %s", o.Report.Code, o.State, o.Agency, o.Kind, due))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestOpenAt reconstructs the open reports at past instants from the log.
func TestOpenAt(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	a, b, c := history(t, db)
	for _, tc := range []struct {
		at   time.Time
		want []string
	}{
		{vn(2, 8, 30), []string{a.Code + " received  intake 02 10:00"}},
		{vn(3, 9, 15), []string{a.Code + " forwarded so-gtvt resolve 10 17:00", b.Code + " received  intake 03 11:00"}},
		{vn(5, 11, 0), []string{a.Code + " resolved  publish 05 15:00"}},
		{vn(11, 0, 0), []string{a.Code + " forwarded so-gtvt resolve 10 17:00"}},
		// C was received before the cut-off though ingested after it.
		{vn(15, 0, 0), []string{c.Code + " received  intake 15 23:59"}},
	} {
		if got := openAt(t, db, tc.at); !slices.Equal(got, tc.want) {
			t.Errorf("open at %s:\n%s\nwant:\n%s", tc.at.Format("02 15:04"), strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

// TestRecordedAgencyAndReason reads the agency and rejection reason that
// events record, and the time deadlines were opened, over the fallbacks.
func TestRecordedAgencyAndReason(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	var d Report
	err := db.Write(ctx, func(tx *Tx) error {
		r := sample(vn(2, 8, 0))
		r.Routing.Agency = "so-gtvt" // where it is now
		var err error
		if d, err = tx.CreateReport(r); err != nil {
			return err
		}
		for _, e := range []struct {
			at               time.Time
			from, to, agency string
		}{
			{vn(2, 8, 0), "", "received", ""},
			{vn(2, 9, 0), "received", "forwarded", "so-xd"},
			{vn(2, 10, 0), "forwarded", "forwarded", ""}, // a note
			{vn(2, 11, 0), "forwarded", "returned", "so-xd"},
			{vn(3, 8, 0), "returned", "forwarded", "so-gtvt"},
		} {
			if _, err := tx.exec(`INSERT INTO events (report_id, at, actor, from_state, to_state, agency) VALUES (?, ?, 'system', ?, ?, ?)`,
				d.ID, e.at.Unix(), e.from, e.to, e.agency); err != nil {
				return err
			}
		}
		// The resolve deadline of 3 Mar, then an extension confirmed on the
		// 12th that keeps its start.
		if _, err := tx.SetDeadline(d.ID, Deadline{Kind: "resolve", Start: vn(3, 8, 0), Due: vn(11, 17, 0)}); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE deadlines SET opened_at = ? WHERE report_id = ?`, vn(3, 8, 0).Unix(), d.ID); err != nil {
			return err
		}
		id, err := tx.SetDeadline(d.ID, Deadline{Kind: "resolve", Start: vn(3, 8, 0), Due: vn(20, 17, 0)})
		if err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE deadlines SET opened_at = ? WHERE id = ?`, vn(12, 8, 0).Unix(), id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := transitions(t, db, vn(1, 0, 0), vn(15, 0, 0))
	want := []string{
		d.Code + ` >received 02 08:00  ""`,
		d.Code + ` received>forwarded 02 09:00 so-xd ""`,
		d.Code + ` forwarded>returned 02 11:00 so-xd ""`,
		d.Code + ` returned>forwarded 03 08:00 so-gtvt ""`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("transitions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Overdue on the 12th at 00:00, before the extension was confirmed.
	if got, want := openAt(t, db, vn(12, 0, 0)), []string{d.Code + " forwarded so-gtvt resolve 11 17:00"}; !slices.Equal(got, want) {
		t.Errorf("open before the extension: %q, want %q", got, want)
	}
	if got, want := openAt(t, db, vn(13, 0, 0)), []string{d.Code + " forwarded so-gtvt resolve 20 17:00"}; !slices.Equal(got, want) {
		t.Errorf("open after the extension: %q, want %q", got, want)
	}
	err = db.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO events (report_id, at, actor, from_state, to_state, reason) VALUES (?, ?, 'system', 'forwarded', 'rejected', 'unreachable')`,
			d.ID, vn(14, 8, 0).Unix())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := transitions(t, db, vn(14, 0, 0), vn(15, 0, 0)); len(got) != 1 || !strings.HasSuffix(got[0], `"unreachable"`) {
		t.Errorf("rejection: %q, want the recorded reason", got)
	}
}

func TestPublicCountsLeaveOutConfidential(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	history(t, db)
	var got []PublicCount
	err := db.Read(context.Background(), func(tx *Tx) error {
		var err error
		got, err = tx.PublicCounts()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []PublicCount{{"dien", "", "received", 1}, {"giao-thong", "vi-thanh", "published", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("public counts %v, want %v", got, want)
	}
}

func TestPeriodicReportOnce(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	p := PeriodicReport{Kind: "monthly", Period: "2026-03", Start: vn(1, 0, 0), End: vn(15, 0, 0), SentAt: vn(15, 7, 30), Mails: 2}
	err := db.Write(ctx, func(tx *Tx) error {
		if sent, err := tx.PeriodicReportSent("monthly", "2026-03"); err != nil || sent {
			return fmt.Errorf("sent before: %v %v", sent, err)
		}
		return tx.RecordPeriodicReport(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(tx *Tx) error { return tx.RecordPeriodicReport(p) })
	if !errors.Is(err, ErrExists) {
		t.Errorf("second record: %v, want ErrExists", err)
	}
	err = db.Read(ctx, func(tx *Tx) error {
		if sent, err := tx.PeriodicReportSent("monthly", "2026-03"); err != nil || !sent {
			return fmt.Errorf("not sent after: %v %v", sent, err)
		}
		if sent, err := tx.PeriodicReportSent("quarterly", "2026-03"); err != nil || sent {
			return fmt.Errorf("another kind sent: %v %v", sent, err)
		}
		if any, err := tx.ReceivedBefore(vn(1, 0, 0)); err != nil || any {
			return fmt.Errorf("reports before, in an empty store: %v %v", any, err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}
