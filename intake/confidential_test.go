package intake

import (
	"encoding/json"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// identity is what a confidential citizen wrote of themselves in the tests
// below: none of it may reach the agency (SPEC 10.2).
var identity = []string{"Nguyễn Văn An", "Nguyen Van An", "Văn An", "0912", "345 678", "an.nguyen", "gmail",
	"12 Trần Hưng Đạo", "Trần Hưng Đạo", "0987"}

// TestConfidentialIdentityNeverReachesTheAgency walks a confidential report
// whose photo is named after the citizen, and whose citizen writes later
// with their name, street address, phone numbers and email: the agency's
// handlers get the files renamed by position and every text masked, the
// Center still sees everything, and what the citizen reports still reads.
func TestConfidentialIdentityNeverReachesTheAgency(t *testing.T) {
	w := newWalker(t)
	w.confidential("conf@mail.gmail.com", photoPart(t, "P", "Nguyễn Văn An 0912345678.jpg"))
	mark := 0
	w.sentSince(&mark)
	w.command(receiver, "/accept", "forwarded")
	agency := w.sentSince(&mark)
	checkAgencyMail(t, w, "the assignment", agency)

	// The citizen writes again, before the result, with a photo of their
	// papers; then after it.
	reply := "--Q\nContent-Type: text/plain; charset=UTF-8\n\n" +
		"Tôi là Nguyễn Văn An, nhà ở 12 Trần Hưng Đạo, phường 1, số 0912 345 678, email an.nguyen@gmail.com.\n" +
		"Điện vẫn chưa có lại, hàng xóm Lê Thị Bình (0987 654 321) cũng báo như vậy.\n\nTrân trọng,\nNguyễn Văn An\n" +
		photoPart(t, "Q", "CMND Nguyen Van An.jpg") + "--Q--\n"
	w.reply(citizen, reply, "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="Q"`)
	notes := w.sentSince(&mark)
	checkAgencyMail(t, w, "the citizen's note", notes)
	w.command(handler, "/resolve Đã thay dây dẫn.", "resolved")
	w.command(approver, "/approve", "published")
	w.sentSince(&mark)
	w.reply(citizen, "Vẫn mất điện. Gọi tôi: 0912.345.678 hoặc an.nguyen@gmail.com, nhà số 12 Trần Hưng Đạo.\n")
	checkAgencyMail(t, w, "the citizen's question", w.sentSince(&mark))

	// What the citizen reports still reaches the agency, and the Center
	// still sees who wrote.
	var text string
	for _, r := range w.renderAll()["citizen-note"] {
		text += r.Text
	}
	if !strings.Contains(text, "Điện vẫn chưa có lại") || !strings.Contains(text, "tep-1.jpg") {
		t.Errorf("the note to the agency lost what was reported:\n%s", text)
	}
	for _, m := range w.mails(t, w.code) {
		if m.Kind == "confirmation" && m.To == receiver && !strings.Contains(string(m.Data), "Nguyễn Văn An") {
			t.Error("the Center's confirmation hides the citizen from the Center")
		}
	}
}

// confidential sends the citizen's report asking for confidentiality, with
// more MIME parts of the boundary "P" after its text, and checks that it
// is confidential.
func (w *walker) confidential(messageID string, parts ...string) {
	w.t.Helper()
	body := "--P\nContent-Type: text/plain; charset=UTF-8\n\n" + outage + "\nĐề nghị giữ bí mật thông tin người phản ánh.\n" +
		strings.Join(parts, "") + "--P--\n"
	out := w.send(eml([]string{"From: Nguyễn Văn An <" + citizen + ">", "To: phananh@haugiang.gov.vn", "Subject: Mất điện kéo dài",
		"Message-ID: <" + messageID + ">", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="P"`}, body))
	w.code = out.Code
	if !w.report().Confidential {
		w.t.Fatal("the report is not confidential")
	}
}

// checkAgencyMail fails for any mail to the agency's handler that names
// the citizen, in its data, its rendered text or its files' names.
func checkAgencyMail(t *testing.T, w *walker, what string, mails []store.Mail) {
	t.Helper()
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, m := range mails {
		if m.To != handler {
			continue
		}
		seen++
		r, err := set.Render(m.Kind, m.Lang, m.Data)
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, f := range m.Attachments {
			files = append(files, f.Name)
		}
		var n templates.Notice
		json.Unmarshal(m.Data, &n)
		for _, s := range identity {
			for where, v := range map[string]string{"text": r.Subject + "\n" + r.Text, "files": strings.Join(files, " ")} {
				if strings.Contains(v, s) {
					t.Errorf("%s (%s) names %q in its %s:\n%s", what, m.Kind, s, where, v)
				}
			}
		}
	}
	if seen == 0 {
		t.Errorf("%s: no mail to the agency's handler", what)
	}
}
