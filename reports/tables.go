package reports

import (
	"time"
)

// Table is one table of a report as every format shows it: a sheet of the
// workbook, a part of the CSV, a table of the mail and the HTML file.
type Table struct {
	// Code names the table in the CSV ("tong-hop", …).
	Code string
	// Title is the sheet's name and the table's heading: Vietnamese, at
	// most 31 characters (a limit of XLSX sheet names).
	Title string
	// Keys is how many leading columns identify a row: a code, and a name
	// when there are two.
	Keys    int
	Columns []Column
	// Rows hold values of the types int, Hours, Percent, Day, time.Time
	// and string, one per column; nil where there is no figure (the mean
	// time of no step).
	Rows [][]any
}

// Column is a column of a table.
type Column struct {
	Code  string // names it in the CSV
	Title string // its Vietnamese heading
}

// Hours is a working time shown in hours.
type Hours time.Duration

// Percent is a fraction shown as a percentage.
type Percent float64

// Day is a time shown as its date alone.
type Day time.Time

// metric is one of Counts' figures.
type metric struct {
	code, title string
	get         func(Counts) int
}

var (
	mReceived      = metric{"received", "Tiếp nhận", func(c Counts) int { return c.Received }}
	mRejected      = metric{"rejected", "Từ chối", func(c Counts) int { return c.Rejected }}
	mForwarded     = metric{"forwarded", "Chuyển xử lý", func(c Counts) int { return c.Forwarded }}
	mCoordinated   = metric{"coordinated", "Phối hợp xử lý", func(c Counts) int { return c.Coordinated }}
	mReturned      = metric{"returned", "Trả lại", func(c Counts) int { return c.Returned }}
	mReturnedLate  = metric{"returned_late", "Trả lại quá 4 giờ làm việc", func(c Counts) int { return c.ReturnedLate }}
	mEscalated     = metric{"escalated", "Chuyển cấp", func(c Counts) int { return c.Escalated }} // titled by the body (Report.title)
	mSentBack      = metric{"sent_back", "Yêu cầu sửa kết quả", func(c Counts) int { return c.SentBack }}
	mResolved      = metric{"resolved", "Có kết quả xử lý", func(c Counts) int { return c.Resolved }}
	mOnTime        = metric{"on_time", "Đúng hạn", func(c Counts) int { return c.OnTime }}
	mLate          = metric{"late", "Trễ hạn", func(c Counts) int { return c.Late }}
	mExcused       = metric{"excused", "Không tính trễ hạn (được gia hạn)", func(c Counts) int { return c.Excused }}
	mPublished     = metric{"published", "Đã thông báo kết quả", func(c Counts) int { return c.Published }}
	mOpen          = metric{"open", "Tồn cuối kỳ", func(c Counts) int { return c.Open }}
	mOpenWithin    = metric{"open_within", "Tồn trong hạn", func(c Counts) int { return c.Open - c.OpenOverdue }}
	mOpenOverdue   = metric{"open_overdue", "Tồn quá hạn", func(c Counts) int { return c.OpenOverdue }}
	mVerySatisfied = metric{"very_satisfied", "Rất hài lòng", func(c Counts) int { return c.VerySatisfied }}
	mSatisfied     = metric{"satisfied", "Hài lòng", func(c Counts) int { return c.Satisfied }}
	mDissatisfied  = metric{"dissatisfied", "Không hài lòng", func(c Counts) int { return c.Dissatisfied }}

	// summaryMetrics are every figure of the province; areaMetrics those
	// of a field or a unit; agencyMetrics those an agency answers for, and
	// the reports it worked on with another lead agency.
	summaryMetrics = []metric{mReceived, mRejected, mForwarded, mReturned, mReturnedLate, mEscalated, mSentBack,
		mResolved, mOnTime, mLate, mExcused, mPublished, mOpen, mOpenWithin, mOpenOverdue, mVerySatisfied, mSatisfied, mDissatisfied}
	areaMetrics = []metric{mReceived, mRejected, mForwarded, mReturned, mResolved, mOnTime, mLate, mExcused, mPublished,
		mOpen, mOpenWithin, mOpenOverdue, mVerySatisfied, mSatisfied, mDissatisfied}
	agencyMetrics = []metric{mForwarded, mCoordinated, mReturned, mReturnedLate, mEscalated, mSentBack, mResolved, mOnTime, mLate, mExcused,
		mPublished, mOpen, mOpenWithin, mOpenOverdue, mVerySatisfied, mSatisfied, mDissatisfied}
)

