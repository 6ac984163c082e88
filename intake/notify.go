package intake

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

var vietnam = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err) // the store links time/tzdata in: the zone always exists
	}
	return loc
}()

// A snapshot is a report as its notices show it, read once after the
// message's changes were written: the report, its deadlines, its files and
// the result's, the mail it already had, and the routing table that names
// its codes.
type snapshot struct {
	r         store.Report
	deadlines []store.Deadline
	files     []store.Attachment // what the citizen sent with the report
	result    []store.Attachment // the result's documents and photos
	mail      []store.Mail
	table     *routing.Table
}

func (p *Pipeline) snapshot(tx *store.Tx, reportID int64) (*snapshot, error) {
	r, err := tx.ReportByID(reportID)
	if err != nil {
		return nil, err
	}
	s := &snapshot{r: r, table: p.Routing()}
	if s.deadlines, err = tx.Deadlines(r.ID); err != nil {
		return nil, err
	}
	sortDeadlines(s.deadlines)
	if s.files, err = tx.Attachments(r.ID, "report"); err != nil {
		return nil, err
	}
	results, err := tx.Attachments(r.ID, "result")
	if err != nil {
		return nil, err
	}
	for _, a := range results {
		if a.MessageID == r.ResultMessageID && r.ResultMessageID != 0 {
			s.result = append(s.result, a)
		}
	}
	s.mail, err = tx.ReportMail(r.ID)
	return s, err
}

// deadline returns the latest deadline of a kind, open or closed.
func (s *snapshot) deadline(kind deadline.Kind) (store.Deadline, bool) {
	for _, d := range s.deadlines {
		if d.Kind == string(kind) {
			return d, true
		}
	}
	return store.Deadline{}, false
}

func (s *snapshot) fieldName() string {
	if f, ok := s.table.Field(s.r.Routing.Field); ok {
		return f.Name
	}
	return ""
}

func (s *snapshot) unitName() string {
	if u, ok := s.table.Unit(s.r.Routing.Unit); ok {
		return u.Name
	}
	return ""
}

func (s *snapshot) agencyName() string {
	if a, ok := s.table.Agency(s.r.Routing.Agency); ok {
		return a.Name
	}
	return s.r.Routing.Agency
}

// seesCitizen says whether a role may see a confidential report's citizen:
// the Center's staff may (Art 6.4: the Center keeps the identity secret);
// the agency and outside addresses may not.
func seesCitizen(role string) bool {
	return role == "receiver" || role == "approver" || role == "admin"
}

// staffCase is the report as a member of staff of role sees it.
func (s *snapshot) staffCase(role string) templates.Case {
	r := s.r
	c := templates.Case{
		Code: r.Code, State: r.State, StateLabel: lifecycle.State(r.State).Label(), ReceivedAt: r.ReceivedAt,
		Hidden:  r.Confidential && !seesCitizen(role),
		Subject: r.Subject, Content: r.Content, Location: r.Location, IncidentTime: r.IncidentTime,
		Field: r.Routing.Field, FieldName: s.fieldName(), Unit: r.Routing.Unit, UnitName: s.unitName(),
		Agency: r.Routing.Agency, AgencyName: s.agencyName(),
		Urgent: r.Urgent, Complex: r.Complex, Confidential: r.Confidential, Undeliverable: r.Undeliverable,
		CallFailures: r.CallFailures, Rating: r.Rating, Result: r.Result, ResolvedAt: r.ResolvedAt,
		ExtensionRequested: r.Extension.Requested, ExtensionConfirmed: r.Extension.Confirmed, ExtensionDays: r.Extension.Days,
		Files: listFiles(s.files), ResultFiles: listFiles(s.result),
	}
	if c.Hidden {
		c.Subject, c.Content = hideCitizen(c.Subject, r.Citizen), hideCitizen(c.Content, r.Citizen)
	} else {
		c.Citizen = templates.Person{Name: r.Citizen.Name, Phone: r.Citizen.Phone, Email: r.Citizen.Email,
			Address: r.Citizen.Address, Workplace: r.Citizen.Workplace}
	}
	for _, d := range s.deadlines {
		if d.State == "open" {
			c.Deadlines = append(c.Deadlines, templates.Due{Kind: d.Kind, Due: d.Due})
		}
	}
	return c
}

