package reports

import (
	"bytes"
	"fmt"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// The template kinds of a report's mail: on schedule (MailKind), and in
// answer to an operator's /report (AskedMailKind), with the same content.
const (
	MailKind      = "periodic-report"
	AskedMailKind = "asked-report"
)

// fileSlugs name each kind's files in a mail, so that a recipient who saves
// the reports of several periods tells them apart.
var fileSlugs = map[Kind]string{
	Daily: "tong-hop-ngay", Monthly: "bao-cao-thang", Quarterly: "bao-cao-quy",
	Semiannual: "bao-cao-6-thang", Annual: "bao-cao-nam",
}

// Mail makes the report's mail: it stores the workbook and the CSV as
// attachments and the chart as an inline image (Content-ID: its name), and
// returns the template's data and the files. The names carry the kind and
// the period: "bao-cao-thang-2026-03.xlsx".
func (r *Report) Mail(blobs *store.Blobs) (templates.PeriodicReport, []store.MailFile, error) {
	out, err := r.Render()
	if err != nil {
		return templates.PeriodicReport{}, nil, err
	}
	base := fileSlugs[r.Period.Kind] + "-" + r.Period.Name
	var files []store.MailFile
	for _, f := range []struct {
		name, typ string
		data      []byte
		inline    bool
	}{
		{base + ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.XLSX, false},
		{base + ".csv", "text/csv; charset=utf-8", out.CSV, false},
		{"bieu-do-" + base + ".png", "image/png", out.Chart, true},
	} {
		key, _, err := blobs.Put(bytes.NewReader(f.data))
		if err != nil {
			return templates.PeriodicReport{}, nil, fmt.Errorf("reports: %s: %w", f.name, err)
		}
		files = append(files, store.MailFile{BlobKey: key, Name: f.name, Type: f.typ, Inline: f.inline})
	}
	view := r.View(false, "cid:"+files[2].Name)
	view.Attached = []string{files[0].Name, files[1].Name}
	return view, files, nil
}
