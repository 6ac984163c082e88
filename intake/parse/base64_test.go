package parse

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// chunkReader returns its data in reads of the sizes given in turn
// (cycling; a size of 0 reads nothing), as a multipart part's reader does
// in pieces.
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(r.data), r.sizes[r.i%len(r.sizes)])
	r.i++
	n = copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// readAllBy reads r to its end or first error in reads of the sizes given
// in turn, and returns what it read and that error.
func readAllBy(r io.Reader, sizes []int) ([]byte, error) {
	var out []byte
	buf := make([]byte, 0, 128<<10)
	for i := 0; ; i++ {
		n, err := r.Read(buf[:sizes[i%len(sizes)]])
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
		if i > 1<<20 {
			return out, errors.New("no end")
		}
	}
}

// decodedBoth reads body as the part of the header given, once as
// go-message decodes it and once through newEntity, and fails when the
// bytes, the error or the error of New differ.
func decodedBoth(t *testing.T, header, body string, in, out []int) {
	t.Helper()
	h, err := textproto.ReadHeader(bufio.NewReader(strings.NewReader(header + "\r\n")))
	if err != nil {
		t.Fatalf("header: %v", err)
	}
	want, wantErr := message.New(message.Header{Header: h}, &chunkReader{data: []byte(body), sizes: in})
	got, dec, gotErr := newEntity(h, &chunkReader{data: []byte(body), sizes: in})
	defer releaseBase64Decoder(dec)
	if errString(gotErr) != errString(wantErr) {
		t.Fatalf("New error %v, want %v", gotErr, wantErr)
	}
	if got.Header.Get("Content-Transfer-Encoding") != want.Header.Get("Content-Transfer-Encoding") {
		t.Fatal("header changed")
	}
	wb, werr := readAllBy(want.Body, out)
	gb, gerr := readAllBy(got.Body, out)
	if !bytes.Equal(gb, wb) || errString(gerr) != errString(werr) {
		t.Fatalf("read %q, %v\nwant %q, %v", gb, gerr, wb, werr)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestBase64DecoderAsGoMessage holds newEntity's decoding to go-message's:
// the same bytes and the same error at the same point, whatever the reads'
// sizes on either side, for bodies well and badly encoded.
func TestBase64DecoderAsGoMessage(t *testing.T) {
	photo := bytes.Repeat([]byte("\xff\xd8\xff\xe0 ảnh chụp đèn đường 0123456789"), 120)
	lines := func(s string, n int, eol string) string {
		var b strings.Builder
		for len(s) > n {
			b.WriteString(s[:n] + eol)
			s = s[n:]
		}
		return b.String() + s + eol
	}
	enc := base64.StdEncoding.EncodeToString(photo)
	bodies := map[string]string{
		"crlf":            lines(enc, 76, "\r\n"),
		"lf":              lines(enc, 76, "\n"),
		"indented":        lines(enc, 76, "\r\n\t "),
		"one line":        enc,
		"empty":           "",
		"blank lines":     "\r\n\r\n  \t\r\n",
		"padded twice":    base64.StdEncoding.EncodeToString([]byte("ab")) + "\r\n" + base64.StdEncoding.EncodeToString([]byte("cd")) + "\r\n",
		"bad byte":        lines(enc[:2000]+"*"+enc[2000:], 76, "\r\n"),
		"bad byte early":  "QUJD!\r\n" + lines(enc, 76, "\r\n"),
		"truncated":       lines(enc[:1001], 76, "\r\n"),
		"garbage after":   lines(enc, 76, "\r\n") + "-- \r\nsent from my phone\r\n",
		"controls":        lines(enc[:500], 60, "\x0b\x00\r\n") + "\x1f",
		"padding in line": "QQ==QUJD\r\n",
	}
	headers := map[string]string{
		"photo":      "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n",
		"upper":      "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: BASE64\r\n",
		"text 1258":  "Content-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: base64\r\n",
		"unknown cs": "Content-Type: text/plain; charset=x-nothing\r\nContent-Transfer-Encoding: base64\r\n",
		"multipart":  "Content-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: base64\r\n",
		"bad type":   "Content-Type: Multipart/mixed; boundary=(\r\nContent-Transfer-Encoding: base64\r\n",
		"no type":    "Content-Transfer-Encoding: base64\r\n",
		"quoted":     "Content-Type: image/png\r\nContent-Transfer-Encoding: quoted-printable\r\n",
		"other":      "Content-Type: image/png\r\nContent-Transfer-Encoding: x-uuencode\r\n",
	}
	ins := [][]int{{1 << 20}, {1}, {3, 0, 7}, {77, 4096}, {1024, 5, 300}}
	outs := [][]int{{1}, {3, 7}, {128 << 10}, {1024, 5, 300}}
	for hn, h := range headers {
		for bn, b := range bodies {
			for _, in := range ins {
				for _, out := range outs {
					t.Run(hn+"/"+bn, func(t *testing.T) { decodedBoth(t, h, b, in, out) })
				}
			}
		}
	}
}

// FuzzBase64Decoder holds newEntity's decoding of any body to
// go-message's, in reads of sizes drawn from the input.
func FuzzBase64Decoder(f *testing.F) {
	f.Add("QUJD\r\nREVG\r\n", byte(3), byte(5))
	f.Add("QQ==QUJD \t*\r\n", byte(1), byte(200))
	f.Add(strings.Repeat(base64.StdEncoding.EncodeToString([]byte("đèn đường hỏng ở ấp 3"))+"\r\n", 80), byte(77), byte(255))
	f.Fuzz(func(t *testing.T, body string, in, out byte) {
		decodedBoth(t, "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n", body,
			[]int{int(in), int(in)/2 + 1}, []int{int(out) + 1, 3})
	})
}
