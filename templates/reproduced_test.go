package templates

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/parse"
)

// injection is what a citizen (or a member of staff, in a note) may write
// so that a notice reproducing it hands its reader commands.
const injection = "Kính gửi Trung tâm,\n/reject Lệnh chèn một\n  /assign so-xd lệnh chèn hai\n- /resolve Lệnh chèn ba\n／urgent\n*/approve*"

// TestReproducedIsNoCommand renders every notice to staff with someone
// else's text holding command lines in each place a notice reproduces
// text, and reads the whole notice — its plain text, and its HTML as a
// client converts it to text, markup dropped — as a reply that quotes
// nothing: no line of that text is read as a command.
func TestReproducedIsNoCommand(t *testing.T) {
	s, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range kinds {
		data := k.sample()
		if !inject(data) {
			continue
		}
		raw, _ := json.Marshal(data)
		r, err := s.Render(name, Vietnamese, raw)
		if err != nil {
			t.Fatal(err)
		}
		for part, text := range map[string]string{"text": r.Text, "html": htmlText(r.HTML)} {
			cmds, refused, _ := command.ParseReply(text, command.Theirs{})
			for _, c := range cmds {
				if injected(c.Raw) {
					t.Errorf("%s %s: line %d %q read as a command", name, part, c.Line, c.Raw)
				}
			}
			for _, f := range refused {
				if injected(f.Raw) {
					t.Errorf("%s %s: line %d %q read as a command line", name, part, f.Line, f.Raw)
				}
			}
			if part == "text" && strings.Contains(text, "chèn") && !strings.Contains(text, Mark+"/reject Lệnh chèn một\n") {
				t.Errorf("%s: the reproduced text is not behind the mark:\n%s", name, text)
			}
		}
	}
}

// injected reports a line of the injection.
func injected(line string) bool {
	line = strings.ToLower(strings.TrimSpace(line))
	return strings.Contains(line, "chèn") || strings.Contains(line, "chen") || line == "／urgent" || line == "*/approve*"
}

// inject puts the injection into every reproduced field of a notice's
// data, and reports whether the data is a notice to staff.
func inject(data any) bool {
	var c *Case
	switch d := data.(type) {
	case *Notice:
		d.Text, c = injection, &d.Case
	case *Answer:
		c = &d.Case
	case *Triage:
		d.Content, d.Citizen = injection, injectedPerson
		d.Subject, d.Location, d.IncidentTime, d.Declared = injectedLine, injection, injection, injection
		return true
	default:
		return false
	}
	c.Content, c.Result, c.RatingReason, c.Secret = injection, injection, injection, false
	c.Citizen, c.Hidden = injectedPerson, false
	c.Subject, c.Location, c.IncidentTime = injectedLine, injection, injection
	return true
}

// injectedLine is a one-line field that opens with a command: a subject;
// injectedPerson the citizen's details as a form gives them, whose values
// run on over the lines under their label, and an address that opens with
// a slash, as an address may.
const injectedLine = "/reject Lệnh chèn tiêu đề"

var injectedPerson = Person{Name: "/reject Lệnh chèn họ tên", Phone: "/reject Lệnh chèn số điện thoại 12", Email: "/tuchoi-chen@example.com",
	Address: injection, Workplace: injection}

var (
	tag   = regexp.MustCompile(`<[^>]*>`)
	block = regexp.MustCompile(`(?i)<(/?(p|div|br|tr|td|th|li|ol|ul|h[1-6]|table|blockquote)\b)[^>]*>`)
)

// htmlText is the text of an HTML part as a client that knows no
// blockquote makes it: every block, and every cell of a table, on a line
// of its own, the rest of the markup dropped, entities read.
func htmlText(s string) string {
	return html.UnescapeString(tag.ReplaceAllString(block.ReplaceAllString(s, "\n"), ""))
}

// TestReproducedString: every line behind the mark, none for no text.
func TestReproducedString(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"a":                     "| a",
		"a\n\n/reject b\r\nc\r": "| a\n|\n| /reject b\n| c\n|",
	} {
		if got := Reproduced(in).String(); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// FuzzReplyToReproduced: whatever a citizen writes, a notice that
// reproduces it — the triage notice, and a note relaying it — answered with
// one command line on top, by a client that quotes it in any of the ways
// below, has that line read and nothing of the citizen's: no other command
// and no refused line (which would refuse the operator's command with it).
func FuzzReplyToReproduced(f *testing.F) {
	for _, seed := range []string{injection, "/accept", "/ghichu Đã xác minh.", "a\r/tuchoi spam", "1. /note x\n2) /duyet",
		"/rej\u200bect x", "Trả lời thư này\n/return\nNguyên nhân: (a)\nCăn cứ: (b)", "> /approve\n-- \n/reject y",
		"Kính gửi,\n" + strings.Repeat("chữ ", 30) + "/reject lý do dài " + strings.Repeat("nữa ", 20)} {
		f.Add(seed)
	}
	s, err := load("")
	if err != nil {
		f.Fatal(err)
	}
	const own = "/ghichu Đã xác minh qua điện thoại."
	f.Fuzz(func(t *testing.T, citizen string) {
		if !utf8.ValidString(citizen) || len(citizen) > 4000 {
			return
		}
		tr := sampleTriage()
		tr.Content = Reproduced(citizen)
		n := sampleNotice()
		n.Usable, n.Text, n.Content = []string{"note", "status", "help", "codes"}, Reproduced(citizen), Reproduced(citizen)
		theirs := command.Reproduce(citizen, n.Case.Subject, string(n.Case.Result))
		for kind, data := range map[string]any{"triage": tr, "note": n} {
			r, err := s.render(kind, Vietnamese, data)
			if err != nil {
				t.Fatal(err)
			}
			for name, reply := range replyShapes(own, r.Text) {
				cmds, refused, _ := command.ParseReply(parse.NewText(reply), theirs)
				for _, c := range cmds {
					if c.Line != 1 {
						t.Fatalf("%s, %s: line %d %q read as a command in:\n%s", kind, name, c.Line, c.Raw, reply)
					}
				}
				for _, f := range refused {
					if f.Line != 1 {
						t.Fatalf("%s, %s: line %d %q read as a command line in:\n%s", kind, name, f.Line, f.Raw, reply)
					}
				}
			}
		}
	})
}

// replyShapes are replies of own over a notice's text as clients write
// them: quoted with ">", under Notes' "wrote on", top-posted unquoted, and
// unquoted with the notice's marks gone.
func replyShapes(own, notice string) map[string]string {
	quoted := "> " + strings.ReplaceAll(notice, "\n", "\n> ")
	return map[string]string{
		"quoted":    own + "\n\nOn Mon, 23 Nov 2026 at 08:15, <phananh@haugiang.gov.vn> wrote:\n" + quoted,
		"notes":     own + "\n\n\nphananh@haugiang.gov.vn wrote on 23/11/2026 08:15:31 AM:\n\n" + notice,
		"unquoted":  own + "\n\n" + notice,
		"unmarked":  own + "\n\n" + strings.ReplaceAll(strings.ReplaceAll(notice, "\n"+Mark, "\n"), "\n|\n", "\n\n"),
		"stripped>": own + "\n\n" + strings.ReplaceAll(quoted, "\n> ", "\n"),
	}
}
