package main

import (
	"mime"
	"strings"
	"testing"
	"time"
)

// TestE2EBodies2025: with the 2025 table, the citizen's mail is signed, and
// sent in the name of, the Center as that table names it, and an
// escalated report goes to the Dept. of Science and Technology of Cần Thơ
// city, to advise the city's People's Committee: no mail names the Dept. of
// Information and Communications or Hậu Giang province, bodies the 2025
// reorganisation abolished.
func TestE2EBodies2025(t *testing.T) {
	e := start2025(t, "[process]\nescalation_address = \"skhcn@cantho.gov.vn\"\n")
	const center = "Trung tâm Giám sát, điều hành đô thị thông minh (khu vực Hậu Giang)"
	const dept = "Sở Khoa học và Công nghệ thành phố Cần Thơ"
	e.deliver(receivedAt, citizenReport(9, e2eCitizen))
	ack := e.waitMail("ack", e2eCitizen, 1)
	if body := strings.ReplaceAll(ack.text(), "\r\n", "\n"); !strings.Contains(body, "Trân trọng./.\n"+center+"\n") {
		t.Errorf("the acknowledgement is not signed by the Center of the 2025 table:\n%s", body)
	}
	if from, _ := new(mime.WordDecoder).DecodeHeader(ack.header("From")); !strings.Contains(from, center) {
		t.Errorf("From: %s", from)
	}
	at := receivedAt.Add(20 * time.Minute)
	e.replyTo(e.waitMail("triage", e2eReceiver, 1), e2eReceiver, at, "/tiepnhan\n", "")
	e.replyTo(e.waitMail("confirmation", e2eReceiver, 1), e2eReceiver, at.Add(20*time.Minute),
		"/chuyencap Hai cơ quan chưa thống nhất phương án xử lý.\n", "")

	escalation := e.waitMail("escalation", "skhcn@cantho.gov.vn", 1)
	if body := escalation.text(); !strings.Contains(body, "PHẢN ÁNH CHUYỂN "+strings.ToUpper(dept)) ||
		!strings.Contains(body, center+" chuyển phản ánh") ||
		!strings.Contains(body, "đến "+dept+" để xem xét, tham mưu Ủy ban nhân dân thành phố Cần Thơ chỉ đạo") ||
		!strings.Contains(body, "Hai cơ quan chưa thống nhất") {
		t.Errorf("the escalation notice:\n%s", body)
	}
	if body := e.waitMail("escalated", e2eHandler, 1).text(); !strings.Contains(body, "đến "+dept+".") {
		t.Errorf("the agency is not told where the report went:\n%s", body)
	}
	if body := e.waitMail("confirmation", e2eReceiver, 2).text(); !strings.Contains(body, "đã chuyển "+dept) {
		t.Errorf("the confirmation does not name the report's state:\n%s", body)
	}
	for _, m := range e.sent() {
		body := decodedBody(t, m)
		for _, gone := range []string{"Thông tin và Truyền thông", "thông minh tỉnh Hậu Giang", "UBND tỉnh"} {
			if strings.Contains(body, gone) {
				t.Errorf("a mail to %s names %q:\n%s", m.Header.Get("To"), gone, body)
			}
		}
	}
}

// TestE2ECenterNamedInConfig: the body that took the Center over, named in
// the configuration ([center] name), signs the mail and sends it, and is
// named so where the Center is the agency a report is proposed to: no mail
// names the Center as the routing table does.
func TestE2ECenterNamedInConfig(t *testing.T) {
	const name = "Trung tâm Giám sát, điều hành đô thị thông minh thành phố Cần Thơ"
	e := start2025(t, "[center]\nname = \""+name+"\"\n")
	e.deliver(receivedAt, citizenReport(10, e2eCitizen))
	ack := e.waitMail("ack", e2eCitizen, 1)
	if body := strings.ReplaceAll(ack.text(), "\r\n", "\n"); !strings.Contains(body, "Trân trọng./.\n"+name+"\n") ||
		!strings.Contains(body, name+" đã tiếp nhận phản ánh") {
		t.Errorf("the acknowledgement does not name the Center as configured:\n%s", body)
	}
	if from, _ := new(mime.WordDecoder).DecodeHeader(ack.header("From")); !strings.Contains(from, name) {
		t.Errorf("From: %s", from)
	}
	e.deliver(receivedAt, strings.Replace(strings.Replace(citizenReport(11, e2eCitizen), "bị cúp điện từ sáng", "có việc cần hỏi", 1),
		"Subject: =?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n_s=E1=BB=91_11?=", "Subject: Hỏi thăm", 1))
	if body := e.waitMail("triage", e2eReceiver, 2).text(); !strings.Contains(body, "Cơ quan xử lý: "+name+" (ttgsdh)") {
		t.Errorf("the proposal does not name the Center as configured:\n%s", body)
	}
	for _, m := range e.sent() {
		if body := decodedBody(t, m); strings.Contains(body, "thông minh (khu vực Hậu Giang)") {
			t.Errorf("a mail to %s names the Center as the table does:\n%s", m.Header.Get("To"), body)
		}
	}
}
