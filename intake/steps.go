package intake

import (
	"slices"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

// caseWriter writes in the store what the lifecycle steps of one message
// did to a report — its deadlines, events, files and facts — and has the
// notices the steps owe written.
type caseWriter struct {
	calendar *calendar.Calendar
	notices  *notifier
}

// kept says what becomes of a message's attachments when its steps are
// written: kept as the result's documents and photos (role "result"), as
// an addition to the report (role "reply"), or not recorded again (the
// report's own attachments, already recorded at intake).
type kept int

const (
	noFiles kept = iota
	replyFiles
	resultFiles
)

// write writes the steps one message applied to a report, in the
// message's transaction once its row exists (msgID): for each step the
// deadlines it closes and opens and its event, then the message's files,
// the report's new facts, and the mail owed — each notice to each of its
// recipients. It returns the report as written, with what its notices show.
func (cw *caseWriter) write(tx *store.Tx, in *incoming, cf *caseFile, steps []step, keep kept, msgID int64) (*snapshot, error) {
	r := cf.r
	for _, st := range steps {
		if err := cw.writeDeadlines(tx, r.ID, st.change, st.at); err != nil {
			return nil, err
		}
		ev := event(st, msgID)
		if ev.Reason == "other" && r.DuplicateOf != "" {
			ev.Reason = "duplicate"
		}
		if err := tx.AppendEvent(r.ID, ev); err != nil {
			return nil, err
		}
	}
	if err := cw.keepFiles(tx, in, r.ID, keep, msgID); err != nil {
		return nil, err
	}
	r = applyFacts(r, steps, msgID)
	if err := tx.UpdateReport(r, in.now); err != nil {
		return nil, err
	}
	snap, err := cw.notices.snapshot(tx, r.ID)
	if err != nil {
		return nil, err
	}
	forwarded := slices.ContainsFunc(steps, func(st step) bool {
		return st.change.Action == lifecycle.Accept || st.change.Action == lifecycle.Assign
	})
	for _, st := range steps {
		if err := cw.notices.owe(tx, in, snap, st, forwarded); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// writeDeadlines closes, then opens, the deadlines of a change made at a
// time (SPEC 5).
func (cw *caseWriter) writeDeadlines(tx *store.Tx, reportID int64, ch lifecycle.Change, at time.Time) error {
	for _, c := range ch.Close {
		if err := tx.CloseDeadline(reportID, string(c.Kind), string(c.Outcome), c.At); err != nil {
			return err
		}
	}
	for _, d := range ch.Open {
		if err := cw.openDeadline(tx, reportID, d, at); err != nil {
			return err
		}
	}
	return nil
}

// openDeadline opens a deadline with its due-soon instant. A deadline that
// a step closed and a later step opens again with the same start and due
// instant — the resolve deadline after a /sendback — is the same deadline:
// it keeps the reminder and the alert it already had, so the watch does not
// send them twice, and the closed row is superseded, so that only the
// /resolve finally approved counts (SPEC 5.5).
func (cw *caseWriter) openDeadline(tx *store.Tx, reportID int64, d deadline.Deadline, at time.Time) error {
	ds, err := tx.Deadlines(reportID)
	if err != nil {
		return err
	}
	id, err := tx.SetDeadline(reportID, storeDeadline(cw.calendar, d, at))
	if err != nil {
		return err
	}
	for _, prev := range ds {
		if prev.Kind != string(d.Kind) || prev.State == "open" || !prev.Start.Equal(d.Start) || !prev.Due.Equal(d.Due) {
			continue
		}
		if !prev.RemindedAt.IsZero() {
			if err := tx.MarkReminded(id, prev.RemindedAt); err != nil {
				return err
			}
		}
		if !prev.AlertedAt.IsZero() {
			if err := tx.MarkAlerted(id, prev.AlertedAt); err != nil {
				return err
			}
		}
		return tx.SupersedeDeadline(prev.ID)
	}
	return nil
}

// applyFacts puts the facts after the last step into the report, with the
// times and the message that the steps give them.
func applyFacts(r store.Report, steps []step, msgID int64) store.Report {
	if len(steps) == 0 {
		return r
	}
	f := steps[len(steps)-1].change.Facts
	r.State = string(f.State)
	if f.Unit != r.Routing.Unit {
		r.Routing.Former = "" // the old name the citizen wrote was of the unit before
	}
	r.Routing.Agency, r.Routing.Field, r.Routing.Unit, r.CoAgencies = f.Agency, f.Field, f.Unit, f.CoAgencies
	r.Urgent, r.Complex, r.Confidential, r.Secret = f.Urgent, f.Complex, f.Confidential, f.Secret
	r.CallFailures, r.Rating, r.Result = f.CallFailures, string(f.Rating), f.Result
	r.Extension = store.Extension{Requested: f.Extension.Requested, Days: f.Extension.Days, Confirmed: f.Extension.Confirmed}
	r.Hold = f.Hold
	for _, st := range steps {
		switch st.change.Action {
		case lifecycle.Resolve:
			r.ResultMessageID, r.ResolvedAt = msgID, st.at
		case lifecycle.SendBack:
			r.ResultMessageID, r.ResolvedAt = 0, time.Time{}
		case lifecycle.Accept, lifecycle.Assign:
			r.ResultMessageID, r.ResolvedAt, r.RatedAt = 0, time.Time{}, time.Time{}
		case lifecycle.Approve:
			r.PublishedAt = st.at
		case lifecycle.Rate:
			r.RatedAt = st.at
		case lifecycle.Hold:
			r.HeldAt = st.at
		case lifecycle.Release:
			r.HeldAt = time.Time{}
		}
		if d := st.reroute; d != nil {
			r.Routing.Rule, r.Routing.Why, r.Routing.Ruleset, r.Routing.Edition = d.Rule, d.Why, d.Version, d.Edition
		}
	}
	return r
}

// keepFiles records the message's stored attachments on the report: as the
// result's documents and photos for a /resolve — but for small inline
// images, a signature's, kept as the reply's — or as the reply's.
func (cw *caseWriter) keepFiles(tx *store.Tx, in *incoming, reportID int64, keep kept, msgID int64) error {
	if keep == noFiles {
		return nil
	}
	for _, a := range keptAttachments(in.msg) {
		role := "reply"
		if keep == resultFiles && !isSignatureImage(a) {
			role = "result"
		}
		if _, err := tx.AddAttachment(reportID, storeAttachment(a, role, msgID)); err != nil {
			return err
		}
	}
	return nil
}

// storeDeadline is a deadline as the store keeps it, opened at a time.
func storeDeadline(cal *calendar.Calendar, d deadline.Deadline, opened time.Time) store.Deadline {
	return store.Deadline{Kind: string(d.Kind), Start: d.Start, Due: d.Due, SoonAt: d.SoonAt(cal), Clock: d.Clock, OpenedAt: opened}
}