// kindTitles name the kinds of report.
var kindTitles = map[Kind]string{
	Daily: "Tổng hợp hằng ngày", Monthly: "Báo cáo tháng", Quarterly: "Báo cáo quý",
	Semiannual: "Báo cáo 6 tháng", Annual: "Báo cáo năm",
}

// modeTitles say how the period was cut.
var modeTitles = map[Mode]string{
	Decree:   "Theo Nghị định 09/2019/NĐ-CP: từ ngày 15 tháng trước đến ngày 14",
	Calendar: "Theo tháng dương lịch",
}

// stepTitles name the step an overdue report waits for.
var stepTitles = map[string]string{
	"intake": "Tiếp nhận, chuyển xử lý", "resolve": "Xử lý", "publish": "Kiểm tra, công khai kết quả",
}

// Tables lays the report out as its tables, in the order the workbook
// and the mail show them.
func (r *Report) Tables() []Table {
	return append([]Table{
		r.aboutTable(), r.summaryTable(),
		r.groupTable("linh-vuc", "Theo lĩnh vực", "Lĩnh vực", r.ByField, areaMetrics),
		r.groupTable("co-quan", "Theo cơ quan xử lý", "Cơ quan xử lý", r.ByAgency, agencyMetrics),
		r.groupTable("don-vi", "Theo đơn vị hành chính", "Đơn vị hành chính", r.ByUnit, areaMetrics),
		r.rejectionTable(), r.stageTable(), r.ratingTable(), r.overdueTable(), r.difficultyTable(), r.rankingTable(),
	}, r.floodTables()...)
}

// floodTables are the daily digest's tables of floods, when it has any:
// the follow-ups held by an hourly cap and the bursts of reports.
func (r *Report) floodTables() []Table {
	var out []Table
	if len(r.HeldFollowUps) > 0 {
		out = append(out, r.heldTable())
	}
	if len(r.Bursts) > 0 {
		out = append(out, r.burstTable())
	}
	return out
}

// aboutTable is the period's table; for a period whose reports several
// routing tables routed, it ends with the note the mail and the HTML file
// head the report with (editionsNote).
func (r *Report) aboutTable() Table {
	p := r.Period
	t := Table{Code: "ky-bao-cao", Title: "Kỳ báo cáo", Keys: 2,
		Columns: []Column{{"ma", "Mã"}, {"muc", "Mục"}, {"value", "Nội dung"}},
		Rows: [][]any{
			{"kind", "Loại báo cáo", kindTitles[p.Kind]},
			{"period", "Kỳ báo cáo", p.Title()},
			{"from", "Từ ngày", Day(p.Start)},
			{"to", "Đến hết ngày", Day(p.End.AddDate(0, 0, -1))},
			{"mode", "Cách tính kỳ", modeTitle(p.Kind, r.Mode)},
			{"as_of", "Tồn tính đến", r.AsOf},
			{"generated", "Lập lúc", r.GeneratedAt.In(p.End.Location())},
		}}
	if note := r.editionsNote(); note != "" {
		t.Rows = append(t.Rows, []any{"note", "Lưu ý", note})
	}
	return t
}

func modeTitle(k Kind, m Mode) string {
	if k == Daily {
		return "Ngày làm việc liền trước ngày gửi theo lịch, cùng các ngày nghỉ sau nó"
	}
	return modeTitles[m]
}

func (r *Report) summaryTable() Table {
	t := Table{Code: "tong-hop", Title: "Tổng hợp", Keys: 2,
		Columns: []Column{{"ma", "Mã"}, {"chi_tieu", "Chỉ tiêu"}, {"count", "Số lượng"}}}
	for _, m := range summaryMetrics {
		t.Rows = append(t.Rows, []any{m.code, r.title(m), m.get(r.Totals)})
	}
	t.Rows = append(t.Rows, []any{"spam", "Thư rác đã cách ly, không trả lời", r.Spam})
	return t
}

// title is a metric's title; the escalated reports' names the body they
// went to.
func (r *Report) title(m metric) string {
	if m.code == mEscalated.code {
		return "Chuyển " + r.Escalation
	}
	return m.title
}

