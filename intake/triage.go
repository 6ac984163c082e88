package intake

import (
	"encoding/json"
	"fmt"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// notifyReceivers owes each receiver the triage notice.
func (rc *reception) notifyReceivers(tx *store.Tx, in *incoming, r store.Report, table *routing.Table, due time.Time, auto bool) error {
	receivers := rc.staff.WithRole("receiver")
	if len(receivers) == 0 {
		rc.log.Warn("no receiver configured: nobody is told of the new report", "report", r.Code)
		return nil
	}
	t := triage(in, r, table, due)
	t.Proposal.AutoForward = auto
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	for _, op := range receivers {
		_, err := tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "triage", To: op.Email, Role: op.Role,
			ReplyTo: rc.addrs.operator(r.ID, op.Email, in.now), Data: data}, in.now)
		if err != nil {
			return err
		}
	}
	return nil
}

// triage is the triage notice of a new report: what the citizen sent and
// what routing proposes.
func triage(in *incoming, r store.Report, table *routing.Table, due time.Time) templates.Triage {
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
	t.Proposal.UnitName = table.UnitLabel(r.Proposal.Unit, r.Routing.Former, false)
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
