package lifecycle

import (
	"maps"
	"slices"
	"time"

	"haugiang.gov.vn/phananh/rules/deadline"
)

// Facts is what the lifecycle knows of a report: its state and the fields
// actions read or change. The store keeps them (store.Report and its
// deadlines; the result text and the extension are new to it).
type Facts struct {
	State State
	// ReceivedAt is when the report arrived (IMAP INTERNALDATE): the start
	// of its first intake deadline.
	ReceivedAt time.Time
	// Agency is the agency the report is forwarded to, or proposed for
	// before it is forwarded. A return leaves it: the state says the
	// agency no longer holds the report. When several agencies handle it,
	// Agency is the lead (cơ quan chủ trì, Art 7.1), which resolves it and
	// answers for its deadline.
	Agency string
	// CoAgencies are the agencies the report was forwarded to with the
	// lead, to work with it (cơ quan phối hợp): they get the assignment,
	// may add notes, and are named in the result notice; nil when none.
	CoAgencies []string
	// Field and Unit are the report's current field and unit codes.
	Field, Unit string

	Urgent, Complex, Confidential bool
	// Secret is set once an approver found that the report or its result
	// holds state secrets (Art 9.1c, /secret): the result is neither
	// published nor mailed, and the citizen is told to contact the agency.
	Secret bool
	// CallFailures counts the failed verification calls (/call-failed).
	CallFailures int
	// Rating is the citizen's rating, "" before one.
	Rating Rating
	// Result is the text of the result submitted with /resolve and waiting
	// for approval, or approved; "" when none.
	Result string
	// Extension is the state of a complex-case extension (Art 8.3).
	Extension Extension
	// Held is set while an admin's hold keeps the report's personal data
	// past its retention (SPEC 10.5); Hold is the hold's reason.
	Held bool
	Hold string
	// ErasedAt is when the report's personal data was erased (SPEC
	// 10.5): its data key destroyed, nothing of it left to hold. Zero
	// while it is kept.
	ErasedAt time.Time
	// Deadlines holds the latest deadline of each kind, open or closed, as
	// store.Tx.Deadlines returns them.
	Deadlines map[deadline.Kind]Deadline
}

// Extension is the state of a complex-case extension (Art 8.3, SPEC 3).
type Extension struct {
	// Requested is set from an /extend until the Center confirms or denies
	// it, or the agency submits its result.
	Requested bool
	// Days are the working days asked for (while Requested) or granted
	// (once Confirmed); 0 when not yet known.
	Days int
	// Confirmed is set once the Center confirmed an extension for the
	// current agency: its result is then never counted late (SPEC 5.5).
	Confirmed bool
}

// Deadline is a report's deadline and whether it is still open.
type Deadline struct {
	deadline.Deadline
	// Open is false once the deadline was met, missed, excused or
	// superseded.
	Open bool
}

// open returns the open deadline of a kind.
func (f Facts) open(k deadline.Kind) (deadline.Deadline, bool) {
	d, ok := f.Deadlines[k]
	return d.Deadline, ok && d.Open
}

// clone returns a copy of f that shares nothing with it.
func (f Facts) clone() Facts {
	f.Deadlines = maps.Clone(f.Deadlines)
	f.CoAgencies = slices.Clone(f.CoAgencies)
	if f.Deadlines == nil {
		f.Deadlines = map[deadline.Kind]Deadline{}
	}
	return f
}

// changed names the facts that differ between before and after, in the
// order of Facts: "state", "agency", "co-agencies", "field", "unit", "urgent", "complex",
// "confidential", "secret", "call-failures", "rating", "result", "extension", "hold".
func changed(before, after Facts) []string {
	var out []string
	add := func(differ bool, name string) {
		if differ {
			out = append(out, name)
		}
	}
	add(before.State != after.State, "state")
	add(before.Agency != after.Agency, "agency")
	add(!slices.Equal(before.CoAgencies, after.CoAgencies), "co-agencies")
	add(before.Field != after.Field, "field")
	add(before.Unit != after.Unit, "unit")
	add(before.Urgent != after.Urgent, "urgent")
	add(before.Complex != after.Complex, "complex")
	add(before.Confidential != after.Confidential, "confidential")
	add(before.Secret != after.Secret, "secret")
	add(before.CallFailures != after.CallFailures, "call-failures")
	add(before.Rating != after.Rating, "rating")
	add(before.Result != after.Result, "result")
	add(before.Extension != after.Extension, "extension")
	add(before.Held != after.Held || before.Hold != after.Hold, "hold")
	return out
}
