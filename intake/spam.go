package intake

import (
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/intake/auth"
	"haugiang.gov.vn/phananh/intake/parse"
)

// SpamMark is a header field and value by which our border's spam filter
// marks spam: "X-Spam-Flag: YES" (SpamAssassin), "X-Spam: Yes" (rspamd).
// The header matches without case; the value matches without case, whole
// or as the first word of the field ("Yes, score=9.1").
type SpamMark struct {
	Header, Value string
}

// String is the mark as a header line: "X-Spam-Flag: YES".
func (s SpamMark) String() string { return s.Header + ": " + s.Value }

// spamReason begins the reason recorded for spam, which the store counts
// for the daily digest (store.SpamBetween).
const spamReason = "spam: "

// spam returns the mark our border's filter put on a message, or "": a
// mark counts only when the message passed our border, which adds its
// Authentication-Results header with our trusted authserv-id and strips
// incoming marks, as it strips incoming Authentication-Results headers
// with our id (SPEC 4.2, 7.3). A mark a message brought with it from
// elsewhere is no verdict of ours.
func spam(m *parse.Message, marks []SpamMark, trustedID string) string {
	if len(marks) == 0 || !auth.FromBorder(m.AuthResults, trustedID) {
		return ""
	}
	for _, mark := range marks {
		for _, v := range m.Header.Values(mark.Header) {
			if markedWith(v, mark.Value) {
				return mark.String()
			}
		}
	}
	return ""
}

// markedWith reports whether a header value is the mark's value, whole or
// as its first word.
func markedWith(v, mark string) bool {
	v = strings.TrimSpace(v)
	if len(v) < len(mark) || !strings.EqualFold(v[:len(mark)], mark) {
		return false
	}
	rest := v[len(mark):]
	return rest == "" || !unicode.IsLetter(rune(rest[0])) && !unicode.IsDigit(rune(rest[0]))
}
