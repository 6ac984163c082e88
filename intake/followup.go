package intake

import (
	"cmp"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// kindFollowUpAnswer is the mail that answers a follow-up: it was passed
// on, or recorded on the report. It is an automatic reply (SPEC 4.7).
const kindFollowUpAnswer = "follow-up"

// followUps handles follow-ups (SPEC 4.2): new mail — no reply token, no
// reference to our mail — whose subject carries an existing report's tag,
// what the acknowledgement tells citizens to keep. Its sender is not
// verified: a From is easy to forge and report codes are guessable.
type followUps struct {
	rules          caseRules
	writer         *caseWriter
	addrs          replyAddrs
	repliesPerHour int
	// perSender, perReport and perHour cap the follow-ups forwarded in an
	// hour from one sender's mailbox, to every report; to one report, from
	// every sender; and to every report, from others than its citizen
	// (intake.follow_ups_per_sender_per_hour, follow_ups_per_report_per_hour
	// and follow_ups_per_hour; 0: the defaults).
	perSender, perReport, perHour int
	// authservID is security.trusted_authserv_id: the border server's
	// Authentication-Results that show a follow-up is the citizen's own.
	authservID string
	log        *slog.Logger
}

// The defaults of the hourly caps of follow-ups forwarded. A citizen
// sending their photos one mail at a time fits in a sender's share; a
// report's share leaves room for a few neighbours besides. Past them a
// report's holders stop getting one notice per mail: the follow-ups are
// still recorded on the report, and the daily digest names them.
const (
	DefaultFollowUpsPerSender = 5
	DefaultFollowUpsPerReport = 10
	DefaultFollowUpsPerHour   = 60
)

// A sender is who wrote a follow-up, as the notices describe them.
type sender struct {
	addr string
	// name is the From's display name, if any.
	name string
	// citizen is set when the From is the report's own address.
	citizen bool
	// verified is set when, besides, our border authenticated the From
	// domain (authenticated): the follow-up is the citizen's own.
	verified bool
	// asks is set when the follow-up asks to keep an identity confidential
	// and its sender is not verified, on a report not confidential yet:
	// the report is not made confidential, and its notice asks a person at
	// the Center to decide.
	asks bool
	// held counts the follow-ups to the report that an hourly cap kept
	// from its holders since the last one they were told of.
	held int
}

// handle adds a follow-up to its report as an unverified note, shown to
// whoever holds the report (lifecycle.FollowUp): never a state change, a
// deadline or a rating, whatever it says.
//
// A follow-up that asks to keep the citizen's identity confidential (SPEC
// 3: "giấu tên", "giữ bí mật"…) makes the report confidential at once only
// when it is verifiably the citizen's (authenticated): SPEC 3 flags a
// citizen's request at intake, and such a mail proves its sender as well
// as a command's authentication does. Any other — a From anyone may forge,
// with a guessable code — changes nothing: confidentiality cannot be
// undone, and it keeps the result from publication (SPEC 9.6) and the
// citizen's contact from the agency. Its notice shows the request to
// whoever holds the report and, when an agency holds it, to the receivers,
// with the command that grants it (/confidential), so that a person at the
// Center decides.
//
// Past the hourly caps a follow-up is recorded and its holders are not
// told, except of a request for confidentiality: one that makes the report
// confidential is always told (the receivers learn what an agency already
// had), and an unverified one once an hour (requestTold).
//
// The sender gets one short answer that it was passed on (or, past the
// hourly caps, recorded on the report), naming nothing of the report,
// within the automatic replies a sender may get in an hour.
func (fu *followUps) handle(tx *store.Tx, in *incoming, code string) (Outcome, error) {
	cf, err := loadCase(tx, code)
	if err != nil {
		return Outcome{}, err
	}
	out := outcomeOf(Outcome{Kind: KindReply, Code: code, Reason: store.ReasonFollowUp}, cf.facts)
	text := strings.TrimSpace(bodyText(in.msg))
	files := keptAttachments(in.msg)
	if text == "" && len(files) == 0 {
		out.Reason = "follow-up with nothing new"
		return out, nil
	}
	from := sender{addr: in.msg.From.Addr, name: in.msg.From.Name, citizen: sameAddress(in.msg.From.Addr, cf.r.Citizen.Email)}
	from.verified = from.citizen && authenticated(in.msg, fu.authservID)
	asks := form.Confidential(text)
	from.asks = asks && !from.verified && !cf.r.Confidential
	li := fu.rules.input(cf.facts, lifecycle.FollowUp, in.src.ReceivedAt)
	li.Actor, li.Text = lifecycle.Actor{Role: lifecycle.Citizen}, text
	li.AsksConfidential, li.RequestsConfidential = asks && from.verified, from.asks
	ch, err := lifecycle.Apply(li)
	if le, err := applyError(err); err != nil || le != nil {
		if le != nil {
			out.Reason = "follow-up refused: " + string(le.Code)
		}
		return out, err
	}
	st := step{change: ch, at: li.At, actor: "citizen", role: lifecycle.Citizen, text: text, followUp: &from, requested: from.asks}
	held, err := fu.overCap(tx, in, cf.r.ID, from.citizen)
	switch {
	case err != nil || !held:
	case ch.Facts.Confidential && !cf.r.Confidential:
		// Made confidential now, once for good: its notices say so, the
		// receivers' that what an agency had cannot be recalled.
		held = false
	case from.asks:
		held, err = requestTold(tx, cf.r.ID, in.now)
	}
	if err != nil {
		return out, err
	}
	if held {
		out.Reason, st.change.Notices, st.held = store.ReasonFollowUpHeld, nil, true
		fu.log.Warn("follow-up over the hourly cap: recorded on the report, not forwarded", "report", code)
	} else if from.held, err = tx.HeldSinceForwarded(cf.r.ID); err != nil {
		return out, err
	}
	// Only the citizen's own mail is logged as theirs and continues their
	// conversation: the next mail to them would otherwise answer whatever
	// Message-ID and References a forger wrote.
	if from.verified {
		st.citizenMail = in.msg
	} else {
		st.actor = "unverified"
	}
	for _, a := range files {
		st.replyFiles = append(st.replyFiles, storeAttachment(a, "reply", 0))
	}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		snap, err := fu.writer.write(tx, in, cf, []step{st}, replyFiles, msgID)
		if err != nil {
			return err
		}
		return fu.answer(tx, in, snap, from, held)
	})
	return outcomeOf(out, ch.Facts), nil
}

