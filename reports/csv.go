package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// csvHeader heads the CSV's columns.
var csvHeader = []string{"Bảng", "Mã", "Tên", "Mã chỉ tiêu", "Chỉ tiêu", "Giá trị"}

// WriteCSV writes the report as one CSV file (RFC 4180, UTF-8 with a
// byte-order mark, which spreadsheet programs need to read Vietnamese)
// with one line per figure: the table's code, the row's code and name,
// the figure's code and heading, and its value. One file holds every
// table, and a program reads it without knowing their shapes: codes are
// stable, headings are for people.
//
// Values are written for programs: whole numbers plainly, hours and
// percentages with two decimals and a point, days as YYYY-MM-DD,
// instants as RFC 3339 in Vietnam's time, and no figure as nothing.
func (r *Report) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("reports: csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(csvHeader)
	for _, t := range r.Tables() {
		for _, row := range t.Rows {
			code, name := fmt.Sprint(row[0]), ""
			if t.Keys > 1 {
				name = fmt.Sprint(row[1])
			}
			for i := t.Keys; i < len(t.Columns); i++ {
				cw.Write([]string{t.Code, code, name, t.Columns[i].Code, t.Columns[i].Title, csvValue(row[i])})
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("reports: csv: %w", err)
	}
	return nil
}

func csvValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int:
		return strconv.Itoa(v)
	case Hours:
		return strconv.FormatFloat(time.Duration(v).Hours(), 'f', 2, 64)
	case Percent:
		return strconv.FormatFloat(float64(v)*100, 'f', 2, 64)
	case Day:
		return time.Time(v).Format(time.DateOnly)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format(time.RFC3339)
	default:
		return fmt.Sprint(v)
	}
}
