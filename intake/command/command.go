// Package command reads the commands that staff write in their replies
// (SPEC 7.1): lines beginning with "/" in the new text of a reply, one per
// line, in any case, by their English names or Vietnamese aliases without
// diacritics, with the rest of the line as the argument.
//
// Parse checks only the syntax: whether the command exists and has the
// arguments it needs. Whether the sender may use it on the report in its
// state is package lifecycle's question.
package command

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// Command is one command of a reply.
type Command struct {
	Action lifecycle.Action
	// Line is the command's line number in the text given to Parse,
	// counted from 1.
	Line int
	// Raw is the line as written, without surrounding space.
	Raw string
	// Code is the argument of /accept and /assign (an agency code), /field
	// (a field code) and /unit (a unit code), in lower case; or of /status
	// (a report code, PA-YYYY-NNNNNN, in upper case). "" when not given.
	Code string
	// Name is the argument of /accept, /assign, /field and /unit when it
	// is not written as a code: a name or alias of the routing table, as
	// written ("Sở Xây dựng", "so xay dung"), which the caller looks up
	// (routing.Table.FindAgency…). "" when the argument is a code.
	Name string
	// Days are the working days of /extend and /confirm-extension, 0 when
	// not given.
	Days int
	// Text is what a text-carrying command carries — the reason of
	// /reject, /sendback and /deny-extension, the cause of /return, the
	// result of /resolve, the grounds of /extend, the note of /escalate,
	// /note and /call-failed, the answer of /clarify: the rest of its line
	// followed by the lines under it up to the next command (see Parse).
	// For /help, the rest of the line (a topic).
	Text string
	// Period and Month are the arguments of /report: monthly, quarterly,
	// semiannual or annual, and YYYY-MM — "" for the period that ends in
	// the current month (the caller's clock decides).
	Period, Month string
}

// Refusal is a command line that cannot be used, and why.
type Refusal struct {
	Line int    // counted from 1 in the text given to Parse
	Raw  string // the line as written, shortened past 120 characters
	// Code is stable: unknown-command, missing-argument, extra-argument,
	// bad-argument.
	Code string
	// Reason is the Vietnamese explanation for the reply to the operator.
	Reason string
}

// The refusal codes.
const (
	UnknownCommand  = "unknown-command"
	MissingArgument = "missing-argument"
	ExtraArgument   = "extra-argument"
	BadArgument     = "bad-argument"
)

// String formats the refusal for the reply: «dòng 3: "/duyet abc" — …».
func (r Refusal) String() string {
	return fmt.Sprintf("dòng %d: «%s» — %s", r.Line, r.Raw, r.Reason)
}

// Parse reads the commands of a reply's new text (parse.Message.NewText),
// in order. A command line begins with "/" and a letter, after optional
// space or a list bullet ("-", "*", "•", "1.") that mail clients and the
// HTML-to-text conversion put in front; a full-width "／" counts as "/".
// Names are compared without case, diacritics, hyphens or underscores
// (/call_failed, /Tiếp-nhận). A ":" after the name is allowed.
//
// Reading stops at quoted history (a ">" line, "On … wrote:", "Vào … đã
// viết:", an Outlook "From:/Sent:" block, "-----Original Message-----"),
// at a "-- " signature or a "Sent from my …" line; and the last closing line
// ("Trân trọng", "Best regards") ends the text when no command and at most
// six other lines follow it (a signature block).
//
// The text of a text-carrying command is the rest of its line followed by
// the lines under it up to the next command line (SPEC 7.1). Blank lines at
// its ends go, and runs of them become one. Lines above the first command
// (a greeting such as "Kính gửi Trung tâm,"), lines under a command that
// carries no text ("Cảm ơn anh" under "/approve") and the signature belong
// to no command and are ignored.
//
// Refusals name the line and why; the caller refuses the whole reply when
// there is any (all or none, SPEC 7.1).
func Parse(text string) ([]Command, []Refusal) {
	cmds, refused, _ := parse(text, Theirs{})
	return cmds, refused
}

