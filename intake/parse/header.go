package parse

import (
	"encoding/base64"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"

	"haugiang.gov.vn/phananh/rules/fold"
)

// headerText decodes a header value for display: raw 8-bit bytes (RFC 6532
// UTF-8, or a legacy charset read as hint's), RFC 2047 encoded words, NFC.
func headerText(raw, hint string) string {
	s, _ := repairUTF8(raw, hint)
	return fold.NFC(strings.TrimSpace(decodeWords(s)))
}

// encodedWord is an RFC 2047 encoded word as decodeWords reads it, which
// nextEncodedWord finds without running the pattern (FuzzEncodedWords
// holds the two together).
var encodedWord = regexp.MustCompile(`=\?([^?\s]+)\?([bBqQ])\?(.*?)\?=`)

// decodeWords decodes RFC 2047 encoded words leniently: words with spaces
// inside, words in the middle of a token, a multi-byte character split
// across two words, unknown charsets (the word is kept as it was) and bad
// encodings (likewise). White space between two encoded words is dropped.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	var (
		b    strings.Builder
		run  []byte // decoded bytes of adjacent words in one charset
		cs   string // the run's charset
		raw  string // the run as written
		last = 0
		prev = false // the previous piece was an encoded word
	)
	flush := func() {
		if cs == "" {
			return
		}
		if out, ok := decodeCharset(cs, run); ok {
			b.WriteString(strings.ToValidUTF8(out, "\uFFFD"))
		} else {
			b.WriteString(raw)
		}
		run, cs, raw = nil, "", ""
	}
	for from := 0; ; {
		m, ok := nextEncodedWord(s, from)
		if !ok {
			break
		}
		from = m[1]
		between, word := s[last:m[0]], s[m[0]:m[1]]
		wcs, enc, text := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]
		last = m[1]
		joined := prev && strings.TrimSpace(between) == ""
		data, ok := decodeWordText(enc, text)
		switch {
		case !ok:
			flush()
			b.WriteString(between)
			b.WriteString(word)
			prev = false
			continue
		case joined && strings.EqualFold(wcs, cs):
			run = append(run, data...)
			raw += between + word
		default:
			flush()
			if !joined {
				b.WriteString(between)
			}
			run, cs, raw = data, wcs, word
		}
		prev = true
	}
	flush()
	b.WriteString(s[last:])
	return b.String()
}

// nextEncodedWord finds the first match of encodedWord in s from the
// index from, without the pattern: its submatches' indexes as
// FindAllStringSubmatchIndex gives them, ok false when there is none.
func nextEncodedWord(s string, from int) (m [8]int, ok bool) {
	for p := from; p < len(s); p++ {
		k := strings.Index(s[p:], "=?")
		if k < 0 {
			break
		}
		p += k
		if m, ok = encodedWordAt(s, p); ok {
			return m, true
		}
	}
	return m, false
}

// encodedWordAt matches encodedWord at s[p:], which starts with "=?": a
// charset of one or more bytes that are no "?" and no white space, "?",
// the encoding (b, B, q or Q), "?", then the text up to the first "?="
// with no line feed before it.
func encodedWordAt(s string, p int) (m [8]int, ok bool) {
	cs := p + 2
	q := cs
	for q < len(s) && s[q] != '?' && !patternSpace(s[q]) {
		q++
	}
	if q == cs || q+2 >= len(s) || s[q] != '?' || !strings.ContainsRune("bBqQ", rune(s[q+1])) || s[q+2] != '?' {
		return m, false
	}
	text := q + 3
	end := strings.Index(s[text:], "?=")
	if end < 0 || strings.IndexByte(s[text:text+end], '\n') >= 0 {
		return m, false
	}
	return [8]int{p, text + end + 2, cs, q, q + 1, q + 2, text, text + end}, true
}

// patternSpace reports the bytes a pattern's \s matches: space, tab,
// line feed, form feed, carriage return.
func patternSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// decodeWordText decodes the text of one encoded word.
func decodeWordText(enc, text string) ([]byte, bool) {
	if enc == "b" || enc == "B" {
		t := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, text)
		if out, err := base64.StdEncoding.DecodeString(t); err == nil {
			return out, true
		}
		out, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(t, "="))
		return out, err == nil
	}
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			out = append(out, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

var wordDecoder = &mime.WordDecoder{CharsetReader: newCharsetReader}

// addressList parses an address header leniently: an entry net/mail
// cannot parse still gives the address in its angle brackets (closed or
// not), in Outlook's "[mailto:…]", or written bare, and the rest as the
// name; an address is never taken out of a display name. The From header
// is read strictly instead (parseFrom).
func addressList(raw, hint string) []Address {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	s, _ := repairUTF8(raw, hint)
	p := mail.AddressParser{WordDecoder: nameDecoder}
	if list, err := p.ParseList(s); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: cleanName(headerText(a.Name, hint)), Addr: a.Address})
		}
		return out
	}
	var out []Address
	for _, part := range splitAddresses(s) {
		if a, err := p.Parse(part); err == nil {
			out = append(out, Address{Name: cleanName(headerText(a.Name, hint)), Addr: a.Address})
			continue
		}
		addr, name := looseAddress(part)
		if addr != "" || name != "" {
			out = append(out, Address{Name: cleanName(headerText(name, hint)), Addr: addr})
		}
	}
	return out
}

