package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/store"
)

// The lifecycle tests' second agency and the Dept. of I&C.
const lifecycleExtra = `
[process]
escalation_address = "sotttt@haugiang.gov.vn"

[[operators]]
email = "xuly@vithuy.example.gov.vn"
name = "UBND huyện Vị Thủy"
role = "handler"
agency = "ubnd-vi-thuy"
`

const (
	e2eReceiver = "tiepnhan@example.gov.vn"
	e2eApprover = "pheduyet@example.gov.vn"
	e2eHandler  = "xuly@dienluc.example.gov.vn"
	e2eDistrict = "xuly@vithuy.example.gov.vn"
	e2eCitizen  = "an.nguyen@example.com"
)

// TestE2ELifecycle walks one report through its whole life by mail, through
// the IMAP server and the SMTP sink: acknowledged; accepted; a return
// without its legal basis refused (Art 8.1); returned by the power company; assigned to the district; resolved with a photo; sent
// back; resolved again with a photo; approved — the citizen's Appendix II
// notice has every heading and the photo, without its GPS position — and
// rated "hai long", which closes the report.
func TestE2ELifecycle(t *testing.T) {
	e := newEnv(t, envOptions{extra: lifecycleExtra})
	e.startDaemon()
	at := receivedAt
	next := func() time.Time { at = at.Add(20 * time.Minute); return at }

	code := e.reported(42, 1, at)
	triage := e.waitMail("triage", e2eReceiver, 1)
	if body := triage.text(); !strings.Contains(body, "/accept") || !strings.Contains(body, "Hạn tiếp nhận, chuyển xử lý") {
		t.Errorf("the triage notice has no deadline or cheat sheet:\n%s", body)
	}

	e.replyTo(triage, e2eReceiver, next(), "/tiepnhan\n", "")
	assignment := e.waitMail("assignment", e2eHandler, 1)
	e.waitMail("forwarded", e2eCitizen, 1)
	if c := e.waitMail("confirmation", e2eReceiver, 1).text(); !strings.Contains(c, "Tình trạng: đã chuyển cơ quan xử lý") {
		t.Errorf("the confirmation does not give the new state:\n%s", c)
	}

	// The assignment shows the three parts a return must hold (Art 8.1);
	// a return without its legal basis is refused, naming it.
	labels := "/return\r\nNguyên nhân: (vì sao không thuộc thẩm quyền)\r\nCăn cứ: (văn bản quy định thẩm quyền)\r\nĐề xuất: (cơ quan có thẩm quyền xử lý)"
	if body := assignment.text(); !strings.Contains(body, labels) {
		t.Errorf("the assignment does not show the labels of a return:\n%s", body)
	}
	e.replyTo(assignment, e2eHandler, at.Add(10*time.Minute), "/return Không thuộc thẩm quyền: đường dây hạ thế do xã quản lý.\nĐề xuất: UBND huyện Vị Thủy.\n", "")
	refused := e.waitMail("refused", e2eHandler, 1).text()
	if !strings.Contains(refused, "thiếu: Nguyên nhân, Căn cứ.") {
		t.Errorf("the refusal of an incomplete return does not name what it lacks:\n%s", refused)
	}
	e.replyTo(assignment, e2eHandler, next(), "/return Nguyên nhân: đường dây hạ thế do xã quản lý.\nCăn cứ: phân cấp quản lý lưới điện.\nĐề xuất: UBND huyện Vị Thủy.\n", "")
	returned := e.waitMail("returned", e2eReceiver, 1)
	e.replyTo(returned, e2eReceiver, next(), "/assign ubnd-vi-thuy\n", "")
	district := e.waitMail("assignment", e2eDistrict, 1)

	e.replyTo(district, e2eDistrict, next(), "/ketqua Đã kéo lại dây.\n", "lan-1.jpg")
	review := e.waitMail("review", e2eApprover, 1)
	if files := review.files(); len(files) != 1 {
		t.Errorf("the review carries %d files, want the result's photo", len(files))
	}
	e.replyTo(review, e2eApprover, next(), "/yeucausua Cần nêu thời gian hoàn thành.\n", "")
	sentBack := e.waitMail("sent-back", e2eDistrict, 1)
	// A greeting above /ketqua is no part of the result (SPEC 7.1): the
	// citizen's Appendix II notice below carries only what is under it.
	e.replyTo(sentBack, e2eDistrict, next(), "Kính gửi Trung tâm,\n\n/ketqua\nĐã kéo lại dây dẫn, cấp điện trở lại lúc 10:30 ngày 23/11/2026.\n", "hien-truong.jpg")
	review = e.waitMail("review", e2eApprover, 2)
	e.replyTo(review, e2eApprover, next(), "/duyet\n", "")

	result := e.waitMail("result", e2eCitizen, 1)
	checkResultNotice(t, result, code)
	if strings.Contains(result.text(), "Kính gửi Trung tâm") {
		t.Errorf("the handler's greeting went into the citizen's result notice:\n%s", result.text())
	}
	e.waitMail("approved", e2eDistrict, 1)

	e.replyTo(result, e2eCitizen, next(), "hai long\n\nCảm ơn.\n", "")
	e.waitMail("thanks", e2eCitizen, 1)

	db := e.openStore()
	var r store.Report
	var events []store.Event
	db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(code)
		events, _ = tx.Events(r.ID)
		return nil
	})
	if r.State != "closed" || r.Rating != "hai-long" || r.Routing.Agency != "ubnd-vi-thuy" {
		t.Errorf("report %s: %s, rating %q, agency %s", code, r.State, r.Rating, r.Routing.Agency)
	}
	var log []string
	for _, ev := range events {
		log = append(log, ev.Command+" "+ev.To)
	}
	want := "ingest received,/accept forwarded,/return returned,/assign forwarded,/resolve resolved,/sendback forwarded,/resolve resolved,/approve published,rate closed"
	if strings.Join(log, ",") != want {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(log, ","), want)
	}
	// checkCommonHeaders wants the text and HTML alternatives at the top;
	// a mail with files wraps them in multipart/mixed: check they are
	// inside, then the rest.
	for _, r := range e.sink.Messages() {
		m := sentMail{t, r.Data}.msg()
		if strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/mixed") {
			if !bytes.Contains(r.Data, []byte("Content-Type: multipart/alternative")) {
				t.Errorf("%s: files without text and HTML alternatives", r.MessageID)
			}
			m.Header["Content-Type"] = []string{"multipart/alternative"}
		}
		checkCommonHeaders(t, m)
	}
}