// parse reads the commands of text, leaving out the command lines that
// repeat theirs.
func parse(text string, theirs Theirs) ([]Command, []Refusal, []Refusal) {
	lines := splitLines(text)
	lines = lines[:ownLines(lines)]
	p := parser{current: -1}
	for i, line := range lines {
		name, rest, ok := split(line)
		switch {
		case !ok:
			p.other(line)
		case theirs.repeats(line) || cheatSheetRow(name, rest):
			p.repeat(i+1, strings.TrimSpace(line))
		default:
			p.command(i+1, strings.TrimSpace(line), name, rest)
		}
	}
	cmds, refused := p.finish()
	slices.SortStableFunc(p.repeated, func(a, b Refusal) int { return a.Line - b.Line })
	return cmds, refused, p.repeated
}

// splitLines returns the lines of text, NFC, with invisible characters
// removed and unusual spaces made plain.
func splitLines(text string) []string {
	text = norm.NFC.String(text)
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text)
	return strings.Split(plain(text), "\n")
}

// plain removes invisible characters from text and makes unusual spaces
// plain.
func plain(text string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
			return -1
		case '\t', '\u00a0', '\u2007', '\u202f', '\u3000':
			return ' '
		}
		return r
	}, text)
}

// split reads a command line: the name after "/" and the rest of the line.
func split(line string) (name, rest string, ok bool) {
	t := strings.TrimSpace(line)
	emphasis := ""
	if strings.HasPrefix(t, "*/") || strings.HasPrefix(t, "_/") {
		emphasis, t = t[:1], t[1:]
	} else {
		t = stripBullet(t)
	}
	switch {
	case strings.HasPrefix(t, "/"):
		t = t[1:]
	case strings.HasPrefix(t, "／"):
		t = t[len("／"):]
	default:
		return "", "", false
	}
	if r, _ := utf8.DecodeRuneInString(t); !unicode.IsLetter(r) || isAddress(t) {
		return "", "", false
	}
	end := strings.IndexFunc(t, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && r != '-' && r != '_'
	})
	if end < 0 {
		end = len(t)
	}
	name, rest = t[:end], t[end:]
	if emphasis != "" {
		rest = strings.TrimSuffix(strings.TrimSpace(rest), emphasis)
	}
	return name, rest, true
}

// isAddress reports whether a line's first word, after its "/", holds an
// "@": it is an email address, which RFC 5322 lets begin with "/"
// ("/tiepnhan@example.com"), never a command. Staff notices show addresses
// that others chose — the citizen's, a follow-up's sender — where a client's
// conversion of the HTML part to text (a table's cells one a line) or its
// re-wrapping of a long line can set one at the start of a line.
func isAddress(t string) bool {
	word := t
	if i := strings.IndexFunc(t, unicode.IsSpace); i >= 0 {
		word = t[:i]
	}
	return strings.ContainsAny(word, "@＠")
}

// Written returns the command of a command line as the operator wrote it,
// in lower case ("/chuyen" for "/Chuyen UBND huyện Vị Thủy", "/accept"),
// and "" for a line that is no command: what answers to the operator name
// it by.
func Written(line string) string {
	name, rest, ok := split(line)
	if !ok {
		return ""
	}
	_, typed, _, _ := lookup(name, rest)
	return typed
}

// isCommandLine reports whether a line is a command line.
func isCommandLine(line string) bool {
	_, _, ok := split(line)
	return ok
}

// stripBullet removes a list marker before a command: "- /approve",
// "• /approve", "1. /approve".
func stripBullet(t string) string {
	r, size := utf8.DecodeRuneInString(t)
	switch {
	case strings.ContainsRune("-*•·◦▪‣–—+", r):
	case unicode.IsDigit(r):
		i := strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) })
		if i < 0 || i > 2 || (t[i] != '.' && t[i] != ')') {
			return t
		}
		size = i + 1
	default:
		return t
	}
	rest := strings.TrimLeft(t[size:], " ")
	if !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "／") {
		return t
	}
	return rest
}
