package reports

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestBursts: a burst is BurstReports or more of one sender's reports
// within an hour, with the reports around it less than an hour apart.
func TestBursts(t *testing.T) {
	t0 := at(2026, 3, 2, 8, 0)
	sent := func(minutes ...int) []store.Received {
		var out []store.Received
		for i, m := range minutes {
			out = append(out, store.Received{Code: fmt.Sprintf("R%d", i+1), At: t0.Add(time.Duration(m) * time.Minute)})
		}
		return out
	}
	for _, c := range []struct {
		name    string
		minutes []int
		want    string
	}{
		{"four in an hour", []int{0, 1, 2, 3}, ""},
		{"five in an hour", []int{0, 10, 20, 30, 59}, "R1-R5"},
		{"five over an hour", []int{0, 15, 30, 45, 60}, ""},
		{"a slow start", []int{0, 100, 101, 102, 103, 104}, "R2-R6"},
		{"one burst going on", []int{0, 1, 2, 3, 4, 50, 100, 101, 102, 103}, "R1-R10"},
		{"two bursts", []int{0, 1, 2, 3, 4, 200, 201, 202, 203, 204}, "R1-R5 R6-R10"},
		{"a tail after an hour", []int{0, 1, 2, 3, 4, 70}, "R1-R5"},
	} {
		var got []string
		for _, b := range bursts(sent(c.minutes...)) {
			got = append(got, b.Codes[0]+"-"+b.Codes[len(b.Codes)-1])
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: bursts %q, want %q", c.name, got, c.want)
		}
	}
}

// TestDigestNamesFloods: the daily digest lists the follow-ups an hourly
// cap held, by report, saying whether the citizen sent them without naming
// any address, and one sender's burst of reports — its address's forms
// counted as one sender; the monthly report has neither.
func TestDigestNamesFloods(t *testing.T) {
	w := newWorld(t)
	t0 := at(2026, 3, 2, 9, 0)
	var codes []string
	for i := range 6 {
		code := w.ingest(t0.Add(time.Duration(i)*8*time.Minute), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt"})
		w.message(code, "report", "", fmt.Sprintf("Lan.Tran+%d@gmail.com", i), t0.Add(time.Duration(i)*8*time.Minute))
		codes = append(codes, code)
	}
	other := w.ingest(t0, intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt"})
	w.message(other, "report", "", "khac@example.com", t0)
	for _, from := range []string{"nguoidan@example.com", "nguoidan@example.com", "hangxom@example.com"} {
		w.message(other, "reply", store.ReasonFollowUpHeld, from, t0.Add(time.Hour))
	}
	w.message(codes[0], "reply", store.ReasonFollowUp, "hangxom@example.com", t0.Add(time.Hour))

	r := compute(t, w, Digest(at(2026, 3, 3, 7, 30), w.cal), Decree)
	if want := []store.HeldFollowUps{{Code: other, N: 3, Citizen: true, Others: 1}}; !reflect.DeepEqual(r.HeldFollowUps, want) {
		t.Errorf("held follow-ups %+v, want %+v", r.HeldFollowUps, want)
	}
	if len(r.Bursts) != 1 || strings.Join(r.Bursts[0].Codes, " ") != strings.Join(codes, " ") {
		t.Fatalf("bursts %+v, want one of %v", r.Bursts, codes)
	}
	tables := map[string][]string{}
	for _, tb := range r.View(false, "").Tables {
		for _, row := range tb.Rows {
			tables[tb.Title] = append(tables[tb.Title], strings.Join(row, " | "))
		}
	}
	if got, want := tables["Bổ sung không chuyển tiếp"], []string{other + " | người phản ánh và 1 địa chỉ khác | 3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("the digest's held follow-ups %q, want %q", got, want)
	}
	if got := tables["Phản ánh gửi dồn dập"]; len(got) != 1 || !strings.Contains(got[0], codes[0]+", ") || !strings.Contains(got[0], codes[5]) {
		t.Errorf("the digest's bursts %q", got)
	}
	monthly := compute(t, w, ending(t, Monthly, "2026-03", Decree), Decree)
	if len(monthly.HeldFollowUps) != 0 || len(monthly.Bursts) != 0 || len(monthly.floodTables()) != 0 {
		t.Errorf("the monthly report names floods: %+v %+v", monthly.HeldFollowUps, monthly.Bursts)
	}
}

// message records an incoming message about a report as the intake
// pipeline does.
func (w *world) message(code, kind, reason, from string, at time.Time) {
	w.t.Helper()
	err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.RecordMessage(store.Message{RawKey: "m", Kind: kind, ReportCode: code, Reason: reason, Sender: from,
			ReceivedAt: at, ProcessedAt: at})
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}
