package intake

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// newReport turns a citizen's message into a report: what the form and
// routing understood, its intake deadline, its attachments, the
// acknowledgement to the citizen and the triage notice to each receiver.
func (p *Pipeline) newReport(tx *store.Tx, in *incoming) (Outcome, error) {
	m := in.report()
	text := m.NewText
	if strings.TrimSpace(text) == "" {
		text = m.Text
	}
	f := form.Read(text)
	content := text
	if f.Labelled && f.Content != "" {
		content = f.Content
	}
	table := p.Routing()
	decision := table.Route(routing.Input{Subject: m.Subject, Text: content, Field: f.Field, Location: f.Location, Address: f.Address})
	received := in.src.ReceivedAt
	intake := deadline.Intake(p.Calendar, received, decision.Urgent, false)

	r := store.Report{
		State: "received", ReceivedAt: received, Lang: lang(m),
		Citizen: store.Citizen{Email: m.From.Addr, Name: first(f.Name, m.From.Name), Phone: f.Phone,
			Address: f.Address, Workplace: f.Workplace},
		Location: f.Location, IncidentTime: f.Time, DeclaredField: f.Field, Subject: m.Subject, Content: content,
		Routing:  routingOf(decision),
		Proposal: routingOf(decision),
		Urgent:   decision.Urgent, Confidential: f.Confidential,
		Missing: missing(f, m, decision),
	}
	dup, err := tx.RecentReportBy(r.Citizen.Email, content, received.Add(-p.DuplicateWindow))
	if err != nil {
		return Outcome{}, err
	}
	r.DuplicateOf = dup
	if r, err = tx.CreateReport(r); err != nil {
		return Outcome{}, err
	}
	intakeRow := storeDeadline(p, intake, received)
	if _, err := tx.SetDeadline(r.ID, intakeRow); err != nil {
		return Outcome{}, err
	}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		return p.reportRecords(tx, in, r, decision, msgID)
	})
	if err := p.acknowledge(tx, in, r, table, intake.Due); err != nil {
		return Outcome{}, err
	}
	if err := p.notifyReceivers(tx, in, r, table, intake.Due, decision.AutoForward); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Kind: KindReport, Code: r.Code, State: r.State, Field: r.Routing.Field, Unit: r.Routing.Unit, Agency: r.Routing.Agency}
	if decision.AutoForward {
		intakeRow.State = "open"
		return p.autoForward(in, &caseFile{r: r, facts: factsOf(r, []store.Deadline{intakeRow})}, decision, out)
	}
	return out, nil
}

// autoForward forwards a new report to the agency its rule names, without
// a receiver's /accept, when the rule has auto_forward (SPEC 6.2): the
// system accepts it on the receivers' behalf at its received time, with
// the assignment to the agency's handlers and the "forwarded" notice to
// the citizen. The receivers still get the triage notice, which says the
// report was forwarded automatically, and may reassign it.
func (p *Pipeline) autoForward(in *incoming, cf *caseFile, d routing.Decision, out Outcome) (Outcome, error) {
	li := p.input(cf.facts, lifecycle.Accept, cf.r.ReceivedAt)
	li.Actor = lifecycle.Actor{Role: lifecycle.System}
	ch, err := lifecycle.Apply(li)
	le, err := applyError(err)
	if err != nil {
		return out, err
	}
	if le != nil {
		p.Log.Warn("automatic forwarding refused: the report waits for a receiver", "report", cf.r.Code, "reason", le.Code)
		return out, nil
	}
	st := step{change: ch, at: cf.r.ReceivedAt, actor: "system", role: lifecycle.System, autoRule: d.Rule}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		_, err := p.writeSteps(tx, in, cf, []step{st}, noFiles, msgID)
		return err
	})
	return outcomeOf(out, ch.Facts), nil
}

// reportRecords writes what points to the message row: the report's first
// event and its attachments.
func (p *Pipeline) reportRecords(tx *store.Tx, in *incoming, r store.Report, d routing.Decision, msgID int64) error {
	err := tx.AppendEvent(r.ID, store.Event{At: in.now, Actor: "system", Command: "ingest", MessageID: msgID, To: r.State, Agency: r.Routing.Agency,
		Detail: map[string]string{"rule": d.Rule, "why": d.Why, "ruleset": d.Version}})
	if err != nil {
		return err
	}
	for _, a := range in.report().Attachments {
		if _, err := tx.AddAttachment(r.ID, storeAttachment(a, "report", msgID)); err != nil {
			return err
		}
	}
	return nil
}

