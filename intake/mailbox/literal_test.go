package mailbox

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestLiteralCutEndsTheConnection: a message body whose read fails before
// the size the server announced — the connection dropped or timed out in
// the middle of it — ends the connection before the failure is returned.
// go-imap's reader goroutine goes on decoding the stream from the moment
// a literal's read fails, while FetchMessageData.Next reads the rest of
// that literal from the same buffer: only a closed client, whose reader
// has ended, is safe to read again. A body read to its end does not.
func TestLiteralCutEndsTheConnection(t *testing.T) {
	body := "Đèn đường ấp 3 bị hư."
	for _, c := range []struct {
		name   string
		r      io.Reader
		size   int64
		broken bool
	}{
		{"whole", strings.NewReader(body), int64(len(body)), false},
		{"closed cleanly before its end", strings.NewReader(body), int64(len(body)) + 10, true},
		{"read failed", io.MultiReader(strings.NewReader(body[:5]), iotest.ErrReader(errors.New("read tcp: connection reset by peer"))), int64(len(body)), true},
		{"timed out", iotest.TimeoutReader(strings.NewReader(body)), int64(len(body)), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			closed := 0
			l := &literal{r: c.r, left: c.size, broken: func() { closed++ }}
			buf := make([]byte, 4)
			var err error
			for err == nil {
				_, err = l.Read(buf)
				if err != nil && c.broken && closed != 1 {
					t.Fatalf("the read failed (%v) with the connection closed %d times, want once before", err, closed)
				}
			}
			if !c.broken && (err != io.EOF || closed != 0) {
				t.Errorf("read to its end: %v, the connection closed %d times", err, closed)
			}
			if c.broken && err == io.EOF {
				t.Error("a body cut short read as a whole one")
			}
		})
	}
}
