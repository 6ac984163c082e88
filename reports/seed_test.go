package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/storetest"
)

// world is a store with the test calendar and routing table, and a small
// lifecycle writer: it applies actions with the lifecycle package and
// writes each change through the store's public API — the report's facts,
// the event, closed and opened deadlines — as the daemon does.
type world struct {
	t     testing.TB
	db    *store.DB
	cal   *calendar.Calendar
	table *routing.Table
}

func newWorld(t testing.TB) *world {
	t.Helper()
	db := storetest.Open(t)
	return &world{t: t, db: db, cal: testCalendar(t), table: testTable(t)}
}

func testTable(t testing.TB) *routing.Table {
	t.Helper()
	table, err := routing.Load("testdata/rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func (w *world) options() Options {
	return Options{Calendar: w.cal, Table: w.table, CallAttempts: 3}
}

// intake is what a new report is routed to, and its marks.
type intake struct {
	field, unit, agency  string
	edition              string // of the routing table, "" when not recorded
	urgent, confidential bool
	duplicateOf          string
}

// ingest stores a new report received at at, as the intake pipeline does.
func (w *world) ingest(at time.Time, in intake) string {
	w.t.Helper()
	var code string
	err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		r, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: at, Lang: "vi",
			Citizen: store.Citizen{Email: "nguoidan@example.com", Name: "Nguyễn Văn An", Phone: "0912345678"},
			Content: "nội dung", Routing: store.Routing{Field: in.field, Unit: in.unit, Agency: in.agency, Edition: in.edition},
			Proposal: store.Routing{Field: in.field, Unit: in.unit, Agency: in.agency},
			Urgent:   in.urgent, Confidential: in.confidential, DuplicateOf: in.duplicateOf})
		if err != nil {
			return err
		}
		code = r.Code
		return w.apply(tx, r, lifecycle.Input{Action: lifecycle.Ingest, Actor: lifecycle.Actor{Role: lifecycle.System}, At: at})
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return code
}

// roles are who takes each action in these tests.
var roles = map[lifecycle.Action]lifecycle.Role{
	lifecycle.Accept: lifecycle.Receiver, lifecycle.Assign: lifecycle.Receiver, lifecycle.Reject: lifecycle.Receiver,
	lifecycle.CallFailed: lifecycle.Receiver, lifecycle.Escalate: lifecycle.Receiver,
	lifecycle.Return: lifecycle.Handler, lifecycle.Resolve: lifecycle.Handler, lifecycle.Extend: lifecycle.Handler,
	lifecycle.Clarify:  lifecycle.Handler,
	lifecycle.SendBack: lifecycle.Approver, lifecycle.Approve: lifecycle.Approver, lifecycle.ConfirmExtension: lifecycle.Approver,
	lifecycle.Rate: lifecycle.Citizen, lifecycle.Reply: lifecycle.Citizen,
}

// do applies an action to a report at at. arg is the agency of /accept
// and /assign (with /assign, the lead then its co-agencies, separated by
// spaces), the days of /extend and /confirm-extension, the rating of a
// rate.
func (w *world) do(code string, at time.Time, action lifecycle.Action, arg string) {
	w.t.Helper()
	err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		in := lifecycle.Input{Action: action, At: at, Text: "nội dung", Files: 1,
			Actor: lifecycle.Actor{Role: roles[action], Agency: r.Routing.Agency}}
		switch action {
		case lifecycle.Accept, lifecycle.Assign:
			if codes := strings.Fields(arg); len(codes) > 0 {
				in.Code, in.CoAgencies = codes[0], codes[1:]
			}
		case lifecycle.Extend, lifecycle.ConfirmExtension:
			fmt.Sscan(arg, &in.Days)
		case lifecycle.Rate:
			in.Rating = lifecycle.Rating(arg)
		case lifecycle.Return:
			in.Text = "Nguyên nhân: không thuộc thẩm quyền.\nCăn cứ: phân cấp quản lý.\nĐề xuất: UBND xã."
		}
		return w.apply(tx, r, in)
	})
	if err != nil {
		w.t.Fatalf("%s %s at %s: %v", code, action, at, err)
	}
}