// checkResultNotice checks the Appendix II notice: SPEC 8.3's headings in
// its order, the rating instructions, and the result's photo attached
// without its location.
func checkResultNotice(t *testing.T, m sentMail, code string) {
	t.Helper()
	body := strings.ReplaceAll(m.text(), "\r\n", "\n")
	pos := 0
	for _, h := range []string{"Mã phản ánh: " + code, "Thời gian gửi phản ánh: 08:15 ngày 23/11/2026", "Người phản ánh: Người dân 42",
		"Nội dung phản ánh: Khu vực ấp 42", "Địa điểm:", "Lĩnh vực: Điện", "Hạn xử lý:", "Kính gửi: Quý Ông/Bà Người dân 42",
		"Về nội dung phản ánh nêu trên, Ủy ban nhân dân huyện Vị Thủy báo cáo kết quả xử lý như sau:",
		"Kết quả xử lý:\nĐã kéo lại dây dẫn, cấp điện trở lại lúc 10:30", "Cơ quan xử lý: Ủy ban nhân dân huyện Vị Thủy",
		"Thời gian hoàn thành xử lý: 10:15 ngày 23/11/2026", "Văn bản, hình ảnh kèm theo: 1 tệp", "hien-truong.jpg",
		"cảm ơn Quý Ông/Bà đã phản ánh", "Trân trọng./.", "Đánh giá:", "1 – Rất hài lòng", "2 – Hài lòng", "3 – Không hài lòng"} {
		i := strings.Index(body[pos:], h)
		if i < 0 {
			t.Errorf("the result notice lacks %q after position %d:\n%s", h, pos, body)
			continue
		}
		pos += i + len(h)
	}
	files := m.files()
	photo, ok := files["hien-truong.jpg"]
	if len(files) != 1 || !ok {
		t.Fatalf("the result notice carries %v, want hien-truong.jpg alone", keys(files))
	}
	original, _ := os.ReadFile("testdata/gps.jpg")
	if !bytes.HasPrefix(photo, []byte{0xFF, 0xD8}) || bytes.Contains(photo, []byte("Exif")) || len(photo) >= len(original) {
		t.Errorf("the photo was sent with its EXIF (GPS) data: %d bytes, %d originally", len(photo), len(original))
	}
}

// sentMail is a mail the sink accepted.
type sentMail struct {
	t   testing.TB
	raw []byte
}

func (s sentMail) msg() *mail.Message {
	m, err := mail.ReadMessage(bytes.NewReader(s.raw))
	if err != nil {
		s.t.Fatalf("sent mail does not parse: %v", err)
	}
	return m
}

