package reports

import (
	"fmt"
	htmltemplate "html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/templates"
)

// MailOverdue is how many overdue reports, and how many difficulties, a
// mail lists; the workbook and the CSV attached hold them all.
const MailOverdue = 30

// mailColumns are the columns a mail shows of each table, narrower than the
// workbook's so that it reads on a phone. A table missing here is not
// mailed: the report's heading says what "ky-bao-cao" holds.
var mailColumns = map[string][]string{
	"tong-hop":  {"chi_tieu", "count"},
	"linh-vuc":  {"ten", "received", "resolved", "on_time", "late", "excused", "open_overdue"},
	"co-quan":   {"ten", "forwarded", "coordinated", "returned", "resolved", "on_time", "late", "excused", "open_overdue"},
	"don-vi":    {"ten", "received", "resolved", "on_time", "late", "excused", "open_overdue"},
	"tu-choi":   {"ly_do", "count"},
	"thoi-gian": {"giai_doan", "count", "late", "mean_hours", "p90_hours"},
	"danh-gia":  {"muc_do", "count", "share"},
	"qua-han":   {"ma", "buoc", "ten_co_quan", "han", "days_late"},
	"vuong-mac": {"ma", "ten_co_quan", "tom_tat"},
	"xep-hang":  {"place", "co_quan", "on_time", "late", "overdue", "rate"},

	"bo-sung-khong-chuyen": {"ma", "nguoi_gui", "count"},
	"gui-don-dap":          {"cac_phan_anh", "from", "to"},
}

// digestTables are the tables the daily digest mails: what happened, who
// holds what, and what is overdue.
var digestTables = []string{"tong-hop", "co-quan", "qua-han", "bo-sung-khong-chuyen", "gui-don-dap"}

// tableNotes explain tables in a sentence; {escalation} stands for the
// name of the body escalated reports go to (Report.note).
var tableNotes = map[string]string{
	"co-quan": "Mỗi cơ quan được tính các bước mình thực hiện trong kỳ và các phản ánh mình giữ khi hết kỳ; " +
		"Trung tâm được tính các phản ánh chờ chuyển xử lý, chờ công khai kết quả và đã chuyển {escalation}.",
	"thoi-gian": "Tính theo giờ làm việc của lịch làm việc, không kể ngày nghỉ, ngày lễ, Tết; " +
		"cột cuối: 90% số lượt xong trong thời gian này.",
	"qua-han": "Phản ánh chưa xong bước đang chờ khi hết kỳ mà đã quá hạn; số ngày quá hạn tính theo ngày lịch " +
		"từ hạn đến hết kỳ, số giờ quá hạn theo giờ làm việc.",
	"vuong-mac": "Vướng mắc của kỳ (khoản 4 Điều 13): phản ánh chuyển {escalation}, bị trả lại từ hai lần, " +
		"quá hạn lâu hơn chính thời hạn của bước, hoặc được gia hạn trong kỳ.",
	"bo-sung-khong-chuyen": "Thư bổ sung (thư mới có mã phản ánh trong tiêu đề) vượt giới hạn mỗi giờ của người gửi hoặc của " +
		"phản ánh: đã lưu vào hồ sơ phản ánh, không gửi thông báo cho người đang giữ phản ánh.",
	"gui-don-dap": "Cùng một người gửi từ " + strconv.Itoa(BurstReports) + " phản ánh trở lên trong một giờ. Mỗi phản ánh vẫn được tiếp nhận và " +
		"thông báo như thường; nên xem chung để phát hiện phản ánh trùng lặp.",
	"xep-hang": "Tỷ lệ đúng hạn = kết quả đúng hạn (kể cả được gia hạn, Điều 8.3) / " +
		"(kết quả trong kỳ + phản ánh tồn quá hạn khi hết kỳ).",
}

// View lays the report out for the periodic-report template. A mail
// (full false) shows the main columns of each table — of the summary, the
// agencies and the overdue list for the daily digest — and the first
// MailOverdue overdue reports; the HTML file (full true) every table,
// column and row but the codes beside names (the workbook has them).
// chart is the chart image's source, "" for none.
func (r *Report) View(full bool, chart string) templates.PeriodicReport {
	p := r.Period
	v := templates.PeriodicReport{
		Kind: string(p.Kind), KindTitle: kindTitles[p.Kind], Title: p.Title(), Dates: p.Dates(),
		Mode: modeTitle(p.Kind, r.Mode), GeneratedAt: r.GeneratedAt, Chart: htmltemplate.URL(chart),
		Highlights: r.highlights(),
	}
	if note := r.editionsNote(); note != "" {
		v.Notes = append(v.Notes, note)
	}
	for _, t := range r.Tables() {
		cols, ok := mailColumns[t.Code]
		if !ok || (!full && p.Kind == Daily && !slices.Contains(digestTables, t.Code)) {
			continue
		}
		if full {
			cols = nil
			for i, c := range t.Columns {
				if i > 0 || t.Keys < 2 { // names, not codes, head the rows
					cols = append(cols, c.Code)
				}
			}
		}
		rows := t.Rows
		more := 0
		if !full && (t.Code == "qua-han" || t.Code == "vuong-mac") && len(rows) > MailOverdue {
			rows, more = rows[:MailOverdue], len(rows)-MailOverdue
		}
		v.Tables = append(v.Tables, viewTable(t, cols, rows, more, r.note(t.Code)))
	}
	return v
}

