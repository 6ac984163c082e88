package parse

import (
	"strings"
	"testing"
)

// TestFrom checks that the From address is taken only from a message with
// exactly one From header holding exactly one address that parses, never
// guessed out of a broken header (SPEC 7.3).
func TestFrom(t *testing.T) {
	tests := []struct {
		name, header   string
		addr, fromName string
		problem        string
	}{
		{"plain", "From: An <an@example.vn>\n", "an@example.vn", "An", ""},
		{"encoded name", "From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBBbg==?= <an@example.vn>\n", "an@example.vn", "Nguyễn Văn An", ""},
		{"raw UTF-8 name", "From: Nguyễn Văn An <an@example.vn>\n", "an@example.vn", "Nguyễn Văn An", ""},
		{"comment as name", "From: an@example.vn (Nguyễn Văn An)\n", "an@example.vn", "Nguyễn Văn An", ""},
		{"bare address", "From: an@example.vn\n", "an@example.vn", "", ""},
		{"unknown charset in the name", "From: =?x-unknown?Q?An?= <an@example.vn>\n", "an@example.vn", "An", ""},
		{"an address in the display name, no closing bracket",
			"From: \"tiepnhan@haugiang.gov.vn\" <attacker@evil.example\n", "", "", FromUnparseable},
		{"an address as an unquoted display name",
			"From: tiepnhan@haugiang.gov.vn <attacker@evil.example>\n", "", "", FromUnparseable},
		{"no angle brackets", "From: Big Bug bb@bug.example\n", "", "", FromUnparseable},
		{"two From headers", "From: attacker@evil.example\nFrom: tiepnhan@haugiang.gov.vn\n", "", "", FromRepeated},
		{"two addresses", "From: a@example.vn, b@example.vn\n", "", "", FromMany},
		{"a group", "From: undisclosed-recipients:;\n", "", "", FromUnparseable},
		{"no From", "", "", "", FromMissing},
		{"empty From", "From:  \n", "", "", FromMissing},
		{"empty address", "From: MAILER-DAEMON <>\n", "", "", FromUnparseable},
		{"CRLF in an encoded display name",
			"From: =?utf-8?Q?=5Fvictim=40evil.example=0D=0A?= <attacker@evil.example>\n", "attacker@evil.example", "_victim@evil.example", ""},
		{"CRLF in a malformed encoded display name",
			"From: =?utf-8?Q?_victim@evil.example=0D=0A?= <attacker@evil.example>\n", "", "", FromUnparseable},
		{"an encoded word as the address", "From: =?utf-8?Q?_victim@evil.example=0D=0A?=\n", "", "", FromUnparseable},
		{"an encoded word in angle brackets", "From: x <=?utf-8?Q?victim=40evil.example?=@evil.example>\n", "", "", FromUnparseable},
		{"a quoted local part with a space", "From: <\"a b\"@example.vn>\n", "", "", FromUnparseable},
		{"a bad domain", "From: <a@exa_mple.vn>\n", "", "", FromUnparseable},
		{"an internationalised domain", "From: <an@bưuđiện.vn>\n", "an@bưuđiện.vn", "", ""},
	}
	for _, tt := range tests {
		m := readString(t, tt.header+"Subject: s\n\nbody\n")
		if m.From.Addr != tt.addr || m.From.Name != tt.fromName || m.FromProblem != tt.problem {
			t.Errorf("%s: From %+v, problem %q; want %q %q, problem %q", tt.name, m.From, m.FromProblem, tt.addr, tt.fromName, tt.problem)
		}
		if tt.problem != "" && tt.problem != FromMissing && strings.TrimSpace(m.FromText) == "" {
			t.Errorf("%s: FromText empty", tt.name)
		}
		if strings.ContainsAny(m.FromText+m.From.Name, "\r\n") {
			t.Errorf("%s: a line break in %q / %q", tt.name, m.FromText, m.From.Name)
		}
	}
}

// TestAddressFallback checks that the other address headers, read leniently,
// take an address only from angle brackets, Outlook's [mailto:…] or a bare
// address, never from a display name.
func TestAddressFallback(t *testing.T) {
	tests := []struct{ value, addr, name string }{
		{`"tiepnhan@haugiang.gov.vn" <attacker@evil.example`, "attacker@evil.example", "tiepnhan@haugiang.gov.vn"},
		{`tiepnhan@haugiang.gov.vn <attacker@evil.example>`, "attacker@evil.example", "tiepnhan@haugiang.gov.vn"},
		{`Nguyễn Văn An [mailto:an@example.vn]`, "an@example.vn", "Nguyễn Văn An"},
		{`Big Bug bb@bug.example`, "", "Big Bug bb@bug.example"},
		{`an@example.vn`, "an@example.vn", ""},
	}
	for _, tt := range tests {
		if addr, name := looseAddress(tt.value); addr != tt.addr || name != tt.name {
			t.Errorf("looseAddress(%q) = %q %q, want %q %q", tt.value, addr, name, tt.addr, tt.name)
		}
	}
	got := addressList(`tiepnhan@haugiang.gov.vn <attacker@evil.example>, An <an@example.vn>`, "")
	if len(got) != 2 || got[0].Addr != "attacker@evil.example" || got[1].Addr != "an@example.vn" {
		t.Errorf("addressList = %+v", got)
	}
}
