package intake

import (
	"errors"
	"strings"
	"testing"
)

// TestReasonsQuoteNoMessageText: an outcome's reason is kept in clear and
// logged, so what it quotes of a message is a keyword at most.
func TestReasonsQuoteNoMessageText(t *testing.T) {
	cases := []struct{ header, want string }{
		{"Auto-Submitted: an.nguyen@gmail.com", "Auto-Submitted: (other)"},
		{"Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"},
		{"X-Autoreply: Nguyễn Văn An 0912 345 678", "X-Autoreply: (other)"},
		{"X-Apple-Action: VACATION", "X-Apple-Action: VACATION"},
	}
	for _, c := range cases {
		f := newFixture(t)
		out := f.process(t, eml([]string{"From: an@gmail.com", "To: phananh@haugiang.gov.vn", "Subject: Vắng mặt",
			"Message-ID: <a@x>", c.header}, "Tôi đi vắng.\n"))
		if out.Kind != KindAutoreply || out.Reason != c.want {
			t.Errorf("%s: %+v, want reason %q", c.header, out, c.want)
		}
	}
	for err, want := range map[error]string{
		errors.New(`parse: message: malformed MIME header line: Nguyễn Văn An 0912345678`):       "parse: message: malformed MIME header line",
		errors.New(`parse: multipart: expecting a new Part; got line "an@gmail.com 0912345678"`): `parse: multipart: expecting a new Part; got line "…"`,
		errors.New(`parse: message: unhandled charset "x-an"`):                                   `parse: message: unhandled charset "…"`,
	} {
		if got := errorReason(err); got != want || strings.Contains(got, "An") || strings.Contains(got, "gmail") {
			t.Errorf("errorReason(%q) = %q, want %q", err, got, want)
		}
	}
}
