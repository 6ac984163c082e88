package intake

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// classifier tells what a message is (SPEC 4.2) — the same message again,
// a delivery failure report, our own mail, automatic mail, staff's
// commands, a reply in a report's thread, an empty message, or a new
// report — and finds the report whose thread it is in.
type classifier struct {
	addrs      replyAddrs
	forwarders []string // intake.forwarding_addresses
	staff      Staff
	routing    func() *routing.Table // to tell whether a text names a place
	spamMarks  []SpamMark            // intake.spam_marks
	authservID string                // security.trusted_authserv_id: our border's
}

// A class is what a message is.
type class int

const (
	classNew       class = iota // a new report, the sender's or forwarded
	classDuplicate              // the same message, processed before
	classBounce                 // a delivery failure report
	classOwn                    // sent from our own address
	classAutomatic              // automatic mail, never answered
	classCommand                // staff's commands, or staff's mail in a report's thread
	classReply                  // anyone else's mail in a report's thread
	classEmpty                  // no subject, no text and no attachment
	classSpam                   // marked as spam by our border
	classFollowUp               // a new mail with a report's tag, no token and no reference of ours
)

// A verdict is what the classifier says of a message.
type verdict struct {
	class  class
	code   string // the report whose thread the message is in
	reason string // why it is a duplicate, automatic or junk
	// forwarded is the citizen's message that a forwarding address
	// forwarded: the new report is the citizen's.
	forwarded *parse.Message
	// previous is the outcome kind of the first copy of a duplicate.
	previous string
}

// classify says what a message is. Only a failing store is an error.
func (c *classifier) classify(tx *store.Tx, in *incoming) (verdict, error) {
	m := in.msg
	if prev, seen, err := seenBefore(tx, in, m.MessageID); err != nil {
		return verdict{}, err
	} else if seen {
		return verdict{class: classDuplicate, code: prev.ReportCode, reason: sameMessage, previous: prev.Kind}, nil
	}
	if isBounce(m) {
		return verdict{class: classBounce}, nil
	}
	if sameMailbox(c.addrs.mailbox, m.From.Addr) {
		return verdict{class: classOwn, reason: "sent from our own address"}, nil
	}
	if f := c.forwardedReport(m); f != nil {
		return verdict{class: classNew, forwarded: f}, nil
	}
	code, via, err := c.thread(tx, in)
	if err != nil {
		return verdict{}, err
	}
	if mark := spam(m, c.spamMarks, c.authservID); mark != "" && via != viaToken {
		return verdict{class: classSpam, reason: spamReason + mark}, nil
	}
	v := c.byContent(m, code)
	switch {
	case v.class == classReply && via == viaTag:
		v.class = classFollowUp
	case v.class == classCommand:
		return sameCommand(tx, in, v)
	}
	return v, nil
}

// sameCommand returns the verdict of a command mail: a duplicate when the
// sender's mail with its Message-ID, or with its signed keys (the sender,
// Date, Subject and body as its DKIM signature covers them: see
// signedReader), was processed as a command before, whatever was added to
// its header or changed outside its signature since (SPEC 7.3), else v.
func sameCommand(tx *store.Tx, in *incoming, v verdict) (verdict, error) {
	m := in.msg
	reason := "a command mail with the same Message-ID from the same sender was processed before"
	prev, err := tx.SeenCommand(m.MessageID, m.From.Addr)
	if errors.Is(err, store.ErrNotFound) {
		reason = "a command mail with the same sender, Date, Subject and signed body was processed before"
		var parts []string
		if parts, err = in.signedParts(); err != nil {
			return verdict{}, err
		}
		prev, err = tx.SeenSigned(signedKeys(m.From.Addr, parts))
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return v, nil
	case err != nil:
		return verdict{}, err
	}
	return verdict{class: classDuplicate, code: prev.ReportCode, previous: prev.Kind, reason: reason}, nil
}

// byContent classifies a message that is neither a duplicate nor a
// bounce, ours or forwarded, by what it says and who sent it; code is the
// report whose thread it is in, or "".
func (c *classifier) byContent(m *parse.Message, code string) verdict {
	if reason := automatic(m); reason != "" {
		return verdict{class: classAutomatic, code: code, reason: reason}
	}
	if c.autoReply(m) {
		return verdict{class: classAutomatic, code: code, reason: "automatic-reply subject"}
	}
	if c.staff.Is(m.From.Addr) && (code != "" || hasCommands(m)) {
		return verdict{class: classCommand, code: code}
	}
	if code != "" {
		return verdict{class: classReply, code: code}
	}
	if strings.TrimSpace(m.Subject) == "" && strings.TrimSpace(bodyText(m)) == "" && len(keptAttachments(m)) == 0 {
		return verdict{class: classEmpty, reason: "no subject, no text and no attachment"}
	}
	return verdict{class: classNew}
}

// autoReply reports whether a message without an automatic-reply header
// is one by its subject: a mail client's exact prefix, and a text that does
// not read as a report (SPEC 4.2). Words alone ("Vắng mặt cán bộ…") make
// nothing automatic: when in doubt a message is a report.
func (c *classifier) autoReply(m *parse.Message) bool {
	return autoReplySubject(m.Subject) && !readsAsReport(bodyText(m), c.routing())
}

