package mimewriter

import (
	"bytes"
	"mime"
	"net/mail"
	"strings"
	"testing"
)

// TestTextNotReadAsEncodedWords: an unstructured field whose text looks
// like encoded words, or holds a word too long for a line, is written as
// encoded words, so that readers show the text as it was (RFC 2047 section
// 5 lets them decode any "=?…?=" they find), and no line passes 76
// characters.
func TestTextNotReadAsEncodedWords(t *testing.T) {
	for _, text := range []string{
		"=?UTF-8?B?SGFja2Vk?= hi",
		"Re: =?utf-8?q?=C4=90=C3=A3_x=E1=BB=AD_l=C3=BD?=",
		"Re: " + strings.Repeat("x", 1200),
		"http://example.com/" + strings.Repeat("a/", 60),
	} {
		var h Header
		h.AddText("Subject", text)
		raw := h.Bytes()
		for l := range strings.SplitSeq(strings.TrimSuffix(string(raw), "\r\n\r\n"), "\r\n") {
			if len(l) > maxLine {
				t.Errorf("%.30q: line of %d", text, len(l))
			}
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil || got != text {
			t.Errorf("%.30q reads as %.60q, %v\n%s", text, got, err, raw)
		}
	}
}

// TestFileParams: a file's name reads back from the parameters written,
// by RFC 2231 (mime.ParseMediaType) from filename and by RFC 2047 from
// name, whatever it holds, in lines of at most 76 characters.
func TestFileParams(t *testing.T) {
	names := []string{"a.jpg", "photo 1.jpg", "ảnh.jpg", `a"b\c.jpg`, "=?UTF-8?q?x?=", "100%*'();,=.pdf", "tab\there", "\xff.bin",
		strings.Repeat("ệ", 66), strings.Repeat("x", 63), strings.Repeat("x", 64), strings.Repeat("x", 200), "Ảnh hiện trường – 1.heic"}
	for _, file := range names {
		name, filename := FileParams(file)
		var h Header
		h.Add("Content-Type", "image/jpeg; "+name)
		h.Add("Content-Disposition", "attachment; "+filename)
		raw := h.Bytes()
		for l := range strings.SplitSeq(string(raw), "\r\n") {
			if len(l) > maxLine {
				t.Errorf("%q: line of %d: %q", file, len(l), l)
			}
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ToValidUTF8(file, "\uFFFD")
		_, params, err := mime.ParseMediaType(m.Header.Get("Content-Disposition"))
		if got := strings.ToValidUTF8(params["filename"], "\uFFFD"); err != nil || got != want {
			t.Errorf("%q: filename %q, %v\n%s", file, got, err, raw)
		}
		_, params, err = mime.ParseMediaType(m.Header.Get("Content-Type"))
		got, derr := new(mime.WordDecoder).DecodeHeader(params["name"])
		if err != nil || derr != nil || got != want {
			t.Errorf("%q: name %q, %v, %v\n%s", file, got, err, derr, raw)
		}
	}
}
