package intake

import (
	"strings"
	"testing"
)

// FuzzDigest: any message's digest is unchanged by trace fields added on
// top, the way servers add them, and by its line endings.
func FuzzDigest(f *testing.F) {
	f.Add("From: a@b.vn\r\nSubject: x\r\n\r\n/accept\r\n", "mx.haugiang.gov.vn")
	f.Add("Received: x\n\ty\nFrom: a\n\nbody", "relay")
	f.Add("no header at all", "")
	f.Fuzz(func(t *testing.T, raw, host string) {
		host = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return -1
			}
			return r
		}, host)
		if s := strings.TrimLeft(raw, "\r"); strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\t") {
			return // a folded line continues the field above it: here a trace field
		}
		sum := func(s string) string {
			d := newDigester()
			d.Write([]byte(s))
			return d.Sum()
		}
		base := sum(raw)
		traced := "Received: from " + host + "\r\n\tby mx; Mon, 23 Nov 2026\r\nDelivered-To: phananh@haugiang.gov.vn\r\n" + raw
		if sum(traced) != base {
			t.Errorf("trace fields on top changed the digest of %q", raw)
		}
		if sum(strings.ReplaceAll(raw, "\r\n", "\n")) != base {
			t.Errorf("line endings changed the digest of %q", raw)
		}
	})
}
