package main

import (
	"context"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/store"
)

// TestE2EOldUnitName: with the 2025 table, a report that names its commune
// by its old name ("xã Vị Đông, huyện Vị Thủy") is routed to the unit it
// became, and the acknowledgement, the triage notice and the "forwarded"
// notice name the new unit and the old one, so that the citizen learns the
// new name.
func TestE2EOldUnitName(t *testing.T) {
	e := start2025(t, "")
	e.deliver(receivedAt, citizenReport(7, e2eCitizen))
	const label = "xã Vị Thanh 1 (xã Vị Đông cũ)"
	ack := e.waitMail("ack", e2eCitizen, 1)
	if body := ack.text(); !strings.Contains(body, "Địa bàn: "+label) {
		t.Errorf("the acknowledgement does not name the new unit and the old one:\n%s", body)
	}
	triage := e.waitMail("triage", e2eReceiver, 1)
	if body := triage.text(); !strings.Contains(body, label+" (xa-vi-thanh-1)") || !strings.Contains(body, "xã Vị Đông (cũ) → xã Vị Thanh 1") {
		t.Errorf("the triage notice does not name the new unit and the old one:\n%s", body)
	}
	e.replyTo(triage, e2eReceiver, receivedAt.Add(20*60e9), "/tiepnhan\n", "")
	if body := e.waitMail("forwarded", e2eCitizen, 1).text(); !strings.Contains(body, "Địa bàn: "+label) {
		t.Errorf("the forwarded notice does not name the new unit and the old one:\n%s", body)
	}
	var r store.Report
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(ack.code())
		return nil
	})
	if r.Routing.Unit != "xa-vi-thanh-1" || r.Routing.Former != "xa-vi-dong" || r.Routing.Edition != "2025" || r.Routing.Agency != "dien-luc" {
		t.Errorf("report routed %+v", r.Routing)
	}
}

// start2025 starts the daemon with the 2025 routing table and the
// configuration's other tables in extra.
func start2025(t *testing.T, extra string) *env {
	t.Helper()
	e := newEnv(t, envOptions{extra: "[rules]\ntable = \"2025\"\n\n" + extra})
	e.startDaemon()
	return e
}

// checkHolds checks that a mail's text (what names the mail) holds each
// of wants.
func checkHolds(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("the %s lacks %q:\n%s", what, want, text)
		}
	}
}

// TestE2EFormerDistrictIsALocation: with the 2025 table, a report that
// places its problem in a former district split among several communes
// ("near the market in Vi Thanh city") has no unit, which the receiver
// decides, but it does say where the problem is: the acknowledgement does
// not ask the citizen for it.
func TestE2EFormerDistrictIsALocation(t *testing.T) {
	e := start2025(t, "")
	const john, an = "john.smith@example.org", "an.nguyen@gmail.com"
	e.deliver(receivedAt, citizenMail("John Smith <"+john+">", "district-en@mail.example.org", "Pothole on Tran Hung Dao street",
		"Hello,\n\nThere is a big pothole on Tran Hung Dao street near the market in Vi Thanh city. It is dangerous at night.\n\nBest regards,\nJohn Smith\n+84 903 123 456\n"))
	e.deliver(receivedAt, citizenMail("Nguyễn Văn An <"+an+">", "district-vi@mail.gmail.com", "Ổ gà đường Trần Hưng Đạo",
		"Kính gửi Trung tâm,\n\nĐường Trần Hưng Đạo gần chợ thành phố Vị Thanh có ổ gà lớn, rất nguy hiểm.\n\nNguyễn Văn An\n0903 123 456\n"))
	for to, unwanted := range map[string]string{john: "where the problem is", an: "địa điểm xảy ra"} {
		if body := e.waitMail("ack", to, 1).text(); strings.Contains(body, unwanted) {
			t.Errorf("the acknowledgement to %s asks where the problem is:\n%s", to, body)
		}
	}
	if body := e.waitMail("triage", e2eReceiver, 2).text(); strings.Contains(body, "địa điểm xảy ra") {
		t.Errorf("the triage notice lists the location as missing:\n%s", body)
	}
}
