// Package mailer sends the mail the outbox owes (SPEC 8): it renders each
// queued mail from its template, keeps the exact bytes it hands to the SMTP
// server, and records the server's acceptance, retrying with backoff through
// outages so that mail is delayed, never lost.
package mailer

import (
	"fmt"
	"strings"

	gomail "github.com/wneessen/go-mail"

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

// Compose turns an outbox mail into a message ready to send: UTF-8, plain
// text and HTML alternatives, the report's tag in the subject, our
// Message-ID, the thread's In-Reply-To and References, the reply address,
// and Auto-Submitted, as the kind of mail says, so that no robot answers
// it (RFC 3834, SPEC 4.7). A staff member's mail about a report (one with
// a Thread-Index) has the subject of their conversation about it, the
// same for every notice, says what happened in its first line (see
// package mailer/thread), and has Importance high when the report is
// urgent.
func Compose(set *templates.Set, from Sender, m store.Mail) (*gomail.Msg, error) {
	r, err := set.Render(m.Kind, m.Lang, m.Data)
	if err != nil {
		return nil, fmt.Errorf("mail %d: %w", m.ID, err)
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.FromFormat(from.name(m.Lang), from.Address); err != nil {
		return nil, fmt.Errorf("mail %d: from: %w", m.ID, err)
	}
	if err := msg.EnvelopeFrom(from.Address); err != nil {
		return nil, fmt.Errorf("mail %d: envelope from: %w", m.ID, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail %d: to: %w", m.ID, err)
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("mail %d: reply-to: %w", m.ID, err)
		}
	}
	subject := r.Subject
	if m.ThreadIndex != "" {
		subject = set.Thread(m.Lang)
	}
	subject = Subject(m.ReportCode, subject)
	msg.Subject(subject)
	if m.ThreadIndex != "" {
		msg.SetGenHeader("Thread-Topic", subject)
		msg.SetGenHeaderPreformatted("Thread-Index", m.ThreadIndex)
		if r.Urgent {
			// The subject cannot say it: Outlook marks the mail in its list.
			msg.SetGenHeader(gomail.HeaderImportance, "high")
		}
	}
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.CreatedAt.In(calendar.Vietnam))
	if m.InReplyTo != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, angle(m.InReplyTo))
	}
	if refs := references(m); refs != "" {
		msg.SetGenHeader(gomail.HeaderReferences, refs)
	}
	msg.SetGenHeader("Auto-Submitted", templates.AutoSubmitted(m.Kind))
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	msg.SetBodyString(gomail.TypeTextPlain, r.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	return msg, nil
}

// Subject puts the report's tag before a subject: "[PA-2026-000042] …".
func Subject(code, subject string) string {
	if code == "" || strings.Contains(subject, "["+code+"]") {
		return subject
	}
	return "[" + code + "] " + subject
}

func angle(id string) string { return "<" + strings.Trim(id, "<> ") + ">" }

// references is the References header: the thread so far, then the message
// answered.
func references(m store.Mail) string {
	var ids []string
	for _, r := range m.References {
		ids = append(ids, angle(r))
	}
	if m.InReplyTo != "" && !strings.Contains(strings.Join(ids, " "), angle(m.InReplyTo)) {
		ids = append(ids, angle(m.InReplyTo))
	}
	return strings.Join(ids, " ")
}
