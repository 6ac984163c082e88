package parse

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// charsetAliases maps labels seen in real mail that the IANA and WHATWG
// indexes do not know to one they do.
var charsetAliases = map[string]string{
	"cp1258": "windows-1258", "x-cp1258": "windows-1258", "vn-1258": "windows-1258",
	"cp1252": "windows-1252", "cp1251": "windows-1251", "cp1250": "windows-1250",
	"latin1": "iso-8859-1", "latin-1": "iso-8859-1", "iso8859-1": "iso-8859-1", "iso_8859-1": "iso-8859-1",
	"utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "x-unknown": "", "unknown-8bit": "", "x-user-defined": "",
	"ansi": "windows-1252", "default": "",
}

// newCharsetReader returns a reader that decodes label's charset to UTF-8:
// every charset x/text knows (through go-message's charset package, which
// covers windows-1258), plus VISCII and UTF-7, which x/text lacks. An
// unknown label returns an error.
func newCharsetReader(label string, r io.Reader) (io.Reader, error) {
	l := normalizeCharset(label)
	switch l {
	case "", "utf-8", "us-ascii", "ascii", "ansi_x3.4-1968":
		return r, nil
	case "viscii", "csviscii", "viscii1.1-1":
		return transform.NewReader(r, visciiDecoder{}), nil
	case "utf-7", "unicode-1-1-utf-7", "csunicode11utf7":
		return transform.NewReader(r, &utf7Decoder{}), nil
	}
	dec, err := charset.Reader(l, r)
	if err != nil {
		return nil, err
	}
	if dec == nil {
		return nil, fmt.Errorf("charset %q: unsupported", label)
	}
	return dec, nil
}

// normalizeCharset lower-cases a charset label and strips quotes, an RFC
// 2231 language suffix and aliases.
func normalizeCharset(label string) string {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if i := strings.IndexByte(l, '*'); i >= 0 {
		l = l[:i]
	}
	if a, ok := charsetAliases[l]; ok {
		return a
	}
	return l
}

// decodeCharset decodes b from label's charset. It reports false when the
// charset is unknown.
func decodeCharset(label string, b []byte) (string, bool) {
	r, err := newCharsetReader(label, bytes.NewReader(b))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// repairUTF8 returns s unchanged when it is valid UTF-8. Otherwise the bytes
// were sent without their charset (raw 8-bit headers, bodies labelled
// us-ascii): they are read in hint's charset when it is known, or as
// windows-1258, the Vietnamese Windows code page that maps every byte.
func repairUTF8(s, hint string) (string, bool) {
	if utf8.ValidString(s) {
		return s, false
	}
	if l := normalizeCharset(hint); l != "" && l != "utf-8" && l != "us-ascii" {
		if out, ok := decodeCharset(l, []byte(s)); ok && utf8.ValidString(out) {
			return out, true
		}
	}
	out, _, err := transform.String(charmap.Windows1258.NewDecoder(), s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD"), true
	}
	return out, true
}

// visciiDecoder decodes VISCII (RFC 1456), which x/text lacks: a fixed
// table of 256 code points.
type visciiDecoder struct{ transform.NopResetter }

func (visciiDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		if len(dst)-nDst < utf8.UTFMax {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], visciiTable[src[nSrc]])
		nSrc++
	}
	return nDst, nSrc, nil
}

// utf7Decoder decodes UTF-7 (RFC 2152), which x/text lacks: direct ASCII,
// "+-" for a plus sign, and "+" followed by modified base64 of UTF-16 up to
// the first byte outside the base64 alphabet (a "-" there is absorbed).
type utf7Decoder struct {
	inBase64 bool
	bits     uint32
	nbits    uint
	high     rune // a pending high surrogate
}

func (d *utf7Decoder) Reset() { *d = utf7Decoder{} }

