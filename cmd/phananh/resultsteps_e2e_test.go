package main

import (
	"strings"
	"testing"
	"time"
)

// TestE2EResultListingStepsDoneIsKept: a handler reports the result as
// an electricity company does, listing the steps done in order under a
// line that reads like the one over our confirmation's list of commands
// ("Các lệnh sau đã được thực hiện, theo thứ tự:"), its items numbered,
// not commands. The result is the handler's text whole — what the
// approver reviews and the citizen is sent — not cut at that line.
func TestE2EResultListingStepsDoneIsKept(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	_, assignment := e.forwarded(95, 1, at)
	const result = "Đã khắc phục sự cố mất điện.\nCác lệnh sau đã được thực hiện, theo thứ tự:\n1. Cắt điện khu vực ấp 3.\n" +
		"2. Thay dây dẫn bị đứt.\n3. Đóng điện lại lúc 15:00."
	e.replyTo(assignment, e2eHandler, at.Add(time.Hour), "/ketqua "+result+"\n", "")
	review := lf(e.waitMail("review", e2eApprover, 1).text())
	for _, l := range strings.Split(result, "\n") {
		if !strings.Contains(review, l) {
			t.Errorf("the result under review lacks %q:\n%s", l, review)
		}
	}
}

// TestE2EResultNamingAnotherReportIsKept: a handler's result names the
// report it was handled with as our notices write one — its code and
// state on two lines, as the /status answer shows them — and goes on. No
// notice was copied there: none of its heading, cheat sheet or footer
// follows. The result is the handler's text whole.
func TestE2EResultNamingAnotherReportIsKept(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	_, assignment := e.forwarded(96, 1, at)
	const result = "Đã xử lý chung với phản ánh trước:\nMã phản ánh: PA-2026-000031\nTình trạng: đã công khai kết quả\n" +
		"Đã thay dây dẫn, cấp điện lại lúc 15:00."
	e.replyTo(assignment, e2eHandler, at.Add(time.Hour), "/ketqua "+result+"\n\nTrân trọng,\nĐội quản lý điện Vị Thủy\n", "")
	review := lf(e.waitMail("review", e2eApprover, 1).text())
	for _, l := range strings.Split(result, "\n") {
		if !strings.Contains(review, l) {
			t.Errorf("the result under review lacks %q:\n%s", l, review)
		}
	}
}
