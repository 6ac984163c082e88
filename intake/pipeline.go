// Package intake turns incoming mail into reports and recorded outcomes
// (SPEC 4). Pipeline.Process takes one raw message — from the IMAP mailbox
// or from a file — and, in one store transaction, records what it became
// together with the mail it owes; the mailbox watcher (package
// intake/mailbox) moves it out of the inbox only after that commit.
//
// The Pipeline spools and parses the message (incoming), has the
// classifier say what it is, and hands it to the part for that kind of
// mail, each holding only what it needs of the configuration:
//
//   - classifier: the same message again, a bounce, our own or automatic
//     mail, staff's commands, a reply in a report's thread, or a new report.
//   - reception: a new report — routing, records, acknowledgement, triage.
//   - commands, citizenReplies, bounces: work on an existing report — staff's
//     commands, the citizen's replies and ratings, delivery failures; the
//     caseWriter writes the lifecycle's steps, and answers writes the
//     operator's answer.
//   - notifier: the notices a report's changes owe, drawn from a snapshot
//     of the report, each to its recipients with its reply address.
package intake

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// Pipeline processes incoming messages.
type Pipeline struct {
	DB       *store.DB
	Routing  func() *routing.Table // the current table (reloaded on SIGHUP)
	Calendar *calendar.Calendar
	Limits   parse.Limits
	Tokens   *token.Keys
	// Address is our own mailbox (phananh@haugiang.gov.vn).
	Address string
	// Staff gives the operators of the configuration in use (replaced on
	// SIGHUP, SPEC 11: staff changes need no restart); each message reads
	// them once. Nil: no operators.
	Staff func() Staff
	// QuarantineFolder is the mailbox quarantined messages are moved to,
	// named in the notice to the receivers.
	QuarantineFolder string
	// Forwarders are the addresses whose forwarded messages become reports
	// of their original senders.
	Forwarders []string
	// SpamMarks are the headers and values by which our border's spam
	// filter marks spam (intake.spam_marks); honoured only on messages
	// that passed our border (see TrustedAuthservID).
	SpamMarks []SpamMark
	// RepliesPerHour caps the automatic replies one sender gets.
	RepliesPerHour int
	// FollowUpsPerSender and FollowUpsPerReport cap the follow-ups
	// forwarded in an hour from one sender and to one report, and
	// FollowUpsPerHour those from others than a report's citizen to every
	// report (0: the defaults); the others are recorded on their report,
	// not forwarded.
	FollowUpsPerSender, FollowUpsPerReport, FollowUpsPerHour int
	// DuplicateWindow links the same content from the same sender.
	DuplicateWindow time.Duration
	// CallAttempts is process.call_attempts: the failed verification call
	// that rejects a report (0: lifecycle.DefaultCallAttempts).
	CallAttempts int
	// EscalationAddress is process.escalation_address, the department
	// the routing table names for escalations (routing.Bodies): escalated
	// reports go there.
	EscalationAddress string
	// RequireAuth is security.require_authentication_results: commands
	// are applied only when our border server authenticated the sender's
	// domain, in the Authentication-Results header carrying
	// TrustedAuthservID (SPEC 7.3).
	RequireAuth       bool
	TrustedAuthservID string
	// AnswersPerHour is security.answers_per_hour: the most answers one
	// operator gets in an hour, authentic or not (0: 30, SPEC 7.3).
	AnswersPerHour int
	// ReportMode is reports.period_mode: how /report cuts its periods
	// ("decree", the default, or "calendar").
	ReportMode string
	// Privacy is what the processing notice of each acknowledgement says
	// of [privacy]: the data protection unit's contact and the retention
	// (SPEC 10.5).
	Privacy templates.Privacy
	Log     *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// AfterCommit, when set, is called after an outcome is committed and
	// before Process returns: tests stop the process there.
	AfterCommit func(Outcome)
	// AfterBlobs, when set, is called when a batch's files are durable and
	// nothing of it is committed yet: tests stop the process there.
	AfterBlobs func()
	// BeforeCommit, when set, is called in a batch's transaction once its
	// messages are recorded, before the commit (again when the
	// transaction is run again): tests stop the process there.
	BeforeCommit func()
}

