package lifecycle_test

import (
	"errors"
	"slices"
	"testing"

	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// TestLeadAgency: /assign so-gtvt dien-luc forwards a report to the
// department as the lead and to the power company as its co-agency (Art
// 7.1). The deadlines are the lead's; the lead gets the assignment, the
// co-agency the request to work with it. The
// co-agency may add notes, which reach the Center and the lead, and ask
// for the status; returning, resolving and extending are the lead's. Notes
// from the Center and the approval reach both.
func TestLeadAgency(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	ch := r.do(step{action: lifecycle.Assign, actor: receiver, at: "2026-11-23 09:00", code: "so-gtvt", co: []string{"dien-luc", "so-gtvt", "DIEN-LUC"}})
	check(t, ch, "return 2026-11-23 15:00; resolve 2026-12-01 17:00", "intake met",
		"assignment→handler:so-gtvt coordination→handler:dien-luc forwarded→citizen")
	if r.facts.Agency != "so-gtvt" || !slices.Equal(r.facts.CoAgencies, []string{"dien-luc"}) || !slices.Contains(ch.Changed, "co-agencies") {
		t.Fatalf("lead %s, co-agencies %v, changed %v", r.facts.Agency, r.facts.CoAgencies, ch.Changed)
	}

	ch = r.do(step{action: lifecycle.Note, actor: stranger, at: "2026-11-23 10:00", text: "Lưới điện khu vực đã cắt để sửa đường."})
	check(t, ch, "", "", "note→receiver note→handler:so-gtvt")
	r.do(step{action: lifecycle.Status, actor: stranger, at: "2026-11-23 10:05"})
	for _, a := range []lifecycle.Action{lifecycle.Return, lifecycle.Resolve, lifecycle.Extend} {
		if err := r.try(step{action: a, actor: stranger, at: "2026-11-23 10:10", text: completeReturn}); !errors.Is(err, lifecycle.ErrOtherAgency) {
			t.Errorf("the co-agency's %s: %v", a.Command(), err)
		}
	}
	ch = r.do(step{action: lifecycle.Note, actor: handler, at: "2026-11-23 10:20", text: "Đã phối hợp với Điện lực."})
	check(t, ch, "", "", "note→receiver note→handler:dien-luc")
	ch = r.do(step{action: lifecycle.Note, actor: approver, at: "2026-11-23 10:30", text: "Đề nghị xử lý dứt điểm."})
	check(t, ch, "", "", "note→handler:so-gtvt note→handler:dien-luc")

	r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-24 09:00", text: "Đã vá mặt đường."})
	ch = r.do(step{action: lifecycle.Approve, actor: approver, at: "2026-11-24 09:30"})
	check(t, ch, "", "publish met", "result→citizen approved→handler:so-gtvt approved→handler:dien-luc")
}

// TestLeadAgencyRefusals: a co-agency the table does not have, or the
// Center itself, refuses the /assign; a return ends the co-agencies' part.
func TestLeadAgencyRefusals(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	for co, want := range map[string]error{"so-khong-co": lifecycle.ErrUnknownAgency, "ttgsdh": lifecycle.ErrCenterTarget} {
		if err := r.try(step{action: lifecycle.Assign, actor: receiver, at: "2026-11-23 09:00", code: "so-gtvt", co: []string{co}}); !errors.Is(err, want) {
			t.Errorf("co-agency %s: %v, want %v", co, err, want)
		}
	}
	r.do(step{action: lifecycle.Assign, actor: receiver, at: "2026-11-23 09:00", code: "so-gtvt", co: []string{"dien-luc"}})
	r.do(step{action: lifecycle.Return, actor: handler, at: "2026-11-23 10:00", text: completeReturn})
	if r.facts.CoAgencies != nil {
		t.Errorf("after the return: co-agencies %v", r.facts.CoAgencies)
	}
	if err := r.try(step{action: lifecycle.Note, actor: stranger, at: "2026-11-23 10:30", text: "x"}); !errors.Is(err, lifecycle.ErrOtherAgency) {
		t.Errorf("a former co-agency's note: %v", err)
	}
}

// TestCoAgencyUsable lists what a co-agency's handler may do: notes and
// the status, not the lead's commands.
func TestCoAgencyUsable(t *testing.T) {
	f := lifecycle.Facts{State: lifecycle.Forwarded, Agency: "so-gtvt", CoAgencies: []string{"dien-luc"}}
	got := lifecycle.Usable(lifecycle.Handler, "dien-luc", f, "ttgsdh")
	if !slices.Equal(got, []lifecycle.Action{lifecycle.Note, lifecycle.Status, lifecycle.Help, lifecycle.Codes}) {
		t.Errorf("a co-agency's commands: %v", got)
	}
}
