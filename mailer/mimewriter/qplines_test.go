package mimewriter

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestQuotedPrintableLinesAsWhole: a text encoded with the encodings of
// the starts of some of its lines kept is the text encoded whole — whole
// lines and lines' first words kept, first, last, alone, one after
// another, among lines the set lacks, a start and a longer one, starts
// ending with a space or in the middle of a Vietnamese letter, with CR LF,
// lone CRs, spaces before a line's end, lines longer than 76 characters,
// and no line ending at the text's end — and the starts that are too
// short, hold a CR or a line's end before theirs are not kept.
func TestQuotedPrintableLinesAsWhole(t *testing.T) {
	long := strings.Repeat("Phản ánh hiện trường ", 6) + "\n"
	cases := []struct {
		text  string
		lines []string
	}{
		{"", []string{"a\n"}},
		{"a\n", []string{"a\n"}},
		{"a\nb\nc", []string{"a\n", "b\n", "c"}},
		{"x\na\na\ny\n", []string{"a\n"}},
		{"Kính gửi Quý Ông/Bà,\n\nMã phản ánh: PA-2026-000001\n", []string{"Kính gửi Quý Ông/Bà,\n", "\n"}},
		{"a \nb\t\n \n", []string{"a \n", " \n"}},
		{"a\r\nb\r\n\rc\n", []string{"b\r\n", "\rc\n", "a\r\n"}},
		{"a\rb\n", []string{"b\n"}},
		{long + long + "=\n" + long, []string{long, "=\n"}},
		{strings.Repeat("x", 74) + " \n" + strings.Repeat("x", 75) + "\n", []string{strings.Repeat("x", 74) + " \n"}},
		{"a\nb", []string{"b"}},
		{"Mã phản ánh: PA-2026-000001\nMã phản ánh: \n", []string{"Mã phản ánh: ", "Mã phản"}},
		{"Kính gửi Quý Ông/Bà\n", []string{"Kính g\xe1", "Kính gửi Quý Ông/Bà\n", "Kính gửi"}},
		{long + "x\n", []string{long[:len(long)-2], long[:90]}},
		{strings.Repeat("x", 74) + "  \n" + strings.Repeat("x", 80), []string{strings.Repeat("x", 74) + " ", strings.Repeat("x", 75)}},
	}
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", " ", "\t", "\n", "\r", "=", "ả", "Đ", "\x00", "~", "\n", "\r\n"}
	for range 2000 {
		var b strings.Builder
		for range r.IntN(300) {
			if r.IntN(10) == 0 {
				b.WriteString(strings.Repeat("x", r.IntN(90)))
			}
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		text := b.String()
		var lines []string
		for _, l := range strings.SplitAfter(text, "\n") {
			switch r.IntN(3) {
			case 0:
				lines = append(lines, l)
			case 1:
				lines = append(lines, l[:r.IntN(len(l)+1)])
			}
		}
		cases = append(cases, struct {
			text  string
			lines []string
		}{text, lines})
	}
	for _, c := range cases {
		prefix := []byte("before")
		got := AppendQuotedPrintableLines(prefix, []byte(c.text), NewQPLines(c.lines))
		if want := AppendQuotedPrintable([]byte("before"), c.text); string(got) != string(want) {
			t.Fatalf("%q with lines %q:\n got %q\nwant %q", c.text, c.lines, got, want)
		}
	}
	if got := AppendQuotedPrintableLines(nil, []byte("a \n"), nil); string(got) != "a=20\r\n" {
		t.Errorf("no lines: %q", got)
	}
	kept := NewQPLines([]string{"a", "short\n", "a whole line\n", "a line's start", "two\nlines", "a CR\r\n", "a CR\r and more"})
	if n := kept.size(); n != 2 {
		t.Errorf("kept %d starts of 2", n)
	}
}

// FuzzQuotedPrintableLines: a text encoded with the starts of some of its
// lines kept, and another text, is the text encoded whole.
func FuzzQuotedPrintableLines(f *testing.F) {
	f.Add("Kính gửi Quý Ông/Bà,\n\nMã phản ánh: PA-2026-000001\n", uint64(5), "x \n")
	f.Add("a\r\nb \r\n\rc=\n", uint64(2), "b \r\n")
	f.Fuzz(func(t *testing.T, text string, pick uint64, other string) {
		lines := []string{other}
		for i, l := range strings.SplitAfter(text, "\n") {
			if pick>>(i%32*2)&1 == 1 {
				if cut := int(pick>>(i%32*2+1)&1) * len(l) / 2; cut > 0 {
					l = l[:cut]
				}
				lines = append(lines, l)
			}
		}
		got := AppendQuotedPrintableLines(nil, []byte(text), NewQPLines(lines))
		if want := AppendQuotedPrintable(nil, text); string(got) != string(want) {
			t.Fatalf("%q with lines %q:\n got %q\nwant %q", text, lines, got, want)
		}
	})
}

// size is how many starts q holds.
func (q *QPLines) size() int {
	n := 0
	for _, g := range q.groups {
		for _, a := range g.after {
			n += len(a.starts)
		}
		n += len(g.short)
	}
	return n
}
