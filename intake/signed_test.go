package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestBodyCanon holds the body digests to RFC 6376's canonical forms (its
// example of 3.4.5) and to l=.
func TestBodyCanon(t *testing.T) {
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	tests := []struct {
		sig, body, want string
	}{
		{"c=simple/simple", " C \r\nD \t E\r\n\r\n\r\n", " C \r\nD \t E\r\n"},
		{"c=relaxed/relaxed", " C \r\nD \t E\r\n\r\n\r\n", " C\r\nD E\r\n"},
		{"c=relaxed", " C \r\nD \t E\r\n", " C \r\nD \t E\r\n"}, // the body's form defaults to simple
		{"c = relaxed / relaxed", "a  \n\n b\n \n\n", "a\r\n\r\n b\r\n"},
		{"c=relaxed/simple", "no line end", "no line end\r\n"},
		{"c=simple/simple; l=5", "/accept\r\n-- \r\nthêm\r\n", "/acce"},
		{"c=relaxed/relaxed; l= 9", "/accept  \r\n\r\n-- \r\nthêm\r\n", "/accept\r\n"},
		{"c=simple/simple", "a\rb\r\n", "a\rb\r\n"},
	}
	for _, tt := range tests {
		c := coverageOf(tt.sig)
		b := &bodyCanon{h: sha256.New(), relaxed: c.relaxed, sums: map[int64]string{}}
		if c.limit >= 0 {
			b.marks = []int64{c.limit}
		}
		for p := []byte(tt.body); len(p) > 0; p = p[min(len(p), 3):] { // in pieces
			b.Write(p[:min(len(p), 3)])
		}
		if got := b.digest(c.limit); got != sum(tt.want) {
			t.Errorf("%s of %q: not the digest of %q", tt.sig, tt.body, tt.want)
		}
	}
}

// TestSignedParts: the parts of the signed keys are the last Date and
// Subject, in the relaxed form, with a body digest per signature; none
// without a Date.
func TestSignedParts(t *testing.T) {
	parts := func(raw string) []string {
		s := newSignedReader()
		s.Write([]byte(raw))
		return s.parts()
	}
	base := "Date: Tue, 24 Nov 2026 08:00:00 +0700\r\nDate: Mon, 23 Nov 2026 09:00:00 +0700\r\nSubject: x\r\nSubject: Re:  [PA-2026-000001]\r\n\tThông báo\r\n" +
		"DKIM-Signature: v=1; c=relaxed/relaxed; l=9; d=a.vn;\r\n b=x\r\nDKIM-Signature: v=1; d=b.vn; b=y\r\n\r\n/accept\r\n\r\nthêm\r\n"
	got := parts(base)
	if len(got) != 2 {
		t.Fatalf("%d parts, want one per signature: %q", len(got), got)
	}
	if want := "Mon, 23 Nov 2026 09:00:00 +0700\nRe: [PA-2026-000001] Thông báo\n"; !strings.HasPrefix(got[0], want) {
		t.Errorf("parts %q, want the last Date and Subject, relaxed: %q", got[0], want)
	}
	if got[0] == got[1] {
		t.Errorf("the l=9 signature and the whole body's have one digest")
	}
	if p := parts(strings.ReplaceAll(base, "\r\n", "\n")); strings.Join(p, "|") != strings.Join(got, "|") {
		t.Errorf("bare line ends give other parts: %q", p)
	}
	if p := parts(strings.Replace(base, "thêm", "khác", 1))[0]; p != got[0] {
		t.Errorf("text past l= changed the part: %q", p)
	}
	if p := parts("Subject: x\r\n\r\n/accept\r\n"); p != nil {
		t.Errorf("a mail without a Date has parts %q", p)
	}
	if p := parts("Date: Mon, 23 Nov 2026 09:00:00 +0700\r\n\r\n/accept\r\n"); len(p) != 1 {
		t.Errorf("a mail without a signature has %d parts, want one over its body", len(p))
	}
}

// BenchmarkSignedReader reads a 1 MiB message as it streams in: a header
// with a relaxed DKIM signature and a base64 body.
func BenchmarkSignedReader(b *testing.B) {
	head := "Date: Mon, 23 Nov 2026 09:00:00 +0700\r\nSubject: Re: [PA-2026-000001]\r\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.gov.vn; s=mail; h=from:date:subject; bh=abc; b=def\r\n\r\n"
	line := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RV", 3)[:76] + "\r\n"
	msg := []byte(head + strings.Repeat(line, (1<<20)/len(line)))
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		s := newSignedReader()
		for p := msg; len(p) > 0; p = p[min(len(p), 32<<10):] {
			s.Write(p[:min(len(p), 32<<10)])
		}
		s.parts()
	}
}

// TestSignedPartsFromCopy: the parts a command mail's keys are made of,
// read from its raw copy in the blob store when they are asked for, are
// those its bytes give as they stream in; a copy the store cannot read is
// an error, not a mail without keys.
func TestSignedPartsFromCopy(t *testing.T) {
	f := newFixture(t)
	head := "From: tiepnhan1@example.gov.vn\r\nDate: Mon, 23 Nov 2026 09:00:00 +0700\r\nSubject: Re: [PA-2026-000001]\r\n"
	body := "/accept\r\n\r\n" + strings.Repeat("Đã liên hệ người dân, xác minh tại chỗ.  \r\n", 2000) + "\r\n\r\n"
	tests := []struct{ name, raw string }{
		{"no signature", head + "\r\n" + body},
		{"relaxed, l=", head + "DKIM-Signature: v=1; c=relaxed/relaxed; l=9; d=a.vn;\r\n b=x\r\n\r\n" + body},
		{"two signatures", head + "DKIM-Signature: v=1; d=b.vn; b=y\r\nDKIM-Signature: c=relaxed/relaxed; d=a.vn; b=x\r\n\r\n" + body},
		{"bare line ends", strings.ReplaceAll(head+"DKIM-Signature: v=1; d=b.vn; b=y\r\n\r\n"+body, "\r\n", "\n")},
		{"no date", "From: tiepnhan1@example.gov.vn\r\n\r\n/accept\r\n"},
	}
	for _, tt := range tests {
		blobs := f.db.Blobs().Batch()
		raw, err := f.p.spool(blobs, strings.NewReader(tt.raw))
		if err != nil {
			t.Fatal(err)
		}
		if err := blobs.Sync(); err != nil {
			t.Fatal(err)
		}
		s := newSignedReader()
		s.Write([]byte(tt.raw))
		in := &incoming{raw: raw, blobs: blobs}
		got, err := in.signedParts()
		if err != nil || strings.Join(got, "|") != strings.Join(s.parts(), "|") {
			t.Errorf("%s: parts %q (%v), want %q", tt.name, got, err, s.parts())
		}
		blobs.Close()
	}
	in := &incoming{raw: spooled{key: "0000"}, blobs: f.db.Blobs().Batch()}
	if parts, err := in.signedParts(); err == nil {
		t.Errorf("a copy the store cannot read gave parts %q", parts)
	}
}
