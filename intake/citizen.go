package intake

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

// citizenReplies handles the mail in a report's thread that is not from
// staff: the citizen's notes, questions and ratings, once the mail is
// shown to be the citizen's.
type citizenReplies struct {
	rules          caseRules
	writer         *caseWriter
	notices        *notifier
	addrs          replyAddrs
	repliesPerHour int
	// authservID is security.trusted_authserv_id: the border server's
	// Authentication-Results that show a reply without the citizen's
	// token is theirs.
	authservID string
	log        *slog.Logger
}

// handle handles a message in a report's thread from anyone but staff
// (SPEC 7.4). It counts as the citizen's only when it comes from the
// report's address and carries the citizen's reply token, or refers to a
// mail we sent that address about the report: report codes are guessable
// and a From is easy to forge. Anything else changes nothing, is logged
// as a security event and gets no answer.
//
// The citizen's reply to a published or closed report that carries the
// citizen's token is a rating when its first new line is one of the three
// levels: the first rating closes the report, a later one is answered
// "already rated". Any other reply — a rating by reference only included —
// is handled by the lifecycle (lifecycle.Reply): after the result, a
// question for the agency, forwarded to its handlers re-rendered as plain
// text, with the clarification deadline; before it, the citizen's note
// added to the report, whoever holds it told. A request in it to keep the
// citizen's identity confidential applies at once only when the reply is
// proven theirs — the token, or our border's authentication of a reply by
// reference — and is otherwise the Center's to decide (see followUps.handle).
func (cr *citizenReplies) handle(tx *store.Tx, in *incoming, code string) (Outcome, error) {
	cf, err := loadCase(tx, code)
	if err != nil {
		return Outcome{}, err
	}
	out := outcomeOf(Outcome{Kind: KindReply, Code: code}, cf.facts)
	ok, withToken, err := cr.authentic(tx, in, cf.r)
	if err != nil || !ok {
		if err == nil {
			securityEvent(cr.log, "citizen-reply-unauthenticated", "not from the report's address with its reply token or thread", Operator{}, code)
			out.Reason = "reply not authenticated: not from the report's address with its reply token or thread"
		}
		return out, err
	}
	text := strings.TrimSpace(in.msg.NewText)
	files := keptAttachments(in.msg)
	if text == "" && len(files) == 0 {
		out.Reason = "reply with nothing new"
		return out, nil
	}
	li := cr.rules.input(cf.facts, lifecycle.Reply, in.src.ReceivedAt)
	li.Actor, li.Text = lifecycle.Actor{Role: lifecycle.Citizen}, text
	// A request for confidentiality applies at once from the citizen's
	// token, or from a reference our border authenticated; otherwise the
	// Center decides, as for a follow-up: our Message-IDs are visible to
	// staff and travel in forwarded mail.
	asks, verified := form.Confidential(text), withToken || authenticated(in.msg, cr.authservID)
	li.AsksConfidential, li.RequestsConfidential = asks && verified, asks && !verified && !cf.r.Confidential
	if s := cf.facts.State; withToken && (s == lifecycle.Published || s == lifecycle.Closed) {
		if rating, ok := lifecycle.ParseRating(firstLine(text)); ok {
			li.Action, li.Rating = lifecycle.Rate, rating
		}
	}
	said := text
	if li.Action == lifecycle.Rate {
		said = reason(text)
	}
	ch, err := lifecycle.Apply(li)
	if errors.Is(err, lifecycle.ErrAlreadyRated) {
		out.Reason = "already rated"
		return out, cr.alreadyRated(tx, in, cf)
	}
	le, err := applyError(err)
	if err != nil {
		return out, err
	}
	if le != nil {
		out.Reason = "reply refused: " + string(le.Code)
		return out, nil
	}
	st := step{change: ch, at: li.At, actor: "citizen", role: lifecycle.Citizen, text: said, citizenMail: in.msg,
		requested: li.RequestsConfidential}
	if li.Action == lifecycle.Reply {
		for _, a := range files {
			st.replyFiles = append(st.replyFiles, storeAttachment(a, "reply", 0))
		}
	}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		_, err := cr.writer.write(tx, in, cf, []step{st}, replyFiles, msgID)
		return err
	})
	return outcomeOf(out, ch.Facts), nil
}

// authentic says whether a reply is the citizen's (SPEC 7.4), and whether
// it carries the citizen's token: only then may it rate the result. A
// reply that only refers to our mail by its Message-ID — which staff see
// in show — is the citizen's clarification or note.
func (cr *citizenReplies) authentic(tx *store.Tx, in *incoming, r store.Report) (ok, withToken bool, err error) {
	if !sameAddress(r.Citizen.Email, in.msg.From.Addr) {
		return false, false, nil
	}
	if cr.addrs.carries(in, token.Citizen, r.ID) {
		return true, true, nil
	}
	ok, err = refersToMail(tx, in, r.ID, func(sent store.Mail) bool { return sent.Role == "citizen" })
	return ok, false, err
}

// alreadyRated answers a second rating, within the automatic replies a
// sender may get in an hour (SPEC 4.7).
func (cr *citizenReplies) alreadyRated(tx *store.Tx, in *incoming, cf *caseFile) error {
	s, err := cr.notices.snapshot(tx, cf.r.ID)
	if err != nil {
		return err
	}
	data, err := json.Marshal(s.citizenNotice(step{}))
	if err != nil {
		return err
	}
	m := store.Mail{ReportID: cf.r.ID, ReportCode: cf.r.Code, Kind: string(lifecycle.NoticeAlreadyRated), To: cf.r.Citizen.Email,
		Role: "citizen", Lang: cf.r.Lang, ReplyTo: cr.addrs.citizen(cf.r, in.now), Data: data}
	m.InReplyTo, m.References = s.answering(in)
	loop, err := looping(tx, cf.r.Citizen.Email, in.now, cr.repliesPerHour)
	if err != nil {
		return err
	}
	if loop {
		m.State = store.MailSuppressed
	}
	_, err = tx.Enqueue(m, in.now)
	return err
}

// reason is a rating's reason: the lines after the rating (SPEC 7.4).
func reason(text string) string {
	first := firstLine(text)
	_, rest, _ := strings.Cut(text, first)
	return strings.TrimSpace(rest)
}

// firstLine is the first line of a text that is not blank.
func firstLine(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			return l
		}
	}
	return ""
}
