package parse

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Head is what a message's header says of it, read leniently from its
// first bytes: enough to name a message that cannot be read whole — one
// too large, or malformed — to the people who must find it in the
// quarantine folder (SPEC 10.3).
type Head struct {
	From      string    // the From field decoded for display, as written; "" when absent
	Subject   string    // decoded, as written
	Date      time.Time // the sender's Date field; zero when absent or unreadable
	MessageID string    // without angle brackets
}

// HeadBytes is how much of a message's start ReadHead reads: far more than
// the header of real mail, received lines and signatures included.
const HeadBytes = 64 << 10

// maxHeadText bounds the From and the Subject a Head keeps, in runes: a
// notice names the message, it does not relay what a sender wrote at
// length.
const maxHeadText = 300

// ReadHead reads the header fields at the start of a message, at most
// HeadBytes of it, up to the first line that is no header field. A field
// given twice is read the first time.
func ReadHead(r io.Reader) Head {
	br := bufio.NewReader(io.LimitReader(r, HeadBytes))
	fields := map[string]string{}
	var name string
	var value []byte
	keep := func() {
		if _, seen := fields[name]; name != "" && !seen {
			fields[name] = string(value)
		}
		name, value = "", nil
	}
	for {
		line, err := br.ReadBytes('\n')
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) > 0 && (line[0] == ' ' || line[0] == '\t'):
			if name != "" {
				value = append(append(value, ' '), bytes.TrimSpace(line)...)
			}
		case validKey(line):
			keep()
			k, v, _ := bytes.Cut(line, []byte(":"))
			name, value = strings.ToLower(string(bytes.TrimSpace(k))), bytes.TrimSpace(v)
		default:
			err = io.EOF // the blank line, or a line that is no field: the body
		}
		if err != nil {
			keep()
			break
		}
	}
	h := Head{From: short(displayText(fields["from"], "")), Subject: short(displayText(fields["subject"], "")),
		Date: parseDate(fields["date"])}
	if ids := messageIDs(fields["message-id"]); len(ids) > 0 {
		h.MessageID = ids[0]
	}
	return h
}

// short cuts s to maxHeadText runes, marking the cut.
func short(s string) string {
	if utf8.RuneCountInString(s) <= maxHeadText {
		return s
	}
	return string([]rune(s)[:maxHeadText]) + "…"
}
