package main

import (
	"testing"
	"time"
)

// TestE2EStaffNameAbsorbedAgency: with the 2025 table, a receiver who
// answers from Outlook "/chuyen Sở GTVT", the department of transport
// merged into the Department of Construction in 2025, has the report
// assigned to the Department of Construction: the confirmation says why,
// and the department's mailbox gets the assignment.
func TestE2EStaffNameAbsorbedAgency(t *testing.T) {
	e := start2025(t, "")
	e.deliver(receivedAt, citizenMail("Lê Thị Mai <mai.le@gmail.com>", "hem-15@gmail.com", "Cầu dân sinh xuống cấp",
		"Kính gửi Trung tâm,\nCây cầu bắc qua kênh ở ấp 2 xã Hỏa Tiến bị gãy lan can, người đi đường rất nguy hiểm.\nSĐT 0913 444 555\n"))
	triage := e.waitMail("triage", e2eReceiver, 1)
	e.deliver(receivedAt.Add(10*time.Minute), outlookReply(triage, e2eReceiver, 1, "/chuyen Sở GTVT"))
	checkHolds(t, "confirmation", e.waitAnswer(e2eReceiver, 1).text(),
		"/chuyen Sở GTVT — «Sở GTVT»: Sở Giao thông vận tải nay đã hợp nhất vào Sở Xây dựng thành phố Cần Thơ (so-xd)",
		"Cơ quan xử lý: Sở Xây dựng thành phố Cần Thơ (so-xd)")
	e.waitMail("assignment", "sxd@cantho.gov.vn", 1)
}
