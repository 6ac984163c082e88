package parse

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// These hold the header and text scanners written without a pattern or
// a copy to what they replaced, for any input.

var scanSeeds = []string{
	"", " ", "<a@b>", "<a@b> <c@d>", "<<a@b>>", "<a b@c>", "<>", "a@b", "<a@b", "x<\ty>",
	"<CAF=x@mail.gmail.com>\r\n <y@z>", "From:", " *From :", "*  from:", "Từ:", "tu :", "NGUOI GUI:",
	"ОТ:", "\u212Arom:", "from: x:", "Nguyễn Văn An", "An  Bình", " An", "An ", "a\tb", "a\u00a0b",
	"a\xffb", "\u0085", "quoted \\\"x\\\" y\" rest", "plain\" ; b=c", "no end",
}

// bracketedIDsWithPattern is what messageIDs took from msgIDPattern.
func bracketedIDsWithPattern(v string) []string {
	var out []string
	for _, m := range msgIDPattern.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1])
	}
	return out
}

func FuzzBracketedIDs(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got, want := bracketedIDs(v), bracketedIDsWithPattern(v); !slices.Equal(got, want) {
			t.Fatalf("bracketedIDs(%q) = %q, want %q", v, got, want)
		}
	})
}

// cleanNameAlways is cleanName without its check of a clean name.
func cleanNameAlways(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func FuzzCleanName(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanName(s), cleanNameAlways(s); got != want {
			t.Fatalf("cleanName(%q) = %q, want %q", s, got, want)
		}
	})
}

func FuzzFromLabel(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isFromLabel(s), fromLabel.MatchString(s); got != want {
			t.Fatalf("isFromLabel(%q) = %v, want %v", s, got, want)
		}
	})
}

// quotedAlways is quoted without its reading of a value with no
// backslash.
func quotedAlways(s string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

func FuzzQuoted(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, rest := quoted(s)
		wantV, wantRest := quotedAlways(s)
		if v != wantV || rest != wantRest {
			t.Fatalf("quoted(%q) = %q %q, want %q %q", s, v, rest, wantV, wantRest)
		}
	})
}

// encodedWordsWithPattern is what decodeWords took from encodedWord.
func encodedWordsWithPattern(s string) [][]int {
	return encodedWord.FindAllStringSubmatchIndex(s, -1)
}

func FuzzEncodedWords(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	for _, s := range []string{
		"=?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n?=", "=?utf-8?b?SGVsbG8=?= =?utf-8?B?V29ybGQ=?=", "a=?=?utf-8?q?x?=b",
		"=?utf-8?q??=", "=?utf-8?q?a\nb?=", "=?utf 8?q?x?=", "=?<x>?Q?y?=", "=?x?z?y?=", "=?x?q?", "=?x?q?a?b?=?=", "==??=?a?q?=?=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got [][]int
		for from := 0; ; {
			m, ok := nextEncodedWord(s, from)
			if !ok {
				break
			}
			got = append(got, m[:])
			from = m[1]
		}
		want := encodedWordsWithPattern(s)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("encoded words of %q: %v, want %v", s, got, want)
		}
	})
}

// exifTimeParsingEmpty is exifTime as it was, parsing an empty offset too.
func exifTimeParsingEmpty(s, offset string) time.Time {
	s = strings.TrimSpace(s)
	loc := vietnamTime
	if o, err := time.Parse("-07:00", strings.TrimSpace(offset)); err == nil {
		_, secs := o.Zone()
		loc = time.FixedZone(strings.TrimSpace(offset), secs)
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", s, loc)
	if err != nil || t.Year() < 1990 || t.Year() > 2200 {
		return time.Time{}
	}
	return t
}

// TestExifTime holds exifTime to the code that parsed an empty offset.
func TestExifTime(t *testing.T) {
	for _, taken := range []string{"2026:11:23 09:30:00", " 2026:11:23 21:05:59 ", "1980:01:01 00:00:00", "2026-11-23 09:30:00", ""} {
		for _, offset := range []string{"", " ", "+07:00", " +09:00 ", "-05:30", "Z", "+7", "bad"} {
			got, want := exifTime(taken, offset), exifTimeParsingEmpty(taken, offset)
			if !got.Equal(want) || got.Location().String() != want.Location().String() {
				t.Errorf("exifTime(%q, %q) = %v, want %v", taken, offset, got, want)
			}
		}
	}
}