// readsAsReport reports whether a text reads as a citizen's report: it
// fills in the form, gives a phone number, or names a place — a location,
// or an administrative unit of the routing table.
func readsAsReport(text string, table *routing.Table) bool {
	f := form.Read(text)
	if f.Labelled || f.Phone != "" || f.Location != "" {
		return true
	}
	return table.Route(routing.Input{Text: text}).Unit != ""
}

// bodyText is what a message's sender wrote in its body: its new text,
// else, when all of it reads as quoted or forwarded, the whole text; ""
// when the body is empty or holds only a signature or a phone's "Sent from
// my iPhone" (a report written in its subject alone).
func bodyText(m *parse.Message) string {
	switch {
	case strings.TrimSpace(m.NewText) != "":
		return m.NewText
	case m.BlankBody:
		return ""
	}
	return m.Text
}

// isBounce reports whether a message is a delivery failure report.
func isBounce(m *parse.Message) bool {
	return m.DSN != nil
}

// sameMailbox reports whether addr is our mailbox, with or without a
// +token.
func sameMailbox(ours, addr string) bool {
	ol, od, _ := strings.Cut(fold.Address(ours), "@")
	al, ad, ok := strings.Cut(fold.Address(addr), "@")
	if !ok || ad != od {
		return false
	}
	base, _, _ := strings.Cut(al, "+")
	return base == ol
}

var tagPattern = regexp.MustCompile(`\[(PA-\d{4}-\d{6})\]`)

// How a message was found to be in a report's thread.
type via int

const (
	viaNone      via = iota
	viaToken         // a valid reply token in its recipients
	viaReference     // our Message-ID in In-Reply-To or References, or a reply token not valid for the sender
	viaTag           // only the report's tag in its subject
)

// thread finds the report a message answers: by a valid reply token in its
// recipients, by our Message-IDs in In-Reply-To and References, or by the
// tag in its subject, and says which. It returns "" when the message starts
// no thread of ours.
func (c *classifier) thread(tx *store.Tx, in *incoming) (string, via, error) {
	m := in.msg
	if code, err := c.threadByToken(tx, in); code != "" || err != nil {
		return code, viaToken, err
	}
	ids := append(append([]string{}, m.InReplyTo...), m.References...)
	for _, id := range ids {
		mail, err := tx.MailByMessageID(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", viaNone, err
		}
		if mail.ReportCode != "" {
			return mail.ReportCode, viaReference, nil
		}
	}
	if match := tagPattern.FindStringSubmatch(m.Subject); match != nil {
		if _, err := tx.Report(match[1]); err == nil {
			if c.addrs.anyToken(m) {
				return match[1], viaReference, nil // a reply to our mail, with a token not its sender's
			}
			return match[1], viaTag, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", viaNone, err
		}
	}
	return "", viaNone, nil
}

// threadByToken finds the report of a valid reply token, of either
// audience, in the message's recipients.
func (c *classifier) threadByToken(tx *store.Tx, in *incoming) (string, error) {
	m := in.msg
	for _, addr := range recipientAddrs(m) {
		tok := token.FromAddress(c.addrs.mailbox, addr)
		if tok == "" {
			continue
		}
		for _, aud := range []token.Audience{token.Citizen, token.Operator} {
			id, err := c.addrs.keys.Check(tok, aud, m.From.Addr, in.now)
			if err != nil {
				continue
			}
			r, err := tx.ReportByID(id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return r.Code, err
		}
	}
	return "", nil
}

// forwardedReport returns the citizen's message that a configured
// forwarding address (a hotline, a partner system) forwarded, as a message
// of its original sender with the forwarder's attachments added, or nil
// (SPEC 4.3).
func (c *classifier) forwardedReport(m *parse.Message) *parse.Message {
	if m.Forwarded == nil || m.Forwarded.From.Addr == "" || !slices.ContainsFunc(c.forwarders, func(a string) bool {
		return sameAddress(a, m.From.Addr)
	}) {
		return nil
	}
	f := *m.Forwarded
	f.Attachments = append(slices.Clone(f.Attachments), m.Attachments...)
	return &f
}

// hasCommands reports whether a message's new text holds command lines. A
// mail from staff outside any report's thread without any is a report:
// staff may pass on what they saw too.
func hasCommands(m *parse.Message) bool {
	cmds, refused := command.Parse(m.NewText)
	return len(cmds)+len(refused) > 0
}

// sameMessage is the reason a message processed before is a duplicate.
const sameMessage = "the same message was processed before"

// seenBefore returns the first record of the same message — the same
// Message-ID (or none) and the same content (SPEC 4.1) — and whether there
// is one: a server's retry, or the mailbox's UIDs renumbered before the
// message was moved.
func seenBefore(tx *store.Tx, in *incoming, messageID string) (store.Message, bool, error) {
	prev, err := tx.SeenContent(messageID, in.raw.key, in.raw.digest)
	switch {
	case err == nil:
		return prev, true, nil
	case errors.Is(err, store.ErrNotFound):
		return store.Message{}, false, nil
	}
	return store.Message{}, false, err
}
