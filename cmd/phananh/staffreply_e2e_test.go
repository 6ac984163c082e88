package main

import (
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"
)

// outlookReply is an operator's reply as Outlook for Windows writes it, in
// the shape of the corpus's talon/standard_replies/outlook.eml: a
// multipart/alternative whose plain part holds the new text on top, then
// the answered mail under an unquoted "From: … [mailto:…] / Sent: / To: /
// Subject:" block; the HTML part is Word's.
func outlookReply(m sentMail, from string, n int, text string) string {
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
	irt := m.header("Message-ID")
	history := strings.ReplaceAll(m.text(), "\r\n", "\n")
	plain := text + "\n\nFrom: phananh@haugiang.gov.vn [mailto:phananh@haugiang.gov.vn]\nSent: Monday, November 23, 2026 8:30 AM\nTo: " +
		from + "\nSubject: " + subject + "\n\n" + history
	var html strings.Builder
	html.WriteString("<html><head><meta name=Generator content=\"Microsoft Word 15 (filtered medium)\"><style>p.MsoNormal{margin:0cm;font-size:11.0pt}</style></head><body lang=VI><div class=WordSection1>")
	for _, l := range strings.Split(text, "\n") {
		if l == "" {
			l = "<o:p>&nbsp;</o:p>"
		}
		html.WriteString("<p class=MsoNormal>" + l + "<o:p></o:p></p>\r\n")
	}
	html.WriteString("<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>From:</b> phananh@haugiang.gov.vn<br><b>Sent:</b> Monday, November 23, 2026 8:30 AM<br><b>To:</b> " +
		from + "<br><b>Subject:</b> " + subject + "<o:p></o:p></p></div>")
	for _, l := range strings.Split(history, "\n") {
		html.WriteString("<p class=MsoNormal>" + l + "<o:p></o:p></p>\r\n")
	}
	html.WriteString("</div></body></html>")
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <00%04d01db5d1a$5c8e6f20$15ab4d60$@example.gov.vn>\r\n",
		from, m.header("Reply-To"), mime.QEncoding.Encode("utf-8", "RE: "+subject), sentAt(int64(n)+1000), n)
	fmt.Fprintf(&b, "In-Reply-To: %s\r\nReferences: %s\r\nMIME-Version: 1.0\r\nX-Mailer: Microsoft Outlook 16.0\r\nThread-Index: AdtdGlyOb5Kx3bJkTQ2nZfQ5b1n8Aw==\r\nContent-Language: vi\r\n", irt, irt)
	b.WriteString("Content-Type: multipart/alternative;\r\n\tboundary=\"----=_NextPart_000_0007_01DB5D55.08F0B7A0\"\r\n\r\nThis is a multipart message in MIME format.\r\n\r\n")
	b.WriteString("------=_NextPart_000_0007_01DB5D55.08F0B7A0\r\nContent-Type: text/plain;\r\n\tcharset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(plain, "\n", "\r\n"))
	b.WriteString("\r\n\r\n------=_NextPart_000_0007_01DB5D55.08F0B7A0\r\nContent-Type: text/html;\r\n\tcharset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(html.String() + "\r\n\r\n------=_NextPart_000_0007_01DB5D55.08F0B7A0--\r\n")
	return b.String()
}

// TestE2EStaffNameAgenciesAsTheyWrite: receivers name agencies and units
// the way Vietnamese administrative mail writes them — "UBND" for Ủy ban
// nhân dân, "TP." for thành phố, "Sở GTVT" — and the command acts on the
// one entry the name means; the confirmation names the commands by the
// Vietnamese names the receiver used.
func TestE2EStaffNameAgenciesAsTheyWrite(t *testing.T) {
	e := newEnv(t, envOptions{extra: lifecycleExtra})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, citizenReport(61, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	e.deliver(at.Add(10*time.Minute), outlookReply(triage, e2eReceiver, 1,
		"Dạ,\n/chuyen UBND huyện Vị Thủy\n/ghichu Đã gọi điện xác minh với người dân.\n\nTrân trọng!\nBộ phận tiếp nhận"))
	answer := e.waitAnswer(e2eReceiver, 1)
	if c := answer.text(); !strings.Contains(c, "Cơ quan xử lý: Ủy ban nhân dân huyện Vị Thủy (ubnd-vi-thuy)") {
		t.Errorf("the confirmation:\n%s", c)
	}
	// The first line names the commands as the receiver wrote them.
	if first := answer.firstLine(); first != "ĐÃ THỰC HIỆN LỆNH: /chuyen, /ghichu" {
		t.Errorf("the confirmation's first line: %q", first)
	}
	e.waitMail("assignment", e2eDistrict, 1)
}

// waitAnswer waits for the nth answer to an operator's command mail — a
// confirmation or a refusal — and fails the test with the refusal's text
// when it is one.
func (e *env) waitAnswer(to string, n int) sentMail {
	e.t.Helper()
	var answer sentMail
	eventually(e.t, 30*time.Second, "an answer to the command mail", func() bool {
		done, refused := e.mailsOf("confirmation", to), e.mailsOf("refused", to)
		if len(done)+len(refused) < n {
			return false
		}
		if len(refused) > 0 {
			e.t.Fatalf("the command mail was refused:\n%s", refused[0].text())
		}
		answer = done[n-1]
		return true
	})
	return answer
}

// TestE2EStaffNameFormerUnits: with the 2025 table, a receiver who reads
// "xã Hỏa Tiến" in the citizen's mail and answers /diaban with that old
// name sets the unit it became, as routing does; "UBND xã Hỏa Lựu" names
// its People's Committee.
func TestE2EStaffNameFormerUnits(t *testing.T) {
	e := start2025(t, "")
	at := receivedAt
	e.deliver(at, citizenMail("Trần Văn Hùng <hung.tran@gmail.com>", "hoa-tien@gmail.com", "Cây ngã đè dây điện",
		"Kính gửi Trung tâm,\nCây ngã đè dây điện ở ấp 3 xã Hỏa Tiến, sáng nay chưa ai xử lý.\nSĐT 0913 222 111\n"))
	triage := e.waitMail("triage", e2eReceiver, 1)
	e.deliver(at.Add(10*time.Minute), outlookReply(triage, e2eReceiver, 1, "/diaban Hỏa Tiến\n/chuyen UBND xã Hỏa Lựu"))
	c := e.waitAnswer(e2eReceiver, 1).text()
	for _, want := range []string{"Địa bàn: xã Hỏa Lựu", "Cơ quan xử lý: Ủy ban nhân dân xã Hỏa Lựu (ubnd-xa-hoa-luu)"} {
		if !strings.Contains(c, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, c)
		}
	}
	e.waitMail("assignment", "ubndxahoaluu@cantho.gov.vn", 1)
}

// TestE2EStaffToldTheCitizenReadsEnglish: a citizen who wrote in English
// gets their mail in English, and what staff write for them — the reason
// of a rejection, the result — goes into it word for word; every notice
// that asks staff for such words says so: the triage notice to the
// receiver, the assignment to the handler and the review to the approver.
func TestE2EStaffToldTheCitizenReadsEnglish(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	const sarah = "sarah.jones@icloud.com"
	e.deliver(at, citizenMail("Sarah Jones <"+sarah+">", "english@icloud.com", "Power cut in Vi Dong commune",
		"Hi,\n\nThere has been a power outage (mat dien) in hamlet 3, Vi Dong commune, Vi Thuy district since 6am. Please send someone to fix it.\n\nThanks,\nSarah\n+84 912 888 777\n\nSent from my iPhone\n"))
	code := e.waitMail("ack", sarah, 1).code()
	const told = "nên viết bằng tiếng Anh"
	if text := e.waitMail("triage", e2eReceiver, 1).text(); !strings.Contains(text, told) {
		t.Errorf("the triage notice does not tell the receiver to write the reason in English:\n%s", text)
	}
	e.walk(code, sarah, &at, "Đã thay dây dẫn.", "", false)
	for kind, to := range map[string]string{"assignment": e2eHandler, "review": e2eApprover} {
		if text := e.mailAbout(kind, to, code).text(); !strings.Contains(text, told) {
			t.Errorf("the %s does not say the citizen reads English:\n%s", kind, text)
		}
	}
}

// TestE2EReportPeriodsInVietnamese: an approver's cheat sheet and the
// refusal of a /baocao without its period name the periods by the
// Vietnamese words the command takes (thang, quy, 6thang, nam), not
// English ones.
func TestE2EReportPeriodsInVietnamese(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	code := e.reported(72, 1, at)
	e.walk(code, e2eCitizen, &at, "Đã sửa.", "", false)
	review := e.mailAbout("review", e2eApprover, code)
	e.replyTo(review, e2eApprover, at.Add(time.Minute), "/baocao\n", "")
	refusal := e.waitMail("refused", e2eApprover, 1).text()
	for name, text := range map[string]string{"the review's cheat sheet": review.text(), "the refusal": refusal} {
		if !strings.Contains(text, "thang, quy, 6thang") || strings.Contains(text, "monthly") {
			t.Errorf("%s does not name the periods in Vietnamese:\n%s", name, text)
		}
	}
}

// TestE2EResultWithoutTheHandlersSignature: a handler answers from Outlook
// with the signature a district office writes — a closing, then name,
// title, office, address, telephone, email and website, or the official
// "TM. … / KT. …" sign-off — and none of it goes into the result that the
// citizen's Appendix II notice carries.
func TestE2EResultWithoutTheHandlersSignature(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	signatures := []string{
		"Trân trọng,\nNguyễn Văn Bình\nChuyên viên Phòng Kinh tế và Hạ tầng\nCông ty Điện lực Hậu Giang\nĐịa chỉ: Quốc lộ 61, thị trấn Nàng Mau, huyện Vị Thủy\n" +
			"ĐT: 0293.3870.123 – Fax: 0293.3870.456\nEmail: kythuat@dienluc.example.gov.vn\nWebsite: dienluc.example.gov.vn",
		"Thanks & Best Regards!\n\nNguyễn Văn Bình",
		"TM. CÔNG TY ĐIỆN LỰC\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nNguyễn Văn Bình",
	}
	for i, sig := range signatures {
		code, assignment := e.forwarded(90+i, i+1, at)
		e.deliver(at.Add(20*time.Minute), outlookReply(assignment, e2eHandler, 10+i,
			"Kính gửi Trung tâm,\n\n/ketqua Đã thay dây dẫn bị đứt, cấp điện trở lại lúc 10 giờ 30.\n\n"+sig))
		e.replyTo(e.mailAbout("review", e2eApprover, code), e2eApprover, at.Add(30*time.Minute), "/duyet\n", "")
		text := strings.ReplaceAll(e.mailAbout("result", e2eCitizen, code).text(), "\r\n", "\n")
		if !strings.Contains(text, "Kết quả xử lý:\nĐã thay dây dẫn bị đứt, cấp điện trở lại lúc 10 giờ 30.\n\nCơ quan xử lý:") {
			t.Errorf("signature %d went into the result notice:\n%s", i+1, text)
		}
	}
}

// TestE2ERefusalsNameStatesAndRoles: a refusal tells staff the report's
// state and who may use the command in Vietnamese, without the states' and
// roles' English codes, and in the register of the other notices.
func TestE2ERefusalsNameStatesAndRoles(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	code, assignment := e.forwarded(95, 1, at)
	e.replyTo(assignment, e2eHandler, at.Add(20*time.Minute), "/duyet\n", "")
	refused := e.waitMail("refused", e2eHandler, 1).text()
	e.replyTo(e.mailAbout("triage", e2eReceiver, code), e2eReceiver, at.Add(30*time.Minute), "/tuchoi Trùng phản ánh cũ.\n", "")
	refused += e.waitMail("refused", e2eReceiver, 1).text()
	for _, code := range []string{"(approver)", "(handler)", "(received)", "(forwarded)", "bạn"} {
		if strings.Contains(refused, code) {
			t.Errorf("a refusal holds %q:\n%s", code, refused)
		}
	}
	if !strings.Contains(refused, "người duyệt") || !strings.Contains(refused, "đã chuyển cơ quan xử lý") {
		t.Errorf("the refusals do not say who may use the command and the report's state:\n%s", refused)
	}
}

// TestE2ECommandsWrittenInSyllables: Vietnamese is written in syllables,
// and staff type the commands' Vietnamese names so — "/tiếp nhận", "/kết
// quả …", "/duyệt" — as naturally as the cheat sheet's "/tiepnhan".
func TestE2ECommandsWrittenInSyllables(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	code := e.reported(97, 1, at)
	e.replyTo(e.mailAbout("triage", e2eReceiver, code), e2eReceiver, at.Add(10*time.Minute), "/Tiếp nhận\n/ghi chú Đã gọi điện xác minh.\n", "")
	if first := e.waitAnswer(e2eReceiver, 1).firstLine(); first != "ĐÃ THỰC HIỆN LỆNH: /tiếp nhận, /ghi chú" {
		t.Errorf("the confirmation's first line: %q", first)
	}
	e.replyTo(e.mailAbout("assignment", e2eHandler, code), e2eHandler, at.Add(20*time.Minute), "/kết quả Đã thay dây dẫn.\n", "")
	e.waitAnswer(e2eHandler, 1)
	e.replyTo(e.mailAbout("review", e2eApprover, code), e2eApprover, at.Add(30*time.Minute), "/duyệt\n", "")
	e.mailAbout("result", e2eCitizen, code)
}

// TestE2ECallsLeftBeforeRejection: a receiver who records failed
// verification calls is told, with each, how many the regulation allows
// before the report is rejected and the citizen told (Art 7.1), so that
// the last /goikhongduoc is sent knowingly.
func TestE2ECallsLeftBeforeRejection(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	code := e.reported(98, 1, at)
	triage := e.mailAbout("triage", e2eReceiver, code)
	for i := 1; i <= 3; i++ {
		e.replyTo(triage, e2eReceiver, at.Add(time.Duration(i)*10*time.Minute), "/goikhongduoc\n", "")
		e.waitAnswer(e2eReceiver, i)
	}
	if text := e.waitAnswer(e2eReceiver, 3).text(); !strings.Contains(text, "Số lần gọi xác minh không được: 3/4") ||
		!strings.Contains(text, "lần thứ 4") {
		t.Errorf("the third confirmation does not say the next failed call rejects the report:\n%s", text)
	}
}