// acknowledge owes the citizen the acknowledgement, unless the sender has
// had their share of automatic replies this hour (then it is recorded as
// suppressed) or gave no address to answer.
func (p *Pipeline) acknowledge(tx *store.Tx, in *incoming, r store.Report, table *routing.Table, due time.Time) error {
	if r.Citizen.Email == "" {
		return nil
	}
	ack := templates.Ack{Code: r.Code, ReceivedAt: r.ReceivedAt, Urgent: r.Urgent, IntakeDue: due, Missing: r.Missing,
		Refused: refused(in.report()), Confidential: r.Confidential, DuplicateOf: r.DuplicateOf}
	if f, ok := table.Field(r.Routing.Field); ok && r.Routing.Rule != "" {
		ack.Field = f.Name
	}
	if u, ok := table.Unit(r.Routing.Unit); ok {
		ack.Unit = u.Name
	}
	data, err := json.Marshal(ack)
	if err != nil {
		return err
	}
	mail := store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: r.Citizen.Email, Role: "citizen", Lang: r.Lang,
		ReplyTo:   token.Address(p.Address, p.Tokens.Mint(r.ID, token.Citizen, r.Citizen.Email, in.now)),
		InReplyTo: in.report().MessageID, References: in.report().References, Data: data}
	n, err := tx.RepliesSince(r.Citizen.Email, in.now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if n >= p.RepliesPerHour {
		mail.State = store.MailSuppressed
		p.Log.Warn("automatic reply limit reached: acknowledgement recorded, not sent", "report", r.Code)
	}
	_, err = tx.Enqueue(mail, in.now)
	return err
}

// notifyReceivers owes each receiver the triage notice.
func (p *Pipeline) notifyReceivers(tx *store.Tx, in *incoming, r store.Report, table *routing.Table, due time.Time, auto bool) error {
	receivers := p.Staff.WithRole("receiver")
	if len(receivers) == 0 {
		p.Log.Warn("no receiver configured: nobody is told of the new report", "report", r.Code)
		return nil
	}
	t := p.triage(in, r, table, due)
	t.Proposal.AutoForward = auto
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	for _, op := range receivers {
		_, err := tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "triage", To: op.Email, Role: op.Role,
			ReplyTo: token.Address(p.Address, p.Tokens.Mint(r.ID, token.Operator, op.Email, in.now)), Data: data}, in.now)
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *Pipeline) triage(in *incoming, r store.Report, table *routing.Table, due time.Time) templates.Triage {
	t := templates.Triage{
		Code: r.Code, ReceivedAt: r.ReceivedAt, IntakeDue: due,
		Citizen: templates.Person{Name: r.Citizen.Name, Phone: r.Citizen.Phone, Email: r.Citizen.Email,
			Address: r.Citizen.Address, Workplace: r.Citizen.Workplace},
		Subject: r.Subject, Content: r.Content, Location: r.Location, IncidentTime: r.IncidentTime,
		Declared: r.DeclaredField, Urgent: r.Urgent, Confidential: r.Confidential, Missing: r.Missing,
		DuplicateOf: r.DuplicateOf, English: r.Lang == templates.English,
		Proposal: templates.Proposal{Field: r.Proposal.Field, Unit: r.Proposal.Unit, Agency: r.Proposal.Agency,
			Rule: r.Proposal.Rule, Why: r.Proposal.Why},
	}
	if f, ok := table.Field(r.Proposal.Field); ok {
		t.Proposal.FieldName = f.Name
	}
	if u, ok := table.Unit(r.Proposal.Unit); ok {
		t.Proposal.UnitName = u.Name
	}
	if a, ok := table.Agency(r.Proposal.Agency); ok {
		t.Proposal.AgencyName = a.Name
	}
	for _, a := range in.report().Attachments {
		f := templates.File{Name: a.Name, Type: a.Type, Size: a.Size, Refused: refusalCode(a.Refused)}
		if a.Photo != nil {
			f.Taken = a.Photo.Taken
			if a.Photo.HasGPS {
				f.GPS = fmt.Sprintf("%.6f, %.6f", a.Photo.Lat, a.Photo.Lon)
			}
		}
		t.Attachments = append(t.Attachments, f)
	}
	return t
}

func routingOf(d routing.Decision) store.Routing {
	return store.Routing{Field: d.Field, Unit: d.Unit, Agency: d.Agency, Rule: d.Rule, Why: d.Why, Ruleset: d.Version}
}

// storeDeadline is a deadline as the store keeps it, opened at a time.
func storeDeadline(p *Pipeline, d deadline.Deadline, opened time.Time) store.Deadline {
	return store.Deadline{Kind: string(d.Kind), Start: d.Start, Due: d.Due, SoonAt: d.SoonAt(p.Calendar), Clock: d.Clock, OpenedAt: opened}
}

func lang(m *parse.Message) string {
	if m.English {
		return templates.English
	}
	return templates.Vietnamese
}

// missing lists what the report lacks (SPEC 4.5). A name in the From
// header counts as the citizen's name, and a text that names an
// administrative unit gives the location.
func missing(f form.Form, m *parse.Message, d routing.Decision) []string {
	var out []string
	for _, item := range f.Missing() {
		if item == "name" && strings.TrimSpace(m.From.Name) != "" || item == "location" && d.Unit != "" {
			continue
		}
		out = append(out, item)
	}
	return out
}

func first(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
