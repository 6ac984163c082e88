package intake

import (
	"bytes"
	"testing"

	"haugiang.gov.vn/phananh/intake/parse"
)

// FuzzSpoolReaders writes any bytes, in writes of any sizes, through what
// reads a message as it is spooled — its digest, its header for a message
// too large to keep — which run on the watcher's goroutine, outside any
// recovery, and through what reads its signed parts from its copy: none
// may panic.
func FuzzSpoolReaders(f *testing.F) {
	f.Add([]byte("From: a@b.vn\r\nSubject: x\r\nDKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=b.vn; l=3; h=from; bh=x; b=y\r\n\r\n/accept\r\n"), uint8(7))
	f.Add([]byte("DKIM-Signature: l=99999999999999999999; c=simple\r\nDKIM-Signature: c=relaxed/relaxed; l=-1\r\n\r\n"), uint8(1))
	f.Add([]byte("DKIM-Signature: l=2;\r\n c=relaxed\r\n\r\n \t\r\n\r\n"), uint8(3))
	f.Add([]byte("\r\n\r\n"), uint8(0))
	f.Fuzz(func(t *testing.T, raw []byte, step uint8) {
		d, s, h := newDigester(), newSignedReader(), &headCatcher{}
		n := int(step) + 1
		for p := raw; len(p) > 0; {
			c := p[:min(n, len(p))]
			d.Write(c)
			s.Write(c)
			h.Write(c)
			p = p[len(c):]
		}
		d.Sum()
		signedKeys("a@b.vn", s.parts())
		parse.ReadHead(bytes.NewReader(h.b))
	})
}