func (d *utf7Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		if len(dst)-nDst < 2*utf8.UTFMax {
			return nDst, nSrc, transform.ErrShortDst
		}
		c := src[nSrc]
		if d.inBase64 {
			if v := base64Value(c); v >= 0 {
				d.bits = d.bits<<6 | uint32(v)
				d.nbits += 6
				if d.nbits >= 16 {
					d.nbits -= 16
					nDst += d.unit(dst[nDst:], rune(d.bits>>d.nbits&0xFFFF))
				}
				nSrc++
				continue
			}
			d.inBase64, d.bits, d.nbits = false, 0, 0
			if c == '-' {
				nSrc++
				continue
			}
		}
		if c == '+' {
			if nSrc+1 >= len(src) && !atEOF {
				return nDst, nSrc, transform.ErrShortSrc
			}
			if nSrc+1 < len(src) && src[nSrc+1] == '-' {
				dst[nDst] = '+'
				nDst, nSrc = nDst+1, nSrc+2
				continue
			}
			d.inBase64 = true
			nSrc++
			continue
		}
		r := rune(c)
		if c >= utf8.RuneSelf {
			r = utf8.RuneError
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}

// unit writes one UTF-16 code unit, joining surrogate pairs.
func (d *utf7Decoder) unit(dst []byte, u rune) int {
	switch {
	case u >= 0xD800 && u < 0xDC00:
		n := 0
		if d.high != 0 {
			n = utf8.EncodeRune(dst, utf8.RuneError)
		}
		d.high = u
		return n
	case u >= 0xDC00 && u < 0xE000 && d.high != 0:
		r := (d.high-0xD800)<<10 + (u - 0xDC00) + 0x10000
		d.high = 0
		return utf8.EncodeRune(dst, r)
	case u >= 0xDC00 && u < 0xE000:
		return utf8.EncodeRune(dst, utf8.RuneError)
	}
	n := 0
	if d.high != 0 {
		n = utf8.EncodeRune(dst, utf8.RuneError)
		d.high = 0
	}
	return n + utf8.EncodeRune(dst[n:], u)
}

// base64Value returns the value of a base64 digit, or -1.
func base64Value(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}

// visciiTable maps each VISCII byte to its code point (RFC 1456).
var visciiTable = [256]rune{
	0x0000, 0x0001, 0x1EB2, 0x0003, 0x0004, 0x1EB4, 0x1EAA, 0x0007,
	0x0008, 0x0009, 0x000A, 0x000B, 0x000C, 0x000D, 0x000E, 0x000F,
	0x0010, 0x0011, 0x0012, 0x0013, 0x1EF6, 0x0015, 0x0016, 0x0017,
	0x0018, 0x1EF8, 0x001A, 0x001B, 0x001C, 0x001D, 0x1EF4, 0x001F,
	0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,
	0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
	0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
	0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,
	0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	0x0058, 0x0059, 0x005A, 0x005B, 0x005C, 0x005D, 0x005E, 0x005F,
	0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,
	0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	0x0078, 0x0079, 0x007A, 0x007B, 0x007C, 0x007D, 0x007E, 0x007F,
	0x1EA0, 0x1EAE, 0x1EB0, 0x1EB6, 0x1EA4, 0x1EA6, 0x1EA8, 0x1EAC,
	0x1EBC, 0x1EB8, 0x1EBE, 0x1EC0, 0x1EC2, 0x1EC4, 0x1EC6, 0x1ED0,
	0x1ED2, 0x1ED4, 0x1ED6, 0x1ED8, 0x1EE2, 0x1EDA, 0x1EDC, 0x1EDE,
	0x1ECA, 0x1ECE, 0x1ECC, 0x1EC8, 0x1EE6, 0x0168, 0x1EE4, 0x1EF2,
	0x00D5, 0x1EAF, 0x1EB1, 0x1EB7, 0x1EA5, 0x1EA7, 0x1EA9, 0x1EAD,
	0x1EBD, 0x1EB9, 0x1EBF, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EC7, 0x1ED1,
	0x1ED3, 0x1ED5, 0x1ED7, 0x1EE0, 0x01A0, 0x1ED9, 0x1EDD, 0x1EDF,
	0x1ECB, 0x1EF0, 0x1EE8, 0x1EEA, 0x1EEC, 0x01A1, 0x1EDB, 0x01AF,
	0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x1EA2, 0x0102, 0x1EB3, 0x1EB5,
	0x00C8, 0x00C9, 0x00CA, 0x1EBA, 0x00CC, 0x00CD, 0x0128, 0x1EF3,
	0x0110, 0x1EE9, 0x00D2, 0x00D3, 0x00D4, 0x1EA1, 0x1EF7, 0x1EEB,
	0x1EED, 0x00D9, 0x00DA, 0x1EF9, 0x1EF5, 0x00DD, 0x1EE1, 0x01B0,
	0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x1EA3, 0x0103, 0x1EEF, 0x1EAB,
	0x00E8, 0x00E9, 0x00EA, 0x1EBB, 0x00EC, 0x00ED, 0x0129, 0x1EC9,
	0x0111, 0x1EF1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x1ECF, 0x1ECD,
	0x1EE5, 0x00F9, 0x00FA, 0x0169, 0x1EE7, 0x00FD, 0x1EE3, 0x1EEE,
}
