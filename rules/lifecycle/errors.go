package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
)

// Code names why an action was refused. Codes are stable: tests, logs and
// the pipeline match on them, never on the wording.
type Code string

// The refusal codes.
const (
	CodeUnknownAction      Code = "unknown-action"       // not an action of this package
	CodeWrongRole          Code = "wrong-role"           // the actor's role may not do it
	CodeWrongState         Code = "wrong-state"          // not in the report's current state
	CodeOtherAgency        Code = "other-agency"         // a handler or leader acting on a report not with their agency
	CodeCenterProposal     Code = "center-proposal"      // a bare /accept while the proposal is the Center itself
	CodeCenterTarget       Code = "center-target"        // forwarding to the Center itself
	CodeMissingCode        Code = "missing-code"         // an agency, field or unit code is needed
	CodeUnknownAgency      Code = "unknown-agency"       // no agency with that code
	CodeUnknownField       Code = "unknown-field"        // no field with that code
	CodeUnknownUnit        Code = "unknown-unit"         // no unit with that code
	CodeMissingText        Code = "missing-text"         // the command carries no text
	CodeIncompleteReturn   Code = "incomplete-return"    // a /return without its cause, legal basis or proposal (Art 8.1)
	CodeNoResult           Code = "no-result"            // /resolve with neither text nor attachment
	CodeEmptyResult        Code = "empty-result"         // /approve of a result without text (SPEC 8.3)
	CodeDeadlinePassed     Code = "deadline-passed"      // /extend after the resolve deadline
	CodeExtensionPending   Code = "extension-pending"    // /extend while a request waits
	CodeNoExtensionRequest Code = "no-extension-request" // /confirm-extension or /deny-extension without a request
	CodeAlreadyRated       Code = "already-rated"        // a second rating
	CodeNoRating           Code = "no-rating"            // a rating action without a rating
	CodeHeld               Code = "held"                 // /hold on a report already held
	CodeNotHeld            Code = "not-held"             // /release on a report not held
	CodeErased             Code = "erased"               // a command with a text, or /release of no hold, on a report whose personal data was erased
)

// Error is a refusal: nothing changes, and Message — Vietnamese, naming the
// command and why — goes into the reply to the operator. Messages name
// states and roles as staff read them (never their codes), commands and
// the routing table's codes, never personal data.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, lifecycle.ErrWrongState) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is, one per code.
var (
	ErrUnknownAction      = &Error{Code: CodeUnknownAction}
	ErrWrongRole          = &Error{Code: CodeWrongRole}
	ErrWrongState         = &Error{Code: CodeWrongState}
	ErrOtherAgency        = &Error{Code: CodeOtherAgency}
	ErrCenterProposal     = &Error{Code: CodeCenterProposal}
	ErrCenterTarget       = &Error{Code: CodeCenterTarget}
	ErrMissingCode        = &Error{Code: CodeMissingCode}
	ErrUnknownAgency      = &Error{Code: CodeUnknownAgency}
	ErrUnknownField       = &Error{Code: CodeUnknownField}
	ErrUnknownUnit        = &Error{Code: CodeUnknownUnit}
	ErrMissingText        = &Error{Code: CodeMissingText}
	ErrIncompleteReturn   = &Error{Code: CodeIncompleteReturn}
	ErrNoResult           = &Error{Code: CodeNoResult}
	ErrEmptyResult        = &Error{Code: CodeEmptyResult}
	ErrDeadlinePassed     = &Error{Code: CodeDeadlinePassed}
	ErrExtensionPending   = &Error{Code: CodeExtensionPending}
	ErrNoExtensionRequest = &Error{Code: CodeNoExtensionRequest}
	ErrAlreadyRated       = &Error{Code: CodeAlreadyRated}
	ErrNoRating           = &Error{Code: CodeNoRating}
	ErrHeld               = &Error{Code: CodeHeld}
	ErrNotHeld            = &Error{Code: CodeNotHeld}
	ErrErased             = &Error{Code: CodeErased}
)

func refuse(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func wrongState(a Action, allowed []State, from State, bodies routing.Bodies) *Error {
	labels := make([]string, len(allowed))
	for i, s := range allowed {
		labels[i] = stateLabel(s, bodies)
	}
	now := stateLabel(from, bodies)
	return refuse(CodeWrongState, "lệnh %s chỉ dùng khi phản ánh ở trạng thái: %s; phản ánh đang ở trạng thái: %s",
		a.Command(), strings.Join(labels, "; "), now)
}

func wrongRole(a Action, allowed []Role, role Role) *Error {
	labels := make([]string, len(allowed))
	for i, r := range allowed {
		labels[i] = r.Label()
	}
	return refuse(CodeWrongRole, "lệnh %s dành cho: %s; Quý Ông/Bà là: %s",
		a.Command(), strings.Join(labels, ", "), role.Label())
}

func stateLabel(s State, bodies routing.Bodies) string {
	if s == "" {
		return "chưa có phản ánh"
	}
	return s.Label(bodies)
}

// when formats an instant as Vietnamese replies write it: "17:00 ngày
// 01/12/2026", in loc.
func when(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format("15:04 ngày 02/01/2006")
}
