package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"

	"haugiang.gov.vn/phananh/intake/intaketest"
)

// TestE2ETriageFromTheNoticeAlone: a receiver does the job from the
// triage notice alone, as `serve` sends it (SPEC 8.4). The notice shows
// the citizen's photo inside its HTML — a part with a Content-ID that the
// HTML refers to, as Outlook, Gmail and Zimbra show it — names the
// proposal and the runner-up rules with their codes in Vietnamese, and
// lists the commands; the receiver answers /assign with the name of the
// agency, without diacritics, and the agency's handler gets the
// assignment. A second report goes to an agency with no handler: its
// official mailbox gets the assignment, without a reply address.
func TestE2ETriageFromTheNoticeAlone(t *testing.T) {
	e := newEnv(t, envOptions{extra: lifecycleExtra})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, photoReport(t, 7, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)

	cid, photo := inlinePhoto(t, triage.raw)
	original, _ := os.ReadFile("testdata/gps.jpg")
	if !bytes.HasPrefix(photo, []byte{0xFF, 0xD8}) || len(photo) >= len(original) {
		t.Errorf("the photo part: %d bytes (%d sent), want the JPEG without its metadata", len(photo), len(original))
	}
	if html := htmlPart(t, triage.raw); !strings.Contains(html, `src="cid:`+cid+`"`) {
		t.Errorf("the HTML does not show the photo <%s>:\n%s", cid, html)
	}
	text := triage.text()
	for _, want := range []string{"Cơ quan xử lý: Công ty Điện lực Hậu Giang (dien-luc)", "Căn cứ: từ khóa «",
		"hien-truong.jpg (image/jpeg", "– ảnh hiển thị trong thư", "/assign MÃ ", "/codes "} {
		if !strings.Contains(text, want) {
			t.Errorf("the triage notice lacks %q:\n%s", want, text)
		}
	}

	e.replyTo(triage, e2eReceiver, at.Add(10*time.Minute), "Kính gửi,\n/chuyen uy ban nhan dan huyen vi thuy\n", "")
	assignment := e.waitMail("assignment", e2eDistrict, 1)
	if c := e.waitMail("confirmation", e2eReceiver, 1).text(); !strings.Contains(c, "Cơ quan xử lý: Ủy ban nhân dân huyện Vị Thủy (ubnd-vi-thuy)") {
		t.Errorf("the confirmation:\n%s", c)
	}
	if files := assignment.files(); len(files) != 1 {
		t.Errorf("the assignment carries %d files, want the photo", len(files))
	}

	e.deliver(at.Add(20*time.Minute), photoReport(t, 8, "binh@example.com"))
	second := e.waitMail("triage", e2eReceiver, 2)
	e.replyTo(second, e2eReceiver, at.Add(30*time.Minute), "/assign Sở Xây dựng\n", "")
	box := e.waitMail("assignment", "sxd@haugiang.gov.vn", 1)
	if rt := box.header("Reply-To"); rt != "" {
		t.Errorf("the official mailbox got a reply address %q", rt)
	}
	if body := box.text(); !strings.Contains(body, "hộp thư công vụ của cơ quan") || strings.Contains(body, "/resolve") {
		t.Errorf("the official mailbox's assignment:\n%s", body)
	}
}

// photoReport is a citizen's report with a photo taken where it happened,
// as a phone's mail program sends it.
func photoReport(t *testing.T, n int, from string) string {
	t.Helper()
	jpg, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: Người dân %d <%s>\r\nTo: phananh@haugiang.gov.vn\r\nSubject: =?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n?=\r\n"+
		"Message-ID: <photo-%d@mail.example.com>\r\nDate: Mon, 23 Nov 2026 08:10:00 +0700\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n"+
		"Content-Transfer-Encoding: 8bit\r\n\r\nKhu vực ấp %d, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng, cột điện nghiêng.\r\n"+
		"Số điện thoại: 0912 345 %03d\r\n\r\n--b1\r\nContent-Type: image/jpeg; name=\"hien-truong.jpg\"\r\n"+
		"Content-Disposition: attachment; filename=\"hien-truong.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", n, from, n, n, n%1000)
	b.WriteString(intaketest.Base64Lines(jpg) + "--b1--\r\n")
	return b.String()
}

var contentID = regexp.MustCompile(`^<(.+)>$`)

// inlinePhoto returns the Content-ID and the bytes of the image part that
// a mail shows inline, beside its HTML in a multipart/related.
func inlinePhoto(t *testing.T, raw []byte) (string, []byte) {
	t.Helper()
	var cid string
	var data []byte
	walk(t, raw, func(path []string, h gomessage.Header, body io.Reader) {
		typ, _, _ := h.ContentType()
		disp, _, _ := h.ContentDisposition()
		if typ == "image/jpeg" && disp == "inline" && len(path) > 0 && path[len(path)-1] == "multipart/related" {
			if m := contentID.FindStringSubmatch(h.Get("Content-Id")); m != nil {
				cid = m[1]
			}
			data, _ = io.ReadAll(body)
		}
	})
	if cid == "" {
		t.Fatalf("no inline photo with a Content-ID in a multipart/related:\n%.3000s", raw)
	}
	return cid, data
}

// htmlPart returns a mail's HTML alternative.
func htmlPart(t *testing.T, raw []byte) string {
	t.Helper()
	var html string
	walk(t, raw, func(_ []string, h gomessage.Header, body io.Reader) {
		if typ, _, _ := h.ContentType(); typ == "text/html" {
			b, _ := io.ReadAll(body)
			html = string(b)
		}
	})
	return html
}

// walk calls fn for each leaf part of a mail, decoded, with the types of
// the multiparts around it.
func walk(t *testing.T, raw []byte, fn func(path []string, h gomessage.Header, body io.Reader)) {
	t.Helper()
	e, err := gomessage.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var visit func(e *gomessage.Entity, path []string)
	visit = func(e *gomessage.Entity, path []string) {
		typ, _, _ := e.Header.ContentType()
		mr := e.MultipartReader()
		if mr == nil {
			fn(path, e.Header, e.Body)
			return
		}
		for {
			p, err := mr.NextPart()
			if err != nil {
				return
			}
			visit(p, append(path, typ))
		}
	}
	visit(e, nil)
}
