package intake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// notifyReceivers owes each receiver the triage notice, with the
// citizen's files (see triageFiles).
func (rc *reception) notifyReceivers(tx *store.Tx, in *incoming, r store.Report, d routing.Decision, table *routing.Table, due time.Time) error {
	receivers := rc.staff.WithRole("receiver")
	if len(receivers) == 0 {
		rc.log.Warn("no receiver configured: nobody is told of the new report", "report", r.Code)
		return nil
	}
	t := triage(in, r, due)
	t.Proposal = proposal(d, table)
	t.Usable = rc.menu.usable("receiver", "", factsOf(r, nil), table)
	files := triageFiles(&t, in.report().Attachments, rc.addrs.mailbox)
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	for _, op := range receivers {
		m := store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "triage", To: op.Email, Role: op.Role,
			ReplyTo: rc.addrs.operator(r.ID, op.Email, in.now), Data: data, Attachments: files}
		thread.Notice(nil, op.Email, in.now).Set(&m) // the report's first mail to staff
		if _, err := tx.Enqueue(m, in.now); err != nil {
			return err
		}
	}
	return nil
}

// triage is the triage notice of a new report: what the citizen sent and
// what routing proposes.
func triage(in *incoming, r store.Report, due time.Time) templates.Triage {
	t := templates.Triage{
		Code: r.Code, ReceivedAt: r.ReceivedAt, IntakeDue: due,
		Citizen: templates.Person{Name: r.Citizen.Name, Phone: r.Citizen.Phone, Email: r.Citizen.Email,
			Address: r.Citizen.Address, Workplace: r.Citizen.Workplace},
		Subject: r.Subject, Content: templates.Reproduced(r.Content), Location: r.Location, IncidentTime: r.IncidentTime,
		Declared: r.DeclaredField, Urgent: r.Urgent, Confidential: r.Confidential, Missing: r.Missing,
		DuplicateOf: r.DuplicateOf, English: r.Lang == templates.English,
	}
	if m := in.report(); m.FromProblem != "" {
		t.UnreadableFrom = lookAlikeSlashes(cmp.Or(m.FromText, "—"))
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

// lookAlikeSlashes writes the slashes of text that a notice shows and the
// report does not record — an unreadable From as written — as the
// division slash "∕", which looks the same and begins no command: a
// client that re-wraps the notice's line in a reply could set a word of
// it at the start of a line, and no record of it lets the command reader
// know it for the sender's (command.Theirs).
func lookAlikeSlashes(text string) string {
	return strings.NewReplacer("/", "∕", "／", "∕").Replace(text)
}

// proposal is routing's decision as the triage notice shows it: codes
// with their names from the table, the grounds in Vietnamese, and the
// rules that came next.
func proposal(d routing.Decision, table *routing.Table) templates.Proposal {
	p := templates.Proposal{Field: d.Field, Unit: d.Unit, Agency: d.Agency, Rule: d.Rule, Grounds: d.Grounds,
		AutoForward: d.AutoForward}
	p.FieldName, p.UnitName, p.AgencyName = fieldName(table, d.Field), table.UnitLabel(d.Unit, d.Former, false), agencyName(table, d.Agency)
	for _, c := range d.Runners {
		p.Runners = append(p.Runners, templates.Runner{Rule: c.Rule, Field: c.Field, FieldName: fieldName(table, c.Field),
			Unit: c.Unit, UnitName: unitName(table, c.Unit), Agency: c.Agency, AgencyName: agencyName(table, c.Agency), Score: c.Score})
	}
	return p
}

// fieldName, unitName and agencyName name a code from the table, "" when
// the table does not know it.
func fieldName(table *routing.Table, code string) string {
	f, _ := table.Field(code)
	return f.Name
}

func unitName(table *routing.Table, code string) string {
	u, _ := table.Unit(code)
	return u.Name
}

func agencyName(table *routing.Table, code string) string {
	a, _ := table.Agency(code)
	return a.Name
}