// Source is one raw message to process.
type Source struct {
	// Mailbox, UIDValidity and UID locate it on the IMAP server; zero for
	// a file.
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	// ReceivedAt is when our mail server accepted it (IMAP INTERNALDATE),
	// the start of every deadline.
	ReceivedAt time.Time
	Body       io.Reader
}

func (p *Pipeline) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Seen returns the recorded outcome of a mailbox UID, and whether there is
// one. The watcher asks before fetching, so a message committed before a
// crash is only moved, never fetched again.
func (p *Pipeline) Seen(ctx context.Context, mailbox string, uidValidity, uid uint32) (Outcome, bool, error) {
	var m store.Message
	err := p.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		m, err = tx.SeenUID(mailbox, uidValidity, uid)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return Outcome{}, false, nil
	}
	if err != nil {
		return Outcome{}, false, err
	}
	return Outcome{Kind: m.Kind, Code: m.ReportCode, Reason: m.Reason, Repeated: true}, true, nil
}

// Recorded returns the recorded outcomes of those of a mailbox's UIDs
// that have one: Seen for many messages at once.
func (p *Pipeline) Recorded(ctx context.Context, mailbox string, uidValidity uint32, uids []uint32) (map[uint32]Outcome, error) {
	outs := map[uint32]Outcome{}
	err := p.DB.Read(ctx, func(tx *store.Tx) error {
		seen, err := tx.SeenUIDs(mailbox, uidValidity, uids)
		for uid, m := range seen {
			outs[uid] = Outcome{Kind: m.Kind, Code: m.ReportCode, Reason: m.Reason, Repeated: true}
		}
		return err
	})
	return outs, err
}

// Process reads one message to its end and records what it became. An
// error means nothing was recorded (the store failed, or the body could
// not be read): the message must stay where it is, to be tried again.
// Messages that cannot be understood are not errors: they are recorded as
// quarantined with the reason.
func (p *Pipeline) Process(ctx context.Context, src Source) (Outcome, error) {
	if src.UID != 0 {
		if out, ok, err := p.Seen(ctx, src.Mailbox, src.UIDValidity, src.UID); err != nil || ok {
			if err == nil {
				_, err = io.Copy(io.Discard, src.Body)
			}
			return out, err
		}
	}
	r := p.ProcessAll(ctx, func(yield func(Source) bool) { yield(src) }, nil)[0]
	return r.Outcome, r.Err
}

// record writes the messages row of an outcome.
func (p *Pipeline) record(tx *store.Tx, in *incoming, out Outcome) error {
	m := store.Message{
		Mailbox: in.src.Mailbox, UIDValidity: in.src.UIDValidity, UID: in.src.UID,
		RawKey: in.raw.key, Digest: in.raw.digest, RawSize: in.raw.size, Kind: out.Kind, ReportCode: out.Code, Reason: out.Reason,
		ReceivedAt: in.src.ReceivedAt, ProcessedAt: in.now,
	}
	if in.msg == nil {
		m.MessageID = in.raw.head.MessageID // quarantined: what its header says
	} else {
		m.MessageID, m.Sender = in.msg.MessageID, in.msg.From.Addr
		if out.Kind == KindCommand {
			parts, err := in.signedParts()
			if err != nil {
				return err
			}
			keys := signedKeys(in.msg.From.Addr, parts)
			m.SignedKeys = keys[:min(len(keys), maxRecordedKeys)]
		}
	}
	id, err := tx.RecordMessage(m)
	in.messageRow = id
	if err != nil {
		return err
	}
	return in.afterRecord(tx, id)
}
