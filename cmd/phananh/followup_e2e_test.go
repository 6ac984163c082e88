package main

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestE2EForgedFollowUpAsksConfidentiality: a new mail with only the
// report's tag in its subject and the citizen's address forged in its From
// asks to keep the citizen's identity secret. A follow-up is an unverified
// note (SPEC 4.2): the report stays as it was — not confidential, its
// result still to be published — and a person decides. The handler holding
// the report reads the request, told that the Center decides; the receiver
// reads it with the command that grants it, and a receiver's /baomat in
// reply to that note makes the report confidential.
func TestE2EForgedFollowUpAsksConfidentiality(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	citizen := "Nguyễn Văn An <" + e2eCitizen + ">"
	e.deliver(receivedAt, threadReply(citizen, "phananh@haugiang.gov.vn", "Mất điện kéo dài", "",
		"Khu vực ấp 3, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng.\nTôi là Nguyễn Văn An, số điện thoại 0912 345 678.\n", ""))
	triage := e.waitMail("triage", e2eReceiver, 1)
	code := triage.code()
	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	e.waitMail("assignment", e2eHandler, 1)
	e.waitMail("forwarded", e2eCitizen, 1)

	e.deliver(receivedAt.Add(30*time.Minute), threadReply(citizen, "phananh@haugiang.gov.vn", "["+code+"]", "",
		"Tôi xin giấu tên, đề nghị không công khai kết quả.\n", ""))
	toHandler := e.waitMail("citizen-note", e2eHandler, 1)
	toReceiver := e.waitMail("citizen-note", e2eReceiver, 1)
	e.waitMail("follow-up", e2eCitizen, 1)

	db := e.openStore()
	read := func() (r store.Report, events []store.Event) {
		db.Read(context.Background(), func(tx *store.Tx) error {
			r, _ = tx.Report(code)
			events, _ = tx.Events(r.ID)
			return nil
		})
		return r, events
	}
	r, events := read()
	if r.Confidential {
		t.Errorf("a forged follow-up made the report confidential")
	}
	if slices.ContainsFunc(events, func(ev store.Event) bool { return strings.Contains(ev.Detail["changed"], "confidential") }) {
		t.Errorf("an event records a change of confidentiality: %+v", events)
	}
	text := toReceiver.text()
	if title, _, _ := strings.Cut(text, "\n"); strings.TrimSpace(title) != "ĐỀ NGHỊ GIỮ BÍ MẬT DANH TÍNH – CHƯA XÁC THỰC NGƯỜI GỬI" {
		t.Errorf("the receiver's note is not titled as an unverified request: %q", title)
	}
	for _, s := range []string{"chưa được xác thực", "chưa được giữ bí mật", "/confidential", "/baomat", "xin giấu tên"} {
		if !strings.Contains(text, s) {
			t.Errorf("the receiver's note lacks %q:\n%s", s, text)
		}
	}
	if strings.Contains(text, "không thể thu hồi") || strings.Contains(text, "từ nay phản ánh được giữ bí mật") {
		t.Errorf("the receiver's note says the report became confidential:\n%s", text)
	}
	handlerText := toHandler.text()
	for _, s := range []string{"chưa được xác thực", "chưa được giữ bí mật", "Trung tâm", "xin giấu tên"} {
		if !strings.Contains(handlerText, s) {
			t.Errorf("the handler's note lacks %q:\n%s", s, handlerText)
		}
	}

	e.replyTo(toReceiver, e2eReceiver, receivedAt.Add(50*time.Minute), "/baomat\n", "")
	eventually(t, 30*time.Second, "the receiver's /baomat applied", func() bool { r, _ := read(); return r.Confidential })
	_, events = read()
	last := events[len(events)-1]
	if last.Command != "/confidential" || last.Actor != e2eReceiver {
		t.Errorf("the report was made confidential by %s (%s), want the receiver's /confidential", last.Actor, last.Command)
	}
}