// requestTold reports whether the report's holders — the Center's among
// them — have been told, in the hour before now, of an unverified request
// for confidentiality on it (templates.Notice.ConfidentialRequested). The
// hourly caps hold a follow-up with such a request only then: its answer
// tells the sender that the Center will consider it, so the first one of
// the hour reaches the Center even past the caps, and a flood of them
// still tells no one more than once an hour.
func requestTold(tx *store.Tx, reportID int64, now time.Time) (bool, error) {
	ms, err := tx.ReportMail(reportID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.Kind != string(lifecycle.NoticeCitizenNote) || m.CreatedAt.Before(now.Add(-time.Hour)) {
			continue
		}
		var n struct{ ConfidentialRequested bool }
		if json.Unmarshal(m.Data, &n) == nil && n.ConfidentialRequested {
			return true, nil
		}
	}
	return false, nil
}

// overCap reports whether a follow-up is past the hourly caps: its
// sender's mailbox (fold.Mailbox) or its report has had its hour's share
// of follow-ups forwarded, or, for a sender other than the report's
// citizen, every report has had the hour's share of all follow-ups: report
// codes are guessable, and many senders to many reports would otherwise
// notify the holders of all of them. Neither the report's share nor every
// report's holds back the report's own citizen (citizen): strangers who
// use them up cannot keep the citizen's word from the holders, and the
// citizen's mailbox has its own share. The count is of the messages
// recorded, in the store, so a restart forgets nothing; the message itself
// is not recorded yet.
func (fu *followUps) overCap(tx *store.Tx, in *incoming, reportID int64, citizen bool) (bool, error) {
	q := store.Recent{Kind: KindReply, Reason: store.ReasonFollowUp, Since: in.now.Add(-time.Hour), ReportID: reportID}
	if !citizen {
		n, err := tx.CountRecent(q)
		if err != nil || n >= cmp.Or(fu.perReport, DefaultFollowUpsPerReport) {
			return err == nil, err
		}
		q.ReportID = 0
		if n, err = tx.CountRecent(q); err != nil || n >= cmp.Or(fu.perHour, DefaultFollowUpsPerHour) {
			return err == nil, err
		}
	}
	if q.ReportID, q.Sender = 0, in.msg.From.Addr; q.Sender == "" {
		return false, nil
	}
	n, err := tx.CountRecent(q)
	return n >= cmp.Or(fu.perSender, DefaultFollowUpsPerSender), err
}

// answer owes the sender of a follow-up the short answer that it was
// passed on, or, held by the hourly caps, that it was recorded on the
// report where its holders will see it; to an unverified request for
// confidentiality, that it waits for the Center, and that a reply to our
// mail makes it at once. From the report's own address it carries the
// citizen's reply address, so that a reply to it is the citizen's, and
// answers the follow-up only when it is verified (else it continues the
// citizen's own conversation); from any other address it carries none and
// names nothing of the report.
func (fu *followUps) answer(tx *store.Tx, in *incoming, s *snapshot, from sender, held bool) error {
	r := s.r
	if from.addr == "" || in.msg.FromProblem != "" {
		return nil
	}
	data, err := json.Marshal(templates.FollowUpAnswer{Reply: from.citizen, Held: held, Confidential: from.asks})
	if err != nil {
		return err
	}
	m := store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: kindFollowUpAnswer, To: from.addr, Role: "citizen",
		Lang: lang(in.msg), InReplyTo: in.msg.MessageID, References: in.msg.References, Data: data}
	switch {
	case from.verified:
		m.Lang, m.ReplyTo = r.Lang, fu.addrs.citizen(r, in.now)
		m.InReplyTo, m.References = s.answering(in)
	case from.citizen:
		// It goes to the citizen's real address, and a forger's Message-ID
		// and References would thread it with their mail there: it
		// continues the citizen's own conversation instead.
		m.Lang, m.ReplyTo = r.Lang, fu.addrs.citizen(r, in.now)
		m.InReplyTo, m.References = s.citizenThread()
	}
	loop, err := looping(tx, from.addr, in.now, fu.repliesPerHour)
	if err != nil {
		return err
	}
	if loop {
		m.State = store.MailSuppressed
		fu.log.Warn("automatic reply limit reached: the answer to a follow-up recorded, not sent", "report", r.Code)
	}
	_, err = tx.Enqueue(m, in.now)
	return err
}