// apply runs the lifecycle on a stored report and writes the change.
func (w *world) apply(tx *store.Tx, r store.Report, in lifecycle.Input) error {
	stored, err := tx.Deadlines(r.ID)
	if err != nil {
		return err
	}
	in.Facts = facts(r, stored)
	if in.Action == lifecycle.Ingest {
		in.Facts.State = "" // not a report yet
	}
	in.Calendar, in.Directory, in.CallAttempts = w.cal, w.table, 3
	ch, err := lifecycle.Apply(in)
	if err != nil {
		return err
	}
	f := ch.Facts
	r.State, r.Routing.Agency, r.Routing.Field, r.Routing.Unit, r.CoAgencies = string(f.State), f.Agency, f.Field, f.Unit, f.CoAgencies
	r.Urgent, r.Complex, r.Confidential, r.CallFailures, r.Rating = f.Urgent, f.Complex, f.Confidential, f.CallFailures, string(f.Rating)
	r.Result = f.Result
	r.Extension = store.Extension{Requested: f.Extension.Requested, Days: f.Extension.Days, Confirmed: f.Extension.Confirmed}
	if err := tx.UpdateReport(r, in.At); err != nil {
		return err
	}
	to := ch.To
	if to == "" {
		to = ch.From
	}
	var reason string // as the daemon records it
	switch in.Action {
	case lifecycle.Rate:
		reason = string(f.Rating)
	case lifecycle.ConfirmExtension:
		reason = store.ReasonExtended
	}
	if err := tx.AppendEvent(r.ID, store.Event{At: in.At, Actor: string(in.Actor.Role), Command: in.Action.Command(),
		From: string(ch.From), To: string(to), Reason: reason, CoAgencies: f.CoAgencies}); err != nil {
		return err
	}
	for _, c := range ch.Close {
		if err := tx.CloseDeadline(r.ID, string(c.Kind), string(c.Outcome), c.At); err != nil {
			return err
		}
	}
	for _, d := range ch.Open {
		if in.Action == lifecycle.SendBack && d.Kind == deadline.KindResolve {
			// The result sent back no longer counts (SPEC 5.5).
			i := slices.IndexFunc(stored, func(s store.Deadline) bool { return s.Kind == "resolve" })
			if err := tx.SupersedeDeadline(stored[i].ID); err != nil {
				return err
			}
		}
		sd := store.Deadline{Kind: string(d.Kind), Start: d.Start, Due: d.Due, Clock: d.Clock}
		if !d.Due.IsZero() {
			sd.SoonAt = d.SoonAt(w.cal)
		}
		if _, err := tx.SetDeadline(r.ID, sd); err != nil {
			return err
		}
	}
	return nil
}

// facts is what the lifecycle knows of a stored report.
func facts(r store.Report, stored []store.Deadline) lifecycle.Facts {
	f := lifecycle.Facts{State: lifecycle.State(r.State), ReceivedAt: r.ReceivedAt, Agency: r.Routing.Agency,
		Field: r.Routing.Field, Unit: r.Routing.Unit, Urgent: r.Urgent, Complex: r.Complex, Confidential: r.Confidential,
		CallFailures: r.CallFailures, Rating: lifecycle.Rating(r.Rating), Result: r.Result,
		Extension: lifecycle.Extension{Requested: r.Extension.Requested, Days: r.Extension.Days, Confirmed: r.Extension.Confirmed},
		Deadlines: map[deadline.Kind]lifecycle.Deadline{}}
	for _, d := range stored {
		f.Deadlines[deadline.Kind(d.Kind)] = lifecycle.Deadline{
			Deadline: deadline.Deadline{Kind: deadline.Kind(d.Kind), Start: d.Start, Due: d.Due, Clock: d.Clock},
			Open:     d.State == "open"}
	}
	return f
}

