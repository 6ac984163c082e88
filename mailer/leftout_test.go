package mailer

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"os"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// brokenJPEG starts as a JPEG and is none: the mailer cannot strip it.
var brokenJPEG = []byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00not a JPEG: Nguyen Van An")

// TestUnreadablePhotoKeptAtTheCenter: a photo the mailer cannot read as
// its type is not lost silently. Mail to the Center's own staff carries it
// as received, attached, not shown among the photos, listed as not cleaned
// of its metadata and not to be forwarded (the triage notice, and an
// approver's review of a result); any other mail leaves it out and lists it
// as kept at the Center, not attached safely, in a staff notice's list of
// files (which no longer says the files are attached when none is), and in
// the result notice's list of files kept.
func TestUnreadablePhotoKeptAtTheCenter(t *testing.T) {
	photo, _ := os.ReadFile("testdata/gps.jpg")
	t.Run("triage", func(t *testing.T) {
		data, _ := json.Marshal(templates.Triage{Code: "PA-2026-000001", Attachments: []templates.File{
			{Name: "cot-dien.jpg", Type: "image/jpeg", Size: int64(len(photo)), Mail: "inline", CID: "anh-1@x"},
			{Name: "day-dien.jpg", Type: "image/jpeg", Size: int64(len(brokenJPEG)), Mail: "inline", CID: "anh-2@x"}}})
		raw, _ := sendOne(t, [][]byte{photo, brokenJPEG}, func(keys []string) store.Mail {
			return store.Mail{Kind: "triage", To: "tiepnhan@haugiang.gov.vn", Role: "receiver", Data: data,
				Attachments: []store.MailFile{{BlobKey: keys[0], Name: "cot-dien.jpg", Type: "image/jpeg", Inline: true, CID: "anh-1@x"},
					{BlobKey: keys[1], Name: "day-dien.jpg", Type: "image/jpeg", Inline: true, CID: "anh-2@x"}}}
		})
		text, html := bodies(t, raw)
		if l := lineOf(text, "day-dien.jpg"); !strings.Contains(l, "chưa xóa siêu dữ liệu") || !strings.Contains(l, "không chuyển tiếp cho cơ quan xử lý") {
			t.Errorf("the photo sent as received is listed as %q", l)
		}
		if l := lineOf(text, "cot-dien.jpg"); !strings.Contains(l, "ảnh hiển thị trong thư") {
			t.Errorf("the photo sent is listed as %q", l)
		}
		if strings.Contains(html, "cid:anh-2@x") || !strings.Contains(html, "cid:anh-1@x") {
			t.Error("the HTML shows the photo not cleaned, or not the one cleaned")
		}
		if got := attachments(t, raw)["day-dien.jpg"]; !bytes.Equal(got, brokenJPEG) {
			t.Errorf("the photo is not attached as received: %q", got)
		}
	})
	t.Run("review", func(t *testing.T) {
		data, _ := json.Marshal(templates.Notice{Case: templates.Case{Code: "PA-2026-000001", AgencyName: "Công ty Điện lực Hậu Giang",
			ResultFiles: []templates.File{{Name: "hien-truong.jpg", Type: "image/jpeg", Size: int64(len(brokenJPEG))}}}, Role: "approver", Attached: true})
		raw, _ := sendOne(t, [][]byte{brokenJPEG}, func(keys []string) store.Mail {
			return store.Mail{Kind: "review", To: "pheduyet@haugiang.gov.vn", Role: "approver", Data: data,
				Attachments: []store.MailFile{{BlobKey: keys[0], Name: "hien-truong.jpg", Type: "image/jpeg"}}}
		})
		text, _ := bodies(t, raw)
		if l := lineOf(text, "hien-truong.jpg"); !strings.Contains(l, "chưa xóa siêu dữ liệu") {
			t.Errorf("the photo sent as received is listed as %q", l)
		}
		if got := attachments(t, raw)["hien-truong.jpg"]; !bytes.Equal(got, brokenJPEG) {
			t.Errorf("the photo is not attached as received: %q", got)
		}
	})
	t.Run("assignment", func(t *testing.T) {
		data, _ := json.Marshal(templates.Notice{Case: templates.Case{Code: "PA-2026-000001", AgencyName: "Công ty Điện lực Hậu Giang",
			Files: []templates.File{{Name: "tep-1.jpg", Type: "image/jpeg", Size: int64(len(brokenJPEG))}}}, Role: "handler", Attached: true})
		raw, _ := sendOne(t, [][]byte{brokenJPEG}, func(keys []string) store.Mail {
			return store.Mail{Kind: "assignment", To: "xuly@dienluc.example.gov.vn", Role: "handler", Data: data,
				Attachments: []store.MailFile{{BlobKey: keys[0], Name: "tep-1.jpg", Type: "image/jpeg"}}}
		})
		text, _ := bodies(t, raw)
		if l := lineOf(text, "tep-1.jpg"); !strings.Contains(l, "lưu tại Trung tâm") || !strings.Contains(l, "không thể gửi kèm an toàn") {
			t.Errorf("the photo left out is listed as %q", l)
		}
		if strings.Contains(text, "được đính kèm thư này") {
			t.Errorf("the notice says the files are attached:\n%s", text)
		}
	})
	t.Run("result", func(t *testing.T) {
		data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Result: "Đã xử lý.", Files: []string{"anh.jpg", "hong.jpg"}})
		raw, _ := sendOne(t, [][]byte{photo, brokenJPEG}, func(keys []string) store.Mail {
			return store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Lang: "en", Data: data,
				Attachments: []store.MailFile{{BlobKey: keys[0], Name: "anh.jpg", Type: "image/jpeg"},
					{BlobKey: keys[1], Name: "hong.jpg", Type: "image/jpeg"}}}
		})
		text, _ := bodies(t, raw)
		if l := lineOf(text, "kept at the Center"); !strings.Contains(l, "hong.jpg") || !strings.Contains(l, "could not be attached safely") {
			t.Errorf("the photo left out is not named as kept: %q\n%s", l, text)
		}
		if !strings.Contains(text, "1 file attached to this email") {
			t.Errorf("the notice does not count one file attached:\n%s", text)
		}
		if _, sent := attachments(t, raw)["hong.jpg"]; sent {
			t.Error("the broken photo was sent")
		}
	})
}

// bodies returns the plain text and the HTML of a raw message.
func bodies(t *testing.T, raw []byte) (text, html string) {
	t.Helper()
	goParts(t, raw, func(p *gomessage.Part) {
		h, ok := p.Header.(*gomessage.InlineHeader)
		if !ok {
			return
		}
		typ, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
		b, _ := io.ReadAll(p.Body)
		switch typ {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	})
	return text, html
}

// lineOf returns the first line of text that holds s.
func lineOf(text, s string) string {
	for l := range strings.Lines(text) {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