func (r *Report) groupTable(code, title, name string, groups []Group, metrics []metric) Table {
	t := Table{Code: code, Title: title, Keys: 2, Columns: []Column{{"ma", "Mã"}, {"ten", name}}}
	for _, m := range metrics {
		t.Columns = append(t.Columns, Column{m.code, r.title(m)})
	}
	for _, g := range groups {
		row := []any{g.Code, g.Name}
		for _, m := range metrics {
			row = append(row, m.get(g.Counts))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (r *Report) rejectionTable() Table {
	t := Table{Code: "tu-choi", Title: "Lý do từ chối", Keys: 2,
		Columns: []Column{{"ma", "Mã"}, {"ly_do", "Lý do"}, {"count", "Số lượng"}}}
	for _, reason := range r.Rejections {
		t.Rows = append(t.Rows, []any{reason.Code, reason.Name, reason.N})
	}
	return t
}

func (r *Report) stageTable() Table {
	t := Table{Code: "thoi-gian", Title: "Thời gian xử lý", Keys: 2,
		Columns: []Column{{"ma", "Mã"}, {"giai_doan", "Giai đoạn"}, {"count", "Số lượt"}, {"late", "Quá hạn"},
			{"mean_hours", "Trung bình (giờ làm việc)"}, {"p90_hours", "90% xong trong (giờ làm việc)"}}}
	for _, s := range r.Stages {
		late := any(s.Late)
		if s.Code == "total" {
			late = nil
		}
		t.Rows = append(t.Rows, []any{s.Code, s.Name, s.N, late, hours(s.N, s.Mean), hours(s.N, s.P90)})
	}
	return t
}

func (r *Report) ratingTable() Table {
	t := Table{Code: "danh-gia", Title: "Mức độ hài lòng", Keys: 2,
		Columns: []Column{{"ma", "Mã"}, {"muc_do", "Mức độ"}, {"count", "Số lượng"}, {"share", "Tỷ lệ (%)"}}}
	ratings := []metric{mVerySatisfied, mSatisfied, mDissatisfied}
	total := 0
	for _, m := range ratings {
		total += m.get(r.Totals)
	}
	for _, m := range ratings {
		n := m.get(r.Totals)
		t.Rows = append(t.Rows, []any{m.code, m.title, n, share(n, total)})
	}
	return t
}

// hours is a time measured over n steps, or nil (no figure) when there
// were none: an empty cell, not a time of zero hours.
func hours(n int, d time.Duration) any {
	if n == 0 {
		return nil
	}
	return Hours(d)
}

func share(n, total int) Percent {
	if total == 0 {
		return 0
	}
	return Percent(float64(n) / float64(total))
}

func (r *Report) overdueTable() Table {
	t := Table{Code: "qua-han", Title: "Phản ánh quá hạn", Keys: 1,
		Columns: []Column{{"ma", "Mã phản ánh"}, {"buoc", "Bước chậm"}, {"co_quan", "Mã cơ quan"}, {"ten_co_quan", "Cơ quan phải xử lý"},
			{"linh_vuc", "Lĩnh vực"}, {"don_vi", "Đơn vị hành chính"}, {"han", "Hạn"},
			{"days_late", "Số ngày quá hạn"}, {"hours_late", "Số giờ làm việc quá hạn"}}}
	for _, o := range r.Overdue {
		t.Rows = append(t.Rows, []any{o.Code, stepTitles[o.Step], o.Agency, o.AgencyName, o.FieldName, o.UnitName, o.Due,
			o.DaysLate, Hours(o.HoursLate)})
	}
	return t
}

func (r *Report) rankingTable() Table {
	t := Table{Code: "xep-hang", Title: "Xếp hạng cơ quan", Keys: 2,
		Columns: []Column{{"ma", "Mã"}, {"co_quan", "Cơ quan xử lý"}, {"place", "Hạng"},
			{"on_time", "Đúng hạn (kể cả được gia hạn)"}, {"late", "Trễ hạn"}, {"overdue", "Tồn quá hạn"},
			{"rate", "Tỷ lệ đúng hạn (%)"}, {"mean_resolve_hours", "Xử lý trung bình (giờ làm việc)"}}}
	for _, k := range r.Ranking {
		t.Rows = append(t.Rows, []any{k.Agency, k.Name, k.Place, k.OnTime, k.Late, k.Overdue, Percent(k.Rate),
			hours(k.OnTime+k.Late, k.MeanResolve)})
	}
	return t
}