// hidden replaces what identifies the citizen in a confidential report's
// text.
const hidden = "[giữ bí mật]"

var phonePattern = regexp.MustCompile(`\+?\d[\d .\-]{7,}\d`)

// hideCitizen removes from a confidential report's text what the citizen
// wrote of themselves — their name, phone number, email and home address —
// as the form read them, for recipients who may not know who reported
// (Art 6.4). Text written without a form keeps what the form could not
// recognise; the Center reads such reports before forwarding them.
func hideCitizen(text string, c store.Citizen) string {
	for _, v := range []string{c.Email, c.Address, c.Workplace, c.Name} {
		if len([]rune(strings.TrimSpace(v))) >= 3 {
			text = replaceFold(text, strings.TrimSpace(v), hidden)
		}
	}
	if digits := phoneKey(c.Phone); digits != "" {
		text = phonePattern.ReplaceAllStringFunc(text, func(m string) string {
			if phoneKey(m) == digits {
				return hidden
			}
			return m
		})
	}
	return text
}

// replaceFold replaces every occurrence of old in s, in any case.
func replaceFold(s, old, repl string) string {
	lower, lowOld := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || len(lowOld) != len(old) {
		return strings.ReplaceAll(s, old, repl) // case mapping changed the lengths: exact matches only
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lowOld)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

// phoneKey reduces a phone number to its national digits.
func phoneKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && len(d) >= 11 {
		d = "0" + d[2:]
	}
	return d
}

func listFiles(as []store.Attachment) []templates.File {
	var out []templates.File
	for _, a := range as {
		f := templates.File{Name: a.Name, Type: a.Type, Size: a.Size, Refused: refusalCode(a.Refused)}
		if a.Photo != nil {
			f.Taken = a.Photo.Taken
			if a.Photo.HasGPS {
				f.GPS = fmt.Sprintf("%.6f, %.6f", a.Photo.Lat, a.Photo.Lon)
			}
		}
		out = append(out, f)
	}
	return out
}

// MaxMailFiles is the most file data one mail carries: base64 makes it a
// third larger, and mail servers commonly refuse messages over 25 MB. The
// files beyond it stay at the Center and the mail says so.
const MaxMailFiles = 15 << 20

// mailFiles are the stored files of as that a mail can carry, in order,
// up to MaxMailFiles in all; left are those that did not fit.
func mailFiles(as []store.Attachment) (files []store.MailFile, left []store.Attachment) {
	var total int64
	for _, a := range as {
		if a.BlobKey == "" || a.Refused != "" {
			continue
		}
		if total+a.Size > MaxMailFiles {
			left = append(left, a)
			continue
		}
		total += a.Size
		files = append(files, store.MailFile{BlobKey: a.BlobKey, Name: a.Name, Type: a.Type})
	}
	return files, left
}

// A recipient is one address a notice goes to.
type recipient struct {
	email, role string
	staff       bool // an operator, who gets a reply token
}

