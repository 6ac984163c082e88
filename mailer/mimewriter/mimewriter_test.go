package mimewriter

import (
	"bytes"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stdlibQP is what mime/quotedprintable's Writer writes for text.
func stdlibQP(text string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	io.WriteString(w, text)
	w.Close()
	return b.String()
}

// TestQuotedPrintableAsStdlib: the encoder writes what the standard
// library's writer writes, for Vietnamese text, runs of spaces at lines'
// ends, long lines, '=' and control characters at every place of a line.
func TestQuotedPrintableAsStdlib(t *testing.T) {
	cases := []string{"", "a", "a \n", "a\t", "=", "Kính gửi Quý Ông/Bà,\n\nMã phản ánh: PA-2026-000001\n",
		strings.Repeat("x", 75), strings.Repeat("x", 76), strings.Repeat("x", 74) + " \n", strings.Repeat("x", 74) + "=",
		strings.Repeat("ệ", 40), ".\n..\n", "a\r\nb\rc\n\rd"}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", " ", "\t", "\n", "=", ".", "ả", "Đ", "\x00", "\x7f", "~", "-"}
	for range 3000 {
		var b strings.Builder
		for range r.IntN(300) {
			if r.IntN(10) == 0 {
				b.WriteString(strings.Repeat("x", r.IntN(90)))
			}
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		got, want := string(AppendQuotedPrintable(nil, c)), stdlibQP(c)
		if got != want {
			t.Fatalf("%q:\n got %q\nwant %q", c, got, want)
		}
		back, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(got)))
		norm := strings.ReplaceAll(strings.ReplaceAll(c, "\r\n", "\n"), "\r", "\n")
		if err != nil || strings.ReplaceAll(string(back), "\r\n", "\n") != norm {
			t.Fatalf("%q decodes to %q, %v", c, back, err)
		}
		for l := range strings.SplitSeq(got, "\r\n") {
			if len(l) > maxLine {
				t.Fatalf("line of %d: %q", len(l), l)
			}
		}
	}
}

// TestHeaderFolding: fields are folded before words that would take a line
// past 76 characters, never before the first (which stays on the line of
// the field's name), a Vietnamese subject is written as encoded words that
// decode to it, and what a reader unfolds is what was written.
func TestHeaderFolding(t *testing.T) {
	var h Header
	subject := "[PA-2026-000001] KHẨN CẤP – Phản ánh mới: Trật tự đô thị – phường Vị Thanh, thành phố Vị Thanh, tỉnh Hậu Giang"
	refs := strings.Repeat("<a-long-message-identifier-of-the-thread@mail.example.com> ", 4) + "<last@example.com>"
	h.AddText("Subject", subject)
	h.AddText("Thread-Topic", "Phản ánh hiện trường")
	h.AddText("X-Plain", "All ASCII words")
	h.Add("References", refs)
	h.Add("Message-ID", "<phananh.PA-2026-000001.ack.1@haugiang.gov.vn>")
	raw := h.Bytes()
	for l := range strings.SplitSeq(strings.TrimSuffix(string(raw), "\r\n\r\n"), "\r\n") {
		// A field's first line holds its first word, whatever its
		// length: a line of the name alone unfolds with a leading space,
		// which Python's email package and some clients show.
		name, first, ok := strings.Cut(l, ": ")
		if !ok || strings.Contains(name, " ") {
			first = ""
		}
		if strings.HasSuffix(l, ":") && !strings.ContainsAny(l, " \t") {
			t.Errorf("a field folded after its name: %q\n%s", l, raw)
		}
		if len(l) > maxLine && (first == "" || strings.Contains(first, " ")) {
			t.Errorf("line of %d: %q", len(l), l)
		}
	}
	m, err := mail.ReadMessage(bytes.NewReader(append(raw, "body"...)))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	for name, want := range map[string]string{"Subject": subject, "Thread-Topic": "Phản ánh hiện trường", "X-Plain": "All ASCII words",
		"References": refs, "Message-Id": "<phananh.PA-2026-000001.ack.1@haugiang.gov.vn>"} {
		got, err := dec.DecodeHeader(m.Header.Get(name))
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
	if !strings.Contains(string(raw), "=?UTF-8?q?") {
		t.Errorf("no encoded words:\n%s", raw)
	}
}

// TestBase64Lines: attachments are written in lines of 76 characters that
// decode to the bytes, whatever their length.
func TestBase64Lines(t *testing.T) {
	for _, n := range []int{0, 1, 56, 57, 58, 57 * 64, 57*64 + 1, 100000} {
		in := make([]byte, n)
		for i := range in {
			in[i] = byte(i * 31)
		}
		var b bytes.Buffer
		written, err := WriteBase64(&b, bytes.NewReader(in))
		if err != nil || written != int64(b.Len()) {
			t.Fatalf("%d: %d written of %d, %v", n, written, b.Len(), err)
		}
		var joined strings.Builder
		for l := range strings.SplitSeq(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
			if len(l) > maxLine {
				t.Fatalf("%d: line of %d", n, len(l))
			}
			joined.WriteString(l)
		}
		out, err := base64.StdEncoding.DecodeString(joined.String())
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("%d: decodes to %d bytes, %v", n, len(out), err)
		}
	}
}

