package main

import (
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
