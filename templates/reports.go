package templates

import (
	htmltemplate "html/template"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// PeriodicReport is a report of SPEC 9 — the daily digest to the Center,
// or the monthly, quarterly, 6-monthly or annual report — as a mail or as
// the HTML file `phananh report` writes. Its figures come written for
// people; the workbook and the CSV attached hold them as numbers. It
// carries no personal data: codes, names of fields, units and agencies,
// and counts.
type PeriodicReport struct {
	Kind      string // daily, monthly, quarterly, semiannual, annual
	KindTitle string // "Báo cáo tháng"
	Title     string // the period: "Tháng 3/2026"
	Dates     string // its first and last days: "15/02/2026 – 14/03/2026"
	Mode      string // how the period was cut
	// GeneratedAt is when the figures were computed.
	GeneratedAt time.Time
	// Highlights are the main figures, shown first.
	Highlights []Figure
	// Tables are the report's tables, in order.
	Tables []ReportTable
	// Chart is the source of the chart's image: "cid:…" in a mail, a file
	// name beside the HTML file; "" for none. It is a URL the HTML template
	// trusts: the reports package writes it, never anything received.
	Chart htmltemplate.URL
	// Attached names the files attached to the mail (workbook, CSV, chart).
	Attached []string
	// Unavailable names the files the mail was to carry and could not:
	// gone from the data folder (WithoutFiles).
	Unavailable []string
	// TetMissing is the year whose Tết the holiday file lacks, 0 when none
	// (the daily digest's warning in January, SPEC 5.1).
	TetMissing int
	// Asked is set for a report asked for with /report rather than sent on
	// schedule.
	Asked bool
	// Notes are sentences about the whole report, shown before its
	// figures: that its period spans two routing tables, for one.
	Notes []string
	// Requests are the data subjects' requests not yet answered, with
	// their deadlines (the daily digest, SPEC 10.5): numbers, kinds and
	// dates, never who asked.
	Requests []SubjectRequest
}

// SubjectRequest is a data subject's request waiting for its answer.
type SubjectRequest struct {
	ID         int64
	Kind       string // copy, erasure, other
	ReceivedAt time.Time
	// AckDue and Due are the deadlines to acknowledge and to answer it;
	// AckState and State theirs: on-time, due-soon, overdue (met or late
	// once acknowledged).
	AckDue, Due     time.Time
	AckState, State string
	Acknowledged    bool
	Extended        bool
}

// Figure is one figure with its label.
type Figure struct {
	Label, Value string
}

// ReportTable is one table of a periodic report.
type ReportTable struct {
	Title   string
	Columns []string
	// Numeric marks the columns of figures, aligned right.
	Numeric []bool
	Rows    [][]string
	// More counts the rows left out of a mail (the rest of the overdue
	// list, in the attached workbook).
	More int
	// Note explains the table in a sentence, "" for none.
	Note string
}

func samplePeriodicReport() *PeriodicReport {
	return &PeriodicReport{
		Kind: "monthly", KindTitle: "Báo cáo tháng", Title: "Tháng 3/2026", Dates: "15/02/2026 – 14/03/2026",
		Mode:        "Theo Nghị định 09/2019/NĐ-CP: từ ngày 15 tháng trước đến ngày 14",
		GeneratedAt: time.Date(2026, 3, 15, 7, 30, 0, 0, calendar.Vietnam),
		Highlights: []Figure{{"Tiếp nhận", "1.234"}, {"Có kết quả xử lý", "980"}, {"Đúng hạn", "912"},
			{"Tỷ lệ đúng hạn", "93,1 %"}, {"Tồn quá hạn cuối kỳ", "7"}},
		Tables: []ReportTable{
			{Title: "Theo cơ quan xử lý", Columns: []string{"Cơ quan xử lý", "Chuyển xử lý", "Đúng hạn", "Trễ hạn"},
				Numeric: []bool{false, true, true, true},
				Rows:    [][]string{{"Sở Giao thông vận tải", "120", "110", "10"}, {"Công ty Điện lực Hậu Giang", "85", "85", "0"}}},
			{Title: "Phản ánh quá hạn", Columns: []string{"Mã phản ánh", "Cơ quan phải xử lý", "Hạn", "Số ngày quá hạn"},
				Numeric: []bool{false, false, false, true},
				Rows:    [][]string{{"PA-2026-000042", "Sở Xây dựng", "17:00 ngày 03/03/2026", "12"}},
				More:    6, Note: "Hạn tính theo giờ làm việc; số ngày quá hạn tính theo ngày lịch."},
		},
		Chart: "cid:chart.png", Attached: []string{"bao-cao-thang-2026-03.xlsx", "bao-cao-thang-2026-03.csv", "bieu-do.png"},
		Unavailable: []string{"bang-tong-hop-2026-03.xlsx"},
		TetMissing:  2027, Asked: true,
		Requests: []SubjectRequest{
			{ID: 3, Kind: "erasure", ReceivedAt: time.Date(2026, 3, 10, 9, 0, 0, 0, calendar.Vietnam), AckDue: time.Date(2026, 3, 12, 17, 0, 0, 0, calendar.Vietnam),
				Due: time.Date(2026, 3, 30, 17, 0, 0, 0, calendar.Vietnam), AckState: "met", State: "on-time", Acknowledged: true},
			{ID: 4, Kind: "copy", ReceivedAt: time.Date(2026, 3, 11, 15, 0, 0, 0, calendar.Vietnam), AckDue: time.Date(2026, 3, 13, 17, 0, 0, 0, calendar.Vietnam),
				Due: time.Date(2026, 3, 23, 17, 0, 0, 0, calendar.Vietnam), AckState: "overdue", State: "on-time"},
		},
	}
}
