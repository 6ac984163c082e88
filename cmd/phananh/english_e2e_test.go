package main

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"
)

// TestE2EEnglishReport: a report written in English that quotes no
// Vietnamese term ("broken street light") is routed by the table's English
// keywords, and the citizen's mail names its field and the agency in
// English: the acknowledgement, and the notice that it was passed on.
func TestE2EEnglishReport(t *testing.T) {
	e := start2025(t, "")
	const emma = "emma.wilson@gmail.com"
	e.deliver(receivedAt, citizenMail("Emma Wilson <"+emma+">", "CAF=english-light@mail.gmail.com", "Broken street light",
		"Hello,\n\nThe street light in front of my house in Vi Tan ward has been broken for a week. It is very dark at night and not safe for the children.\n\nBest regards,\nEmma Wilson\n+84 903 123 456\n"))
	checkHolds(t, "acknowledgement", e.waitMail("ack", emma, 1).text(), "Category: Street lighting and trees", "Area: Vị Tân Ward")
	triage := e.waitMail("triage", e2eReceiver, 1)
	if !strings.Contains(triage.text(), "(chieu-sang-cay-xanh)") || !strings.Contains(triage.text(), "«street light»") {
		t.Errorf("the triage notice does not propose the field of street lights, by the English keyword:\n%s", triage.text())
	}
	e.replyTo(triage, e2eReceiver, receivedAt.Add(20*time.Minute), "/accept\n", "")
	checkHolds(t, "forwarded notice", e.waitMail("forwarded", emma, 1).text(),
		"to the Hậu Giang Water Supply, Drainage and Urban Works Joint Stock Company, the agency responsible",
		"Category: Street lighting and trees")
}

// TestE2EPrivacyContactInEnglish: the acknowledgement of a report written
// in English names the data protection unit's contact as
// [privacy] english_contact writes it; a Vietnamese one as contact does.
func TestE2EPrivacyContactInEnglish(t *testing.T) {
	const vi = "Phòng Hành chính - Tổng hợp, ĐT 0293 3123 456, dulieucanhan@haugiang.gov.vn"
	const en = "Administration Office, tel. +84 293 3123 456, dulieucanhan@haugiang.gov.vn"
	e := newEnv(t, envOptions{extra: fmt.Sprintf("[privacy]\ncontact = %q\nenglish_contact = %q\n", vi, en)})
	e.startDaemon()
	const emma, an = "emma.wilson@gmail.com", "an.nguyen@gmail.com"
	e.deliver(receivedAt,
		citizenMail("Emma Wilson <"+emma+">", "CAF=english-contact@mail.gmail.com", "Power cut",
			"Hello,\n\nThere has been no electricity on my street in Vi Thuy since this morning.\n\nBest regards,\nEmma Wilson\n"),
		citizenMail("Nguyễn Văn An <"+an+">", "CAF=vi-contact@mail.gmail.com", "Mất điện",
			"Kính gửi Trung tâm,\n\nKhu vực ấp 3, huyện Vị Thủy bị cúp điện từ sáng nay.\n\nNguyễn Văn An\n"))
	english := e.waitMail("ack", emma, 1)
	checkHolds(t, "English acknowledgement", english.text(), "To use these rights, contact: "+en+".")
	checkHolds(t, "English acknowledgement (HTML)", html.UnescapeString(htmlPart(t, english.raw)), "contact: "+en+".")
	if strings.Contains(english.text()+html.UnescapeString(htmlPart(t, english.raw)), "Phòng Hành chính") {
		t.Errorf("the English acknowledgement names the contact in Vietnamese:\n%s", english.text())
	}
	checkHolds(t, "Vietnamese acknowledgement", e.waitMail("ack", an, 1).text(), "xin liên hệ: "+vi+".")
}
