package lifecycle_test

import (
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
)

// testCalendar is calendar-test.toml of the spec: 2026's days off and
// swapped Saturdays, 07:00–11:00 and 13:00–17:00, 15 urgent minutes.
func testCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.Load("testdata/calendar-test.toml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// directory is a small routing table: the Center, a department with 6
// days and the power company with 3, with the bodies of the 2025 table.
type directory struct{}

var agencies = map[string]routing.Agency{
	"ttgsdh":   {Code: "ttgsdh", Name: "Trung tâm Giám sát, điều hành", ResolveDays: 6},
	"so-gtvt":  {Code: "so-gtvt", Name: "Sở Giao thông vận tải", ResolveDays: 6},
	"dien-luc": {Code: "dien-luc", Name: "Công ty Điện lực Hậu Giang", ResolveDays: 3},
}

func (directory) Agency(code string) (routing.Agency, bool) { a, ok := agencies[code]; return a, ok }
func (directory) Center() routing.Agency                    { return agencies["ttgsdh"] }

// Bodies are those of the 2025 table: refusals name its escalation body.
func (directory) Bodies() routing.Bodies {
	t, _ := routing.Builtin("2025")
	return t.Bodies()
}

func (directory) Field(code string) (routing.Field, bool) {
	return routing.Field{Code: code}, code == "giao-thong" || code == "dien" || code == "khac"
}

func (directory) Unit(code string) (routing.Unit, bool) {
	return routing.Unit{Code: code}, code == "vi-thanh" || code == "nga-bay"
}

// at reads "2006-01-02 15:04" in Vietnam's zone.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Vietnam)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Actors used by the tests.
var (
	receiver  = lifecycle.Actor{Role: lifecycle.Receiver}
	approver  = lifecycle.Actor{Role: lifecycle.Approver}
	handler   = lifecycle.Actor{Role: lifecycle.Handler, Agency: "so-gtvt"}
	leader    = lifecycle.Actor{Role: lifecycle.Leader, Agency: "so-gtvt"}
	stranger  = lifecycle.Actor{Role: lifecycle.Handler, Agency: "dien-luc"}
	admin     = lifecycle.Actor{Role: lifecycle.Admin}
	citizen   = lifecycle.Actor{Role: lifecycle.Citizen}
	system    = lifecycle.Actor{Role: lifecycle.System}
	allActors = []lifecycle.Actor{receiver, approver, handler, leader, admin, citizen, system}
)

// step is one action of a walk through a report's life.
type step struct {
	action lifecycle.Action
	actor  lifecycle.Actor
	at     string
	code   string
	text   string
	days   int
	files  int
	rating lifecycle.Rating
	co     []string // the co-agencies of an /assign
}

// report walks a report through steps, starting from an ingest at
// received of a report proposed for so-gtvt, and returns every change.
type report struct {
	t        testing.TB
	cal      *calendar.Calendar
	facts    lifecycle.Facts
	last     lifecycle.Change // the change of the latest step
	attempts int
}

func newReport(t testing.TB, received string, urgent bool) *report {
	t.Helper()
	r := &report{t: t, cal: testCalendar(t)}
	r.facts = lifecycle.Facts{ReceivedAt: at(t, received), Agency: "so-gtvt", Field: "giao-thong", Urgent: urgent}
	r.do(step{action: lifecycle.Ingest, actor: system, at: received})
	return r
}

func (r *report) input(s step) lifecycle.Input {
	return lifecycle.Input{
		Facts: r.facts, Action: s.action, Actor: s.actor, At: at(r.t, s.at), Code: s.code, CoAgencies: s.co, Text: s.text,
		Days: s.days, Files: s.files, Rating: s.rating, Calendar: r.cal, Directory: directory{}, CallAttempts: r.attempts,
	}
}

// do applies a step that must succeed and keeps its facts.
func (r *report) do(s step) lifecycle.Change {
	r.t.Helper()
	ch, err := lifecycle.Apply(r.input(s))
	if err != nil {
		r.t.Fatalf("%s at %s: %v", s.action, s.at, err)
	}
	r.facts, r.last = ch.Facts, ch
	return ch
}

// try applies a step and returns its error, keeping the facts on success.
func (r *report) try(s step) error {
	ch, err := lifecycle.Apply(r.input(s))
	if err == nil {
		r.facts = ch.Facts
	}
	return err
}

// due returns the due instant of the report's latest deadline of a kind.
func (r *report) due(k deadline.Kind) time.Time {
	return r.facts.Deadlines[k].Due
}