// TestE2EFollowUpConfidentialityFromTheCitizen: a follow-up asking for
// confidentiality that our border authenticated as the citizen's (DMARC
// pass for the From domain) makes the report confidential at once (SPEC
// 3). One without authentication does not, and its answer, sent to the
// report's address, tells the citizen so; the citizen's reply to that
// answer, which carries their reply token, makes it confidential.
func TestE2EFollowUpConfidentialityFromTheCitizen(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	citizen := "Nguyễn Văn An <" + e2eCitizen + ">"
	const border = "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"
	e.deliver(receivedAt, citizenReport(1, e2eCitizen), citizenReport(2, e2eCitizen))
	first, second := e.waitMail("ack", e2eCitizen, 1).code(), e.waitMail("ack", e2eCitizen, 2).code()
	db := e.openStore()
	confidential := func(code string) bool {
		var r store.Report
		db.Read(context.Background(), func(tx *store.Tx) error { r, _ = tx.Report(code); return nil })
		return r.Confidential
	}

	e.deliver(receivedAt.Add(10*time.Minute),
		threadReply(citizen, "phananh@haugiang.gov.vn", "["+first+"]", "", "Đề nghị giữ bí mật danh tính của tôi.\n", "", border))
	eventually(t, 30*time.Second, "the authenticated request applied", func() bool { return confidential(first) })

	e.deliver(receivedAt.Add(20*time.Minute),
		threadReply(citizen, "phananh@haugiang.gov.vn", "["+second+"]", "", "Đề nghị giữ bí mật danh tính của tôi.\n", ""))
	e.waitMail("follow-up", e2eCitizen, 2)
	answers := e.mailsOf("follow-up", e2eCitizen)
	if confidential(second) {
		t.Fatal("a follow-up without authentication made the report confidential")
	}
	i := slices.IndexFunc(answers, func(m sentMail) bool { return strings.Contains(m.text(), "chưa được thực hiện ngay") })
	if i < 0 || answers[i].code() != second || !strings.Contains(answers[i].text(), "trả lời ngay thư này") {
		t.Fatalf("no answer tells the citizen how to confirm the request:\n%s\n%s", answers[0].text(), answers[1].text())
	}
	answer := answers[i]
	e.replyTo(answer, citizen, receivedAt.Add(30*time.Minute), "Tôi là người phản ánh, đề nghị giữ bí mật danh tính của tôi.\n", "")
	eventually(t, 30*time.Second, "the citizen's reply applied", func() bool { return confidential(second) })
}

