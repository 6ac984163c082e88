package main

import (
	"strings"
	"testing"
	"time"
)

// TestE2EResultLikeANoticeIsKept: a handler's result holds lines that read
// like parts of our notices, and none of a notice was copied there: its
// text whole — what the approver reviews and the citizen is sent — is the
// result, not cut at those lines.
func TestE2EResultLikeANoticeIsKept(t *testing.T) {
	for _, tc := range []struct {
		name           string
		n              int
		result, signed string
	}{{
		// The steps done listed in order, as an electricity company does,
		// under a line that reads like the one over our confirmation's
		// list of commands; its items numbered, not commands.
		name: "steps done",
		n:    95,
		result: "Đã khắc phục sự cố mất điện.\nCác lệnh sau đã được thực hiện, theo thứ tự:\n1. Cắt điện khu vực ấp 3.\n" +
			"2. Thay dây dẫn bị đứt.\n3. Đóng điện lại lúc 15:00.",
	}, {
		// The report it was handled with, named as our notices write one —
		// its code and state on two lines, as the /status answer shows
		// them; no heading, cheat sheet or footer of a notice follows.
		name: "another report",
		n:    96,
		result: "Đã xử lý chung với phản ánh trước:\nMã phản ánh: PA-2026-000031\nTình trạng: đã công khai kết quả\n" +
			"Đã thay dây dẫn, cấp điện lại lúc 15:00.",
		signed: "\nTrân trọng,\nĐội quản lý điện Vị Thủy\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			e.startDaemon()
			at := receivedAt
			_, assignment := e.forwarded(tc.n, 1, at)
			e.replyTo(assignment, e2eHandler, at.Add(time.Hour), "/ketqua "+tc.result+"\n"+tc.signed, "")
			review := lf(e.waitMail("review", e2eApprover, 1).text())
			for _, l := range strings.Split(tc.result, "\n") {
				if !strings.Contains(review, l) {
					t.Errorf("the result under review lacks %q:\n%s", l, review)
				}
			}
		})
	}
}
