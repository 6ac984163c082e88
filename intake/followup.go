package intake

import (
	"encoding/json"
	"log/slog"
	"strings"

	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// kindFollowUpAnswer is the mail that answers a follow-up: it was passed
// on. It is an automatic reply (SPEC 4.7).
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
	log            *slog.Logger
}

// A sender is who wrote a follow-up, as the notices describe them.
type sender struct {
	addr string
	// citizen is set when the From is the report's own address.
	citizen bool
}

// handle adds a follow-up to its report as an unverified note, shown to
// whoever holds the report (lifecycle.FollowUp): never a state change, a
// deadline or a rating, whatever it says. The sender gets one short answer
// that it was passed on, naming nothing of the report, within the
// automatic replies a sender may get in an hour.
func (fu *followUps) handle(tx *store.Tx, in *incoming, code string) (Outcome, error) {
	cf, err := loadCase(tx, code)
	if err != nil {
		return Outcome{}, err
	}
	out := outcomeOf(Outcome{Kind: KindReply, Code: code, Reason: "follow-up without reply token: an unverified note"}, cf.facts)
	text := strings.TrimSpace(bodyText(in.msg))
	files := keptAttachments(in.msg)
	if text == "" && len(files) == 0 {
		out.Reason = "follow-up with nothing new"
		return out, nil
	}
	li := fu.rules.input(cf.facts, lifecycle.FollowUp, in.src.ReceivedAt)
	li.Actor, li.Text = lifecycle.Actor{Role: lifecycle.Citizen}, text
	ch, err := lifecycle.Apply(li)
	if le, err := applyError(err); err != nil || le != nil {
		if le != nil {
			out.Reason = "follow-up refused: " + string(le.Code)
		}
		return out, err
	}
	from := sender{addr: in.msg.From.Addr, citizen: sameAddress(in.msg.From.Addr, cf.r.Citizen.Email)}
	st := step{change: ch, at: li.At, actor: "citizen", role: lifecycle.Citizen, text: text, followUp: &from}
	if from.citizen {
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
		return fu.answer(tx, in, snap, from)
	})
	return outcomeOf(out, ch.Facts), nil
}

// answer owes the sender of a follow-up the short answer that it was
// passed on. From the report's own address it carries the citizen's reply
// address, so that a reply to it is the citizen's; from any other address
// it carries none and names nothing of the report.
func (fu *followUps) answer(tx *store.Tx, in *incoming, s *snapshot, from sender) error {
	r := s.r
	if from.addr == "" || in.msg.FromProblem != "" {
		return nil
	}
	data, err := json.Marshal(templates.FollowUpAnswer{Reply: from.citizen})
	if err != nil {
		return err
	}
	m := store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: kindFollowUpAnswer, To: from.addr, Role: "citizen",
		Lang: lang(in.msg), InReplyTo: in.msg.MessageID, References: in.msg.References, Data: data}
	if from.citizen {
		m.Lang, m.ReplyTo = r.Lang, fu.addrs.citizen(r, in.now)
		m.InReplyTo, m.References = s.answering(in)
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
