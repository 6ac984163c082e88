package intake

import (
	"testing"

	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

// TestFormerFollowsTheUnit: the old unit name the citizen wrote stays with
// the report while its unit does, and goes when staff change the unit
// (/unit): a notice then names the new unit alone.
func TestFormerFollowsTheUnit(t *testing.T) {
	r := store.Report{State: "received", Routing: store.Routing{Field: "dien", Unit: "xa-hoa-luu", Agency: "dien-luc",
		Former: "xa-hoa-tien", Edition: "2025"}}
	facts := func(unit string) []step {
		return []step{{change: lifecycle.Change{Facts: lifecycle.Facts{State: lifecycle.Forwarded, Field: "dien", Unit: unit, Agency: "dien-luc"}}}}
	}
	if got := applyFacts(r, facts("xa-hoa-luu"), 0); got.Routing.Former != "xa-hoa-tien" {
		t.Errorf("the unit kept: former %q", got.Routing.Former)
	}
	if got := applyFacts(r, facts("phuong-vi-thanh"), 0); got.Routing.Former != "" || got.Routing.Unit != "phuong-vi-thanh" {
		t.Errorf("the unit changed: %+v", got.Routing)
	}
}
