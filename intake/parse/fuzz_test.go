package parse

import (
	"bytes"
	"errors"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// fuzzLimits keep each fuzz iteration small and fast.
var fuzzLimits = Limits{MaxMessageBytes: 1 << 20, MaxTextBytes: 64 << 10, MaxParts: 100, MaxDepth: 10}

func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.eml")
	corpusSeeds, _ := filepath.Glob("testdata/corpus/*/*")
	for _, p := range append(seeds, corpusSeeds...) {
		data, err := os.ReadFile(p)
		if err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sink := newMemSink()
		m, err := Read(bytes.NewReader(data), sink, fuzzLimits)
		if err != nil {
			if strings.Contains(err.Error(), "unexpected failure") {
				t.Fatalf("panic inside Read: %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil message without an error")
		}
		for _, a := range m.Attachments {
			if (a.Key == "") == (a.Refused == "") {
				t.Fatalf("attachment %+v: a key xor a refusal", a)
			}
			if strings.ContainsAny(a.Name, "/\\\x00\u202e") {
				t.Fatalf("unsafe name %q", a.Name)
			}
		}
	})
}

func FuzzNewText(f *testing.F) {
	for _, s := range []string{"ok\n\n> old", "On Mon X wrote:\n> a", "ok\n-- \nsig", "Từ: a\nĐã gửi: b\nĐến: c", "ĐT> x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := NewText(s)
		if len(out) > len(s)+1 {
			t.Fatalf("NewText grew the text: %q -> %q", s, out)
		}
	})
}

func FuzzEXIF(f *testing.F) {
	if data, err := os.ReadFile("testdata/gps.jpg"); err == nil {
		f.Add(data)
		if i := bytes.Index(data, []byte("II*\x00")); i > 0 {
			f.Add(data[i:])
			f.Add(heicWithEXIF(data[i:]))
			f.Add(pngWithEXIF(data[i:]))
		}
	}
	for _, name := range []string{"testdata/gps.png", "testdata/gps.webp"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("II*\x00\x08\x00\x00\x00\xff\xff"))
	f.Add([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range []string{"image/jpeg", "image/heic", "image/png", "image/webp"} {
			if p := readPhoto(typ, data); p != nil && p.HasGPS && (p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180) {
				t.Fatalf("position out of range: %+v", p)
			}
		}
		parseEXIF(data)
	})
}

// TestFuzzSeedsRead makes sure the sink and limits used by fuzzing accept
// the plain fixture.
func TestFuzzSeedsRead(t *testing.T) {
	data, err := os.ReadFile("testdata/plain.eml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Read(bytes.NewReader(data), newMemSink(), fuzzLimits); err != nil && !errors.Is(err, ErrLimit) {
		t.Fatal(err)
	}
}

// FuzzFrom checks the From parser: an address comes only from exactly one
// From header that parses, never from decoded text (it stands as written
// in the header), and is fit to write to.
func FuzzFrom(f *testing.F) {
	for _, s := range []string{
		"An <an@example.vn>", `"tiepnhan@haugiang.gov.vn" <attacker@evil.example`, "=?utf-8?Q?=5Fvictim=40evil.example=0D=0A?= <a@b.example>",
		"=?utf-8?Q?_victim@evil.example=0D=0A?=", "a@example.vn, b@example.vn", "an@example.vn (Nguyễn Văn An)",
		"MAILER-DAEMON <>", "undisclosed-recipients:;", "<\"a b\"@example.vn>", "<an@bưuđiện.vn>", "\u212Aiemtra@example.vn",
	} {
		f.Add(s, "")
		f.Add(s, "x@example.vn")
	}
	f.Fuzz(func(t *testing.T, first, second string) {
		values := []string{first}
		if second != "" {
			values = append(values, second)
		}
		from, problem, text := parseFrom(values, "")
		if strings.ContainsAny(text+from.Name, "\r\n") {
			t.Fatalf("a line break in %q / %q", text, from.Name)
		}
		if problem != "" {
			if from != (Address{}) {
				t.Fatalf("problem %q with an address %+v", problem, from)
			}
			return
		}
		if len(values) != 1 || !mailboxAddr(from.Addr) || strings.ContainsAny(from.Addr, " \t\r\n<>\"") {
			t.Fatalf("%q gave %+v", values, from)
		}
		if utf8.ValidString(first) && !strings.Contains(first, from.Addr) {
			t.Fatalf("%q gave %q, which it does not hold as written", first, from.Addr)
		}
	})
}

