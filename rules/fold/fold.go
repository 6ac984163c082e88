// Package fold compares Vietnamese written with and without its
// diacritics: tone marks and vowel marks go, "đ" becomes "d", and letters
// are lower-cased ("Đường Nguyễn Trãi" folds to "duong nguyen trai").
//
// Folding loses meaning ("chạy", to run, and "cháy", fire, both fold to
// "chay"), so callers fold only where the regulation allows it: labels,
// command names, ratings, and a citizen's word typed without any marks
// (SPEC 6.2).
package fold

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// String lower-cases s and removes its diacritics; compatibility forms
// fold too (a full-width "１" is "1"). It is safe for
// concurrent use and does not allocate for ASCII text already in lower case.
func String(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	if f, ok := latinString(s); ok {
		return f
	}
	return decomposed(s)
}

// decomposed is String of any text: decomposed (NFKD), its nonspacing
// marks dropped, "đ" made "d", lower-cased.
func decomposed(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	it := iters.Get().(*norm.Iter)
	defer iters.Put(it)
	it.InitString(norm.NFKD, s)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			switch {
			case r < utf8.RuneSelf:
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				b.WriteByte(byte(r))
			case unicode.Is(unicode.Mn, r):
			case r == 'đ' || r == 'Đ':
				b.WriteByte('d')
			default:
				b.WriteRune(unicode.ToLower(r))
			}
		}
	}
	return b.String()
}

// latinString is String of a text in the Latin letters and marks of
// latinFolds, each rune folded alone: false, with nothing, when the text
// has another rune (or an invalid byte). That a text's folding is its
// runes' foldings end to end holds for these runes since what decomposing
// them makes is either a starter or a nonspacing mark: decomposing a text
// only reorders the runes that are neither, within runs of them, and
// folding drops the marks (TestLatinFoldsDecomposeAlone, FuzzString).
func latinString(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < latinEnd:
			b.WriteString(latinFolds[r-utf8.RuneSelf])
		case r >= extendedStart && r < extendedEnd:
			b.WriteString(extendedFolds[r-extendedStart])
		default:
			return "", false
		}
		i += n
	}
	return b.String(), true
}

// The runes latinString folds alone: U+0080 to U+036F (Latin-1, Latin
// Extended-A and -B, IPA, the spacing modifiers and the combining
// diacritical marks) and Latin Extended Additional, where the Vietnamese
// letters with a tone mark are.
const (
	latinEnd      = 0x370
	extendedStart = 0x1E00
	extendedEnd   = 0x1F00
)

// latinFolds and extendedFolds are what decomposed makes of each of those
// runes alone.
var latinFolds, extendedFolds = latinTables(func(r rune) string { return decomposed(string(r)) })

// latinTables returns f of each of latinString's runes: of U+0080 to
// latinEnd, and of extendedStart to extendedEnd.
func latinTables[T any](f func(rune) T) (latin, extended []T) {
	for r := rune(utf8.RuneSelf); r < latinEnd; r++ {
		latin = append(latin, f(r))
	}
	for r := rune(extendedStart); r < extendedEnd; r++ {
		extended = append(extended, f(r))
	}
	return latin, extended
}

// Lower returns s with its letters in lower case, as strings.ToLower does.
// A text of ASCII and the Latin runes of latinFolds is lower-cased from a
// table rather than by unicode.ToLower's search of the case ranges.
func Lower(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return lowerFrom(s, i)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		l, ok := latinLower(r)
		if !ok {
			return strings.ToLower(s)
		}
		if l != r {
			return lowerFrom(s, i)
		}
		i += n
	}
	return s
}

// lowerFrom is Lower of s, whose first i bytes stay as they are. The runs
// of bytes that lower-casing leaves as they are (all but the capitals, in
// a text of sentences) are copied a run at a time.
func lowerFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	done := 0 // s[:done] is in b
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				b.WriteString(s[done:i])
				b.WriteByte(c + 'a' - 'A')
				done = i + 1
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		l, ok := latinLower(r)
		if !ok {
			return strings.ToLower(s)
		}
		if l != r {
			b.WriteString(s[done:i])
			b.WriteRune(l)
			done = i + n
		}
		i += n
	}
	b.WriteString(s[done:])
	return b.String()
}

// latinLower is unicode.ToLower of a rune of latinFolds, from a table;
// false for any other rune.
func latinLower(r rune) (rune, bool) {
	switch {
	case r < utf8.RuneSelf:
		return unicode.ToLower(r), true
	case r < latinEnd:
		return latinLowers[r-utf8.RuneSelf], true
	case r >= extendedStart && r < extendedEnd:
		return extendedLowers[r-extendedStart], true
	}
	return r, false
}

// latinLowers and extendedLowers are unicode.ToLower of those runes.
var latinLowers, extendedLowers = latinTables(unicode.ToLower)

