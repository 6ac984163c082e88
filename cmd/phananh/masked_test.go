package main

import (
	"bytes"
	"html"
	"io"
	"mime"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
)

// checkMasked fails when a mail to an agency holds any of a confidential
// citizen's identity where a reader can find it: in a header, a file name
// or the text of a text part, decoded. A phone number is found in any of
// its written forms (see phonePattern). The bodies of binary parts are not
// searched: their base64 holds any short string by chance, and what their
// metadata keeps is the photo tests' concern.
func checkMasked(t *testing.T, what string, m sentMail, identity ...string) {
	t.Helper()
	readable := m.readable()
	for _, s := range identity {
		if p := phonePattern(s); p != nil {
			if found := p.FindString(readable); found != "" {
				t.Errorf("%s holds the phone %q as %q:\n%s", what, s, found, readable)
			}
			continue
		}
		if strings.Contains(readable, s) {
			t.Errorf("%s holds %q:\n%s", what, s, readable)
		}
	}
}

// readable is what a mail's reader can see, decoded: every header of every
// part (RFC 2047 words and RFC 2231 parameters decoded), and the text of
// every text part in its charset, HTML entities unescaped. Binary bodies
// are left out.
func (s sentMail) readable() string {
	s.t.Helper()
	e, err := message.Read(bytes.NewReader(s.raw))
	if err != nil {
		s.t.Fatalf("sent mail does not parse: %v", err)
	}
	var b strings.Builder
	err = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		writeHeader(&b, part.Header)
		if typ, _, _ := part.Header.ContentType(); strings.HasPrefix(typ, "text/") {
			text, err := io.ReadAll(part.Body)
			if err != nil {
				return err
			}
			b.WriteString(html.UnescapeString(string(text)) + "\n")
		}
		return nil
	})
	if err != nil {
		s.t.Fatalf("sent mail does not parse: %v", err)
	}
	return b.String()
}

// writeHeader writes a part's header fields decoded, then the parameters of
// its Content-Type and Content-Disposition (file names) decoded.
func writeHeader(b *strings.Builder, h message.Header) {
	dec := new(mime.WordDecoder)
	fields := h.Fields()
	for fields.Next() {
		text, err := fields.Text()
		if err != nil {
			text = fields.Value()
		}
		b.WriteString(fields.Key() + ": " + text + "\n")
	}
	for _, key := range []string{"Content-Type", "Content-Disposition"} {
		_, params, _ := mime.ParseMediaType(h.Get(key))
		for name, v := range params {
			if d, err := dec.DecodeHeader(v); err == nil {
				v = d
			}
			b.WriteString(key + " " + name + ": " + v + "\n")
		}
	}
}

// phonePattern matches a Vietnamese phone number, given in any form, in all
// the forms it is written in: 0912345678, 0912 345 678, 0912.345.678,
// 0912-345-678, +84 912 345 678, (+84) 912345678, 84912345678. It is nil
// when s is not a phone number.
func phonePattern(s string) *regexp.Regexp {
	var digits []rune
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, r)
		case !strings.ContainsRune(" .-+()", r):
			return nil
		}
	}
	national := string(digits)
	switch {
	case strings.HasPrefix(national, "84") && len(national) >= 11:
		national = national[2:]
	case strings.HasPrefix(national, "0"):
		national = national[1:]
	}
	if len(national) < 8 {
		return nil
	}
	const sep = `[\s\x{00A0}.\-]*`
	var p strings.Builder
	p.WriteString(`(?:0|\(?\+?84\)?` + sep + `)`)
	for i, d := range national {
		if i > 0 {
			p.WriteString(sep)
		}
		p.WriteRune(d)
	}
	return regexp.MustCompile(p.String())
}

func TestPhonePattern(t *testing.T) {
	p := phonePattern("0912 345 678")
	for _, s := range []string{"0912345678", "gọi 0912 345 678.", "0912.345.678", "0912-345-678", "+84 912 345 678",
		"(+84) 912345678", "84912345678", "+84912345678", "0912\u00a0345\u00a0678"} {
		if !p.MatchString(s) {
			t.Errorf("%q is not found", s)
		}
	}
	for _, s := range []string{"0912 345 67", "0913 345 678", "PA-2026-000912", "345 678"} {
		if p.MatchString(s) {
			t.Errorf("%q is found", s)
		}
	}
	if phonePattern("Nguyễn Văn An") != nil || phonePattern("345 678") != nil {
		t.Error("a name or a part of a number is taken for a phone number")
	}
}

func TestReadable(t *testing.T) {
	raw := "From: =?utf-8?q?Nguy=E1=BB=85n?= <a@example.net>\r\nSubject: =?utf-8?b?" + "xJBp4buHbg==" + "?=\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nG=E1=BB=8Di 0912 345 678\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+MDkxMi4zNDUuNjc4PC9wPg==\r\n" +
		"--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename*=utf-8''Tr%E1%BA%A7n.jpg\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nMDkxMjM0NTY3OA==\r\n--b--\r\n"
	got := sentMail{t, []byte(raw)}.readable()
	for _, want := range []string{"Nguyễn", "Điện", "Gọi 0912 345 678", "<p>0912.345.678</p>", "Trần.jpg"} {
		if !strings.Contains(got, want) {
			t.Errorf("readable lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "0912345678") {
		t.Errorf("readable holds a binary body:\n%s", got)
	}
}