// TestMultipart: nested multipart bodies read back as written, each part
// with its header and body, and their boundaries differ.
func TestMultipart(t *testing.T) {
	var b bytes.Buffer
	outer := NewMultipart(&b, "related", "id@example.com")
	inner := NewMultipart(&b, "alternative", "id@example.com")
	if outer.boundary() == inner.boundary() || !strings.HasPrefix(outer.boundary(), "=_") {
		t.Fatalf("boundaries %q, %q", outer.boundary(), inner.boundary())
	}
	var h Header
	h.Add("Content-Type", inner.ContentType())
	outer.Part(&h)
	for _, text := range []string{"Xin chào\n-- \n", "<p>Xin chào</p>\n"} {
		h.Reset()
		h.Add("Content-Type", "text/plain; charset=UTF-8")
		h.Add("Content-Transfer-Encoding", "quoted-printable")
		inner.Part(&h)
		b.Write(AppendQuotedPrintable(nil, text))
	}
	inner.Close()
	h.Reset()
	h.Add("Content-Type", "image/jpeg")
	h.Add("Content-Transfer-Encoding", "base64")
	outer.Part(&h)
	WriteBase64(&b, strings.NewReader("JPEG"))
	outer.Close()

	r := multipart.NewReader(&b, outer.boundary())
	p, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
	ir := multipart.NewReader(p, params["boundary"])
	var texts []string
	for {
		q, err := ir.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(q) // mime/multipart decodes quoted-printable
		texts = append(texts, string(body))
	}
	if len(texts) != 2 || texts[0] != "Xin chào\r\n-- \r\n" || texts[1] != "<p>Xin chào</p>\r\n" {
		t.Errorf("alternatives %q", texts)
	}
	p, err = r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
	if string(body) != "JPEG" {
		t.Errorf("attachment %q", body)
	}
	if _, err := r.NextPart(); err != io.EOF {
		t.Errorf("after the last part: %v", err)
	}
}

// BenchmarkQuotedPrintable encodes the bodies of a report's mails as a
// mail carries them: a Vietnamese plain text (testdata/ack.vi.txt, the
// acknowledgement's) and HTML (testdata/triage.vi.html, the triage
// notice's). One op is the two; it reports the CPU time of the process
// an op.
func BenchmarkQuotedPrintable(b *testing.B) {
	var texts [][]byte
	for _, name := range []string{"testdata/ack.vi.txt", "testdata/triage.vi.html"} {
		text, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, text)
	}
	var dst []byte
	size := 0
	for _, text := range texts {
		size += len(text)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		for _, text := range texts {
			dst = AppendQuotedPrintable(dst[:0], text)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1000/float64(b.N), "cpu-µs/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
