package parse

import (
	"encoding/base64"
	"flag"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestCharsets(t *testing.T) {
	const want = "Đường Trần Hưng Đạo bị ngập nước."
	tests := []struct{ file, subject string }{
		{"cp1258.eml", "Ngập nước"},
		{"viscii.eml", "Nguyễn Thái"},
		{"utf7.eml", "utf7"},
		{"utf16.eml", "utf16"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, _ := readFile(t, tt.file)
			if m.Text != want {
				t.Errorf("text = %q (%+q), want %q", m.Text, m.Text, want)
			}
			if m.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", m.Subject, tt.subject)
			}
		})
	}
}

func TestHeaderWords(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"=?utf-8?q?a?= =?utf-8?q?b?=", "ab"},
		{"=?UTF-8?B?xJA=?= =?UTF-8?B?xrDhu51uZw==?=", "Đường"},
		{"=?utf-8?B?4bq=?= =?utf-8?B?o25o?=", "ảnh"}, // a character split across two words
		{"=?utf-8?Q?bad base64 with space?=", "bad base64 with space"},
		{"=?x-unknown-cs?Q?abc?= tail", "=?x-unknown-cs?Q?abc?= tail"},
		{"=?utf-8?B?!!!?= kept", "=?utf-8?B?!!!?= kept"},
		{"plain =?iso-8859-1?q?caf=E9?=", "plain café"},
		{"Vi\u1ec7t Nam raw UTF-8", "Việt Nam raw UTF-8"},
		{"Vie\u0302\u0323t decomposed", "Việt decomposed"},
	}
	for _, tt := range tests {
		if got := headerText(tt.raw, ""); got != tt.want {
			t.Errorf("headerText(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestRawHeaderBytes(t *testing.T) {
	// A windows-1258 subject sent without encoding: read in the body's charset.
	msg := "Subject: \xd0\xe0 N\xb5ng\nContent-Type: text/plain; charset=windows-1258\n\nx\n"
	m := readString(t, msg)
	if m.Subject != "Đà Nµng" {
		t.Errorf("subject = %q", m.Subject)
	}
}

func TestRFC2231Names(t *testing.T) {
	m, sink := readFile(t, "rfc2231.eml")
	want := []string{"café.png", "ảnh đường.png", "ảnh đường.png", "ảnh 2.png"}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i, a := range m.Attachments {
		if a.Name != want[i] || a.Key == "" {
			t.Errorf("attachment %d = %q (key %q), want %q", i, a.Name, a.Key, want[i])
		}
	}
	if len(sink.blobs) != 1 { // four copies of one picture: one content key
		t.Errorf("blobs = %d", len(sink.blobs))
	}
}

func TestOddParts(t *testing.T) {
	m, sink := readFile(t, "odd-parts.eml")
	if !strings.Contains(m.Text, "Raw text kept.") || !strings.Contains(m.Text, "After the uuencoded part: đúng.") {
		t.Errorf("text = %q", m.Text)
	}
	if !hasNote(m, `unknown charset "x-klingon" kept raw`) {
		t.Errorf("notes = %q", m.Notes)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Type != "image/png" || m.Attachments[0].Size != 70 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	png, _ := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
	if string(sink.blobs[m.Attachments[0].Key]) != string(png) {
		t.Errorf("uudecoded bytes differ")
	}
}

func hasNote(m *Message, s string) bool {
	for _, n := range m.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func TestHTMLOnly(t *testing.T) {
	m, _ := readFile(t, "html-only.eml")
	if !m.HTMLOnly {
		t.Error("HTMLOnly not set")
	}
	golden(t, "html-only.golden", m.Text)
	wantNew := "Phản ánh\n\nĐèn đường hỏng & tối.\nXem bản đồ (https://maps.example/vt).\n\n- Ấp 1\n- Ấp 2\nNgày  2/3"
	if m.NewText != wantNew {
		t.Errorf("new text = %q, want %q", m.NewText, wantNew)
	}
}

// golden compares got with a testdata file, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != strings.TrimSuffix(string(want), "\n") {
		t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
	}
}

func TestLineEndings(t *testing.T) {
	body := "Subject: endings\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\none\ntwo\n--b--\n"
	for name, msg := range map[string]string{
		"LF":    body,
		"CRLF":  strings.ReplaceAll(body, "\n", "\r\n"),
		"CR":    strings.ReplaceAll(body, "\n", "\r"),
		"mixed": strings.Replace(strings.ReplaceAll(body, "\n", "\r\n"), "\r\n", "\r", 3),
	} {
		m := readString(t, msg)
		if m.Subject != "endings" || m.Text != "one\ntwo" {
			t.Errorf("%s: subject %q text %q", name, m.Subject, m.Text)
		}
	}
}

func TestDSN(t *testing.T) {
	m, _ := readFile(t, "dsn.eml")
	d := m.DSN
	if d == nil {
		t.Fatal("no DSN")
	}
	if d.ReportingMTA != "mx.example.vn" || d.OriginalMessageID != "PA-2026-000042.ack@haugiang.gov.vn" || len(d.Recipients) != 2 {
		t.Fatalf("dsn = %+v", d)
	}
	r := d.Recipients[0]
	if r.Addr != "nobody@example.vn" || r.Action != "failed" || r.Status != "5.1.1" ||
		r.Diagnostic != "550 5.1.1 <nobody@example.vn>: Recipient address rejected: User unknown" {
		t.Errorf("recipient = %+v", r)
	}
	if d.Recipients[1].Action != "delayed" {
		t.Errorf("second recipient = %+v", d.Recipients[1])
	}
}

func TestTextBounce(t *testing.T) {
	msg := "From: MAILER-DAEMON@mx.example.vn\nSubject: failure notice\n\nHi. This is the qmail-send program.\n\n" +
		"<nobody@example.vn>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\n" +
		"Message-ID: <orig@haugiang.gov.vn>\nSubject: hello\n"
	m := readString(t, msg)
	if m.DSN == nil || m.DSN.OriginalMessageID != "orig@haugiang.gov.vn" || len(m.DSN.Recipients) != 1 ||
		m.DSN.Recipients[0].Addr != "nobody@example.vn" || m.DSN.Recipients[0].Status != "5.1.1" {
		t.Errorf("dsn = %+v", m.DSN)
	}
	if m := readString(t, "From: friend@example.vn\nSubject: hello\n\nnot a bounce\n"); m.DSN != nil {
		t.Errorf("ordinary mail read as a bounce")
	}
}

func TestForwarded(t *testing.T) {
	enclosed := "From: Hotline <hotline@haugiang.gov.vn>\nSubject: Fwd: report\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\nForwarding a citizen's report.\n--b\nContent-Type: message/rfc822\n\n" +
		"From: =?utf-8?q?Tr=E1=BA=A7n_B=C3=ACnh?= <binh@example.vn>\nSubject: Cống nghẹt\nDate: Mon, 2 Mar 2026 07:00:00 +0700\n" +
		"Content-Type: text/plain; charset=utf-8\n\nCống ở ấp 2 bị nghẹt.\n--b--\n"
	m := readString(t, enclosed)
	fw := m.Forwarded
	if fw == nil || fw.From.Addr != "binh@example.vn" || fw.From.Name != "Trần Bình" || fw.Subject != "Cống nghẹt" ||
		fw.Text != "Cống ở ấp 2 bị nghẹt." || fw.Date.IsZero() {
		t.Fatalf("forwarded = %+v", fw)
	}
	if m.Text != "Forwarding a citizen's report." {
		t.Errorf("text = %q", m.Text)
	}
	inline := "From: hotline@haugiang.gov.vn\nSubject: Fwd: x\n\nSee below.\n\n---------- Forwarded message ---------\n" +
		"From: Trần Bình <binh@example.vn>\nDate: Mon, 2 Mar 2026 07:00:00 +0700\nSubject: Cống nghẹt\nTo: <hotline@haugiang.gov.vn>\n\n" +
		"Cống ở ấp 2 bị nghẹt.\n"
	m = readString(t, inline)
	fw = m.Forwarded
	if fw == nil || fw.From.Addr != "binh@example.vn" || fw.Subject != "Cống nghẹt" || fw.Text != "Cống ở ấp 2 bị nghẹt." {
		t.Fatalf("inline forwarded = %+v", fw)
	}
	if m.NewText != "See below." {
		t.Errorf("new text = %q", m.NewText)
	}
}

func TestSanitizeName(t *testing.T) {
	tests := []struct{ in, typ, want string }{
		{"../../etc/passwd", "text/plain", "passwd"},
		{`..\..\windows\system32\evil.dll`, "application/x-msdownload", "evil.dll"},
		{"C:evil.txt", "text/plain", "C_evil.txt"},
		{"photo\u202Egpj.exe", "image/jpeg", "photogpj.exe"},
		{"a\u2066b\u2069c\u200e\u200f.jpg", "image/jpeg", "abc.jpg"},
		{"CON.txt", "text/plain", "_CON.txt"},
		{"lpt1", "text/plain", "_lpt1"},
		{"com9.doc", "application/msword", "_com9.doc"},
		{"report.pdf. . ", "application/pdf", "report.pdf"},
		{"bell\x07\x00name.txt", "text/plain", "bellname.txt"},
		{"", "image/jpeg", "attachment.jpg"},
		{"...", "application/pdf", "attachment.pdf"},
		{"a\u0301nh.jpg", "image/jpeg", "ánh.jpg"},
		// Slashes that look like one are separators too: a name listed in
		// a notice ("1. ／reject Spam.jpg") never reads as a command.
		{"／reject Spam.jpg", "image/jpeg", "reject Spam.jpg"},
		{"anh∕／tuchoi.jpg", "image/jpeg", "tuchoi.jpg"},
		{strings.Repeat("ả", 150) + ".jpg", "image/jpeg", strings.Repeat("ả", 65) + ".jpg"},
	}
	for _, tt := range tests {
		if got := sanitizeName(tt.in, tt.typ); got != tt.want {
			t.Errorf("sanitizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRefusedTypes(t *testing.T) {
	zip := "PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\x05\x00\x00\x00\x05\x00\x00\x00a.txthello"
	tests := []struct {
		name, content, wantType, wantRefused string
	}{
		{"a.exe", "MZ\x90\x00rest", "application/x-msdownload", "type not allowed: application/x-msdownload"},
		{"a.svg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`, "image/svg+xml", "type not allowed: image/svg+xml"},
		{"page.html", "<!DOCTYPE html><html><body>x</body></html>", "text/html", "type not allowed: text/html"},
		{"a.zip", zip, "application/zip", "type not allowed: application/zip"},
		{"run.js", "var a = 1;", "text/javascript", "type not allowed: text/javascript"},
		{"photo.jpg.exe", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg", "type not allowed: image/jpeg named .exe"},
		{"m.docm", zip, "application/vnd.ms-word.document.macroenabled.12", "type not allowed: application/vnd.ms-word.document.macroenabled.12"},
		{"note.txt", "just text", "text/plain", ""},
		{"scan.pdf", "%PDF-1.7\n", "application/pdf", ""},
	}
	for _, tt := range tests {
		msg := "Subject: t\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\n" +
			"Content-Disposition: attachment; filename=\"" + tt.name + "\"\nContent-Transfer-Encoding: base64\n\n" +
			base64.StdEncoding.EncodeToString([]byte(tt.content)) + "\n--b--\n"
		sink := newMemSink()
		m, err := Read(strings.NewReader(msg), sink, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		a := m.Attachments[0]
		if a.Type != tt.wantType || a.Refused != tt.wantRefused || (a.Key == "") != (tt.wantRefused != "") {
			t.Errorf("%s: type %q refused %q key %q, want %q %q", tt.name, a.Type, a.Refused, a.Key, tt.wantType, tt.wantRefused)
		}
		if len(sink.blobs) != 0 && tt.wantRefused != "" {
			t.Errorf("%s: refused bytes stored", tt.name)
		}
	}
}

func TestOfficeSniffing(t *testing.T) {
	tests := []struct{ names, want string }{
		{"[Content_Types].xml word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"[Content_Types].xml xl/workbook.xml xl/vbaProject.bin", "application/vnd.ms-excel.sheet.macroenabled.12"},
		{"mimetype", "application/vnd.oasis.opendocument.text"},
		{"META-INF/MANIFEST.MF a.class", "application/java-archive"},
	}
	for _, tt := range tests {
		var zip []byte
		for _, n := range strings.Fields(tt.names) {
			data := []byte("x")
			if n == "mimetype" {
				data = []byte("application/vnd.oasis.opendocument.text")
			}
			h := make([]byte, 30)
			copy(h, "PK\x03\x04")
			h[18], h[26] = byte(len(data)), byte(len(n))
			zip = append(append(append(zip, h...), n...), data...)
		}
		if got := sniffType(zip, "file"); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.names, got, tt.want)
		}
	}
}

func TestAttachmentLimits(t *testing.T) {
	part := func(name string, size int) string {
		return "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=" + name + "\n\n" + strings.Repeat("x", size) + "\n"
	}
	msg := "Subject: t\nContent-Type: multipart/mixed; boundary=b\n\n" + part("a.txt", 100) + part("big.txt", 3000) +
		part("b.txt", 900) + part("c.txt", 900) + part("d.txt", 10) + part("e.txt", 10) + "--b--\n"
	sink := newMemSink()
	m, err := Read(strings.NewReader(msg), sink, Limits{MaxAttachmentBytes: 1000, MaxAttachmentsBytes: 1500, MaxAttachments: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"", "too large", "", "attachments total too large", "", "too many attachments"}
	for i, a := range m.Attachments {
		if !strings.HasPrefix(a.Refused, want[i]) || (want[i] == "") != (a.Key != "") {
			t.Errorf("%s: refused %q key %q, want %q", a.Name, a.Refused, a.Key, want[i])
		}
	}
	if m.Attachments[1].Size != 3000 || sink.aborted != 2 {
		t.Errorf("big size %d, aborted %d", m.Attachments[1].Size, sink.aborted)
	}
}

func TestPhoto(t *testing.T) {
	data, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	msg := "Subject: p\nContent-Type: image/jpeg; name=p.jpg\nContent-Transfer-Encoding: base64\n\n" +
		base64.StdEncoding.EncodeToString(data) + "\n"
	m := readString(t, msg)
	p := m.Attachments[0].Photo
	if p == nil || !p.HasGPS {
		t.Fatalf("photo = %+v", p)
	}
	want := time.Date(2026, 3, 2, 8, 15, 30, 0, vietnamTime)
	if !p.Taken.Equal(want) || math.Abs(p.Lat-9.79) > 1e-6 || math.Abs(p.Lon-105.47) > 1e-6 {
		t.Errorf("photo = %+v, want %v 9.79 105.47", p, want)
	}
}

func TestCyclicEXIF(t *testing.T) {
	tiff := make([]byte, 64)
	copy(tiff, "II*\x00\x08\x00\x00\x00")
	tiff[8], tiff[9] = 0xff, 0xff // 65535 entries: a lie
	entry := func(at int, tag, typ uint16, val uint32) {
		tiff[at], tiff[at+1], tiff[at+2], tiff[at+3] = byte(tag), byte(tag>>8), byte(typ), byte(typ>>8)
		tiff[at+4] = 1
		tiff[at+8], tiff[at+9], tiff[at+10], tiff[at+11] = byte(val), byte(val>>8), byte(val>>16), byte(val>>24)
	}
	entry(10, tagExifIFD, 4, 8) // the Exif IFD is IFD0 itself
	entry(22, tagGPSIFD, 4, 8)
	entry(34, tagGPSLatitude, 5, 0xfffffff0) // data far past the end
	if p := parseEXIF(tiff); p != nil {
		t.Errorf("photo = %+v, want nil", p)
	}
	jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff}, "Exif\x00\x00"...) // APP1 longer than the data
	if p := readPhoto("image/jpeg", append(jpeg, tiff...)); p != nil {
		t.Errorf("lying APP1: %+v", p)
	}
}

func TestTNEF(t *testing.T) {
	msg := "Subject: t\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/ms-tnef; name=winmail.dat\n" +
		"Content-Transfer-Encoding: base64\n\neJ8+IgEAAQ==\n--b--\n"
	m := readString(t, msg)
	if !hasNote(m, "TNEF") || m.Text != "" {
		t.Errorf("notes %q text %q", m.Notes, m.Text)
	}
}

func TestEnglish(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"There is a broken street light near the market on Tran Hung Dao street.", true},
		{"Đèn đường bị hỏng gần chợ.", false},
		{"Den duong bi hong gan cho, mong duoc sua som.", false},
		{"OK", false},
		{"There is a big pothole on Trần Hưng Đạo street in Vị Thanh city.", true},
		{"Please send someone: Mr Nguyễn Văn An at hamlet 3 has no power.", true},
		{"Tôi thấy biển ghi No parking in this area nhưng xe vẫn đỗ trên vỉa hè suốt ngày.", false},
		{"Đường Trần Hưng Đạo is the street", false},
	}
	for _, tt := range tests {
		if got := isEnglish(tt.text); got != tt.want {
			t.Errorf("isEnglish(%q) = %v", tt.text, got)
		}
	}
}

// TestRawHeader: the message's own header is kept for the checks the
// parsed fields do not cover (the border's spam mark).
func TestRawHeader(t *testing.T) {
	m := readString(t, "From: a@example.com\r\nX-Spam-Flag: YES\r\nx-spam: Yes\r\nSubject: =?UTF-8?Q?M=E1=BA=A5t?=\r\n\r\nhi\r\n")
	if m.Header.Get("X-Spam-Flag") != "YES" || m.Header.Get("X-SPAM") != "Yes" || m.Header.Get("Subject") != "=?UTF-8?Q?M=E1=BA=A5t?=" {
		t.Errorf("header %v", m.Header)
	}
}
