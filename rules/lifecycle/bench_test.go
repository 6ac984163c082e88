package lifecycle_test

import (
	"testing"

	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// BenchmarkApply forwards a received report: the check, the lookup, the
// intake closed and two deadlines computed on the calendar.
func BenchmarkApply(b *testing.B) {
	r := newReport(b, "2026-11-23 08:00", false)
	in := r.input(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 09:00"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lifecycle.Apply(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRating(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if r, ok := lifecycle.ParseRating("Không hài lòng!"); !ok || r != lifecycle.Dissatisfied {
			b.Fatal(r)
		}
	}
}

// BenchmarkUsable lists a receiver's commands on a new report, as every
// triage notice does.
func BenchmarkUsable(b *testing.B) {
	f := lifecycle.Facts{State: lifecycle.Received, Agency: "SXD"}
	b.ReportAllocs()
	for b.Loop() {
		if len(lifecycle.Usable(lifecycle.Receiver, "", f, "TTPVHCC")) == 0 {
			b.Fatal("no command")
		}
	}
}
