package intake

import (
	"encoding/base64"
	"os"
	"regexp"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/templates"
)

// TestConfidentialUncleanFilesStayAtTheCenter: a confidential report's
// files reach the agency only when the mailer can remove their metadata
// (JPEG, PNG, WebP, GIF, HEIC and the ISO media videos: strip.Cleans) —
// an iPhone's HEIC photo and MOV video included, which the mailer strips
// as it sends them. The others stay at the Center, listed to the agency as
// such (SPEC 10.2): Word and the PDF it exports carry their author's name,
// a TIFF its camera's owner.
func TestConfidentialUncleanFilesStayAtTheCenter(t *testing.T) {
	w := newWalker(t)
	png, err := os.ReadFile("testdata/gps.png")
	if err != nil {
		t.Fatal(err)
	}
	webp, err := os.ReadFile("testdata/gps.webp")
	if err != nil {
		t.Fatal(err)
	}
	owner := "OwnerName\x00Nguyen Van An"
	part := func(name, typ, data string) string {
		return "--P\nContent-Type: " + typ + "; name=\"" + name + "\"\nContent-Disposition: attachment; filename=\"" + name +
			"\"\nContent-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString([]byte(data)) + "\n"
	}
	w.confidential("conf-media@mail.gmail.com", photoPart(t, "P", "anh.jpg"),
		part("anh.png", "image/png", string(png)),
		part("anh.heic", "image/heic", "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"+owner),
		part("clip.mov", "video/quicktime", "\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  udta\xa9aut"+owner),
		part("anh.webp", "image/webp", string(webp)),
		part("anh.gif", "image/gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00!\xfe"+owner),
		part("bien-ban.pdf", "application/pdf", "%PDF-1.4\n1 0 obj << /Author (Nguyen Van An) >> endobj\n%%EOF\n"))
	types, text := assignmentOfAccepted(t, w)
	if types != "image/jpeg image/png image/heic video/quicktime image/webp image/gif" {
		t.Errorf("the assignment carries %v, want the photos and the video", types)
	}
	if !regexp.MustCompile(`tep-7\.pdf[^\n]*lưu tại Trung tâm`).MatchString(text) {
		t.Errorf("the assignment does not say that tep-7.pdf stays at the Center:\n%s", text)
	}
	for _, m := range w.mails(t, w.code) {
		if m.Kind == "triage" && len(m.Attachments) != 7 {
			t.Errorf("the triage notice carries %d files, want all seven", len(m.Attachments))
		}
	}
}

// assignmentOfAccepted has the receiver accept w's report and returns what
// the agency's handler gets: the types of the files its assignment carries,
// space-separated, and the assignment's text.
func assignmentOfAccepted(t *testing.T, w *walker) (types, text string) {
	t.Helper()
	mark := 0
	w.sentSince(&mark)
	w.command(receiver, "/accept", "forwarded")
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range w.sentSince(&mark) {
		if m.To != handler || m.Kind != "assignment" {
			continue
		}
		var ts []string
		for _, f := range m.Attachments {
			ts = append(ts, f.Type)
		}
		r, err := set.Render(m.Kind, m.Lang, m.Data)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(ts, " "), r.Text
	}
	t.Fatal("no assignment to the agency's handler")
	return "", ""
}

// TestStrangersDocumentsStayAtTheCenter: a follow-up from another address
// than the report's, on a report that is not confidential, reaches the
// agency with its photos (renamed, stripped as they are sent) but not its
// documents: Word and the PDF it exports carry their author's name in their
// properties, where no renaming reaches, and the agency's work does not
// need an unverified third person's identity. They stay at the Center,
// listed to the agency as such; the Center's receivers get them whole.
func TestStrangersDocumentsStayAtTheCenter(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	mark := 0
	w.sentSince(&mark)
	pdf := "%PDF-1.4\n1 0 obj << /Author (Tran Thi Binh) >> endobj\n%%EOF\n"
	body := "--M\nContent-Type: text/plain; charset=UTF-8\n\nẤp 3 vẫn mất điện, gửi thêm ảnh và biên bản.\n" +
		photoPart(t, "M", "anh.jpg") +
		"--M\nContent-Type: application/pdf; name=\"bien-ban.pdf\"\nContent-Disposition: attachment; filename=\"bien-ban.pdf\"\n" +
		"Content-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString([]byte(pdf)) + "\n--M--\n"
	w.followUp("Trần Thị Bình <binh.tran@example.net>", body, "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="M"`)
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	var agency bool
	for _, m := range w.sentSince(&mark) {
		if m.Kind != "citizen-note" || m.To != handler {
			continue
		}
		agency = true
		var types []string
		for _, f := range m.Attachments {
			types = append(types, f.Type)
		}
		if got := strings.Join(types, " "); got != "image/jpeg" {
			t.Errorf("the agency's note carries %q, want the photo alone", got)
		}
		r, err := set.Render(m.Kind, m.Lang, m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`tep-2\.pdf[^\n]*lưu tại Trung tâm[^\n]*người gửi không phải người phản ánh`).MatchString(r.Text) {
			t.Errorf("the agency's note does not say that tep-2.pdf stays at the Center, its sender not the citizen:\n%s", r.Text)
		}
		if !regexp.MustCompile(`tep-2\.pdf[^\n]*lưu tại Trung tâm`).MatchString(r.HTML) {
			t.Errorf("the agency's HTML does not say that tep-2.pdf stays at the Center:\n%s", r.HTML)
		}
	}
	if !agency {
		t.Fatal("no note to the agency's handler")
	}
	if files := w.attachments("reply"); len(files) != 2 {
		t.Errorf("the Center keeps %d files of the follow-up, want 2", len(files))
	}
}
