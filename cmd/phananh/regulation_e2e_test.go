package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestE2ESecret: an approver marks a resolved report's result as holding
// state secrets (/bimatnhanuoc, Art 9.1c) and approves it, in one reply.
// The citizen gets no result notice but one that tells them to contact the
// agency, without the result; the agency hears its result was approved,
// without its text being mailed again; the store says the report is
// secret, and the public results do not show it.
func TestE2ESecret(t *testing.T) {
	e := newEnv(t, envOptions{http: true})
	e.startDaemon()
	base := "http://" + e.daemon.listener.Addr().String()
	at := receivedAt
	code := e.reported(7, 1, at)
	const result = "Đã xử lý theo phương án của Bộ Chỉ huy quân sự tỉnh."
	e.walk(code, e2eCitizen, &at, result, "hien-truong.jpg", false)
	e.replyTo(e.mailAbout("review", e2eApprover, code), e2eApprover, at.Add(20*time.Minute), "/bimatnhanuoc\n/duyet\n", "")

	notice := e.mailAbout("secret-result", e2eCitizen, code)
	body := notice.text()
	for _, want := range []string{"bí mật nhà nước", "liên hệ trực tiếp Công ty Điện lực Hậu Giang", "nêu mã phản ánh " + code} {
		if !strings.Contains(body, want) {
			t.Errorf("the citizen's notice lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Đã xử lý theo phương án") || len(notice.files()) != 0 {
		t.Errorf("the citizen's notice carries the secret result:\n%s", body)
	}
	approved := e.mailAbout("approved", e2eHandler, code)
	if a := approved.text(); strings.Contains(a, "Đã xử lý theo phương án") || !strings.Contains(a, "bí mật nhà nước") || len(approved.files()) != 0 {
		t.Errorf("the agency's notice of approval:\n%s", a)
	}
	if n := len(e.mailsOf("result", e2eCitizen)); n != 0 {
		t.Errorf("%d result notices mailed", n)
	}

	var secret bool
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		secret, err = tx.Secret(r.ID)
		return err
	})
	if !secret {
		t.Error("the store does not say the report is secret")
	}
	if b, status := getStatus(t, base+"/ket-qua/"+code+".html"); status != http.StatusNotFound {
		t.Errorf("the secret result is published: %d\n%.300s", status, b)
	}
}

// TestE2EEscalateAfterRating: a citizen rates the result "Không hài lòng";
// the approver, told with the reason, escalates the closed report (Art
// 4.7), which re-opens it: the Dept. of I&C gets the escalation, the
// approver assigns it again, the agency's second result is approved, and
// the citizen's rating of it closes the report again.
func TestE2EEscalateAfterRating(t *testing.T) {
	e := newEnv(t, envOptions{extra: lifecycleExtra})
	e.startDaemon()
	at := receivedAt
	next := func() time.Time { at = at.Add(20 * time.Minute); return at }
	code := e.reported(8, 1, at)
	result := e.walk(code, e2eCitizen, &at, "Đã kéo lại dây dẫn.", "", true)

	e.replyTo(result, e2eCitizen, next(), "Không hài lòng\n\nTối nào điện cũng chập chờn.\n", "")
	e.waitMail("thanks", e2eCitizen, 1)
	rated := e.waitMail("rated", e2eApprover, 1)
	e.replyTo(rated, e2eApprover, next(), "/chuyencap Người dân không hài lòng: kết quả chưa triệt để.\n", "")
	if body := e.waitMail("escalation", "sotttt@haugiang.gov.vn", 1).text(); !strings.Contains(body, "kết quả chưa triệt để") {
		t.Errorf("the escalation does not carry the note:\n%s", body)
	}
	e.waitMail("escalated", e2eHandler, 1)
	e.replyTo(e.waitMail("confirmation", e2eApprover, 2), e2eApprover, next(), "/assign dien-luc\n", "")
	e.replyTo(e.waitMail("assignment", e2eHandler, 2), e2eHandler, next(), "/ketqua Đã thay toàn bộ đường dây hạ thế.\n", "")
	e.replyTo(e.waitMail("review", e2eApprover, 2), e2eApprover, next(), "/duyet\n", "")
	second := e.waitMail("result", e2eCitizen, 2)
	if !strings.Contains(second.text(), "Đã thay toàn bộ đường dây hạ thế.") {
		t.Errorf("the second result notice:\n%s", second.text())
	}
	e.replyTo(second, e2eCitizen, next(), "1\n", "")
	e.waitMail("thanks", e2eCitizen, 2)
	if n := len(e.mailsOf("already-rated", e2eCitizen)); n != 0 {
		t.Errorf("the rating of the second result was refused as a second rating")
	}

	var r store.Report
	var log []string
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(code)
		events, _ := tx.Events(r.ID)
		for _, ev := range events {
			if ev.From != ev.To {
				log = append(log, ev.Command+" "+ev.To)
			}
		}
		return nil
	})
	if r.State != "closed" || r.Rating != "rat-hai-long" || r.ClosedAt.IsZero() {
		t.Errorf("report %s: %s, rating %q, closed at %v", code, r.State, r.Rating, r.ClosedAt)
	}
	want := "ingest received,/accept forwarded,/resolve resolved,/approve published,rate closed,/escalate escalated," +
		"/assign forwarded,/resolve resolved,/approve published,rate closed"
	if strings.Join(log, ",") != want {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(log, ","), want)
	}
}

