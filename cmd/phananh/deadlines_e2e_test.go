package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// runWatch runs the daemon's deadline watch at an instant of the test's
// time line, as its minute's run would, and wakes the mailer.
func (e *env) runWatch(at time.Time) {
	e.t.Helper()
	if _, _, err := e.daemon.watch.Run(context.Background(), at); err != nil {
		e.t.Fatal(err)
	}
	e.daemon.worker.Wake()
}

// TestE2EOverdueAlertFitsItsReader: the overdue alert of a report the
// power company has not resolved in time tells its handler to answer with
// /resolve, and tells the approver — who cannot resolve — whose step it
// is, with the approver's own commands; neither is told of a command
// another role sends.
func TestE2EOverdueAlertFitsItsReader(t *testing.T) {
	e := newEnv(t, envOptions{extra: lifecycleExtra})
	e.startDaemon()
	code, _ := e.forwarded(91, 1, receivedAt)
	e.runWatch(time.Date(2026, 11, 27, 8, 0, 0, 0, calendar.Vietnam)) // due Thursday 26/11 at 17:00
	handler := e.mailAbout("overdue", e2eHandler, code).text()
	if !strings.Contains(handler, "Trả lời thư này với /resolve kèm kết quả xử lý") {
		t.Errorf("the handler's alert does not tell them to answer with /resolve:\n%s", handler)
	}
	approver := e.mailAbout("overdue", e2eApprover, code).text()
	for _, wrong := range []string{"/resolve", "Người xử lý trả lời thư này"} {
		if strings.Contains(approver, wrong) {
			t.Errorf("the approver's alert speaks of %q, which is not theirs:\n%s", wrong, approver)
		}
	}
	for _, want := range []string{"Công ty Điện lực Hậu Giang cần xử lý, báo cáo kết quả", "/escalate ghi chú"} {
		if !strings.Contains(approver, want) {
			t.Errorf("the approver's alert lacks %q:\n%s", want, approver)
		}
	}
}
