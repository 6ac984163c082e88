package templates

import "strings"

// Reproduced is text that a staff notice reproduces and its reader did not
// write: the citizen's report, replies, follow-ups and rating reason, and
// another operator's note, reason or result. It prints every line behind
// Mark, in the plain-text part and the HTML part alike (in a blockquote
// there, with the mark in the text, so that a client's own conversion to
// text keeps it), so that no line of it begins with "/": a staff member
// whose mail client quotes the notice in a way the command reader does not
// recognise — Notes' "… wrote on …:", an Outlook header in another
// language — or not at all, sends back "| /reject …", which is no command
// (SPEC 7.1). The command reader's second guard, for a client that drops
// the mark too, is command.Theirs: a command line that repeats what others
// wrote on the report is not read.
type Reproduced string

// Mark begins every line a notice reproduces.
const Mark = "| "

// String returns the text with every line behind Mark ("|" alone on a
// blank line); "" for no text. Lines end at CRLF, CR or LF.
func (r Reproduced) String() string {
	if r == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(r) + len(r)/16 + len(Mark))
	for rest := string(r); ; {
		i := strings.IndexAny(rest, "\r\n")
		line := rest
		if i >= 0 {
			line = rest[:i]
		}
		if l := strings.TrimRight(line, " "); l != "" {
			b.WriteString(Mark)
			b.WriteString(l)
		} else {
			b.WriteString(strings.TrimRight(Mark, " "))
		}
		if i < 0 {
			return b.String()
		}
		b.WriteByte('\n')
		if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
			i++
		}
		rest = rest[i+1:]
	}
}
