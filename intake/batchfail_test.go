package intake

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// threeReports are three citizens' reports of one batch.
func threeReports() []string {
	var raws []string
	for i := range 3 {
		raws = append(raws, report(fmt.Sprintf("dan%d@example.com", i), fmt.Sprintf("p%d@x", i), "Mất điện",
			fmt.Sprintf("Ấp %d xã Vị Đông, huyện Vị Thủy mất điện.\n", i+1)))
	}
	return raws
}

// counts returns the outcomes recorded, by kind.
func (f *fixture) counts(t testing.TB) map[string]int {
	t.Helper()
	var counts map[string]int
	if err := f.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		counts, err = tx.MessageCounts()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return counts
}

// TestBatchMessagePanicsAlone: the handling of the second message of a
// batch panics (a defect that one message reaches). It alone is rolled
// back and quarantined, so that it is not fetched and failed again for
// ever; the batch's other messages are committed, and the panic ends
// neither the batch nor the process.
func TestBatchMessagePanicsAlone(t *testing.T) {
	f := newFixture(t)
	staff, calls := f.p.Staff, atomic.Int32{}
	f.p.Staff = func() Staff {
		if calls.Add(1) == 2 {
			panic("a defect")
		}
		return staff()
	}
	rs := f.processAll(threeReports())
	for i, r := range rs {
		want := KindReport
		if i == 1 {
			want = KindQuarantine
		}
		if r.Err != nil || r.Outcome.Kind != want {
			t.Errorf("message %d: %+v, want %s", i+1, r, want)
		}
	}
	if c := f.counts(t); c[KindReport] != 2 || c[KindQuarantine] != 1 || len(c) != 2 {
		t.Errorf("recorded %v, want two reports and one quarantined", c)
	}
}

// TestBatchPanicWhileReading: what is read of a message beside the parse
// (its draft: form, routing) panics for one message of a batch. That one
// is quarantined; the others are committed, and the process goes on.
func TestBatchPanicWhileReading(t *testing.T) {
	f := newFixture(t)
	table, calls := f.p.Routing(), atomic.Int32{}
	f.p.Routing = func() *routing.Table {
		if calls.Add(1) == 1 {
			panic("a defect")
		}
		return table
	}
	rs := f.processAll(threeReports())
	quarantined := 0
	for i, r := range rs {
		switch {
		case r.Err != nil:
			t.Errorf("message %d: %v", i+1, r.Err)
		case r.Outcome.Kind == KindQuarantine:
			quarantined++
		case r.Outcome.Kind != KindReport:
			t.Errorf("message %d: %+v", i+1, r)
		}
	}
	if c := f.counts(t); quarantined != 1 || c[KindReport] != 2 || c[KindQuarantine] != 1 || len(c) != 2 {
		t.Errorf("recorded %v, %d results quarantined; want two reports and one quarantined", c, quarantined)
	}
}