// seed writes the history the golden files describe: eighteen reports
// from December 2025 to May 2026, across Tết (14–22 February 2026), that
// end in every state. See the comments for what each one does.
func (w *world) seed() []string {
	var codes []string
	add := func(code string) string { codes = append(codes, code); return code }

	// R1: forwarded, resolved and published on time, rated very satisfied.
	r1 := add(w.ingest(at(2025, 12, 16, 8, 0), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt"}))
	w.do(r1, at(2025, 12, 16, 9, 0), lifecycle.Accept, "")
	w.do(r1, at(2025, 12, 19, 10, 0), lifecycle.Resolve, "")
	w.do(r1, at(2025, 12, 19, 11, 0), lifecycle.Approve, "")
	w.do(r1, at(2025, 12, 20, 9, 0), lifecycle.Rate, "rat-hai-long")

	// R2: rejected by the receiver (another reason).
	r2 := add(w.ingest(at(2025, 12, 22, 14, 0), intake{field: "dien", unit: "nga-bay", agency: "dien-luc"}))
	w.do(r2, at(2025, 12, 22, 15, 0), lifecycle.Reject, "")

	// R3: rejected after three failed calls (unreachable).
	r3 := add(w.ingest(at(2026, 1, 5, 8, 0), intake{field: "moi-truong", unit: "chau-thanh", agency: "so-tnmt"}))
	for _, m := range []int{30, 40, 50} {
		w.do(r3, at(2026, 1, 5, 8, m), lifecycle.CallFailed, "")
	}

	// R4: the same content as R1 again, rejected as a duplicate.
	r4 := add(w.ingest(at(2026, 1, 6, 8, 0), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt", duplicateOf: r1}))
	w.do(r4, at(2026, 1, 6, 8, 20), lifecycle.Reject, "")

	// R5: returned late by the water company, assigned to the city,
	// resolved on time, published at the very end of its 2 working hours
	// (10:00 + 1 h before noon + 1 h after), rated satisfied.
	r5 := add(w.ingest(at(2026, 1, 7, 9, 0), intake{field: "cap-nuoc", unit: "vi-thanh", agency: "cap-nuoc"}))
	w.do(r5, at(2026, 1, 7, 10, 0), lifecycle.Accept, "")
	w.do(r5, at(2026, 1, 8, 8, 0), lifecycle.Return, "")
	w.do(r5, at(2026, 1, 8, 9, 0), lifecycle.Assign, "ubnd-vi-thanh")
	w.do(r5, at(2026, 1, 15, 10, 0), lifecycle.Resolve, "")
	w.do(r5, at(2026, 1, 15, 14, 0), lifecycle.Approve, "")
	w.do(r5, at(2026, 1, 16, 9, 0), lifecycle.Rate, "hai-long")

	// R6: received on a Friday evening, forwarded late on Monday, resolved
	// late, rated dissatisfied; the citizen's question is answered.
	r6 := add(w.ingest(at(2026, 1, 9, 18, 0), intake{field: "dien", unit: "vi-thuy", agency: "dien-luc"}))
	w.do(r6, at(2026, 1, 12, 8, 0), lifecycle.Accept, "")
	w.do(r6, at(2026, 1, 20, 9, 0), lifecycle.Resolve, "")
	w.do(r6, at(2026, 1, 20, 10, 0), lifecycle.Approve, "")
	w.do(r6, at(2026, 1, 21, 9, 0), lifecycle.Rate, "khong-hai-long")
	w.do(r6, at(2026, 1, 21, 10, 0), lifecycle.Reply, "")
	w.do(r6, at(2026, 1, 22, 9, 0), lifecycle.Clarify, "")

	// R7: forwarded before Tết; on time only because Tết is no working
	// time; published, not rated.
	r7 := add(w.ingest(at(2026, 2, 10, 8, 0), intake{field: "giao-thong", unit: "phung-hiep", agency: "so-gtvt"}))
	w.do(r7, at(2026, 2, 10, 9, 0), lifecycle.Accept, "")
	w.do(r7, at(2026, 2, 24, 10, 0), lifecycle.Resolve, "")
	w.do(r7, at(2026, 2, 24, 11, 0), lifecycle.Approve, "")

	// R8: a complex case: an extension of 3 days confirmed, the result
	// late but excused; rated very satisfied.
	r8 := add(w.ingest(at(2026, 2, 12, 10, 0), intake{field: "dien", unit: "nga-bay", agency: "dien-luc"}))
	w.do(r8, at(2026, 2, 12, 10, 30), lifecycle.Accept, "")
	w.do(r8, at(2026, 2, 23, 9, 0), lifecycle.Extend, "3")
	w.do(r8, at(2026, 2, 23, 10, 0), lifecycle.ConfirmExtension, "3")
	w.do(r8, at(2026, 3, 2, 9, 0), lifecycle.Resolve, "")
	w.do(r8, at(2026, 3, 2, 10, 0), lifecycle.Approve, "")
	w.do(r8, at(2026, 3, 3, 9, 0), lifecycle.Rate, "rat-hai-long")

	// Spam our border marked, during Tết and after it.
	w.spam(at(2026, 2, 21, 23, 0))
	w.spam(at(2026, 2, 25, 3, 0))

	// R9: received during Tết, forwarded late after it, never resolved.
	r9 := add(w.ingest(at(2026, 2, 16, 9, 0), intake{field: "xay-dung", unit: "vi-thanh", agency: "so-xd"}))
	w.do(r9, at(2026, 2, 23, 8, 0), lifecycle.Accept, "")

	// R10: resolved, sent back, resolved again late, published.
	r10 := add(w.ingest(at(2026, 2, 25, 13, 30), intake{field: "trat-tu-do-thi", unit: "vi-thanh", agency: "ubnd-vi-thanh"}))
	w.do(r10, at(2026, 2, 25, 14, 0), lifecycle.Accept, "")
	w.do(r10, at(2026, 3, 2, 14, 0), lifecycle.Resolve, "")
	w.do(r10, at(2026, 3, 2, 15, 0), lifecycle.SendBack, "")
	w.do(r10, at(2026, 3, 9, 9, 0), lifecycle.Resolve, "")
	w.do(r10, at(2026, 3, 9, 10, 0), lifecycle.Approve, "")

	// R11: urgent, resolved within its day; the Center never publishes it.
	r11 := add(w.ingest(at(2026, 3, 2, 8, 0), intake{field: "an-ninh-trat-tu", unit: "chau-thanh-a", agency: "ca-tinh", urgent: true}))
	w.do(r11, at(2026, 3, 2, 8, 10), lifecycle.Accept, "")
	w.do(r11, at(2026, 3, 3, 16, 0), lifecycle.Resolve, "")

	// R12: confidential, never forwarded.
	add(w.ingest(at(2026, 3, 10, 9, 0), intake{field: "ve-sinh-do-thi", unit: "vi-thanh", agency: "ubnd-vi-thanh", confidential: true}))

	// R13: forwarded two days before the cut-off, still within its time.
	r13 := add(w.ingest(at(2026, 3, 12, 10, 0), intake{field: "dien", unit: "h-long-my", agency: "dien-luc"}))
	w.do(r13, at(2026, 3, 12, 10, 30), lifecycle.Accept, "")

	// R14: escalated from intake, assigned a week later, resolved on time,
	// rated satisfied.
	r14 := add(w.ingest(at(2026, 3, 13, 9, 0), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt"}))
	w.do(r14, at(2026, 3, 13, 10, 0), lifecycle.Escalate, "")
	w.do(r14, at(2026, 3, 20, 9, 0), lifecycle.Assign, "so-gtvt")
	w.do(r14, at(2026, 3, 26, 9, 0), lifecycle.Resolve, "")
	w.do(r14, at(2026, 3, 26, 10, 0), lifecycle.Approve, "")
	w.do(r14, at(2026, 3, 27, 9, 0), lifecycle.Rate, "hai-long")

	// R15: received on the Saturday evening before the cut-off.
	add(w.ingest(at(2026, 3, 14, 20, 0), intake{field: "khac", unit: "", agency: "ttgsdh"}))

	// R16: returned on time, then escalated.
	r16 := add(w.ingest(at(2026, 4, 6, 8, 0), intake{field: "cap-nuoc", unit: "vi-thanh", agency: "cap-nuoc"}))
	w.do(r16, at(2026, 4, 6, 8, 30), lifecycle.Accept, "")
	w.do(r16, at(2026, 4, 6, 10, 0), lifecycle.Return, "")
	w.do(r16, at(2026, 4, 7, 8, 0), lifecycle.Escalate, "")

	// R17: forwarded and forgotten.
	r17 := add(w.ingest(at(2026, 4, 15, 8, 0), intake{field: "giao-thong", unit: "nga-bay", agency: "so-gtvt"}))
	w.do(r17, at(2026, 4, 15, 8, 30), lifecycle.Accept, "")

	// R18: returned, never forwarded again.
	r18 := add(w.ingest(at(2026, 5, 4, 8, 0), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt"}))
	w.do(r18, at(2026, 5, 4, 9, 0), lifecycle.Accept, "")
	w.do(r18, at(2026, 5, 4, 11, 0), lifecycle.Return, "")
	return codes
}

// spam records a message that our border marked as spam, received at at,
// as the intake pipeline records it: junk, with the mark as its reason.
func (w *world) spam(at time.Time) {
	w.t.Helper()
	err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.RecordMessage(store.Message{RawKey: "spam", Kind: "junk", Reason: "spam: X-Spam-Flag: YES",
			ReceivedAt: at, ProcessedAt: at})
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}
