package intake

import (
	"regexp"
	"strings"
)

// An outcome's reason is recorded in clear (messages.reason) and logged, so
// it is worded by us: what it quotes of a message is reduced to a token,
// and the text a parser's error quotes is left out (SPEC 10.2: logs never
// print personal data).

// tokenPattern is what a quoted header value may look like: a keyword such
// as "auto-replied" or a status code such as "5.1.1", never an address.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// headerToken returns a header value for a reason: the value when it is a
// keyword, else "(other)".
func headerToken(v string) string {
	if v = strings.TrimSpace(v); tokenPattern.MatchString(v) {
		return v
	}
	return "(other)"
}

// quotedInput matches what an error's text quotes of the input: a quoted
// value, or the rest of a malformed header line that go-message repeats.
var quotedInput = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|(malformed MIME header (?:initial line|line|key)): .*`)

// errorReason is an error's text without what it quotes of the message.
func errorReason(err error) string {
	return quotedInput.ReplaceAllStringFunc(err.Error(), func(m string) string {
		if strings.HasPrefix(m, `"`) {
			return `"…"`
		}
		head, _, _ := strings.Cut(m, ": ")
		return head
	})
}
