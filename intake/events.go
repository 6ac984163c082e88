package intake

import (
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

// event is a step's entry in the report's log: the command (as the
// lifecycle names it: aliases become the English command), the states, and
// in the sealed detail the line as written, the text it carried and the
// deadlines it closed and opened.
func event(st step, msgID int64) store.Event {
	ch := st.change
	detail := map[string]string{}
	if st.line != "" {
		detail["line"] = st.line
	}
	if st.text != "" {
		detail["text"] = st.text
	}
	var closed, opened []string
	for _, c := range ch.Close {
		closed = append(closed, string(c.Kind)+"="+string(c.Outcome))
	}
	for _, d := range ch.Open {
		due := "open-ended"
		if !d.Due.IsZero() {
			due = d.Due.In(calendar.Vietnam).Format(time.RFC3339)
		}
		opened = append(opened, string(d.Kind)+"="+due)
	}
	if len(closed) > 0 {
		detail["closed"] = strings.Join(closed, ",")
	}
	if len(opened) > 0 {
		detail["opened"] = strings.Join(opened, ",")
	}
	if len(ch.Changed) > 0 {
		detail["changed"] = strings.Join(ch.Changed, ",")
	}
	if st.reroute != nil {
		detail["rule"], detail["why"] = st.reroute.Rule, st.reroute.Why
	}
	if st.autoRule != "" {
		detail["auto_forward"] = st.autoRule
	}
	if st.held {
		detail["forwarded"] = "no: over the hourly cap"
	}
	return store.Event{At: st.at, Actor: st.actor, Command: ch.Action.Command(), MessageID: msgID,
		From: string(ch.From), To: string(ch.To), Agency: ch.Facts.Agency, CoAgencies: ch.Facts.CoAgencies, Reason: statReason(ch),
		Detail: withDetail(detail, citizenMessage(st.citizenMail))}
}

// statReason is what the statistics count of a change (SPEC 9.3, 9.5):
// the level of a rating, "extended" for a confirmed extension, or the
// category of a rejection — unreachable after the last failed call (Art
// 7.1), other for a receiver's /reject (caseWriter.write makes that
// duplicate for a report that repeats an earlier one); "" for the other
// changes.
func statReason(ch lifecycle.Change) string {
	switch {
	case ch.Action == lifecycle.Rate:
		return string(ch.Facts.Rating)
	case ch.Action == lifecycle.ConfirmExtension:
		return store.ReasonExtended
	case ch.To != lifecycle.Rejected || ch.From == lifecycle.Rejected:
		return ""
	case ch.Action == lifecycle.CallFailed:
		return "unreachable"
	default:
		return "other"
	}
}
