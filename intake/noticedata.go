package intake

import (
	"slices"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/mailer/strip"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// noticeData is the template data of a notice to one recipient, and the
// files the mail carries.
func noticeData(s *snapshot, st step, kind lifecycle.NoticeKind, rc recipient) (any, []store.MailFile) {
	switch kind {
	case lifecycle.NoticeResult:
		return s.resultNotice()
	case lifecycle.NoticeForwarded, lifecycle.NoticeRejection, lifecycle.NoticeRejectionUnreachable, lifecycle.NoticeExtended,
		lifecycle.NoticeSecretResult,
		lifecycle.NoticeClarification, lifecycle.NoticeThanks, lifecycle.NoticeAlreadyRated:
		return s.citizenNotice(st), nil
	}
	n := templates.Notice{Case: s.staffCase(rc.role), Role: rc.role, ByRole: string(st.role), ByName: st.op.Name,
		Text: templates.Reproduced(st.text), Days: st.days}
	var files []store.MailFile
	var kept []int
	switch kind {
	case lifecycle.NoticeAssignment, lifecycle.NoticeCoordination:
		files, kept = mailFiles(s.citizenFiles(n.Hidden))
		markKept(n.Case.Files, kept)
	case lifecycle.NoticeReview:
		if !s.r.Secret {
			files, kept = mailFiles(s.result)
			markKept(n.Case.ResultFiles, kept)
		}
	case lifecycle.NoticeCitizenReply, lifecycle.NoticeCitizenNote:
		replyFiles := st.replyFiles
		switch {
		case n.Hidden:
			replyFiles = anonymousFiles(replyFiles)
			n.ReplyFiles = listWithheld(replyFiles, fileWithheld)
		case strangersNote(kind, st, rc.role):
			replyFiles = anonymousFiles(replyFiles)
			n.ReplyFiles = listWithheld(replyFiles, fileStranger)
		default:
			n.ReplyFiles = listFiles(replyFiles)
		}
		files, kept = mailFiles(replyFiles)
		markKept(n.ReplyFiles, kept)
		n.ConfidentialRequested = st.requested
		if f := st.followUp; f != nil {
			n.FollowUp, n.OtherSender, n.HeldFollowUps = true, !f.citizen, f.held
			// Another address than the report's is a third person's,
			// unverified: only the Center sees who (maskStranger).
			if !f.citizen && seesCitizen(rc.role) {
				n.Sender = f.addr
			}
		}
	case lifecycle.NoticeReturned:
		n.Late = slices.ContainsFunc(st.change.Close, func(c lifecycle.Closure) bool {
			return c.Kind == deadline.KindReturn && c.Outcome == deadline.Late
		})
	case lifecycle.NoticeExtensionConfirmed, lifecycle.NoticeExtensionRequest:
		n.Days = st.change.Facts.Extension.Days
	case lifecycle.NoticeRated:
		n.RatingReason = "" // the notice's news (Text): told once, not again in the details
	}
	if citizensWords(kind) {
		n.ConfidentialAsked = askedConfidential(st)
		n.Disclosed = n.ConfidentialAsked && !n.Hidden && lifecycle.Disclosed(st.change.Facts)
		if n.Disclosed {
			n.SentTo, n.SentEscalation = s.sentTo()
		}
	}
	switch {
	case n.Hidden && citizensWords(kind):
		n.Text = templates.Reproduced(maskIdentity(st.text, s.r.Citizen))
	case n.Hidden:
		n.Text = templates.Reproduced(hideCitizen(st.text, s.r.Citizen))
	case strangersNote(kind, st, rc.role):
		n.Text, n.SenderMasked = templates.Reproduced(maskStranger(st.text, *st.followUp)), true
	}
	n.Attached = len(files) > 0
	return n, files
}

// askedConfidential reports whether the citizen's mail of a step made the
// report confidential (lifecycle.Input.AsksConfidential).
func askedConfidential(st step) bool {
	switch st.change.Action {
	case lifecycle.Reply, lifecycle.FollowUp, lifecycle.Rate:
		return slices.Contains(st.change.Changed, "confidential")
	}
	return false
}

// citizensWords reports whether a notice carries the citizen's own words:
// their reply, note or follow-up, or the reason of their rating.
func citizensWords(kind lifecycle.NoticeKind) bool {
	return kind == lifecycle.NoticeCitizenReply || kind == lifecycle.NoticeCitizenNote || kind == lifecycle.NoticeRated
}

// citizenNotice is what a notice to the citizen says: names from our
// table, the deadline in force, and the text staff wrote.
func (s *snapshot) citizenNotice(st step) templates.CitizenNotice {
	english := s.r.Lang == templates.English
	c := templates.CitizenNotice{Code: s.r.Code, ReceivedAt: s.r.ReceivedAt, FieldName: s.fieldName(english), UnitName: s.unitName(english),
		AgencyName: s.agencyName(english), Text: st.text, Days: st.change.Facts.Extension.Days, Attempts: s.r.CallFailures, Rating: s.r.Rating,
		Calls: s.calls()}
	if d, ok := s.deadline(deadline.KindResolve); ok && d.State == "open" {
		c.ResolveDue = d.Due
	}
	if a, ok := s.table.RecordedAgency(s.r.Routing.Agency); ok {
		c.AgencyEmail = a.Email
	}
	return c
}

// resultNotice is the Appendix II notice (SPEC 8.3) and the files it
// carries: the result's documents and photos. A photo that holds a GPS
// position the mailer does not remove (one of a type strip.Cleans does
// not clean, a TIFF) is kept at the Center, named as such, and so are the files
// beyond MaxMailFiles.
func (s *snapshot) resultNotice() (templates.Result, []store.MailFile) {
	r := s.r
	english := r.Lang == templates.English
	res := templates.Result{Code: r.Code, ReceivedAt: r.ReceivedAt, Name: r.Citizen.Name, Confidential: r.Confidential,
		Summary: form.Summary(r.Content), Location: first(r.Location, s.unitName(english)), FieldName: s.fieldName(english),
		AgencyName: s.agencyName(english), Result: r.Result, CompletedAt: r.ResolvedAt}
	for _, c := range r.CoAgencies {
		res.CoAgencyNames = append(res.CoAgencyNames, s.nameOf(c, english))
	}
	if d, ok := s.deadline(deadline.KindResolve); ok {
		res.ResolveDue = d.Due
	}
	var send []store.Attachment
	for _, a := range s.result {
		if a.Photo != nil && a.Photo.HasGPS && !strip.Cleans(a.Type) {
			res.Withheld = append(res.Withheld, a.Name)
			continue
		}
		send = append(send, a)
	}
	files, kept := mailFiles(send)
	for _, f := range files {
		res.Files = append(res.Files, f.Name)
	}
	for _, i := range kept {
		res.Withheld = append(res.Withheld, send[i].Name)
	}
	return res, files
}

// citizenFiles are the files the citizen sent with the report, renamed by
// position for a recipient from whom the citizen is hidden.
func (s *snapshot) citizenFiles(hidden bool) []store.Attachment {
	if hidden {
		return anonymousFiles(s.files)
	}
	return s.files
}

// staffCase is the report as a member of staff of role sees it: for a
// recipient from whom a confidential report's citizen is hidden, without
// the citizen and with the citizen's words masked (see maskIdentity).
func (s *snapshot) staffCase(role string) templates.Case {
	r := s.r
	c := templates.Case{
		Code: r.Code, State: r.State, StateLabel: lifecycle.State(r.State).Label(s.table.Bodies()), ReceivedAt: r.ReceivedAt,
		Hidden:  r.Confidential && !seesCitizen(role),
		Subject: r.Subject, Content: templates.Reproduced(r.Content), Location: r.Location, IncidentTime: r.IncidentTime,
		Field: r.Routing.Field, FieldName: s.fieldName(false), Unit: r.Routing.Unit, UnitName: s.unitName(false),
		Agency: r.Routing.Agency, AgencyName: s.agencyName(false), CoAgencies: s.coAgencies(),
		Urgent: r.Urgent, Complex: r.Complex, Confidential: r.Confidential, Secret: r.Secret, Undeliverable: r.Undeliverable,
		CallFailures: r.CallFailures, CallAttempts: s.callAttempts, Rating: r.Rating, RatingReason: templates.Reproduced(s.ratingReason()), Result: templates.Reproduced(r.Result), ResolvedAt: r.ResolvedAt,
		ExtensionRequested: r.Extension.Requested, ExtensionConfirmed: r.Extension.Confirmed, ExtensionDays: r.Extension.Days,
		ResultFiles: listFiles(s.result), English: r.Lang == templates.English,
	}
	if c.Files = listFiles(s.files); c.Hidden {
		c.Files = listWithheld(s.citizenFiles(true), fileWithheld)
	}
	if c.Hidden {
		c.Subject, c.Content = maskIdentity(c.Subject, r.Citizen), templates.Reproduced(maskIdentity(r.Content, r.Citizen))
		c.RatingReason = templates.Reproduced(maskIdentity(s.ratingReason(), r.Citizen))
		c.Location = hideCitizen(c.Location, r.Citizen)
	} else {
		c.Citizen = templates.Person{Name: r.Citizen.Name, Phone: r.Citizen.Phone, Email: r.Citizen.Email,
			Address: r.Citizen.Address, Workplace: r.Citizen.Workplace}
	}
	if c.Secret {
		c.Result, c.ResultFiles = "", nil // state secrets travel by no mail (Art 9.1c)
	}
	for _, d := range s.deadlines {
		if d.State == "open" {
			c.Deadlines = append(c.Deadlines, templates.Due{Kind: d.Kind, Due: d.Due})
		}
	}
	return c
}
