package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"haugiang.gov.vn/phananh/store/folder"
	"haugiang.gov.vn/phananh/templates"
)

// Files are a report in its formats.
type Files struct {
	XLSX, CSV, Chart []byte
}

// Render writes the report's workbook, CSV and chart.
func (r *Report) Render() (Files, error) {
	var f Files
	var xlsx, csv bytes.Buffer
	if err := r.WriteXLSX(&xlsx); err != nil {
		return f, err
	}
	if err := r.WriteCSV(&csv); err != nil {
		return f, err
	}
	chart, err := r.Chart()
	if err != nil {
		return f, err
	}
	return Files{XLSX: xlsx.Bytes(), CSV: csv.Bytes(), Chart: chart}, nil
}

// HTML renders the report as the periodic-report template's HTML: every
// column and every overdue report, with the chart's image at chart.
func (r *Report) HTML(set *templates.Set, chart string) ([]byte, error) {
	data, err := json.Marshal(r.View(true, chart))
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	out, err := set.Render("periodic-report", templates.Vietnamese, data)
	if err != nil {
		return nil, err
	}
	return []byte(out.HTML), nil
}

// The names of the files WriteFiles writes (SPEC 12.1).
const (
	FileHTML  = "report.html"
	FileXLSX  = "report.xlsx"
	FileCSV   = "report.csv"
	FileChart = "chart.png"
)

// WriteFiles writes the report into dir, making it if needed in a folder
// that must exist (folder.Make: a mistyped path is refused, not made):
// report.html (showing chart.png beside it), report.xlsx, report.csv and
// chart.png. It returns the paths written.
func (r *Report) WriteFiles(dir string, set *templates.Set) ([]string, error) {
	files, err := r.Render()
	if err != nil {
		return nil, err
	}
	html, err := r.HTML(set, FileChart)
	if err != nil {
		return nil, err
	}
	if err := folder.Make(dir, 0o755); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	var paths []string
	for _, f := range []struct {
		name string
		data []byte
	}{{FileHTML, html}, {FileXLSX, files.XLSX}, {FileCSV, files.CSV}, {FileChart, files.Chart}} {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return paths, fmt.Errorf("reports: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}