// recipients returns who gets a notice, each address once. Notices to the
// actor are left to the answer (see answer).
func (p *Pipeline) recipients(s *snapshot, n lifecycle.Notice) []recipient {
	var ops []Operator
	switch n.To {
	case lifecycle.ToCitizen:
		if s.r.Citizen.Email == "" {
			return nil
		}
		return []recipient{{email: s.r.Citizen.Email, role: "citizen"}}
	case lifecycle.ToEscalation:
		if p.EscalationAddress == "" {
			p.Log.Warn("no escalation address configured: the escalation notice is not sent", "report", s.r.Code)
			return nil
		}
		return []recipient{{email: p.EscalationAddress, role: "escalation"}}
	case lifecycle.ToReceivers, lifecycle.ToApprovers:
		ops = p.Staff.WithRole(string(n.To))
	case lifecycle.ToHandlers:
		ops = p.Staff.Handlers(n.Agency)
	default:
		return nil
	}
	if len(ops) == 0 {
		p.Log.Warn("no operator configured for a notice", "report", s.r.Code, "notice", n.Kind, "to", n.To, "agency", n.Agency)
	}
	var out []recipient
	for _, op := range ops {
		if !slices.ContainsFunc(out, func(r recipient) bool { return strings.EqualFold(r.email, op.Email) }) {
			out = append(out, recipient{email: op.Email, role: op.Role, staff: true})
		}
	}
	return out
}

// owe writes the mail a step owes, one per recipient of each notice. A
// report made urgent in the reply that forwards it (forwarded) gets no
// separate "urgent" notice: the assignment already says so.
func (p *Pipeline) owe(tx *store.Tx, in *incoming, s *snapshot, st step, forwarded bool) error {
	for _, n := range st.change.Notices {
		if n.Kind == lifecycle.NoticeUrgent && forwarded {
			continue
		}
		for _, rc := range p.recipients(s, n) {
			data, files := p.noticeData(s, st, n.Kind, rc)
			if err := p.enqueue(tx, in, s, string(n.Kind), rc, data, files); err != nil {
				return err
			}
		}
	}
	return nil
}

// enqueue writes one notice to the outbox: in the citizen's language to
// the citizen, with the citizen's reply token; in Vietnamese to staff,
// with the operator's reply token; continuing the thread the recipient
// already has about the report.
func (p *Pipeline) enqueue(tx *store.Tx, in *incoming, s *snapshot, kind string, rc recipient, data any, files []store.MailFile) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	m := store.Mail{ReportID: s.r.ID, ReportCode: s.r.Code, Kind: kind, To: rc.email, Role: rc.role, Lang: templates.Vietnamese,
		References: s.thread(rc.email), Data: b, Attachments: files}
	switch {
	case rc.role == "citizen":
		m.Lang = s.r.Lang
		m.ReplyTo = p.citizenReplyTo(s.r, in.now)
	case rc.staff:
		m.ReplyTo = token.Address(p.Address, p.Tokens.Mint(s.r.ID, token.Operator, rc.email, in.now))
	}
	_, err = tx.Enqueue(m, in.now)
	return err
}

// citizenReplyTo is the reply address of a report's citizen: every mail to
// them carries it (SPEC 7.4).
func (p *Pipeline) citizenReplyTo(r store.Report, now time.Time) string {
	return token.Address(p.Address, p.Tokens.Mint(r.ID, token.Citizen, r.Citizen.Email, now))
}

// thread returns the References of a new mail to addr about the report:
// those of the last mail addr had about it, then that mail, so that mail
// programs show one conversation.
func (s *snapshot) thread(addr string) []string {
	for i := len(s.mail) - 1; i >= 0; i-- {
		m := s.mail[i]
		if !strings.EqualFold(m.To, addr) {
			continue
		}
		refs := slices.Clone(m.References)
		if m.InReplyTo != "" && !slices.Contains(refs, m.InReplyTo) {
			refs = append(refs, m.InReplyTo)
		}
		return append(refs, m.MessageID)
	}
	return nil
}

