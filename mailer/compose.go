// Package mailer sends the mail the outbox owes (SPEC 8): it renders each
// queued mail from its template, keeps the exact bytes it hands to the SMTP
// server, and records the server's acceptance, retrying with backoff through
// outages so that mail is delayed, never lost.
package mailer

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"

	"haugiang.gov.vn/phananh/mailer/mimewriter"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// Sender is who our mail comes from.
type Sender struct {
	Address string // phananh@haugiang.gov.vn; also the envelope sender, so bounces come back
	Name    string
	// EnglishName is the name English mail is from, as its signature
	// names the Center; "" for Name.
	EnglishName string
}

// name is the display name of a mail in lang.
func (s Sender) name(lang string) string {
	if lang == "en" && s.EnglishName != "" {
		return s.EnglishName
	}
	return s.Name
}

// senderFields are the envelope sender and the From field of a Sender
// in a language.
type senderFields struct {
	envelope, from string
}

type senderKey struct {
	sender Sender
	lang   string
}

// senders are the senderFields made, by Sender and language: the same for
// every mail of a worker, made once rather than parsed again for each.
var senders sync.Map // senderKey → senderFields

// fields returns the envelope sender and the From field of mail from s in
// lang; an error when s's address does not parse.
func (s Sender) fields(lang string) (senderFields, error) {
	key := senderKey{s, lang}
	if f, ok := senders.Load(key); ok {
		return f.(senderFields), nil
	}
	a, err := mail.ParseAddress(s.Address)
	if err != nil {
		return senderFields{}, err
	}
	f := senderFields{envelope: envelope(a), from: (&mail.Address{Name: s.name(lang), Address: a.Address}).String()}
	senders.Store(key, f)
	return f, nil
}

// Templates are a set of templates as the Worker composes mail with
// them: the set, and the starts of its lines (templates.Set.LineStarts)
// encoded as quoted-printable once (NewTemplates), for the bodies of
// every mail composed with it to copy. Those made otherwise encode their
// bodies whole: the bytes are the same.
type Templates struct {
	Set   *templates.Set
	lines *mimewriter.QPLines
}

// NewTemplates pairs set with the encoding of the starts of its lines:
// made once when the set is loaded or loaded again, not for each mail.
func NewTemplates(set *templates.Set) *Templates {
	return &Templates{Set: set, lines: mimewriter.NewQPLines(set.LineStarts())}
}

// Compose turns an outbox mail into a message ready to send: UTF-8, plain
// text and HTML alternatives, the report's tag in the subject, our
// Message-ID, the thread's In-Reply-To and References, the reply address,
// and Auto-Submitted, as the kind of mail says, so that no robot answers
// it (RFC 3834, SPEC 4.7). A staff member's mail about a report (one with
// a Thread-Index) has the subject of their conversation about it, the
// same for every notice, says what happened in its first line (see
// package mailer/thread), and has Importance high when the report is
// urgent. Its bodies are encoded whole (Templates.Compose copies the
// encodings of the set's line starts).
func Compose(set *templates.Set, from Sender, m store.Mail) (*Message, error) {
	return (&Templates{Set: set}).Compose(from, m)
}

// Compose is the package's Compose with t's set, the bodies copying the
// encodings of its line starts.
func (t *Templates) Compose(from Sender, m store.Mail) (*Message, error) {
	text, html := buffers.Get().(*bytes.Buffer), buffers.Get().(*bytes.Buffer)
	msg, err := t.compose(from, m, text, html)
	if err != nil {
		putBuffer(text)
		putBuffer(html)
	}
	return msg, err
}

