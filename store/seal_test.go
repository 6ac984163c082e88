package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
)

// TestIndexOfNormalises: a lookup HMAC is HMAC-SHA-256 of the kind, a zero
// byte and the value as its kind compares it — the form the rows already
// written hold, which must not change —, and an empty value has none.
func TestIndexOfNormalises(t *testing.T) {
	k, err := deriveKeys(testKey)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		kind        IndexKind
		value, norm string
	}{
		{IndexEmail, "Nguyen.Van.An@Example.COM", "nguyen.van.an@example.com"},
		{IndexMailbox, "An+Bao@Example.com", "an@example.com"},
		{IndexPhone, "+84 912.345.678", "0912345678"},
		{IndexContent, "  Khu vực  ấp 3\r\nbị\tcúp điện. ", "Khu vực ấp 3 bị cúp điện."},
		{IndexMessageID, "<a@b>", "<a@b>"},
		{IndexDigest, "d1", "d1"},
		{IndexSigned, "s1", "s1"},
	}
	for _, c := range cases {
		m := hmac.New(sha256.New, k.index)
		m.Write([]byte(string(c.kind) + "\x00" + c.norm))
		if got, want := k.indexOf(c.kind, c.value), m.Sum(nil); !bytes.Equal(got, want) {
			t.Errorf("%s %q: %x, want the HMAC of %q, %x", c.kind, c.value, got, c.norm, want)
		}
	}
	for kind, nothing := range map[IndexKind]string{IndexEmail: "", IndexPhone: "không có", IndexContent: " \r\n"} {
		if idx := k.indexOf(kind, nothing); idx != nil {
			t.Errorf("%s %q: %x, want none", kind, nothing, idx)
		}
	}
}

// TestSealIntoOneBuffer: values sealed one after another into one buffer
// — from strings and from bytes, the buffer grown between them or not —
// each open as sealed alone, bound to its own column; an empty value seals
// to nil and leaves the buffer as it was; and the buffer holds none of
// the clear text.
func TestSealIntoOneBuffer(t *testing.T) {
	k, err := deriveKeys(testKey)
	if err != nil {
		t.Fatal(err)
	}
	values := []string{"dan@example.com", "", `{"code":"PA-2026-000001","text":"Khu vực ấp 3 bị cúp điện."}`, strings.Repeat("ấp 3 ", 400)}
	for _, room := range []int{0, 64, 1 << 14} {
		buf := getSealBuffer(room)
		var sealed [][]byte
		for i, v := range values {
			before := len(*buf)
			var s []byte
			if i%2 == 0 {
				s = sealInto(buf, k.field, sealGeneral, "outbox", fmt.Sprint("c", i), 7, v)
			} else {
				s = sealInto(buf, k.field, sealGeneral, "outbox", fmt.Sprint("c", i), 7, []byte(v))
			}
			if v == "" && (s != nil || len(*buf) != before) {
				t.Errorf("room %d: empty value sealed to %x, buffer %d → %d bytes", room, s, before, len(*buf))
			}
			if cap(s) != len(s) {
				t.Errorf("room %d: value %d sealed with room to grow into the next (cap %d, len %d)", room, i, cap(s), len(s))
			}
			sealed = append(sealed, s)
		}
		for i, v := range values {
			if got, err := k.open("outbox", fmt.Sprint("c", i), 7, sealed[i]); err != nil || got != v {
				t.Errorf("room %d: value %d opens as %.20q, %v; want %.20q", room, i, got, err, v)
			}
			if v != "" && bytes.Contains(*buf, []byte(v)) {
				t.Errorf("room %d: the buffer holds value %d in clear", room, i)
			}
		}
		if _, err := k.open("outbox", "c0", 8, sealed[0]); err == nil {
			t.Errorf("room %d: a value opens bound to another row", room)
		}
		putSealBuffer(buf)
	}
}
