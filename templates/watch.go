package templates

import (
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// DeadlineNotice is what a deadline reminder and an overdue alert say of the
// deadline (SPEC 5.5): the report, the step owed, when it is due and how its
// time is counted. Fields, units and agencies are named from the routing
// table; a notice carries no personal data.
type DeadlineNotice struct {
	Code        string
	Step        string    // intake, return, resolve, publish or clarification
	ReportState string    // the report's state (SPEC 3): an intake on a "returned" report reassigns it
	Due         time.Time // the deadline
	Working     bool      // counted in working time; else in clock time
	Urgent      bool
	Field       string
	FieldName   string // "" when the table does not know the code
	Unit        string
	UnitName    string
	Agency      string
	AgencyName  string
	Reader
}

// Reader is who a deadline's notice is written for: the one who owes the
// step is told to take it, the others whose step it is, and each gets the
// commands they can use (SPEC 8.4).
type Reader struct {
	// Role is the reader's role: receiver, approver, handler, leader.
	Role string
	// Usable names the commands the reader can use on the report in its
	// state (lifecycle actions).
	Usable []string
	// Mailbox is set for the agency's official mailbox, which gets the
	// notice when the agency has no handler (SPEC 6.1) and sends no
	// commands.
	Mailbox bool
}

// Reminder tells the people who must act that a deadline is due soon.
type Reminder struct {
	DeadlineNotice
	Left Span // the time left when the reminder was written
}

// Overdue tells the people who must act, and those above them, that a
// deadline has passed with its step not done.
type Overdue struct {
	DeadlineNotice
	Late Span // how late when the alert was written; zero just after the deadline
}

// Span is a length of time as the notices write it, in whole hours and
// minutes: working hours for a working-time deadline, clock time otherwise.
type Span struct {
	Hours, Minutes int
}

// SpanOf rounds d to the nearest minute; a negative d is zero.
func SpanOf(d time.Duration) Span {
	m := int(max(d, 0).Round(time.Minute) / time.Minute)
	return Span{Hours: m / 60, Minutes: m % 60}
}

func sampleReminder() *Reminder {
	return &Reminder{DeadlineNotice: DeadlineNotice{Code: "PA-2026-000042", Step: "resolve", ReportState: "forwarded",
		Due: time.Date(2026, 12, 1, 17, 0, 0, 0, calendar.Vietnam), Working: true, Urgent: true,
		Field: "giao-thong", FieldName: "Giao thông", Unit: "vi-thuy", UnitName: "huyện Vị Thủy",
		Agency: "ubnd-vi-thuy", AgencyName: "Ủy ban nhân dân huyện Vị Thủy",
		Reader: Reader{Role: "handler", Usable: []string{"return", "resolve", "extend", "note", "status", "help", "codes"}}},
		Left: Span{Hours: 12, Minutes: 30}}
}

func sampleOverdue() *Overdue {
	return &Overdue{DeadlineNotice: DeadlineNotice{Code: "PA-2026-000042", Step: "intake", ReportState: "returned",
		Due: time.Date(2026, 11, 24, 10, 15, 0, 0, calendar.Vietnam), Urgent: true,
		Field: "dien", FieldName: "Điện", Unit: "nga-bay", UnitName: "thành phố Ngã Bảy", Agency: "dien-luc", AgencyName: "Công ty Điện lực Hậu Giang",
		Reader: Reader{Role: "approver", Usable: []string{"escalate", "urgent", "complex", "field", "unit", "confidential", "note",
			"status", "help", "report", "codes"}}}, Late: Span{Hours: 0, Minutes: 5}}
}
