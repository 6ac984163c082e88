package privacy

import (
	"errors"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
)

func TestErasable(t *testing.T) {
	held := time.Date(2031, 3, 2, 1, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		r    Report
		want string // a word of the reason, "" when erasable
	}{
		{Report{Code: "PA-2026-000001", State: "closed"}, ""},
		{Report{Code: "PA-2026-000001", State: "published"}, ""},
		{Report{Code: "PA-2026-000001", State: "rejected"}, ""},
		{Report{Code: "PA-2026-000001", State: "forwarded"}, "still being handled (state forwarded)"},
		{Report{Code: "PA-2026-000001", State: "escalated"}, "still being handled (state escalated)"},
		{Report{Code: "PA-2026-000001", State: "published", Open: []deadline.Kind{deadline.KindClarification}}, "clarification deadline is still open"},
		{Report{Code: "PA-2026-000001", State: "closed", Held: true, Hold: "tranh chấp đang giải quyết", HeldAt: held}, "on hold since 2031-03-02T08:00:00+07:00 (tranh chấp đang giải quyết)"},
	} {
		err := Erasable(tc.r)
		var ne *NotErasable
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v, want erasable", tc.r, err)
		case tc.want != "" && (!errors.As(err, &ne) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v, want a refusal naming %q", tc.r, err, tc.want)
		}
	}
}

func TestRequestDeadlines(t *testing.T) {
	cal, err := calendar.New(calendar.Default(), "")
	if err != nil {
		t.Fatal(err)
	}
	vn := cal.Location()
	for _, tc := range []struct {
		kind     string
		received time.Time
		ack, due time.Time
	}{
		// Friday: acknowledged by Tuesday's close; ten days end on Monday 30.
		{KindCopy, time.Date(2026, 11, 20, 10, 0, 0, 0, vn), time.Date(2026, 11, 24, 17, 0, 0, 0, vn), time.Date(2026, 11, 30, 17, 0, 0, 0, vn)},
		{KindErasure, time.Date(2026, 11, 20, 10, 0, 0, 0, vn), time.Date(2026, 11, 24, 17, 0, 0, 0, vn), time.Date(2026, 12, 10, 17, 0, 0, 0, vn)},
		// Ten days after Thursday 12 November is Sunday 22: the close of Monday 23.
		{KindOther, time.Date(2026, 11, 12, 16, 0, 0, 0, vn), time.Date(2026, 11, 16, 17, 0, 0, 0, vn), time.Date(2026, 11, 23, 17, 0, 0, 0, vn)},
		// Received on a Saturday night: the day of receipt never counts.
		{KindCopy, time.Date(2026, 11, 21, 22, 0, 0, 0, vn), time.Date(2026, 11, 24, 17, 0, 0, 0, vn), time.Date(2026, 12, 1, 17, 0, 0, 0, vn)},
	} {
		ack, due, err := RequestDeadlines(cal, tc.kind, tc.received)
		if err != nil || !ack.Equal(tc.ack) || !due.Equal(tc.due) {
			t.Errorf("%s received %s: ack %s due %s (%v), want %s and %s", tc.kind, tc.received, ack, due, err, tc.ack, tc.due)
		}
	}
	if _, _, err := RequestDeadlines(cal, "delete", time.Now()); err == nil {
		t.Error("an unknown kind was accepted")
	}
	// Extended once: ten more days from the due date.
	if got, want := Extend(cal, KindCopy, time.Date(2026, 11, 30, 17, 0, 0, 0, vn)), time.Date(2026, 12, 10, 17, 0, 0, 0, vn); !got.Equal(want) {
		t.Errorf("extended: %s, want %s", got, want)
	}
}

func TestRequestState(t *testing.T) {
	cal, _ := calendar.New(calendar.Default(), "")
	vn := cal.Location()
	start, due := time.Date(2026, 11, 20, 10, 0, 0, 0, vn), time.Date(2026, 11, 30, 17, 0, 0, 0, vn)
	for _, tc := range []struct {
		now, done time.Time
		want      string
	}{
		{time.Date(2026, 11, 21, 10, 0, 0, 0, vn), time.Time{}, "on-time"},
		{time.Date(2026, 11, 29, 10, 0, 0, 0, vn), time.Time{}, "due-soon"},
		{time.Date(2026, 12, 1, 10, 0, 0, 0, vn), time.Time{}, "overdue"},
		{time.Date(2026, 12, 1, 10, 0, 0, 0, vn), time.Date(2026, 11, 25, 9, 0, 0, 0, vn), "met"},
		{time.Date(2026, 12, 2, 10, 0, 0, 0, vn), time.Date(2026, 12, 1, 9, 0, 0, 0, vn), "late"},
	} {
		if got := State(cal, start, due, tc.done, tc.now, false); got != tc.want {
			t.Errorf("at %s done %s: %s, want %s", tc.now, tc.done, got, tc.want)
		}
	}
}
