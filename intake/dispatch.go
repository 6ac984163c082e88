package intake

import (
	"encoding/json"
	"log/slog"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// decide says what a parsed message is and hands it to the part that
// makes the changes it calls for. What they log is written once the
// message's transaction is committed (store.Tx.Logger): not twice when the
// store runs it again, not at all when it is rolled back.
func (p *Pipeline) decide(tx *store.Tx, in *incoming) (Outcome, error) {
	log := tx.Logger(p.Log)
	h := p.handlers(log)
	v, err := h.classifier.classify(tx, in)
	if err != nil {
		return Outcome{}, err
	}
	in.forwarded = v.forwarded
	switch v.class {
	case classDuplicate:
		if v.previous == KindCommand {
			securityEvent(log, "command-repeated", "a command mail already processed came again: nothing applied", Operator{}, v.code)
		}
		return withState(tx, Outcome{Kind: KindDuplicate, Code: v.code, Reason: v.reason})
	case classBounce:
		return h.bounces.handle(tx, in)
	case classOwn, classEmpty, classSpam:
		return Outcome{Kind: KindJunk, Reason: v.reason}, nil
	case classAutomatic:
		return withState(tx, Outcome{Kind: KindAutoreply, Code: v.code, Reason: v.reason})
	case classCommand:
		return h.commands.handle(tx, in, v.code)
	case classReply:
		return h.replies.handle(tx, in, v.code)
	case classFollowUp:
		return h.followUps.handle(tx, in, v.code)
	default:
		return h.reception.receive(tx, in)
	}
}

// handlers are the parts a message is handed to, each holding only what
// it needs of the configuration. They are made for each message from the
// Pipeline's fields as they are then, and log to log.
type handlers struct {
	classifier *classifier
	reception  *reception
	commands   *commands
	replies    *citizenReplies
	followUps  *followUps
	bounces    *bounces
}

// handlers makes the parts from the configuration: the routing table is
// passed as the function that reads it, so that each use reads the
// current one; the operators are read once, so that one message sees one
// set of them, old or new.
func (p *Pipeline) handlers(log *slog.Logger) handlers {
	addrs := replyAddrs{mailbox: p.Address, keys: p.Tokens}
	staff := p.staff()
	rules := caseRules{calendar: p.Calendar, routing: p.Routing, callAttempts: p.CallAttempts}
	menu := menu{escalation: p.EscalationAddress, staff: staff}
	notices := &notifier{menu: menu, staff: staff, escalation: p.EscalationAddress, callAttempts: p.CallAttempts, routing: p.Routing,
		addrs: addrs, log: log}
	writer := &caseWriter{calendar: p.Calendar, notices: notices}
	answers := &answers{notices: notices, periodic: periodicReports{blobs: p.DB.Blobs(), rules: rules, mode: p.ReportMode},
		addrs: addrs, perHour: p.AnswersPerHour, log: log}
	return handlers{
		classifier: &classifier{addrs: addrs, forwarders: p.Forwarders, staff: staff, routing: p.Routing,
			spamMarks: p.SpamMarks, authservID: p.TrustedAuthservID},
		reception: &reception{rules: rules, writer: writer, menu: menu, staff: staff, addrs: addrs,
			duplicateWindow: p.DuplicateWindow, repliesPerHour: p.RepliesPerHour, privacy: p.Privacy, log: log},
		commands: &commands{staff: staff, escalation: p.EscalationAddress, requireAuth: p.RequireAuth, authservID: p.TrustedAuthservID,
			rules: rules, writer: writer, answers: answers, addrs: addrs, log: log},
		replies: &citizenReplies{rules: rules, writer: writer, notices: notices, addrs: addrs,
			repliesPerHour: p.RepliesPerHour, authservID: p.TrustedAuthservID, log: log},
		followUps: &followUps{rules: rules, writer: writer, addrs: addrs, repliesPerHour: p.RepliesPerHour,
			perSender: p.FollowUpsPerSender, perReport: p.FollowUpsPerReport, perHour: p.FollowUpsPerHour,
			authservID: p.TrustedAuthservID, log: log},
		bounces: &bounces{staff: staff, addrs: addrs},
	}
}

// staff returns the operators in use; none when the pipeline has no
// Staff.
func (p *Pipeline) staff() Staff {
	if p.Staff == nil {
		return nil
	}
	return p.Staff()
}

// quarantine returns the decision for a message that cannot be processed:
// recorded with its reason, and the receivers told, in Vietnamese, why and
// where it was put, with what its header says of it (sender, subject,
// date, Message-ID), so that they can find it and call its sender. The
// Center's receivers see the citizen's address, as on the triage notice;
// the log does not.
func (p *Pipeline) quarantine(in *incoming, q quarantined) func(*store.Tx, *incoming) (Outcome, error) {
	return func(tx *store.Tx, in *incoming) (Outcome, error) {
		h := in.raw.head
		// The same message again is not quarantined twice.
		if prev, seen, err := seenBefore(tx, in, h.MessageID); err != nil {
			return Outcome{}, err
		} else if seen {
			return Outcome{Kind: KindDuplicate, Code: prev.ReportCode, Reason: sameMessage}, nil
		}
		data, err := json.Marshal(templates.Quarantine{
			ReceivedAt: in.src.ReceivedAt, Cause: q.cause, Limit: q.limit, Folder: p.QuarantineFolder, Size: in.raw.size,
			From: h.From, Subject: h.Subject, Sent: h.Date, MessageID: h.MessageID,
		})
		if err != nil {
			return Outcome{}, err
		}
		for _, op := range p.staff().WithRole("receiver") {
			if _, err := tx.Enqueue(store.Mail{Kind: "quarantine", To: op.Email, Role: op.Role, Data: data}, in.now); err != nil {
				return Outcome{}, err
			}
		}
		return Outcome{Kind: KindQuarantine, Reason: q.reason}, nil
	}
}
