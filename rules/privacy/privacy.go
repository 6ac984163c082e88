// Package privacy holds the decisions of the personal data law — Law
// 91/2025/QH15 on personal data protection and Decree 356/2025/NĐ-CP, in
// force since 1 January 2026 (SPEC 10.5) — as pure functions: when a
// report's personal data may be erased, and the deadlines of a data
// subject's request.
package privacy

import (
	"fmt"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
)

// Ended reports whether a report in state has reached an end: its result
// went to the citizen (published), the citizen rated it (closed), or it was
// rejected. Retention counts from the last time a report reached one; an
// escalation takes it out again.
func Ended(state string) bool {
	return state == "published" || state == "closed" || state == "rejected"
}

// NotErasable says why a report's personal data may not be erased now.
type NotErasable struct {
	Code string // the report
	Why  string // an English sentence for the IT team or the data protection officer
}

func (e *NotErasable) Error() string { return "report " + e.Code + ": not erasable: " + e.Why }

// Report is what Erasable reads of a report.
type Report struct {
	Code  string
	State string
	// Held is set while an admin's hold keeps the report; Hold is its
	// reason and HeldAt when it was put.
	Held   bool
	Hold   string
	HeldAt time.Time
	// Open are the report's open deadlines: a clarification owed to the
	// citizen keeps it in use.
	Open []deadline.Kind
}

// Erasable returns nil when a report's personal data may be destroyed now,
// or a *NotErasable naming the reason: the data is still needed while the
// report is being handled — not ended, or with a deadline open — (Law art.
// 14.2: erasure may be refused while the processing that the law allows
// still needs the data), and an admin's hold keeps it (an archive, a
// dispute) until released.
func Erasable(r Report) error {
	switch {
	case r.Held:
		return &NotErasable{r.Code, fmt.Sprintf("on hold since %s (%s); release the hold first",
			r.HeldAt.In(calendar.Vietnam).Format(time.RFC3339), r.Hold)}
	case !Ended(r.State):
		return &NotErasable{r.Code, fmt.Sprintf("it is still being handled (state %s): its data is needed until the report ends (Law 91/2025/QH15 art. 14.2)", r.State)}
	case len(r.Open) > 0:
		return &NotErasable{r.Code, fmt.Sprintf("its %s deadline is still open: the agency owes the citizen an answer (Law 91/2025/QH15 art. 14.2)", r.Open[0])}
	}
	return nil
}
