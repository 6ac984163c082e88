package intake

import (
	"cmp"
	"sort"
	"time"

	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// A snapshot is a report as its notices show it, read once after the
// message's changes were written: the report, its deadlines, its files and
// the result's, the mail it already had, its events, and the routing table
// that names its codes.
type snapshot struct {
	r         store.Report
	deadlines []store.Deadline
	files     []store.Attachment // what the citizen sent with the report
	result    []store.Attachment // the result's documents and photos
	mail      []store.Mail
	events    []store.Event
	table     *routing.Table
	// callAttempts is the failed verification call that rejects the
	// report (process.call_attempts).
	callAttempts int
}

// snapshot reads a report as its notices show it.
func (nf *notifier) snapshot(tx *store.Tx, reportID int64) (*snapshot, error) {
	r, err := tx.ReportByID(reportID)
	if err != nil {
		return nil, err
	}
	s := &snapshot{r: r, table: nf.routing(), callAttempts: cmp.Or(nf.callAttempts, lifecycle.DefaultCallAttempts)}
	if s.deadlines, err = tx.Deadlines(r.ID); err != nil {
		return nil, err
	}
	sortDeadlines(s.deadlines)
	if s.files, err = tx.Attachments(r.ID, "report"); err != nil {
		return nil, err
	}
	results, err := tx.Attachments(r.ID, "result")
	if err != nil {
		return nil, err
	}
	for _, a := range results {
		if a.MessageID == r.ResultMessageID && r.ResultMessageID != 0 {
			s.result = append(s.result, a)
		}
	}
	if s.mail, err = tx.ReportMail(r.ID); err != nil {
		return nil, err
	}
	s.events, err = tx.Events(r.ID)
	return s, err
}

// ratingReason is what the citizen wrote under their rating: kept in the
// rating's event (SPEC 7.4). A report re-opened and rated again shows the
// latest rating's; one re-opened and not yet rated again, none.
func (s *snapshot) ratingReason() string {
	if s.r.Rating == "" {
		return ""
	}
	for i := len(s.events) - 1; i >= 0; i-- {
		if e := s.events[i]; e.Command == lifecycle.Rate.Command() {
			return e.Detail["text"]
		}
	}
	return ""
}

// calls are the times of the failed verification calls (/call-failed),
// the first first.
func (s *snapshot) calls() []time.Time {
	var out []time.Time
	for _, e := range s.events {
		if e.Command == lifecycle.CallFailed.Command() {
			out = append(out, e.At)
		}
	}
	return out
}

// facts is the report as the lifecycle reads it now.
func (s *snapshot) facts() lifecycle.Facts { return factsOf(s.r, s.deadlines) }

// deadline returns the latest deadline of a kind, open or closed.
func (s *snapshot) deadline(kind deadline.Kind) (store.Deadline, bool) {
	for _, d := range s.deadlines {
		if d.Kind == string(kind) {
			return d, true
		}
	}
	return store.Deadline{}, false
}

// fieldName names the report's field; english for a notice in English.
func (s *snapshot) fieldName(english bool) string {
	if f, ok := s.table.RecordedField(s.r.Routing.Field); ok {
		return f.NameFor(english)
	}
	return ""
}

// unitName names the report's unit, and the old unit the citizen wrote
// (routing.Table.UnitLabel); english for a notice in English.
func (s *snapshot) unitName(english bool) string {
	return s.table.UnitLabel(s.r.Routing.Unit, s.r.Routing.Former, english)
}

// agencyName names the report's agency; english for a notice in English.
func (s *snapshot) agencyName(english bool) string { return s.nameOf(s.r.Routing.Agency, english) }

// nameOf names an agency of the report's table, or gives its code;
// english for a notice in English.
func (s *snapshot) nameOf(code string, english bool) string {
	if a, ok := s.table.RecordedAgency(code); ok {
		return a.NameFor(english)
	}
	return code
}

// coAgencies are the agencies working with the lead on the report (Art
// 7.1), with their names.
func (s *snapshot) coAgencies() []templates.Code {
	var out []templates.Code
	for _, c := range s.r.CoAgencies {
		out = append(out, templates.Code{Code: c, Name: s.nameOf(c, false)})
	}
	return out
}

// sentTo are the agencies the report was sent to, from its events: the
// agency holding it and its co-agencies each time it was with an agency
// (forwarded, resolved, published, closed), in the order they had it; and
// whether it was escalated. The agency the routing proposed while the
// Center held the report is not among them unless it was sent the report.
func (s *snapshot) sentTo() (agencies []templates.Code, escalated bool) {
	seen := map[string]bool{}
	add := func(code string) {
		if code != "" && !seen[code] {
			seen[code] = true
			agencies = append(agencies, templates.Code{Code: code, Name: s.nameOf(code, false)})
		}
	}
	for _, e := range s.events {
		switch lifecycle.State(e.To) {
		case lifecycle.Forwarded, lifecycle.Resolved, lifecycle.Published, lifecycle.Closed:
			add(e.Agency)
			for _, c := range e.CoAgencies {
				add(c)
			}
		case lifecycle.Escalated:
			escalated = true
		}
	}
	return agencies, escalated
}

// deadlineOrder is the order deadlines are listed in: the process's.
var deadlineOrder = map[string]int{"intake": 0, "return": 1, "resolve": 2, "publish": 3, "clarification": 4}

func sortDeadlines(ds []store.Deadline) {
	sort.SliceStable(ds, func(i, j int) bool { return deadlineOrder[ds[i].Kind] < deadlineOrder[ds[j].Kind] })
}
