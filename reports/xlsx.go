package reports

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report as an XLSX workbook: one sheet per table,
// named by its Vietnamese title, with the headings in the first row and
// one row per group below. Figures are numbers, not text, so that they
// add up in a spreadsheet: counts as whole numbers, working times in hours
// (two decimals), rates as fractions shown as percentages, instants and
// days as dates in Vietnam's time.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("reports: xlsx: %w", err)
	}
	for i, t := range r.Tables() {
		if i == 0 {
			err = f.SetSheetName("Sheet1", t.Title)
		} else {
			_, err = f.NewSheet(t.Title)
		}
		if err == nil {
			err = writeSheet(f, st, t)
		}
		if err != nil {
			return fmt.Errorf("reports: xlsx sheet %s: %w", t.Title, err)
		}
	}
	err = f.SetDocProps(&excelize.DocProperties{
		Title:    kindTitles[r.Period.Kind] + " — " + r.Period.Title(),
		Subject:  "Kết quả tiếp nhận, xử lý phản ánh hiện trường (" + r.Period.Dates() + ")",
		Creator:  "phananh",
		Language: "vi-VN",
		Created:  r.GeneratedAt.UTC().Format(time.RFC3339),
	})
	if err == nil {
		err = f.Write(w)
	}
	if err != nil {
		return fmt.Errorf("reports: xlsx: %w", err)
	}
	return nil
}

// styles are the cell styles of the workbook.
type styles struct {
	header, count, hours, percent, instant, day int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	formats := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}}},
		{&s.count, excelize.Style{NumFmt: 3}}, // #,##0
		{&s.hours, excelize.Style{CustomNumFmt: ptr("0.00")}},
		{&s.percent, excelize.Style{CustomNumFmt: ptr("0.0%")}},
		{&s.instant, excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy hh:mm")}},
		{&s.day, excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")}},
	}
	for _, fm := range formats {
		id, err := f.NewStyle(&fm.style)
		if err != nil {
			return s, err
		}
		*fm.id = id
	}
	return s, nil
}

func ptr[T any](v T) *T { return &v }

// writeSheet streams one table into its sheet.
func writeSheet(f *excelize.File, st styles, t Table) error {
	sw, err := f.NewStreamWriter(t.Title)
	if err != nil {
		return err
	}
	for i := range t.Columns {
		width := 14.0
		if i == 1 && t.Keys > 1 {
			width = 42 // the names
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.Title}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, row := range t.Rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = st.cell(v)
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell is a value as the workbook holds it.
func (st styles) cell(v any) excelize.Cell {
	switch v := v.(type) {
	case int:
		return excelize.Cell{StyleID: st.count, Value: v}
	case Hours:
		return excelize.Cell{StyleID: st.hours, Value: math.Round(time.Duration(v).Hours()*100) / 100}
	case Percent:
		return excelize.Cell{StyleID: st.percent, Value: math.Round(float64(v)*10000) / 10000}
	case Day:
		return excelize.Cell{StyleID: st.day, Value: time.Time(v)}
	case time.Time:
		if v.IsZero() {
			return excelize.Cell{}
		}
		return excelize.Cell{StyleID: st.instant, Value: v}
	default:
		return excelize.Cell{Value: v}
	}
}