// TestE2EAckCompleteness: the acknowledgement reminds the sender that they
// answer for the truth of the report (Art 6.4), and the time of the event
// counts in completeness (Art 6.2): a report that says nothing of when is
// acknowledged, and triaged, with the time as missing; one whose text
// gives an hour, or whose photo records when it was taken, is not.
func TestE2EAckCompleteness(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	const undated, dated, photo = "a@example.com", "b@example.com", "c@example.com"
	body := "Đèn đường ở ấp 4, xã Vị Đông, huyện Vị Thủy bị hư%s.\nSố điện thoại: 0912 345 678\n"
	e.deliver(receivedAt,
		citizenMail("Nguyễn Văn A <"+undated+">", "undated@example.com", "Đèn đường hư", fmt.Sprintf(body, "")),
		citizenMail("Nguyễn Văn B <"+dated+">", "dated@example.com", "Đèn đường hư", fmt.Sprintf(body, " từ 19 giờ hôm qua")),
		threadReply("Nguyễn Văn C <"+photo+">", "phananh@haugiang.gov.vn", "Đèn đường hư", "", fmt.Sprintf(body, ""), "den-duong.jpg"))
	const responsible = "Quý Ông/Bà chịu toàn bộ trách nhiệm về tính trung thực, chính xác của thông tin phản ánh (khoản 4 Điều 6"
	for _, c := range []struct {
		from        string
		missingTime bool
	}{{undated, true}, {dated, false}, {photo, false}} {
		ack := e.waitMail("ack", c.from, 1)
		text := strings.Join(strings.Fields(ack.text()), " ")
		if !strings.Contains(text, responsible) {
			t.Errorf("%s: the acknowledgement does not remind the sender of Art 6.4:\n%s", c.from, ack.text())
		}
		if got := strings.Contains(text, "thời gian xảy ra"); got != c.missingTime {
			t.Errorf("%s: the time listed as missing: %v, want %v:\n%s", c.from, got, c.missingTime, ack.text())
		}
		triage := e.mailAbout("triage", e2eReceiver, ack.code())
		if got := strings.Contains(triage.text(), "thời gian xảy ra"); got != c.missingTime {
			t.Errorf("%s: the triage notice lists the time as missing: %v, want %v", c.from, got, c.missingTime)
		}
	}
}