// editionsNote says that the period's reports were routed with several
// routing tables (a reorganisation, SPEC 6.4), "" when one routed them all.
func (r *Report) editionsNote() string {
	if len(r.Editions) < 2 {
		return ""
	}
	parts := make([]string, len(r.Editions))
	for i, e := range r.Editions {
		parts[i] = fmt.Sprintf("%s (%s phản ánh)", e.Title, number(e.Reports))
	}
	count := fmt.Sprint(len(parts))
	if len(parts) == 2 {
		count = "hai"
	}
	return fmt.Sprintf("kỳ báo cáo có phản ánh được phân loại theo %s bảng phân loại: %s và %s. "+
		"Mỗi phản ánh được thống kê theo lĩnh vực, đơn vị hành chính và cơ quan xử lý đã ghi nhận khi phân loại, "+
		"nên các bảng dưới đây có cả đơn vị hành chính, cơ quan trước và sau khi sắp xếp.",
		count, strings.Join(parts[:len(parts)-1], ", "), parts[len(parts)-1])
}

func (r *Report) highlights() []templates.Figure {
	t := r.Totals
	rate := "–"
	if t.Resolved > 0 {
		rate = percent(Percent(float64(t.OnTime+t.Excused) / float64(t.Resolved)))
	}
	return []templates.Figure{
		{Label: mReceived.title, Value: number(t.Received)},
		{Label: mResolved.title, Value: number(t.Resolved)},
		{Label: "Tỷ lệ đúng hạn", Value: rate},
		{Label: mOpen.title, Value: number(t.Open)},
		{Label: mOpenOverdue.title, Value: number(t.OpenOverdue)},
		{Label: "Vướng mắc", Value: number(len(r.Difficulties))},
	}
}

// viewTable keeps the columns named by cols, in that order, and writes
// the values for people.
func viewTable(t Table, cols []string, rows [][]any, more int, note string) templates.ReportTable {
	idx := make([]int, 0, len(cols))
	for _, code := range cols {
		if i := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Code == code }); i >= 0 {
			idx = append(idx, i)
		}
	}
	out := templates.ReportTable{Title: t.Title, More: more, Note: note, Rows: [][]string{}}
	for _, i := range idx {
		out.Columns = append(out.Columns, t.Columns[i].Title)
		out.Numeric = append(out.Numeric, numeric(t.Rows, i))
	}
	for _, row := range rows {
		cells := make([]string, len(idx))
		for j, i := range idx {
			cells[j] = human(row[i])
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}

// numeric reports whether column i holds figures.
func numeric(rows [][]any, i int) bool {
	for _, row := range rows {
		switch row[i].(type) {
		case int, Hours, Percent, nil:
		default:
			return false
		}
	}
	return len(rows) > 0
}

// human writes a value the Vietnamese way: "1.234", "12,5", "87,5" (a
// percentage), "03/03/2026 17:00"; no figure is "–".
func human(v any) string {
	switch v := v.(type) {
	case nil:
		return "–"
	case int:
		return number(v)
	case Hours:
		return decimal(time.Duration(v).Hours())
	case Percent:
		return decimal(float64(v) * 100) // the column's heading says "(%)"
	case Day:
		return time.Time(v).Format("02/01/2006")
	case time.Time:
		return v.Format("02/01/2006 15:04")
	default:
		return fmt.Sprint(v)
	}
}

// number writes a whole number with dots between thousands.
func number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// decimal writes a number with one decimal and a comma.
func decimal(f float64) string {
	r := math.Round(f*10) / 10
	whole := math.Trunc(r)
	return number(int(whole)) + "," + strconv.Itoa(int(math.Round(math.Abs(r-whole)*10)))
}

func percent(p Percent) string { return decimal(float64(p)*100) + " %" }

// note is the note of a table, naming the body escalated reports go to.
func (r *Report) note(code string) string {
	return strings.ReplaceAll(tableNotes[code], "{escalation}", r.Escalation)
}