// NFC returns s in Unicode's composed form (NFC), as norm.NFC.String
// does. A text of ASCII and composed Latin letters — the Vietnamese that
// mail clients send — is returned as it is once a table says so of each of
// its runes, without norm's lookups of each rune's properties.
func NFC(s string) string {
	if composedLatin(s) {
		return s
	}
	return norm.NFC.String(s)
}

// composedLatin reports whether s has only runes in ASCII and in the
// composed table: then s is in NFC.
func composedLatin(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < latinEnd:
			if !composedLatinRunes[r-utf8.RuneSelf] {
				return false
			}
		case r >= extendedStart && r < extendedEnd:
			if !composedExtendedRunes[r-extendedStart] {
				return false
			}
		default:
			return false
		}
		i += n
	}
	return true
}

// composedLatinRunes and composedExtendedRunes tell, for the runes of
// latinFolds and extendedFolds, those that NFC keeps as they are, whatever
// comes before or after: a starter (combining class 0) that composes with
// no rune before it and that normalising alone leaves unchanged. A text of
// them has every rune's quick check "yes" and its combining classes in
// order, and is so in NFC (UAX #15, the quick check).
var composedLatinRunes, composedExtendedRunes = latinTables(func(r rune) bool {
	p := norm.NFC.PropertiesString(string(r))
	return p.CCC() == 0 && p.BoundaryBefore() && norm.NFC.String(string(r)) == string(r)
})

// iters are the iterators String decomposes text with, used in turn: an
// iterator holds a buffer of its own, which each call would allocate.
var iters = sync.Pool{New: func() any { return new(norm.Iter) }}