// looseAddress reads one entry of an address list that does not parse:
// the address in its last angle brackets, in "[mailto:…]", or the whole
// entry when it is a bare address; the name is what stands before.
func looseAddress(part string) (addr, name string) {
	part = strings.TrimSpace(part)
	if i := strings.LastIndexByte(part, '<'); i >= 0 {
		a, _, _ := strings.Cut(part[i+1:], ">")
		if a = strings.TrimSpace(a); mailboxAddr(a) {
			return a, unquote(part[:i])
		}
	}
	if i := strings.Index(strings.ToLower(part), "[mailto:"); i >= 0 {
		a, _, _ := strings.Cut(part[i+len("[mailto:"):], "]")
		if a = strings.TrimSpace(a); mailboxAddr(a) {
			return a, unquote(part[:i])
		}
	}
	if mailboxAddr(part) {
		return part, ""
	}
	return "", unquote(part)
}

// unquote trims the quotes and brackets around a display name.
func unquote(s string) string {
	return strings.Trim(strings.TrimSpace(s), `<>"' `)
}

// splitAddresses splits an address list at commas outside quotes and angle
// brackets.
func splitAddresses(s string) []string {
	var (
		out   []string
		quote bool
		angle int
		start int
	)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quote = !quote
		case '<':
			angle++
		case '>':
			angle--
		case ',', ';':
			if !quote && angle <= 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

var msgIDPattern = regexp.MustCompile(`<([^<>\s]+)>`)

// messageIDs returns the ids in a Message-ID, In-Reply-To or References
// value, without angle brackets. Ids written without brackets are taken
// word by word.
func messageIDs(v string) []string {
	out := bracketedIDs(v)
	if out == nil {
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") {
				out = append(out, strings.Trim(f, "<>,"))
			}
		}
	}
	return out
}

// bracketedIDs returns what msgIDPattern's submatch is in each of its
// matches in v, found without the pattern: the text between a "<" and the
// next ">", when it is not empty and holds no "<" and no white space
// (RFC 2822's: space, tab, CR, LF, form feed).
func bracketedIDs(v string) []string {
	var out []string
	for i := 0; i < len(v); {
		lt := strings.IndexByte(v[i:], '<')
		if lt < 0 {
			break
		}
		start := i + lt + 1
		end := start
		for end < len(v) && !idStop[v[end]] {
			end++
		}
		if end < len(v) && v[end] == '>' && end > start {
			out = append(out, v[start:end])
			i = end + 1
		} else {
			i = start
		}
	}
	return out
}

// idStop are the bytes an id between angle brackets cannot hold, and its
// closing bracket: msgIDPattern's [^<>\s].
var idStop = [256]bool{'<': true, '>': true, ' ': true, '\t': true, '\n': true, '\f': true, '\r': true}

// dateLayout is the Date field as nearly every client writes it (RFC
// 5322 with the day of the week, seconds and a numeric zone). A value in
// it is what mail.ParseDate makes of it, which tries 24 layouts without a
// day of the week first, each failing with an error it allocates.
const dateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// parseDate reads a Date header: RFC 5322 through net/mail, then common
// broken forms. It returns the zero time when nothing fits.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(dateLayout, v); err == nil {
		return t
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	if i := strings.IndexByte(v, '('); i > 0 {
		if t, err := mail.ParseDate(strings.TrimSpace(v[:i])); err == nil {
			return t
		}
	}
	for _, layout := range []string{time.RFC3339, "Mon, 2 Jan 2006 15:04:05 -0700 MST", "2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04 -0700", "Mon Jan 2 15:04:05 2006", "Mon, 02 Jan 2006 15:04:05 MST", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// readHeaders fills the header fields of m from h; hint is the charset of
// the message's text, used for raw 8-bit header bytes.
func readHeaders(m *Message, h textproto.Header, hint string) {
	first := func(k string) string { return h.Get(k) }
	if ids := messageIDs(first("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = messageIDs(first("In-Reply-To"))
	m.References = messageIDs(strings.Join(h.Values("References"), " "))
	m.From, m.FromProblem, m.FromText = parseFrom(h.Values("From"), hint)
	m.Sender = addressList(first("Sender"), hint)
	m.ReplyTo = addressList(first("Reply-To"), hint)
	m.To = addressList(strings.Join(h.Values("To"), ", "), hint)
	m.Cc = addressList(strings.Join(h.Values("Cc"), ", "), hint)
	for _, k := range []string{"Delivered-To", "X-Original-To"} {
		for _, v := range h.Values(k) {
			if v = strings.Trim(strings.TrimSpace(v), "<>"); v != "" {
				m.DeliveredTo = append(m.DeliveredTo, v)
			}
		}
	}
	if h.Has("Return-Path") {
		m.ReturnPathPresent = true
		rp := strings.TrimSpace(first("Return-Path"))
		if a := msgIDPattern.FindStringSubmatch(rp); a != nil {
			rp = a[1]
		} else {
			rp = strings.Trim(rp, "<> ")
		}
		m.ReturnPath = rp
	}
	m.Subject = displayText(first("Subject"), hint) // one line: an encoded word can carry CR and LF
	m.Date = parseDate(first("Date"))
	m.AutoSubmitted = strings.TrimSpace(first("Auto-Submitted"))
	m.Precedence = strings.TrimSpace(first("Precedence"))
	m.ListID = strings.TrimSpace(first("List-Id"))
	m.AutoReplyHeader = autoReplyHeader(first)
	m.AuthResults = h.Values("Authentication-Results")
	m.Header = h.Map()
}

// autoReplyHeader returns "Name: value" of the first header that only
// automatic replies carry, among those vacation responders write instead of
// Auto-Submitted (Apple's, Exchange's, procmail's, …), or "".
func autoReplyHeader(first func(string) string) string {
	for _, name := range []string{"X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Vacation", "X-Apple-Action"} {
		v := strings.TrimSpace(first(name))
		if v == "" || name == "X-Apple-Action" && !strings.EqualFold(v, "VACATION") {
			continue
		}
		return name + ": " + v
	}
	return ""
}
