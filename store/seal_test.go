package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
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