// TestE2EReloadOperators: an agency changes its handler (Art 15.3) and the
// IT team edits [[operators]] and sends SIGHUP to the running daemon. The
// handler who left can no longer command; the new one gets the next notice
// and submits the result, with no restart.
func TestE2EReloadOperators(t *testing.T) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP) // the test process survives a SIGHUP whoever else listens
	defer signal.Stop(hup)
	e := newEnv(t, envOptions{})
	e.startDaemon()
	const newHandler = "moi@dienluc.example.gov.vn"
	at := receivedAt
	next := func() time.Time { at = at.Add(20 * time.Minute); return at }
	e.deliver(at, citizenReport(9, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	e.replyTo(triage, e2eReceiver, next(), "/tiepnhan\n", "")
	assignment := e.waitMail("assignment", e2eHandler, 1)

	cfg, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(e.config, []byte(strings.Replace(string(cfg), e2eHandler, newHandler, 1)), 0o600)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "the new operators in use", func() bool {
		return e.daemon.operators.Staff().Is(newHandler) && !e.daemon.operators.Staff().Is(e2eHandler)
	})

	e.replyTo(assignment, e2eHandler, next(), "/ketqua Đã xử lý.\n", "")
	e.replyTo(triage, e2eReceiver, next(), "/khancap\n", "")
	urgent := e.waitMail("urgent", newHandler, 1)
	if n := len(e.mailsOf("review", e2eApprover)); n != 0 {
		t.Fatalf("the handler who left submitted a result")
	}
	e.replyTo(urgent, newHandler, next(), "/ketqua Đã kéo lại dây dẫn.\n", "")
	if body := e.waitMail("review", e2eApprover, 1).text(); !strings.Contains(body, "Đã kéo lại dây dẫn.") {
		t.Errorf("the review does not carry the new handler's result:\n%s", body)
	}
}

// TestE2EDifficulties: a report the power company returns twice is among
// the period's difficulties (SPEC 9.5, Art 13.4) in the monthly report an
// approver asks for by mail.
func TestE2EDifficulties(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	next := func() time.Time { at = at.Add(20 * time.Minute); return at }
	code := e.reported(10, 1, at)
	e.replyTo(e.waitMail("triage", e2eReceiver, 1), e2eReceiver, next(), "/tiepnhan\n", "")
	const back = "/tralai\nNguyên nhân: đường dây do xã quản lý.\nCăn cứ: phân cấp quản lý lưới điện.\nĐề xuất: UBND huyện Vị Thủy.\n"
	e.replyTo(e.waitMail("assignment", e2eHandler, 1), e2eHandler, next(), back, "")
	e.replyTo(e.waitMail("returned", e2eReceiver, 1), e2eReceiver, next(), "/assign dien-luc\n", "")
	e.replyTo(e.waitMail("assignment", e2eHandler, 2), e2eHandler, next(), back, "")
	e.waitMail("returned", e2eReceiver, 2)

	e.deliver(next(), threadReply(e2eApprover, "phananh@haugiang.gov.vn", "Báo cáo tháng", "", "/baocao thang 2026-12\n", "", authPass))
	body := strings.Join(strings.Fields(e.waitMail("asked-report", e2eApprover, 1).text()), " ")
	if !strings.Contains(body, "Vướng mắc trong kỳ - "+code+" — ") || !strings.Contains(body, "Vướng mắc: bị trả lại 2 lần") {
		t.Errorf("the monthly report does not list the report returned twice:\n%s", body)
	}
}

