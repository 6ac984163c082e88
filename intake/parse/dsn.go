package parse

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// maxStatusBytes bounds a message/delivery-status part: it is a few
// header-like blocks.
const maxStatusBytes = 256 << 10

// deliveryStatus reads a message/delivery-status part (RFC 3464): the
// per-message block (Reporting-MTA) and one block per recipient.
func (p *parser) deliveryStatus(st *state, body io.Reader) error {
	if st.report == nil {
		st.report = &DSN{}
	}
	d := st.report
	br := bufio.NewReader(io.LimitReader(body, maxStatusBytes))
	for block := 0; ; block++ {
		fields, more := statusBlock(br)
		if v := fields["reporting-mta"]; v != "" && d.ReportingMTA == "" {
			d.ReportingMTA = typedValue(v)
		}
		if r := (DSNRecipient{
			Addr:       typedValue(first(fields["final-recipient"], fields["original-recipient"])),
			Action:     strings.ToLower(strings.TrimSpace(fields["action"])),
			Status:     firstWord(fields["status"]),
			Diagnostic: typedValue(fields["diagnostic-code"]),
		}); r.Addr != "" || r.Action != "" {
			d.Recipients = append(d.Recipients, r)
		}
		if !more {
			break
		}
	}
	_, err := io.Copy(io.Discard, body)
	return p.readErr(err)
}

// statusBlock reads one block of "Field: value" lines up to a blank line,
// joining folded lines; more is false at the end of the part.
func statusBlock(br *bufio.Reader) (fields map[string]string, more bool) {
	fields = map[string]string{}
	last := ""
	for {
		line, err := br.ReadString('\n')
		t := strings.TrimRight(line, "\r\n")
		switch {
		case strings.TrimSpace(t) == "" && len(fields) > 0:
			return fields, err == nil
		case strings.TrimSpace(t) == "":
		case (t[0] == ' ' || t[0] == '\t') && last != "":
			fields[last] += " " + strings.TrimSpace(t)
		default:
			if k, v, ok := strings.Cut(t, ":"); ok {
				last = strings.ToLower(strings.TrimSpace(k))
				if _, dup := fields[last]; !dup {
					fields[last] = strings.TrimSpace(v)
				}
			}
		}
		if err != nil {
			return fields, false
		}
	}
}

// typedValue drops the type of "rfc822; user@example.com" or "dns; mx.example".
func typedValue(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		return strings.TrimSpace(after)
	}
	return strings.TrimSpace(v)
}

// firstWord returns the first word of s, "" if none.
func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func first(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

var bounceSubject = regexp.MustCompile(`(?i)(undeliver|undelivered mail|delivery status notification|delivery failure|delivery has failed|returned mail|mail delivery failed|failure notice|mail delivery system|could not be delivered|non.?delivery|not delivered|delivery problem|rejected|bounce|unzustellbar|không gửi được|khong gui duoc|メールエラー|配信エラー)`)

// looksLikeBounce recognises a non-standard bounce: from a mail system
// (MAILER-DAEMON, postmaster) with a bounce-like subject or an empty return
// path, or a bounce-like subject on mail with an empty return path or a
// returned message enclosed.
func looksLikeBounce(m *Message) bool {
	local, _, _ := strings.Cut(strings.ToLower(m.From.Addr), "@")
	name := strings.ToLower(m.From.Name + m.FromText) // FromText: "MAILER-DAEMON <>" has no address
	system := local == "mailer-daemon" || local == "postmaster" || strings.HasPrefix(name, "mailer-daemon") ||
		strings.Contains(name, "mail delivery")
	emptyPath := m.ReturnPathPresent && m.ReturnPath == ""
	if !system && !emptyPath && m.Forwarded == nil {
		return false // whatever the subject says
	}
	subject := bounceSubject.MatchString(m.Subject)
	return system && (subject || emptyPath) || subject && (emptyPath || m.Forwarded != nil)
}

var (
	bounceRecipient = regexp.MustCompile(`(?m)^\s*<?([^\s<>@"']+@[^\s<>@"':;,]+\.[a-zA-Z]{2,})>?\s*:?\s*$|(?m)^\s*<([^\s<>@]+@[^\s<>@]+)>:`)
	bounceStatus    = regexp.MustCompile(`\b([45]\.\d{1,3}\.\d{1,3})\b`)
	bounceMessageID = regexp.MustCompile(`(?im)^\s*Message-ID:\s*<([^<>\s]+)>`)
	copyMarker      = regexp.MustCompile(`(?i)(below this line is a copy|this is a copy of the message|original message follows|undelivered message|returned message|headers of the original message|----- original message -----|content of the original message)`)
)

// textBounce reads what a non-standard bounce says in its text: the failed
// recipients (an address alone on a line, or "<addr>:" as qmail writes),
// the first enhanced status code, and the returned message's Message-ID.
func textBounce(text string) *DSN {
	d := &DSN{}
	report := text
	returned := ""
	if loc := copyMarker.FindStringIndex(text); loc != nil {
		report, returned = text[:loc[0]], text[loc[0]:]
	}
	status := ""
	if m := bounceStatus.FindStringSubmatch(report); m != nil {
		status = m[1]
	}
	seen := map[string]bool{}
	for _, m := range bounceRecipient.FindAllStringSubmatch(report, 20) {
		addr := strings.ToLower(first(m[1], m[2]))
		if addr == "" || seen[addr] {
			continue
		}
		seen[addr] = true
		d.Recipients = append(d.Recipients, DSNRecipient{Addr: addr, Action: "failed", Status: status})
	}
	if m := bounceMessageID.FindStringSubmatch(returned); m != nil {
		d.OriginalMessageID = m[1]
	} else if m := bounceMessageID.FindStringSubmatch(text); m != nil {
		d.OriginalMessageID = m[1]
	}
	return d
}
