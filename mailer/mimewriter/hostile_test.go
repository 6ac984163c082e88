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