// TestE2ELeadAgency: a report that concerns two agencies is assigned to
// the power company as the lead and to the district as its co-agency (Art
// 7.1). The district gets the report — without the confidential citizen's
// identity (SPEC 10.2) — and the commands a co-agency has; its note reaches
// the Center and the lead, its /resolve is refused; the lead's result,
// approved, names the co-agency in the citizen's notice, and both agencies
// hear of the approval.
func TestE2ELeadAgency(t *testing.T) {
	e := newEnv(t, envOptions{extra: lifecycleExtra})
	e.startDaemon()
	at := receivedAt
	next := func() time.Time { at = at.Add(20 * time.Minute); return at }
	e.deliver(at, citizenMail("Trần Văn Bảy <"+e2eCitizen+">", "lead@example.com", "Cột điện nghiêng trên đường ấp 5",
		"Họ tên: Trần Văn Bảy\nSố điện thoại: 0912 777 888\nĐịa điểm: ấp 5, xã Vị Bình, huyện Vị Thủy\n"+
			"Nội dung: Cột điện nghiêng ra mặt đường, sắp đổ.\nGiữ bí mật: có\n"))
	code := e.waitMail("ack", e2eCitizen, 1).code()
	e.replyTo(e.waitMail("triage", e2eReceiver, 1), e2eReceiver, next(), "/assign dien-luc ubnd-vi-thuy\n", "")

	lead := e.waitMail("assignment", e2eHandler, 1).text()
	if !strings.Contains(lead, "Công ty Điện lực Hậu Giang là cơ quan chủ trì") || !strings.Contains(lead, "Cơ quan phối hợp: Ủy ban nhân dân huyện Vị Thủy (ubnd-vi-thuy)") {
		t.Errorf("the lead's assignment does not name its part and the co-agency:\n%s", lead)
	}
	coordination := e.waitMail("coordination", e2eDistrict, 1)
	body := coordination.text()
	if !strings.Contains(body, "phối hợp với Công ty Điện lực Hậu Giang, cơ quan chủ trì") || !strings.Contains(body, "/note") {
		t.Errorf("the co-agency's notice:\n%s", body)
	}
	for _, secret := range []string{"Trần Văn Bảy", "0912 777 888", "0912777888", e2eCitizen, "/ketqua", "/resolve", "/return"} {
		if strings.Contains(body, secret) {
			t.Errorf("the co-agency's notice holds %q:\n%s", secret, body)
		}
	}
	if n := len(e.mailsOf("assignment", e2eDistrict)); n != 0 {
		t.Errorf("the co-agency got %d assignments as a lead", n)
	}

	e.replyTo(coordination, e2eDistrict, next(), "/ghichu Xã đã cử cán bộ hỗ trợ cắt điện.\n", "")
	for _, to := range []string{e2eReceiver, e2eHandler} {
		if note := e.waitMail("note", to, 1).text(); !strings.Contains(note, "Xã đã cử cán bộ hỗ trợ cắt điện.") {
			t.Errorf("the co-agency's note to %s:\n%s", to, note)
		}
	}
	e.replyTo(coordination, e2eDistrict, next(), "/ketqua Đã xong.\n", "")
	if refused := e.waitMail("refused", e2eDistrict, 1).text(); !strings.Contains(refused, "không được chuyển đến cơ quan của Quý Ông/Bà") {
		t.Errorf("the co-agency's /resolve:\n%s", refused)
	}

	e.replyTo(e.waitMail("assignment", e2eHandler, 1), e2eHandler, next(), "/ketqua Đã dựng lại cột điện, phối hợp với xã.\n", "")
	e.replyTo(e.waitMail("review", e2eApprover, 1), e2eApprover, next(), "/duyet\n", "")
	result := strings.ReplaceAll(e.waitMail("result", e2eCitizen, 1).text(), "\r\n", "\n")
	if !strings.Contains(result, "Cơ quan xử lý: Công ty Điện lực Hậu Giang\nCơ quan phối hợp: Ủy ban nhân dân huyện Vị Thủy\n") {
		t.Errorf("the result notice does not name the co-agency:\n%s", result)
	}
	e.waitMail("approved", e2eHandler, 1)
	e.waitMail("approved", e2eDistrict, 1)

	var r store.Report
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(code)
		return nil
	})
	if r.Routing.Agency != "dien-luc" || strings.Join(r.CoAgencies, ",") != "ubnd-vi-thuy" {
		t.Errorf("report %s: lead %s, co-agencies %v", code, r.Routing.Agency, r.CoAgencies)
	}
}
