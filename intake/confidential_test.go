package intake

import (
	"encoding/json"
	"strings"
	"testing"

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
	body := "--P\nContent-Type: text/plain; charset=UTF-8\n\n" + outage + "\nĐề nghị giữ bí mật thông tin người phản ánh.\n" +
		photoPart(t, "P", "Nguyễn Văn An 0912345678.jpg") + "--P--\n"
	out := w.send(eml([]string{"From: Nguyễn Văn An <" + citizen + ">", "To: phananh@haugiang.gov.vn", "Subject: Mất điện kéo dài",
		"Message-ID: <conf@mail.gmail.com>", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="P"`}, body))
	w.code = out.Code
	if !w.report().Confidential {
		t.Fatal("the report is not confidential")
	}
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

// checkAgencyMail fails for any mail to the agency's handler that names
// the citizen, in its data, its rendered text or its files' names.
func checkAgencyMail(t *testing.T, w *walker, what string, mails []store.Mail) {
	t.Helper()
	set, err := templates.Load("")
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

// TestMaskIdentity: what a citizen's words give of them is masked; what
// they report — the hamlet, the time, the amounts, the pole's number —
// stays.
func TestMaskIdentity(t *testing.T) {
	c := store.Citizen{Name: "Nguyễn Văn An", Phone: "0912345678", Email: "an.nguyen@gmail.com", Address: "12 Trần Hưng Đạo, phường 1"}
	cases := []struct{ in, want string }{
		{"Tôi là Nguyễn Văn An, nhà ở 12 Trần Hưng Đạo, phường 1, số 0912 345 678.",
			"Tôi là [giữ bí mật], nhà ở [giữ bí mật], số [giữ bí mật]."},
		{"Tôi tên là Lê Thị Bình, gọi 0293.3876.543 hoặc +84 987 654 321, thư binh.le@yahoo.com.vn",
			"Tôi tên là [giữ bí mật], gọi [giữ bí mật] hoặc [giữ bí mật], thư [giữ bí mật]"},
		{"Cột điện số 15 ở ấp 3, tổ 5, xã Vị Đông đổ lúc 10:30 ngày 23/11/2026, thiệt hại 500.000 đồng.",
			"Cột điện số 15 ở ấp 3, tổ 5, xã Vị Đông đổ lúc 10:30 ngày 23/11/2026, thiệt hại 500.000 đồng."},
		{"Hẻm trước nhà số 5/3 hẻm 7 đường Nguyễn Trãi ngập.", "Hẻm trước [giữ bí mật] ngập."},
		{"Địa chỉ: 45B Lê Lợi, phường 5\nNội dung: ổ gà", "Địa chỉ: [giữ bí mật]\nNội dung: ổ gà"},
		{"nguyen van an báo lại: vẫn mất điện", "[giữ bí mật] báo lại: vẫn mất điện"},
		{"Trân trọng,\nPhạm Minh Quân\n", "Trân trọng,\n[giữ bí mật]\n"},
		{"Quốc lộ 61 đoạn qua xã Vị Đông sụt lún.", "Quốc lộ 61 đoạn qua xã Vị Đông sụt lún."},
	}
	for _, tc := range cases {
		if got := maskIdentity(tc.in, c); got != tc.want {
			t.Errorf("maskIdentity(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// Staff's words lose only what the report recorded of the citizen.
	if got := hideCitizen("Anh An (0912 345 678) báo cột điện số 40 Nguyễn Trãi đổ; gọi Nguyen Van An.", c); got !=
		"Anh An ([giữ bí mật]) báo cột điện số 40 Nguyễn Trãi đổ; gọi [giữ bí mật]." {
		t.Errorf("hideCitizen: %q", got)
	}
}