// Words folds s and splits it into words of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(String(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Address folds an email address for comparison (SPEC 7.3): surrounding
// space goes and the ASCII letters A–Z become a–z; nothing else changes.
// Unicode case folding would make an address with the Kelvin sign "K"
// (U+212A) or a dotted "İ" the same as another person's; RFC 5321 leaves
// even ASCII case in the local part to the receiving server, and the
// servers staff use ignore it.
func Address(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Destination folds an address to where mail for it is delivered:
// Address's folding, with the domain in its ASCII (IDNA) form, as mail is
// routed by it ("an@bücher.de", "an@BÜCHER.de" and "an@xn--bcher-kva.de"
// are one address, and "gmail.com" and its full-width "ｇｍａｉｌ.com" one
// domain). The local part is kept as Address folds it: unlike Mailbox,
// it never takes two people for one, so that a list of recipients holds
// each address once and leaves nobody out. A domain without an ASCII form
// is kept as Address folds it.
func Destination(s string) string {
	s = Address(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 || isASCII(s[at+1:]) {
		return s
	}
	if d, err := idna.Lookup.ToASCII(s[at+1:]); err == nil {
		return s[:at+1] + d
	}
	return s
}

// Mailbox folds an address to the mailbox it delivers to, as the hourly
// caps count a sender (SPEC 4.7, 7.3): Destination's folding, then the
// +detail of the local part goes (subaddressing, RFC 5233: "an+1@x.vn"
// and "an+2@x.vn" are "an@x.vn"), and at Gmail — gmail.com and
// googlemail.com are one domain there, whose servers ignore the dots of a
// local part — the dots go too ("a.n@googlemail.com" is "an@gmail.com").
// Other providers' dots are kept: Outlook, Yahoo and the province's own
// servers deliver "a.n@" and "an@" to different people.
//
// The domain is compared in its ASCII (IDNA) form, as mail is routed by
// it: "bücher.de", "BÜCHER.de" and "xn--bcher-kva.de" are one domain, and
// so are "gmail.com" and its full-width "ｇｍａｉｌ.com". A domain without
// one is kept as Address folds it.
//
// It may merge addresses that a server keeps apart (one that does not
// know subaddressing): a cap then counts two people as one, which errs
// toward fewer automatic mails and never loses a report. So it is for the
// caps only, never for who an address is (ratings, operators, a data
// subject's reports): those compare with Address.
func Mailbox(s string) string {
	s = Destination(s)
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return s
	}
	local, domain := s[:at], s[at+1:]
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "gmail.com" || domain == "googlemail.com" {
		if l := strings.ReplaceAll(local, ".", ""); l != "" {
			local = l
		}
		domain = "gmail.com"
	}
	return local + "@" + domain
}

// Plain reports whether s was typed without diacritics: every Vietnamese
// letter without its marks is an ASCII letter.
func Plain(s string) bool { return isASCII(s) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// toned maps the vowels that end an "oa", "oe" or "uy" syllable, with a
// tone mark, to the vowel alone and its mark ("à" is 'a' and U+0300).
var toned = func() map[rune][2]rune {
	m := map[rune][2]rune{}
	for _, v := range "aeyAEY" {
		for _, mark := range "\u0300\u0301\u0303\u0309\u0323" {
			c := []rune(norm.NFC.String(string(v) + string(mark)))
			m[c[0]] = [2]rune{v, mark}
		}
	}
	return m
}()

// tonedLatin and tonedExtended are toned's vowels of Latin-1 (from
// U+00C0) and of Latin Extended Additional, where all of them are, by
// index: a text's every letter with a mark is looked up, and most are
// none of them.
var tonedLatin, tonedExtended = func() (l *[0x100 - 0xC0]tonedVowel, e *[extendedEnd - extendedStart]tonedVowel) {
	l, e = new([0x100 - 0xC0]tonedVowel), new([extendedEnd - extendedStart]tonedVowel)
	for r, vt := range toned {
		switch {
		case r >= 0xC0 && r < 0x100:
			l[r-0xC0] = tonedVowel{vt, true}
		case r >= extendedStart && r < extendedEnd:
			e[r-extendedStart] = tonedVowel{vt, true}
		default:
			panic(fmt.Sprintf("fold: toned vowel %U outside the tables", r))
		}
	}
	return l, e
}()

// tonedVowel is an entry of toned, and whether the rune has one.
type tonedVowel struct {
	vt [2]rune
	ok bool
}

// tonedOf is toned[r], from the tables.
func tonedOf(r rune) ([2]rune, bool) {
	switch {
	case r >= 0xC0 && r < 0x100:
		t := tonedLatin[r-0xC0]
		return t.vt, t.ok
	case r >= extendedStart && r < extendedEnd:
		t := tonedExtended[r-extendedStart]
		return t.vt, t.ok
	}
	return [2]rune{}, false
}

// Tone writes the tone mark of each word of s in one place. Vietnamese has
// two spellings of the open syllables ending in "oa", "oe" and "uy": the
// mark on the second vowel ("hoà", "khoẻ", "thuỷ") or on the first ("hòa",
// "khỏe", "thủy"); both are in official use, and place names are written
// both ways ("Vị Thuỷ", "Vị Thủy"). Tone moves the mark to the first vowel,
// so that the two compare equal; every other word is left as it is. s must
// be NFC, and so is the result. "quý" keeps its mark, since its "u" belongs
// to the "qu". It does not allocate when nothing moves.
func Tone(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i, r := range s {
		if r < 0xC0 {
			continue
		}
		vt, ok := tonedOf(r)
		if !ok {
			continue
		}
		first, size := utf8.DecodeLastRuneInString(s[:i])
		end := i + utf8.RuneLen(r)
		next, _ := utf8.DecodeRuneInString(s[end:])
		if end < len(s) && (unicode.IsLetter(next) || unicode.IsMark(next)) || !opensSyllable(s[:i-size], first, vt[0]) {
			continue
		}
		b.WriteString(s[done : i-size])
		b.WriteString(norm.NFC.String(string(first) + string(vt[1])))
		b.WriteRune(vt[0])
		done = end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// opensSyllable reports whether first and second, at the end of a word that
// starts after the last non-letter of before, are the vowels "oa", "oe" or
// "uy" of a syllable whose onset has only consonants (and is not "qu" for
// "uy").
func opensSyllable(before string, first, second rune) bool {
	switch f, sec := unicode.ToLower(first), unicode.ToLower(second); {
	case f == 'o' && (sec == 'a' || sec == 'e'):
	case f == 'u' && sec == 'y':
	default:
		return false
	}
	for i := len(before); i > 0; {
		r, size := utf8.DecodeLastRuneInString(before[:i])
		i -= size
		switch l := unicode.ToLower(r); {
		case !unicode.IsLetter(r):
			return true
		case l == 'q' && i+size == len(before) && unicode.ToLower(first) == 'u':
			return false
		case l == 'đ' || l < utf8.RuneSelf && !strings.ContainsRune("aeiouy", l):
		default:
			return false // a vowel: another syllable shape ("khuya", "ngoài")
		}
	}
	return true
}

// ReplaceAll replaces every occurrence of old in s, compared folded
// (String: without diacritics and case), so that "Nguyen Van An" written
// without marks is found as "Nguyễn Văn An". s is NFC.
func ReplaceAll(s, old, repl string) string {
	needle := String(old)
	if needle == "" {
		return s
	}
	var folded strings.Builder
	var at []int // at[i]: where in s the rune of folded byte i begins
	for i, r := range s {
		f := String(string(r))
		folded.WriteString(f)
		for range len(f) {
			at = append(at, i)
		}
	}
	at = append(at, len(s))
	hay := folded.String()
	var b strings.Builder
	last := 0
	for from := 0; ; {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			break
		}
		start, end := at[from+i], at[from+i+len(needle)]
		b.WriteString(s[last:start])
		b.WriteString(repl)
		last, from = end, from+i+len(needle)
	}
	b.WriteString(s[last:])
	return b.String()
}
