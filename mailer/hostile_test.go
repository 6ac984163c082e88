package mailer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// hostileNames are file names as citizens' mail programs send them (after
// intake, which keeps at most 200 bytes): Vietnamese, short and at the
// limit, with spaces, RFC 2231's and RFC 2047's special characters, and
// one that looks like an encoded word.
var hostileNames = []string{
	"ảnh hiện trường.jpg",
	strings.Repeat("Ảnh hiện trường ", 8) + "phường Vị Thanh.jpg",
	"photo 1 (copy).jpg",
	"100%_it's*a;b,c=d.pdf",
	"=_UTF-8_q_evil.exe_=",
	"Ảnh" + strings.Repeat("x", 190) + ".jpg",
}

// hostileMail is a triage notice whose citizen's text holds what could
// break the mail it is reproduced in — the mail's own boundary, "=_", a
// line of a dot, lines past 998 characters, a lone CR — received with
// identifiers no header line can hold, and carrying files with
// hostileNames.
func hostileMail(t *testing.T) (raw []byte, text string) {
	t.Helper()
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	msg := &Message{id: "phananh.1@haugiang.gov.vn"}
	boundary := "--" + strings.TrimSuffix(strings.SplitN(strings.SplitN(writeOut(t, msg), `boundary="`, 2)[1], `"`, 2)[0], "alternative")
	text = "Đường ngập.\n" + boundary + "alternative\n" + boundary + "related--\n" + boundary + "mixed\n=_ =?UTF-8?B?SGFja2Vk?=\n.\n..\n" +
		strings.Repeat("Nước ", 300) + "\rcuối \t\n"
	data, _ := json.Marshal(templates.Triage{Code: "PA-2026-000042", Subject: "=?UTF-8?B?SGFja2Vk?=", Content: templates.Reproduced(text)})
	long := strings.Repeat("a", 1500) + "@example.com"
	m := store.Mail{ID: 1, ReportCode: "PA-2026-000042", Kind: "triage", To: "tiepnhan@example.gov.vn", Role: "receiver", Lang: "vi",
		MessageID: "phananh.1@haugiang.gov.vn", InReplyTo: long, References: []string{"ví-dụ@example.com", "r@example.com", long},
		Data: data, CreatedAt: time.Date(2026, 11, 23, 1, 15, 0, 0, time.UTC)}
	msg, err = Compose(set, Sender{Address: "phananh@haugiang.gov.vn", Name: "Trung tâm"}, m)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range hostileNames {
		if i%2 == 0 {
			msg.Embed(name, "image/jpeg", fmt.Sprintf("anh-%d.PA-2026-000042@haugiang.gov.vn", i+1), strings.NewReader(name))
		} else {
			msg.Attach(name, "application/pdf", strings.NewReader(name))
		}
	}
	msg.Embed("chart.png", "image/png", "chart.png\r\nX-Injected: 1", strings.NewReader("PNG"))
	return []byte(writeOut(t, msg)), text
}

func writeOut(t *testing.T, msg *Message) string {
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHostileMailLines: the hostile mail's lines end with CRLF and keep
// within 78 characters (RFC 5322), its header is ASCII, and the
// identifiers it cannot hold are left out of In-Reply-To and References.
func TestHostileMailLines(t *testing.T) {
	raw, _ := hostileMail(t)
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, l := range bytes.Split(raw, []byte("\r\n")) {
		if len(l) > 78 || bytes.ContainsAny(l, "\r\n\x00") {
			t.Errorf("line %d of %d: %.80q", i+1, len(l), l)
		}
	}
	for _, c := range header {
		if c >= 0x80 {
			t.Fatalf("8-bit header:\n%s", header)
		}
	}
	h, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Header.Get("References"); got != "<r@example.com>" || h.Header.Get("In-Reply-To") != "" {
		t.Errorf("References %q, In-Reply-To %.40q", got, h.Header.Get("In-Reply-To"))
	}
	if bytes.Contains(raw, []byte("\nX-Injected")) {
		t.Error("a Content-ID wrote a header field of its own")
	}
}

// TestHostileMailReadsBack: the standard library's mime/multipart and
// go-message read the hostile mail's parts as written: the citizen's text
// whole in both alternatives, each file under its name from its
// Content-Disposition (RFC 2231, which mime/multipart reads without RFC
// 2047) and from its Content-Type's name (encoded words, which the mail
// programs that read no RFC 2231 read).
func TestHostileMailReadsBack(t *testing.T) {
	raw, text := hostileMail(t)
	var files []string
	walk(t, raw, func(p *multipart.Part, body string) {
		typ, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch {
		case typ == "text/plain":
			if !holds(body, text) {
				t.Errorf("text lost the citizen's words:\n%s", body)
			}
		case typ == "text/html":
			if !strings.Contains(body, "Đường ngập.") || strings.Count(body, "Nước") != 300 {
				t.Errorf("HTML lost the citizen's words")
			}
		default:
			name, err := new(mime.WordDecoder).DecodeHeader(params["name"])
			if err != nil || name != p.FileName() || body != fileName(name) && body != "PNG" {
				t.Errorf("file %q: name %q, %v, body %q", p.FileName(), name, err, body)
			}
			files = append(files, p.FileName())
		}
	})
	if got, want := strings.Join(files, "|"), strings.Join(sanitized(), "|"); got != want {
		t.Errorf("mime/multipart reads files\n %q\nwant\n %q", got, want)
	}
	files = nil
	goParts(t, raw, func(p *gomessage.Part) {
		a, ok := p.Header.(*gomessage.AttachmentHeader)
		if h, inline := p.Header.(*gomessage.InlineHeader); inline && !strings.HasPrefix(h.Get("Content-Type"), "text/") {
			a, ok = &gomessage.AttachmentHeader{Header: h.Header}, true
		}
		if ok {
			name, err := a.Filename()
			if err != nil {
				t.Error(err)
			}
			files = append(files, name)
		}
	})
	if got, want := strings.Join(files, "|"), strings.Join(sanitized(), "|"); got != want {
		t.Errorf("go-message reads files\n %q\nwant\n %q", got, want)
	}
}

// sanitized are the names of the files of hostileMail as written: those
// the HTML shows, then those attached.
func sanitized() []string {
	var shown, attached []string
	for i, n := range hostileNames {
		if i%2 == 0 {
			shown = append(shown, fileName(n))
		} else {
			attached = append(attached, fileName(n))
		}
	}
	return append(append(shown, "chart.png"), attached...)
}

// holds reports whether a plain text holds every line of a citizen's
// text, whatever ends them, but the spaces and tabs that end them, which
// the plain text's template tidies.
func holds(body, text string) bool {
	for l := range strings.FieldsFuncSeq(text, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if !strings.Contains(body, strings.TrimRight(l, " \t")+"\n") && !strings.Contains(body, strings.TrimRight(l, " \t")+"\r\n") {
			return false
		}
	}
	return true
}

// walk calls f with every leaf part of a message and its decoded body,
// read with net/mail and mime/multipart alone.
func walk(t *testing.T, raw []byte, f func(*multipart.Part, string)) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var visit func(ct string, r io.Reader)
	visit = func(ct string, r io.Reader) {
		_, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ct := p.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") {
				visit(ct, p)
				continue
			}
			body, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			if p.Header.Get("Content-Transfer-Encoding") == "base64" {
				body, err = io.ReadAll(base64Reader(body))
				if err != nil {
					t.Fatal(err)
				}
			}
			f(p, string(body))
		}
	}
	visit(m.Header.Get("Content-Type"), m.Body)
}