// TestE2EReplyByReferenceAsksConfidentiality: a reply from the citizen's
// address to our mail's Message-ID but not to the reply address it gave —
// what anyone who saw a copy of our mail can write — asks for
// confidentiality. It is the citizen's note (SPEC 7.4), but without our
// border's authentication its request leaves the report as it is: the
// receivers read it with the command that grants it.
func TestE2EReplyByReferenceAsksConfidentiality(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(1, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	code := triage.code()
	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	forwarded := e.waitMail("forwarded", e2eCitizen, 1)

	e.deliver(receivedAt.Add(30*time.Minute), threadReply(e2eCitizen, "phananh@haugiang.gov.vn", "Re: ["+code+"]",
		forwarded.header("Message-ID"), "Tôi xin giấu tên.\n", ""))
	text := e.waitMail("citizen-note", e2eReceiver, 1).text()
	db := e.openStore()
	var r store.Report
	db.Read(context.Background(), func(tx *store.Tx) error { r, _ = tx.Report(code); return nil })
	if r.Confidential {
		t.Errorf("a reply by reference without authentication made the report confidential")
	}
	for _, s := range []string{"chưa được xác thực", "/confidential", "/baomat", "xin giấu tên"} {
		if !strings.Contains(text, s) {
			t.Errorf("the receiver's note lacks %q:\n%s", s, text)
		}
	}
}

// TestE2EFollowUpFromAThirdPerson: a follow-up from another address than
// the report's — a neighbour, or anyone who writes the code — reaches the
// agency holding a report that is not confidential with the contact
// details its text gives (the sender's name, phone, email and street
// address, in a signature) masked, and a line saying so: SPEC lets the
// agency see the citizen of such a report, not an unverified third
// person, whose details only the Center reads. What the text reports
// stays, and so does the citizen the agency may see.
func TestE2EFollowUpFromAThirdPerson(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	citizen := "Nguyễn Văn An <" + e2eCitizen + ">"
	e.deliver(receivedAt, threadReply(citizen, "phananh@haugiang.gov.vn", "Mất điện kéo dài", "",
		"Khu vực ấp 3, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng.\nTôi là Nguyễn Văn An, số điện thoại 0912 345 678.\n", ""))
	triage := e.waitMail("triage", e2eReceiver, 1)
	code := triage.code()
	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	e.waitMail("assignment", e2eHandler, 1)

	e.deliver(receivedAt.Add(30*time.Minute), threadReply("Trần Thị Bình <binh.tran@example.net>", "phananh@haugiang.gov.vn", "["+code+"]", "",
		"Ấp 3 vẫn mất điện, dây điện đứt nằm dưới đất gần trạm biến áp.\n\n"+
			"Trần Thị Bình\nĐT: 0987 654 321\nĐịa chỉ: 12 Nguyễn Trãi, phường 1, Vị Thanh\nbinh.tran@example.net\n", ""))
	text := e.waitMail("citizen-note", e2eHandler, 1).text()
	e.waitMail("follow-up", "binh.tran@example.net", 1)
	for _, leak := range []string{"Trần Thị Bình", "0987", "654 321", "12 Nguyễn Trãi", "binh.tran@"} {
		if strings.Contains(text, leak) {
			t.Errorf("the agency reads the unverified sender's %q:\n%s", leak, text)
		}
	}
	for _, want := range []string{"dây điện đứt nằm dưới đất gần trạm biến áp", "[đã che]",
		"đã được che ([đã che]) vì người gửi không phải người phản ánh", "Trung tâm có nguyên văn thư", "Nguyễn Văn An"} {
		if !strings.Contains(text, want) {
			t.Errorf("the agency's note lacks %q:\n%s", want, text)
		}
	}
}

// TestE2EFollowUpFromAThirdPersonNamesFilesNeutrally: the files of a
// third person's follow-up on a report that is not confidential reach the
// agency as a confidential report's do: the photos under neutral names
// ("tep-1.jpg"), since a file's name can be its sender's name or phone,
// and the documents, whose properties name their author, not at all:
// listed as kept at the Center. The Center keeps the names sent.
func TestE2EFollowUpFromAThirdPersonNamesFilesNeutrally(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, threadReply("Nguyễn Văn An <"+e2eCitizen+">", "phananh@haugiang.gov.vn", "Mất điện kéo dài", "",
		"Khu vực ấp 3, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng.\nTôi là Nguyễn Văn An, số điện thoại 0912 345 678.\n", ""))
	triage := e.waitMail("triage", e2eReceiver, 1)
	code := triage.code()
	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	e.waitMail("assignment", e2eHandler, 1)

	const named = "Tran-Thi-Binh-0987654321.jpg"
	e.deliver(receivedAt.Add(30*time.Minute), threadReply("Trần Thị Bình <binh.tran@example.net>", "phananh@haugiang.gov.vn", "["+code+"]", "",
		"Ấp 3 vẫn mất điện, dây điện đứt nằm dưới đất gần trạm biến áp.\n", named+"|Tran-Thi-Binh-bien-ban.pdf"))
	agency := e.waitMail("citizen-note", e2eHandler, 1)
	files := agency.files()
	if _, ok := files["tep-1.jpg"]; !ok || len(files) != 1 {
		t.Errorf("the agency's note carries %v, want tep-1.jpg alone", slices.Collect(maps.Keys(files)))
	}
	if !strings.Contains(agency.text(), "tệp đính kèm được đặt lại tên") {
		t.Errorf("the agency's note does not say its files were renamed:\n%s", agency.text())
	}
	if !regexp.MustCompile(`tep-2\.pdf[^\n]*lưu tại Trung tâm`).MatchString(agency.text()) {
		t.Errorf("the agency's note does not say that tep-2.pdf stays at the Center:\n%s", agency.text())
	}
	for _, leak := range []string{"Tran-Thi-Binh", "0987654321", "Tran Thi Binh"} {
		if strings.Contains(agency.readable(), leak) {
			t.Errorf("the agency reads the file's name %q:\n%s", leak, agency.readable())
		}
	}
	var kept []store.Attachment
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err == nil {
			kept, err = tx.Attachments(r.ID, "")
		}
		return err
	})
	if !slices.ContainsFunc(kept, func(a store.Attachment) bool { return a.Name == named }) {
		t.Errorf("the Center does not keep the file's name %s: %v", named, kept)
	}
}
