package parse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readFile parses a testdata file with a memory sink and default limits.
func readFile(t *testing.T, name string) (*Message, *memSink) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemSink()
	m, err := Read(bytes.NewReader(data), sink, Limits{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m, sink
}

func readString(t *testing.T, msg string) *Message {
	t.Helper()
	m, err := Read(strings.NewReader(msg), newMemSink(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReadHeaders(t *testing.T) {
	m, _ := readFile(t, "plain.eml")
	checks := []struct{ name, got, want string }{
		{"from name", m.From.Name, "Nguyễn Văn An"},
		{"from addr", m.From.Addr, "an@example.vn"},
		{"subject", m.Subject, "Đường hỏng"},
		{"message-id", m.MessageID, "abc@example.vn"},
		{"in-reply-to", strings.Join(m.InReplyTo, " "), "x1@haugiang.gov.vn"},
		{"references", strings.Join(m.References, " "), "x0@haugiang.gov.vn x1@haugiang.gov.vn"},
		{"delivered-to", strings.Join(m.DeliveredTo, " "), "phananh+tok@haugiang.gov.vn"},
		{"return-path", m.ReturnPath, "an@example.vn"},
		{"auth-results topmost", m.AuthResults[0], "mx.haugiang.gov.vn; dmarc=pass"},
		{"text", m.Text, "Đường ở ấp 3 bị hỏng nặng.\nSố điện thoại: 0912 345 678"},
		{"to", m.To[0].Addr, "phananh@haugiang.gov.vn"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if want := time.Date(2026, 3, 2, 1, 15, 0, 0, time.UTC); !m.Date.Equal(want) {
		t.Errorf("date = %v, want %v", m.Date, want)
	}
	if len(m.AuthResults) != 2 || !m.ReturnPathPresent || m.English || m.HTMLOnly {
		t.Errorf("auth=%d returnPath=%v english=%v htmlOnly=%v", len(m.AuthResults), m.ReturnPathPresent, m.English, m.HTMLOnly)
	}
}

func TestReadMultipart(t *testing.T) {
	m, sink := readFile(t, "multipart.eml")
	if m.Text != "Plain version." || m.HTMLOnly {
		t.Errorf("text = %q (htmlOnly %v), want the plain alternative", m.Text, m.HTMLOnly)
	}
	if len(m.Attachments) != 2 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	png, exe := m.Attachments[0], m.Attachments[1]
	if png.Type != "image/png" || png.Key == "" || png.Refused != "" || png.Name != "dot.png" || png.Size != 70 {
		t.Errorf("png = %+v", png)
	}
	if _, ok := sink.blobs[png.Key]; !ok {
		t.Errorf("png blob not committed")
	}
	if exe.Type != "application/x-msdownload" || exe.Key != "" || !strings.HasPrefix(exe.Refused, "type not allowed") {
		t.Errorf("exe = %+v", exe)
	}
	if exe.DeclaredType != "application/octet-stream" {
		t.Errorf("exe declared = %q", exe.DeclaredType)
	}
}

func TestReadSinkFailure(t *testing.T) {
	data, _ := os.ReadFile("testdata/multipart.eml")
	_, err := Read(bytes.NewReader(data), &memSink{fail: true}, Limits{})
	if err == nil || errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want the sink's error", err)
	}
}

// nested builds a message whose multiparts nest depth deep.
func nested(depth int) string {
	var b strings.Builder
	b.WriteString("From: a@example.vn\nSubject: nest\n")
	for i := 0; i < depth; i++ {
		b.WriteString("Content-Type: multipart/mixed; boundary=\"b" + strconv.Itoa(i) + "\"\n\n--b" + strconv.Itoa(i) + "\n")
	}
	b.WriteString("Content-Type: text/plain\n\ndeep\n")
	for i := depth - 1; i >= 0; i-- {
		b.WriteString("--b" + strconv.Itoa(i) + "--\n")
	}
	return b.String()
}

func TestLimits(t *testing.T) {
	manyParts := "From: a@example.vn\nContent-Type: multipart/mixed; boundary=x\n\n" +
		strings.Repeat("--x\nContent-Type: text/plain\n\nhi\n", 30) + "--x--\n"
	tests := []struct {
		name  string
		msg   string
		lim   Limits
		limit string
	}{
		{"message size", "Subject: x\n\n" + strings.Repeat("a\n", 600), Limits{MaxMessageBytes: 1000}, "message size"},
		{"header size", "Subject: " + strings.Repeat("x", 3000) + "\n\nbody\n", Limits{MaxHeaderBytes: 2000}, "header size"},
		{"header fields", strings.Repeat("X-A: 1\n", 50) + "\nbody\n", Limits{MaxHeaderFields: 40}, "header fields"},
		{"part header fields", "Content-Type: multipart/mixed; boundary=x\n\n--x\n" + strings.Repeat("X-A: 1\n", 50) + "\nhi\n--x--\n",
			Limits{MaxHeaderFields: 40}, "header fields"},
		{"line length", "Subject: x\n\n" + strings.Repeat("a", 5000) + "\n", Limits{MaxLineBytes: 4000}, "line length"},
		{"depth", nested(15), Limits{MaxDepth: 10}, "MIME depth"},
		{"parts", manyParts, Limits{MaxParts: 20}, "MIME parts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.msg), newMemSink(), tt.lim)
			if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tt.limit) {
				t.Errorf("err = %v, want a %q limit", err, tt.limit)
			}
			// Under default limits the same message reads.
			if _, err := Read(strings.NewReader(tt.msg), newMemSink(), Limits{}); err != nil {
				t.Errorf("with default limits: %v", err)
			}
		})
	}
}

func TestNestingBomb(t *testing.T) {
	_, err := Read(strings.NewReader(nested(5000)), newMemSink(), Limits{})
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "MIME depth") {
		t.Errorf("err = %v, want the depth limit", err)
	}
	m, err := Read(strings.NewReader(nested(15)), newMemSink(), Limits{})
	if err != nil || m.Text != "deep" {
		t.Errorf("15 levels: %v, text %q", err, m.Text)
	}
}