// noticeData is the template data of a notice to one recipient, and the
// files the mail carries.
func (p *Pipeline) noticeData(s *snapshot, st step, kind lifecycle.NoticeKind, rc recipient) (any, []store.MailFile) {
	switch kind {
	case lifecycle.NoticeResult:
		return s.resultNotice()
	case lifecycle.NoticeForwarded, lifecycle.NoticeRejection, lifecycle.NoticeRejectionUnreachable, lifecycle.NoticeExtended,
		lifecycle.NoticeClarification, lifecycle.NoticeThanks, lifecycle.NoticeAlreadyRated:
		return s.citizenNotice(st), nil
	}
	n := templates.Notice{Case: s.staffCase(rc.role), Role: rc.role, ByRole: string(st.role), ByName: st.op.Name,
		Text: st.text, Days: st.days}
	var files []store.MailFile
	switch kind {
	case lifecycle.NoticeAssignment:
		files, _ = mailFiles(s.files)
	case lifecycle.NoticeReview:
		files, _ = mailFiles(s.result)
	case lifecycle.NoticeCitizenReply, lifecycle.NoticeCitizenNote:
		n.ReplyFiles = listFiles(st.replyFiles)
		files, _ = mailFiles(st.replyFiles)
	case lifecycle.NoticeReturned:
		n.Late = slices.ContainsFunc(st.change.Close, func(c lifecycle.Closure) bool {
			return c.Kind == deadline.KindReturn && c.Outcome == deadline.Late
		})
	case lifecycle.NoticeExtensionConfirmed, lifecycle.NoticeExtensionRequest:
		n.Days = st.change.Facts.Extension.Days
	}
	n.Attached = len(files) > 0
	return n, files
}

// citizenNotice is what a notice to the citizen says: names from our
// table, the deadline in force, and the text staff wrote.
func (s *snapshot) citizenNotice(st step) templates.CitizenNotice {
	c := templates.CitizenNotice{Code: s.r.Code, ReceivedAt: s.r.ReceivedAt, FieldName: s.fieldName(), UnitName: s.unitName(),
		AgencyName: s.agencyName(), Text: st.text, Days: st.change.Facts.Extension.Days, Attempts: s.r.CallFailures, Rating: s.r.Rating}
	if d, ok := s.deadline(deadline.KindResolve); ok && d.State == "open" {
		c.ResolveDue = d.Due
	}
	return c
}

// summaryRunes is how much of the report's content the result notice
// repeats (SPEC 8.3: a summary).
const summaryRunes = 300

// resultNotice is the Appendix II notice (SPEC 8.3) and the files it
// carries: the result's documents and photos. A photo that is not a JPEG
// and holds a GPS position is kept at the Center, named as such — the
// mailer can remove the position from JPEG files only — and so are the
// files beyond MaxMailFiles.
func (s *snapshot) resultNotice() (templates.Result, []store.MailFile) {
	r := s.r
	res := templates.Result{Code: r.Code, ReceivedAt: r.ReceivedAt, Name: r.Citizen.Name, Confidential: r.Confidential,
		Summary: summary(r.Content), Location: first(r.Location, s.unitName()), FieldName: s.fieldName(),
		AgencyName: s.agencyName(), Result: r.Result, CompletedAt: r.ResolvedAt}
	if d, ok := s.deadline(deadline.KindResolve); ok {
		res.ResolveDue = d.Due
	}
	var send []store.Attachment
	for _, a := range s.result {
		if a.Photo != nil && a.Photo.HasGPS && a.Type != "image/jpeg" {
			res.Withheld = append(res.Withheld, a.Name)
			continue
		}
		send = append(send, a)
	}
	files, left := mailFiles(send)
	for _, f := range files {
		res.Files = append(res.Files, f.Name)
	}
	for _, a := range left {
		res.Withheld = append(res.Withheld, a.Name)
	}
	return res, files
}

// summary shortens a text to about summaryRunes, on a word boundary, on
// one line.
func summary(text string) string {
	s := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(s) <= summaryRunes {
		return s
	}
	cut := string([]rune(s)[:summaryRunes])
	if i := strings.LastIndexByte(cut, ' '); i > summaryRunes/2 {
		cut = cut[:i]
	}
	return cut + " …"
}
