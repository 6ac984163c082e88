package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// BurstReports is how many reports one sender sends within an hour for
// the daily digest to name them as a burst. Each of them is a report like
// any other — acknowledged within the sender's automatic replies, its
// triage notice sent, never capped (SPEC 4.2, 4.7) — but receivers
// handle them better together: the same problem sent again and again, a
// neighbourhood's complaints sent from one phone, or a flood.
const BurstReports = 5

// Burst is one sender's reports received within an hour of one another,
// BurstReports of them or more within some hour.
type Burst struct {
	Codes    []string
	From, To time.Time // the first and the last received
}

// bursts finds the bursts among one sender's reports, in the order
// received: each report with BurstReports-1 others in the hour before
// it, and those others, make a burst; bursts less than an hour apart are
// one.
func bursts(sent []store.Received) []Burst {
	in := make([]bool, len(sent))
	first := 0
	for i, r := range sent {
		for r.At.Sub(sent[first].At) >= time.Hour {
			first++
		}
		if i-first+1 >= BurstReports {
			for j := first; j <= i; j++ {
				in[j] = true
			}
		}
	}
	var out []Burst
	for i, r := range sent {
		if !in[i] {
			continue
		}
		if n := len(out); n > 0 && r.At.Sub(out[n-1].To) < time.Hour {
			out[n-1].Codes, out[n-1].To = append(out[n-1].Codes, r.Code), r.At
			continue
		}
		out = append(out, Burst{Codes: []string{r.Code}, From: r.At, To: r.At})
	}
	return out
}

// floods reads what the daily digest says of floods: the follow-ups held
// by an hourly cap, and the bursts of one sender's reports.
func floods(tx *store.Tx, r *Report) error {
	var err error
	p := r.Period
	if r.HeldFollowUps, err = tx.HeldFollowUpsBetween(p.Start, p.End); err != nil {
		return err
	}
	bySender, err := tx.ReportsBySender(p.Start, p.End)
	if err != nil {
		return err
	}
	for _, sent := range bySender {
		r.Bursts = append(r.Bursts, bursts(sent)...)
	}
	slices.SortStableFunc(r.Bursts, func(a, b Burst) int { return a.From.Compare(b.From) })
	return nil
}

// heldTable lists, by report, the follow-ups an hourly cap kept from its
// holders: recorded on the report, never notified one by one.
func (r *Report) heldTable() Table {
	t := Table{Code: "bo-sung-khong-chuyen", Title: "Bổ sung không chuyển tiếp", Keys: 1,
		Columns: []Column{{"ma", "Mã phản ánh"}, {"nguoi_gui", "Người gửi"}, {"count", "Số thư"}}}
	for _, h := range r.HeldFollowUps {
		t.Rows = append(t.Rows, []any{h.Code, senders(h), h.N})
	}
	return t
}

// senders says who sent a report's held follow-ups without naming them:
// the report's own citizen, other addresses, or both.
func senders(h store.HeldFollowUps) string {
	var parts []string
	if h.Citizen {
		parts = append(parts, "người phản ánh")
	}
	if h.Others > 0 {
		parts = append(parts, fmt.Sprintf("%d địa chỉ khác", h.Others))
	}
	return strings.Join(parts, " và ")
}

// burstTable lists the bursts of one sender's reports.
func (r *Report) burstTable() Table {
	t := Table{Code: "gui-don-dap", Title: "Phản ánh gửi dồn dập", Keys: 1,
		Columns: []Column{{"ma", "Phản ánh đầu tiên"}, {"cac_phan_anh", "Các phản ánh"}, {"count", "Số phản ánh"},
			{"from", "Từ lúc"}, {"to", "Đến lúc"}}}
	loc := r.Period.End.Location()
	for _, b := range r.Bursts {
		t.Rows = append(t.Rows, []any{b.Codes[0], strings.Join(b.Codes, ", "), len(b.Codes), b.From.In(loc), b.To.In(loc)})
	}
	return t
}