func (s sentMail) header(name string) string { return s.msg().Header.Get(name) }

// text is the mail's plain-text alternative, decoded.
func (s sentMail) text() string { return decodedBody(s.t, s.msg()) }

// files returns the mail's attachments by file name.
func (s sentMail) files() map[string][]byte {
	r, err := gomessage.CreateReader(bytes.NewReader(s.raw))
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string][]byte{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			s.t.Fatal(err)
		}
		if h, ok := p.Header.(*gomessage.AttachmentHeader); ok {
			name, _ := h.Filename()
			out[name], _ = io.ReadAll(p.Body)
		}
	}
}

// code is the report code in the mail's subject.
func (s sentMail) code() string {
	subject, _ := new(mime.WordDecoder).DecodeHeader(s.header("Subject"))
	match := tagged.FindString(subject)
	if match == "" {
		s.t.Fatalf("no report code in %q", subject)
	}
	return strings.Trim(match, "[] ")
}

// waitMail waits for the nth mail of a kind to an address and returns it.
// Our Message-IDs name their kind: <PA-YYYY-NNNNNN.kind.random@domain>.
func (e *env) waitMail(kind, to string, n int) sentMail {
	e.t.Helper()
	var found sentMail
	eventually(e.t, 30*time.Second, fmt.Sprintf("mail %d of kind %s to %s", n, kind, to), func() bool {
		ms := e.mailsOf(kind, to)
		if len(ms) < n {
			return false
		}
		found = ms[n-1]
		return true
	})
	return found
}

// mailsOf returns the mails of a kind to an address the sink accepted.
func (e *env) mailsOf(kind, to string) []sentMail {
	var out []sentMail
	for _, r := range e.sink.Messages() {
		if strings.Contains(r.MessageID, "."+kind+".") && slices.ContainsFunc(r.To, func(a string) bool { return strings.EqualFold(a, to) }) {
			out = append(out, sentMail{e.t, r.Data})
		}
	}
	return out
}

// replyTo delivers from's reply to a mail — to its Reply-To address, in
// its thread — received at at, with the test photo attached when photo
// names it.
func (e *env) replyTo(m sentMail, from string, at time.Time, text, photo string, headers ...string) {
	e.t.Helper()
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
	e.deliver(at, threadReply(from, m.header("Reply-To"), "Re: "+subject, m.header("Message-ID"), text, photo, headers...))
}

var replies atomic.Int64

// threadReply is a reply in the thread of the message inReplyTo, with the
// photos that photo names, separated by "|" (a name may hold spaces): an
// iPhone's HEIC photo for a name ending in .heic, else a JPEG.
func threadReply(from, to, subject, inReplyTo, text, photo string, headers ...string) string {
	var b strings.Builder
	n := replies.Add(1)
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <reply-%d@example.net>\r\nDate: %s\r\n",
		from, to, mime.QEncoding.Encode("utf-8", subject), n, sentAt(n))
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: %s\r\nReferences: %s\r\n", inReplyTo, inReplyTo)
	}
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	plain := "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + strings.ReplaceAll(text, "\n", "\r\n")
	if photo == "" {
		b.WriteString(plain)
		return b.String()
	}
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"P\"\r\n\r\n--P\r\n%s\r\n", plain)
	for _, name := range strings.Split(photo, "|") {
		file, typ := "testdata/gps.jpg", "image/jpeg"
		switch ext := strings.ToLower(filepath.Ext(name)); ext {
		case ".heic":
			file, typ = "testdata/iphone.heic", "image/heic"
		case ".pdf":
			file, typ = "", "application/pdf"
		}
		data := []byte(authoredPDF)
		if file != "" {
			var err error
			if data, err = os.ReadFile(file); err != nil {
				panic(err)
			}
		}
		fmt.Fprintf(&b, "--P\r\nContent-Type: %s; name=%q\r\nContent-Disposition: attachment; filename=%q\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n",
			typ, name, name, base64.StdEncoding.EncodeToString(data))
	}
	b.WriteString("--P--\r\n")
	return b.String()
}

// authoredPDF is the PDF threadReply attaches for a name ending in .pdf:
// its properties name its author, as Word's export does.
const authoredPDF = "%PDF-1.4\n1 0 obj << /Author (Tran Thi Binh) /Creator (Microsoft Word) >> endobj\ntrailer << /Info 1 0 R >>\n%%EOF\n"

// sentAt is the Date of the nth mail a test writes: a client writes its
// own, to the second, on every mail it sends.
func sentAt(n int64) string {
	return time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("", 7*3600)).Add(time.Duration(n) * time.Second).Format(time.RFC1123Z)
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