func (t *Templates) compose(from Sender, m store.Mail, text, html *bytes.Buffer) (*Message, error) {
	set := t.Set
	r, err := set.RenderTo(m.Kind, m.Lang, m.Data, text, html)
	if err != nil {
		return nil, fmt.Errorf("mail %d: %w", m.ID, err)
	}
	sender, err := from.fields(m.Lang)
	if err != nil {
		return nil, fmt.Errorf("mail %d: from: %w", m.ID, err)
	}
	to, rcpt, err := addressFields(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail %d: to: %w", m.ID, err)
	}
	msg := &Message{From: sender.envelope, Rcpts: []string{rcpt}, id: m.MessageID, text: text, html: html,
		lines: t.lines}
	h := &msg.header
	msg.headerMemory = headerBuffers.Get().(*[]byte)
	h.UseMemory(*msg.headerMemory)
	h.Grow(1024) // the fields below: 580 to 700 bytes for a report's two mails
	h.Add("Date", m.CreatedAt.In(calendar.Vietnam).Format(time.RFC1123Z))
	h.Add("From", sender.from)
	h.Add("To", to)
	if m.ReplyTo != "" {
		replyTo, _, err := addressFields(m.ReplyTo)
		if err != nil {
			return nil, fmt.Errorf("mail %d: reply-to: %w", m.ID, err)
		}
		h.Add("Reply-To", replyTo)
	}
	subject := r.Subject
	if m.ThreadIndex != "" {
		subject = set.Thread(m.Lang)
	}
	subject = Subject(m.ReportCode, subject)
	h.AddText("Subject", subject)
	h.Add("Message-ID", angle(m.MessageID))
	if m.InReplyTo != "" && writable(m.InReplyTo) {
		h.Add("In-Reply-To", angle(m.InReplyTo))
	}
	if refs := references(m); refs != "" {
		h.Add("References", refs)
	}
	if m.ThreadIndex != "" {
		h.AddText("Thread-Topic", subject)
		h.Add("Thread-Index", m.ThreadIndex)
		if r.Urgent {
			// The subject cannot say it: Outlook marks the mail in its list.
			h.Add("Importance", "high")
		}
	}
	h.Add("Auto-Submitted", templates.AutoSubmitted(m.Kind))
	h.Add("X-Auto-Response-Suppress", "All")
	h.Add("Content-Language", m.Lang)
	h.Add("MIME-Version", "1.0")
	return msg, nil
}

// envelope is an address as SMTP's envelope writes it: "<local@domain>".
func envelope(a *mail.Address) string { return (&mail.Address{Address: a.Address}).String() }

// addressFields returns an address as a header field writes it and as
// SMTP's envelope does, as mail.ParseAddress reads it; an error when it
// does not. A bare address of the characters an atom holds (a citizen's
// or a receiver's, our reply address) is both as "<local@domain>",
// without being parsed (bare).
func addressFields(s string) (field, env string, err error) {
	if bare(s) {
		field = "<" + s + ">"
		return field, field, nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", "", err
	}
	return a.String(), envelope(a), nil
}

// bare reports whether s is an address that mail.ParseAddress reads as
// itself, with no name, and that Address.String writes as it is: a local
// part and a domain of ASCII letters, digits and the atom's other
// characters (RFC 5322 atext; '-' alone in the domain), each made of
// atoms joined by single dots (FuzzBareAddress).
func bare(s string) bool {
	at := strings.IndexByte(s, '@')
	if at < 0 {
		return false
	}
	return dotAtoms(s[:at], atext) && dotAtoms(s[at+1:], domainText)
}

// dotAtoms reports whether s is atoms of the characters allowed joined by
// single dots.
func dotAtoms(s string, allowed *[256]bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !allowed[c] && (c != '.' || s[i-1] == '.') {
			return false
		}
	}
	return true
}

// atext and domainText are the characters of an address's local part
// and of its domain, but the dot.
var atext, domainText = func() (local, domain *[256]bool) {
	local, domain = new([256]bool), new([256]bool)
	for c := range 256 {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		local[c] = letter || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", byte(c)) >= 0
		domain[c] = letter || c == '-'
	}
	return local, domain
}()

// Subject puts the report's tag before a subject: "[PA-2026-000042] …".
func Subject(code, subject string) string {
	if code == "" || strings.Contains(subject, "["+code+"]") {
		return subject
	}
	return "[" + code + "] " + subject
}

func angle(id string) string { return "<" + strings.Trim(id, "<> ") + ">" }

// writable reports whether a message identifier received can be written
// in a header field as it is: it is printable ASCII with no space or
// angle bracket inside (RFC 5322's msg-id; UTF-8 would need SMTPUTF8,
// RFC 6532), and short enough for the 998 characters of a line with the
// field's name and the brackets: a longer one, which no mail program
// writes, would make a line SMTP servers refuse or break.
func writable(id string) bool {
	id = strings.Trim(id, "<> ")
	return len(id) <= 998-len("In-Reply-To: <>") && !strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r >= 0x7f || r == '<' || r == '>' })
}

// references is the References header: the thread so far, then the message
// answered.
func references(m store.Mail) string {
	var ids []string
	for _, r := range m.References {
		if writable(r) {
			ids = append(ids, angle(r))
		}
	}
	if m.InReplyTo != "" && writable(m.InReplyTo) && !strings.Contains(strings.Join(ids, " "), angle(m.InReplyTo)) {
		ids = append(ids, angle(m.InReplyTo))
	}
	return strings.Join(ids, " ")
}
