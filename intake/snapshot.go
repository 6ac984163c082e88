package intake

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

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

// deadlineOrder is the order deadlines are listed in: the process's.
var deadlineOrder = map[string]int{"intake": 0, "return": 1, "resolve": 2, "publish": 3, "clarification": 4}

func sortDeadlines(ds []store.Deadline) {
	sort.SliceStable(ds, func(i, j int) bool { return deadlineOrder[ds[i].Kind] < deadlineOrder[ds[j].Kind] })
}
