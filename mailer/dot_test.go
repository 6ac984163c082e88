package mailer

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"net/textproto"
	"strings"
	"testing"
)

// TestDotWriterAsTextproto: whatever the mail's line endings and leading
// dots, and however its bytes are split into writes, dotWriter writes what
// net/textproto's DotWriter writes.
func TestDotWriterAsTextproto(t *testing.T) {
	inputs := []string{
		"", "a", ".", "..", "\r", "\n", "\r\n", "\r\r\n", "\n\n.", ".\r\n.\r\n", "a\rb\nc\r\n.d\n..e\r",
		"Subject: x\r\n\r\n.hidden\r\n.\r\nend", "no newline at the end.", "bare LF\n.dot after LF\nlast\n",
		"CR alone\r.dot after CR\rx\r\r\r\n\r", strings.Repeat("line of text with a few words in it\r\n", 300),
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, rnd.IntN(400))
		for i := range b {
			b[i] = ".\r\na x"[rnd.IntN(6)]
		}
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		var want bytes.Buffer
		ww := textproto.NewWriter(bufio.NewWriter(&want)).DotWriter()
		ww.Write([]byte(in))
		ww.Close()
		for range 3 {
			var got bytes.Buffer
			d := &dotWriter{w: bufio.NewWriterSize(&got, 16)}
			for rest := []byte(in); len(rest) > 0; {
				k := 1 + rnd.IntN(len(rest))
				if _, err := d.Write(rest[:k]); err != nil {
					t.Fatal(err)
				}
				rest = rest[k:]
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("%q: wrote %q, want %q", in, got.String(), want.String())
			}
		}
	}
}

// BenchmarkDotWriter writes a notice of 20 KB, as DATA carries it.
func BenchmarkDotWriter(b *testing.B) {
	mail := []byte(strings.Repeat("Kính gửi Quý Ông/Bà, phản ánh của Quý Ông/Bà đã được tiếp nhận.=\r\n", 300))
	b.SetBytes(int64(len(mail)))
	b.Run("textproto", func(b *testing.B) {
		for b.Loop() {
			w := textproto.NewWriter(bufio.NewWriter(discard{})).DotWriter()
			w.Write(mail)
			w.Close()
		}
	})
	b.Run("dotWriter", func(b *testing.B) {
		for b.Loop() {
			w := &dotWriter{w: bufio.NewWriter(discard{})}
			w.Write(mail)
			w.Close()
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
