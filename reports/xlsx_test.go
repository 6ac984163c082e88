package reports

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// TestXLSXReadBack reads the workbook of the March report back, cell by
// cell: one sheet per table in order, the headings, numbers as numbers
// and text as text.
func TestXLSXReadBack(t *testing.T) {
	w := newWorld(t)
	w.seed()
	r := compute(t, w, ending(t, Monthly, "2026-03", Decree), Decree)
	f := readXLSX(t, r)
	tables := r.Tables()
	var titles []string
	for _, tb := range tables {
		titles = append(titles, tb.Title)
	}
	if got := f.GetSheetList(); !slices.Equal(got, titles) {
		t.Fatalf("sheets %q, want %q", got, titles)
	}
	cells := 0
	for _, tb := range tables {
		for j, c := range tb.Columns {
			checkText(t, f, tb.Title, cell(t, j, 1), c.Title)
		}
		for i, row := range tb.Rows {
			for j, v := range row {
				checkCell(t, f, tb.Title, cell(t, j, i+2), v)
				cells++
			}
		}
		if rows, _ := f.GetRows(tb.Title); len(rows) != len(tb.Rows)+1 {
			t.Errorf("%s: %d rows, want %d", tb.Title, len(rows), len(tb.Rows)+1)
		}
	}
	if cells < 300 {
		t.Errorf("only %d cells checked", cells)
	}
}

// readXLSX writes a report's workbook and opens it, to be read back.
func readXLSX(t *testing.T, r *Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func cell(t *testing.T, col, row int) string {
	name, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func checkText(t *testing.T, f *excelize.File, sheet, ref, want string) {
	t.Helper()
	got, err := f.GetCellValue(sheet, ref)
	if err != nil || got != want {
		t.Errorf("%s!%s = %q (%v), want %q", sheet, ref, got, err, want)
	}
	if typ, _ := f.GetCellType(sheet, ref); want != "" && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Errorf("%s!%s: type %v, want text", sheet, ref, typ)
	}
}

// checkCell compares a cell with the table's value: its raw content and
// that a figure is stored as a number.
func checkCell(t *testing.T, f *excelize.File, sheet, ref string, v any) {
	t.Helper()
	var want float64
	switch v := v.(type) {
	case string:
		checkText(t, f, sheet, ref, v)
		return
	case nil:
		checkText(t, f, sheet, ref, "")
		return
	case int:
		want = float64(v)
	case Hours:
		want = math.Round(time.Duration(v).Hours()*100) / 100
	case Percent:
		want = math.Round(float64(v)*10000) / 10000
	case Day, time.Time:
		tm, ok := v.(time.Time)
		if !ok {
			tm = time.Time(v.(Day))
		}
		raw := rawNumber(t, f, sheet, ref)
		got, err := excelize.ExcelDateToTime(raw, false)
		if err != nil || got.Format("2006-01-02 15:04") != tm.In(calendar.Vietnam).Format("2006-01-02 15:04") {
			t.Errorf("%s!%s = %v (%v), want %s", sheet, ref, got, err, tm.In(calendar.Vietnam))
		}
		return
	default:
		t.Fatalf("%s!%s: no check for %T", sheet, ref, v)
	}
	if got := rawNumber(t, f, sheet, ref); got != want {
		t.Errorf("%s!%s = %v, want %v", sheet, ref, got, want)
	}
}

func rawNumber(t *testing.T, f *excelize.File, sheet, ref string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, ref)
	if err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("%s!%s: type %v (%v), want a number", sheet, ref, typ, err)
	}
	raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Errorf("%s!%s = %q, not a number", sheet, ref, raw)
	}
	return n
}