// TestHostileMailInPython: Python's email package (policy=default), which
// filters and archives build on, reads the hostile mail's subject, files
// and text as written, with no defect but the encoded words in the
// Content-Type's name, which mail programs need there.
func TestHostileMailInPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	raw, text := hostileMail(t)
	path := filepath.Join(t.TempDir(), "m.eml")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "testdata/readmail.py", path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var got struct {
		Subject string
		Files   []string
		Text    string
		Defects []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Subject != "[PA-2026-000042] Phản ánh hiện trường" && !strings.HasPrefix(got.Subject, "[PA-2026-000042] ") {
		t.Errorf("subject %q", got.Subject)
	}
	if strings.Join(got.Files, "|") != strings.Join(sanitized(), "|") {
		t.Errorf("files\n %q\nwant\n %q", got.Files, sanitized())
	}
	if !holds(got.Text, text) {
		t.Errorf("text lost the citizen's words:\n%s", got.Text)
	}
	for _, d := range got.Defects {
		t.Errorf("defect: %s", d)
	}
}

func base64Reader(b []byte) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, bytes.NewReader(b))
}

// TestEmptyBodiesAndManyPhotos: a mail whose text and HTML are empty,
// with an empty file attached and 40 photos shown, reads back whole with
// mime/multipart and Python's email package: every file under its name,
// with its bytes.
func TestEmptyBodiesAndManyPhotos(t *testing.T) {
	msg := &Message{id: "phananh.1@haugiang.gov.vn"}
	msg.header.Add("From", "phananh@haugiang.gov.vn")
	msg.header.Add("MIME-Version", "1.0")
	msg.Attach("trống.txt", "text/plain", strings.NewReader(""))
	var want []string
	for i := range 40 {
		name := fmt.Sprintf("ảnh %d.jpg", i+1)
		want = append(want, name)
		msg.Embed(name, "image/jpeg", fmt.Sprintf("anh-%d@haugiang.gov.vn", i+1), bytes.NewReader(bytes.Repeat([]byte{byte(i)}, 5000+i)))
	}
	want = append(want, "trống.txt")
	raw := []byte(writeOut(t, msg))
	var got []string
	walk(t, raw, func(p *multipart.Part, body string) {
		if p.FileName() == "" {
			if body != "" {
				t.Errorf("body %q", body)
			}
			return
		}
		var i int
		if _, err := fmt.Sscanf(p.FileName(), "ảnh %d.jpg", &i); err == nil && body != string(bytes.Repeat([]byte{byte(i - 1)}, 5000+i-1)) {
			t.Errorf("%s: %d bytes", p.FileName(), len(body))
		}
		got = append(got, p.FileName())
	})
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("files %q", got)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		return
	}
	path := filepath.Join(t.TempDir(), "m.eml")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "testdata/readmail.py", path).CombinedOutput()
	var read struct {
		Files   []string
		Defects []string
	}
	if err != nil || json.Unmarshal(out, &read) != nil || len(read.Defects) > 0 || strings.Join(read.Files, "|") != strings.Join(want, "|") {
		t.Errorf("Python reads %s, %v", out, err)
	}
}