// FuzzDateLayout checks parseDate's first try: a Date value that
// dateLayout reads is read the same by mail.ParseDate.
func FuzzDateLayout(f *testing.F) {
	for _, s := range []string{"Mon, 2 Jan 2026 15:04:05 +0700", "Tue, 02 Mar 2026 09:30:00 -0000", "mon, 2 jan 26 15:04:05 +0700",
		"Wed, 31 Feb 2026 25:61:00 +2400", "Mon, 2 Jan 2026 15:04:05 +0700 (ICT)", "Fri, 9 Oct 2026 1:2:3 +0530"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := time.Parse(dateLayout, s)
		if err != nil {
			return
		}
		want, err := mail.ParseDate(s)
		_, gotOffset := got.Zone()
		_, wantOffset := want.Zone()
		if err != nil || !got.Equal(want) || gotOffset != wantOffset {
			t.Fatalf("%q: %v, net/mail %v (%v)", s, got, want, err)
		}
	})
}

// FuzzInputLines checks input's line endings and line limit, read in
// chunks of any size, against a byte at a time.
func FuzzInputLines(f *testing.F) {
	for _, s := range []string{"a\r\nb\rc\nd", "\r\r\n\n\r", "long line here\r\n", "x\r", "\n\r\n"} {
		f.Add(s, uint8(3), uint8(5))
	}
	f.Fuzz(func(t *testing.T, s string, chunk, maxLine uint8) {
		want, wantErr := bytewiseLines(s, int(maxLine))
		in := &input{r: &chunked{s: s, n: int(chunk%16) + 1}, maxBytes: 1 << 20, maxLine: int(maxLine)}
		got, err := io.ReadAll(in)
		if (err != nil) != wantErr || err == nil && string(got) != want {
			t.Fatalf("%q (chunks of %d, lines of %d): %q, %v; want %q, error %v", s, chunk%16+1, maxLine, got, err, want, wantErr)
		}
	})
}

// bytewiseLines is what input makes of s, converted a byte at a time.
func bytewiseLines(s string, maxLine int) (string, bool) {
	var out []byte
	line, skipLF := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if skipLF {
			skipLF = false
			if c == '\n' {
				continue
			}
		}
		if c == '\r' {
			c, skipLF = '\n', true
		}
		if c == '\n' {
			line = 0
		} else if line++; line > maxLine {
			return "", true
		}
		out = append(out, c)
	}
	return string(out), false
}

// chunked reads s n bytes at a time.
type chunked struct {
	s string
	n int
}

func (c *chunked) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[n:]
	return n, nil
}

// FuzzIsEnglish checks isEnglish against its words split from the text
// lower-cased.
func FuzzIsEnglish(f *testing.F) {
	for _, s := range []string{"There is a pothole on Trần Hưng Đạo street", "Đèn đường hỏng", "I can't see 'the' road", "''''''''''''''''''''''''''''''''''the and of",
		"THE AND OF\xff", "ǅ the Ⅰ of and"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, english, vietnamese := 0, 0, 0
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
			words++
			switch {
			case strings.ContainsFunc(w, func(r rune) bool { return isVietnameseLetter(r) || r > unicode.MaxLatin1 && unicode.IsLetter(r) }):
				vietnamese++
			case englishWords[strings.Trim(w, "'")]:
				english++
			}
		}
		want := words >= 3 && english >= 2 && english*5 >= words && vietnamese*2 < words
		if got := isEnglish(s); got != want {
			t.Fatalf("isEnglish(%q) = %v", s, got)
		}
	})
}

// isVietnameseLetter reports the letters only Vietnamese uses among Latin
// scripts, and the combining marks (a tone mark written apart).
func isVietnameseLetter(r rune) bool { return vietnameseLetter(r) || unicode.Is(unicode.Mn, r) }

// FuzzCleanText checks cleanText against mapping every rune and trimming
// every line.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"a \nb\t\nc", "x\x00y\x7f", "ok\n", "bad \xff byte", "tail \t", "\r\n \n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
				return -1
			}
			return r
		}, s)
		lines := strings.Split(want, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " \t")
		}
		if got := cleanText(s); got != strings.Join(lines, "\n") {
			t.Fatalf("cleanText(%q) = %q, want %q", s, got, strings.Join(lines, "\n"))
		}
	})
}
