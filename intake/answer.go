package intake

import (
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// answer writes the one answer to a reply whose commands were applied, at
// the operator's configured address (SPEC 7.1): the confirmation of what
// was done with the report's new state and deadlines, or — for a reply that
// only asked — the status or the help. A /report is answered apart, with
// the periodic report.
func (p *Pipeline) answer(tx *store.Tx, in *incoming, s *snapshot, steps []step) error {
	op := steps[0].op
	a := templates.Answer{Role: op.Role}
	kind := ""
	for _, st := range steps {
		switch st.change.Action {
		case lifecycle.Help:
			a.Help = true
		case lifecycle.Status:
			kind = first(kind, "status")
		case lifecycle.Report:
			if err := p.answerReport(tx, in, op, st); err != nil {
				return err
			}
			continue
		default:
			kind = "confirmation"
		}
		a.Commands = append(a.Commands, st.change.Action.Command())
		a.Applied = append(a.Applied, st.line)
	}
	if len(a.Commands) == 0 {
		return nil
	}
	kind = first(kind, "help")
	a.Case = s.staffCase(op.Role)
	return p.answerMail(tx, in, op, &s.r, kind, a, nil)
}

// answerStandalone answers the commands of a mail outside any report's
// thread: the status of each report named, with an event in its log; the
// help; the periodic report.
func (p *Pipeline) answerStandalone(tx *store.Tx, in *incoming, steps []step, msgID int64) error {
	for _, st := range steps {
		switch st.change.Action {
		case lifecycle.Status:
			r := st.target.r
			if err := tx.AppendEvent(r.ID, event(st, msgID)); err != nil {
				return err
			}
			s, err := p.snapshot(tx, r.ID)
			if err != nil {
				return err
			}
			a := templates.Answer{Role: st.op.Role, Commands: []string{"/status"}, Applied: []string{st.line}, Case: s.staffCase(st.op.Role)}
			if err := p.answerMail(tx, in, st.op, &s.r, "status", a, nil); err != nil {
				return err
			}
		case lifecycle.Help:
			a := templates.Answer{Role: st.op.Role, Commands: []string{"/help"}, Applied: []string{st.line}, Help: true}
			if err := p.answerMail(tx, in, st.op, nil, "help", a, nil); err != nil {
				return err
			}
		case lifecycle.Report:
			if err := p.answerReport(tx, in, st.op, st); err != nil {
				return err
			}
		}
	}
	return nil
}
