package parse

import (
	"io"
	"mime"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// The values of Message.FromProblem: why a message has no From address.
const (
	FromMissing     = "no From header"
	FromRepeated    = "more than one From header"
	FromMany        = "more than one address in From"
	FromUnparseable = "From is not one address that parses"
)

// nameDecoder decodes the RFC 2047 words of a display name; a word in a
// charset nobody knows keeps its bytes rather than failing the address.
var nameDecoder = &mime.WordDecoder{CharsetReader: func(label string, r io.Reader) (io.Reader, error) {
	if cr, err := newCharsetReader(label, r); err == nil {
		return cr, nil
	}
	return r, nil
}}

// parseFrom reads the From header's values as DKIM and DMARC verifiers
// do: exactly one From header holding exactly one mailbox that parses
// (RFC 5322, RFC 2047 display names, RFC 6532 UTF-8), with an address fit
// to answer (see mailboxAddr). Anything else gives an empty Address and
// the problem, never an address guessed out of the header: a display name
// can hold any text, an address included (SPEC 7.3). text is the header as
// written, decoded for display, with line breaks made spaces.
func parseFrom(values []string, hint string) (from Address, problem, text string) {
	var shown []string
	for _, v := range values {
		if v = displayText(v, hint); v != "" {
			shown = append(shown, v)
		}
	}
	text = strings.Join(shown, "; ")
	switch {
	case len(values) > 1:
		return Address{}, FromRepeated, text
	case len(shown) == 0:
		return Address{}, FromMissing, text
	}
	s, _ := repairUTF8(strings.TrimSpace(values[0]), hint)
	list, err := (&mail.AddressParser{WordDecoder: nameDecoder}).ParseList(s)
	switch {
	case err != nil || len(list) == 0:
		return Address{}, FromUnparseable, text
	case len(list) > 1:
		return Address{}, FromMany, text
	}
	a := list[0]
	// net/mail unquotes a quoted local part that needs no quotes
	// ("an"@example.vn): the address must stand in the header as written.
	if !mailboxAddr(a.Address) || !strings.Contains(s, a.Address) {
		return Address{}, FromUnparseable, text
	}
	return Address{Name: cleanName(headerText(a.Name, hint)), Addr: a.Address}, "", ""
}

// mailboxAddr reports whether an address that net/mail accepted is fit to
// be a sender's: a local part of printable characters without spaces,
// quotes, angle brackets or an RFC 2047 encoded word ("=?…?=" never
// belongs in an address, RFC 2047 §5), and a domain that is a host name
// (IDNA, so Vietnamese domains pass) or an address literal.
func mailboxAddr(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || strings.Contains(addr, "=?") {
		return false
	}
	local, domain := addr[:at], addr[at+1:]
	for _, r := range local {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`"<>()[]\,;:@`, r) || unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		return !strings.ContainsAny(domain[1:len(domain)-1], "[]\\ \t\r\n")
	}
	_, err := idna.Lookup.ToASCII(domain)
	return err == nil && strings.Contains(domain, ".")
}

// displayText decodes a header value for display: RFC 2047 words, NFC, and
// control characters (line breaks included) made spaces.
func displayText(raw, hint string) string {
	return cleanName(headerText(raw, hint))
}

// cleanAlready reports whether cleanName leaves s as it is: valid UTF-8
// without control characters, whose only white space is one ASCII space
// between two words.
func cleanAlready(s string) bool {
	space := true // s starts, or a space was just read
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
		case r < utf8.RuneSelf && r >= 0x20 && r != 0x7f:
			space = false
		case r < utf8.RuneSelf || r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r):
			return false
		default:
			space = false
		}
	}
	return !space || s == ""
}

// cleanName makes control characters in a decoded name spaces and trims
// it: an encoded word can carry CR and LF.
func cleanName(s string) string {
	if cleanAlready(s) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
