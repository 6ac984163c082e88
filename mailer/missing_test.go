package mailer

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// pdf is a small document an agency attaches to its result.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// missingCase is a mail with files, some of which are removed from the
// data folder before it is sent, and what its reader must find.
type missingCase struct {
	name  string
	blobs [][]byte
	gone  []int // the blobs removed from the data folder
	mail  func(keys []string) store.Mail
	// attached are the files the mail must carry, by name; unavailable
	// those it must name, in the text's line that holds want and in the
	// HTML.
	attached    []string
	unavailable []string
	want        string
	// absent is text neither body may hold (the count of files that are
	// no longer attached, a reference to a photo not carried).
	absent []string
}

// TestMissingFileNamedUnavailable: a file a queued mail carries that is
// gone from the data folder does not stop the mail. The mail goes out
// with the files that remain, names the missing one as unavailable — not
// as kept at the Center — in its plain text and its HTML, in the reader's
// language, and its outbox row is recorded sent; the log tells the IT
// team which mail and which of its files, by position, never the file's
// name. A periodic report whose files are all gone still goes, its
// figures in the body.
func TestMissingFileNamedUnavailable(t *testing.T) {
	photo, _ := os.ReadFile("testdata/gps.jpg")
	chart, _ := os.ReadFile("testdata/gps.png")
	for _, tc := range []missingCase{
		{
			name: "triage, one of two photos gone", blobs: [][]byte{photo, photo}, gone: []int{1},
			mail: func(keys []string) store.Mail {
				data, _ := json.Marshal(templates.Triage{Code: "PA-2026-000001", Attachments: []templates.File{
					{Name: "cot-dien.jpg", Type: "image/jpeg", Size: int64(len(photo)), Mail: "inline", CID: "anh-1@x"},
					{Name: "day-dien.jpg", Type: "image/jpeg", Size: int64(len(photo)), Mail: "inline", CID: "anh-2@x"}}})
				return store.Mail{Kind: "triage", To: "tiepnhan@haugiang.gov.vn", Role: "receiver", Data: data,
					Attachments: []store.MailFile{{BlobKey: keys[0], Name: "cot-dien.jpg", Type: "image/jpeg", Inline: true, CID: "anh-1@x"},
						{BlobKey: keys[1], Name: "day-dien.jpg", Type: "image/jpeg", Inline: true, CID: "anh-2@x"}}}
			},
			attached: []string{"cot-dien.jpg"}, unavailable: []string{"day-dien.jpg"},
			want: "không còn trong kho dữ liệu của hệ thống", absent: []string{"cid:anh-2@x"},
		},
		{
			name: "result, its document gone", blobs: [][]byte{photo, pdf}, gone: []int{1},
			mail: func(keys []string) store.Mail {
				data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Result: "Đã xử lý.", Files: []string{"anh.jpg", "bien-ban.pdf"}})
				return store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Data: data,
					Attachments: []store.MailFile{{BlobKey: keys[0], Name: "anh.jpg", Type: "image/jpeg"},
						{BlobKey: keys[1], Name: "bien-ban.pdf", Type: "application/pdf"}}}
			},
			attached: []string{"anh.jpg"}, unavailable: []string{"bien-ban.pdf"},
			want: "không còn trong kho dữ liệu của hệ thống", absent: []string{"2 tệp đính kèm", "lưu tại Trung tâm"},
		},
		{
			name: "result in English, its only document gone", blobs: [][]byte{pdf}, gone: []int{0},
			mail: func(keys []string) store.Mail {
				data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Result: "Done.", Files: []string{"report.pdf"}})
				return store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Lang: "en", Data: data,
					Attachments: []store.MailFile{{BlobKey: keys[0], Name: "report.pdf", Type: "application/pdf"}}}
			},
			unavailable: []string{"report.pdf"},
			want:        "no longer available", absent: []string{"file attached", "kept at the Center"},
		},
		{
			name: "assignment, its only file gone", blobs: [][]byte{pdf}, gone: []int{0},
			mail: func(keys []string) store.Mail {
				data, _ := json.Marshal(templates.Notice{Case: templates.Case{Code: "PA-2026-000001", AgencyName: "Công ty Điện lực Hậu Giang",
					Files: []templates.File{{Name: "tep-1.pdf", Type: "application/pdf", Size: int64(len(pdf))}}}, Role: "handler", Attached: true})
				return store.Mail{Kind: "assignment", To: "xuly@dienluc.example.gov.vn", Role: "handler", Data: data,
					Attachments: []store.MailFile{{BlobKey: keys[0], Name: "tep-1.pdf", Type: "application/pdf"}}}
			},
			unavailable: []string{"tep-1.pdf"},
			want:        "không còn trong kho dữ liệu của hệ thống", absent: []string{"được đính kèm thư này", "lưu tại Trung tâm"},
		},
		{
			name: "periodic report, every file gone", blobs: [][]byte{[]byte("PK\x03\x04"), []byte("a,b\n1,2\n"), chart}, gone: []int{0, 1, 2},
			mail: func(keys []string) store.Mail {
				data, _ := json.Marshal(templates.PeriodicReport{Kind: "monthly", KindTitle: "Báo cáo tháng", Title: "Tháng 11/2026",
					Highlights: []templates.Figure{{Label: "Tiếp nhận", Value: "1.234"}}, Chart: "cid:bieu-do.png",
					Tables: []templates.ReportTable{{Title: "Phản ánh quá hạn", Columns: []string{"Mã phản ánh", "Số ngày quá hạn"}, Numeric: []bool{false, true},
						Rows: [][]string{{"PA-2026-000042", "12"}}, More: 6}},
					Attached: []string{"bao-cao.xlsx", "bao-cao.csv"}})
				return store.Mail{Kind: "periodic-report", To: "lanhdao@haugiang.gov.vn", Role: "leader", Lang: "vi", Data: data,
					Attachments: []store.MailFile{{BlobKey: keys[0], Name: "bao-cao.xlsx", Type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
						{BlobKey: keys[1], Name: "bao-cao.csv", Type: "text/csv"}, {BlobKey: keys[2], Name: "bieu-do.png", Type: "image/png", Inline: true}}}
			},
			unavailable: []string{"bao-cao.xlsx", "bao-cao.csv", "bieu-do.png"},
			want:        "không còn trong kho dữ liệu của hệ thống", absent: []string{"cid:bieu-do.png", "Tệp đính kèm:", "trong tệp đính kèm"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
}

// check sends the case's mail and checks what came out.
func (tc missingCase) check(t *testing.T) {
	db := openStore(t)
	var keys []string
	for _, b := range tc.blobs {
		k, _, err := db.Blobs().Put(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	var logged bytes.Buffer
	w, sink := newWorker(t, db, &logged)
	enqueue(t, w, tc.mail(keys))
	for _, i := range tc.gone {
		removeBlob(t, db, keys[i])
	}
	if n, err := w.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v; log:\n%s", n, err, logged.String())
	}
	raw := sink.Messages()[0].Data
	text, html := bodies(t, raw)
	got := carried(t, raw)
	for _, name := range tc.attached {
		if _, ok := got[name]; !ok {
			t.Errorf("%s is not attached", name)
		}
	}
	if len(got) != len(tc.attached) {
		t.Errorf("the mail carries %d files, want %d", len(got), len(tc.attached))
	}
	for _, name := range tc.unavailable {
		if l := lineOf(text, name); !strings.Contains(l, tc.want) {
			t.Errorf("the text names %s as %q, want %q in its line:\n%s", name, l, tc.want, text)
		}
		if l := lineOf(html, name); !strings.Contains(l, tc.want) {
			t.Errorf("the HTML names %s as %q, want %q in its line", name, l, tc.want)
		}
	}
	for _, s := range tc.absent {
		if strings.Contains(text, s) || strings.Contains(html, s) {
			t.Errorf("the mail says %q:\n%s", s, text)
		}
	}
	tc.checkRecord(t, db, logged.String())
}

// checkRecord checks the outbox row and the log.
func (tc missingCase) checkRecord(t *testing.T, db *store.DB, logged string) {
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		m, err := tx.MailByID(1)
		if err == nil && m.State != store.MailSent {
			t.Errorf("the mail is recorded %s, want sent", m.State)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range tc.gone {
		if want := `"file":` + string(rune('1'+i)); !strings.Contains(logged, `"level":"ERROR"`) || !strings.Contains(logged, want) {
			t.Errorf("the log does not name file %d as an error:\n%s", i+1, logged)
		}
	}
	for _, name := range tc.unavailable {
		if strings.Contains(logged, name) {
			t.Errorf("the log names %s:\n%s", name, logged)
		}
	}
}

// carried returns the files a raw message carries, attached or shown
// inline, by name.
func carried(t *testing.T, raw []byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	goParts(t, raw, func(p *gomessage.Part) {
		_, params, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if name := params["filename"]; name != "" {
			out[name] = true
		}
	})
	return out
}

// removeBlob removes a blob's file from the data folder.
func removeBlob(t *testing.T, db *store.DB, key string) {
	t.Helper()
	name, _, _ := strings.Cut(key, "-")
	path := filepath.Join(filepath.Dir(db.Blobs().TempDir()), "blobs", name[:2], name)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// TestUnreadableFileDelaysMail: a file that is in the data folder and
// cannot be read now (an I/O error: here a folder in its place) is no
// missing file: the mail is not sent without it, but tried again later.
func TestUnreadableFileDelaysMail(t *testing.T) {
	db := openStore(t)
	key, _, err := db.Blobs().Put(bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	w, sink := newWorker(t, db, &bytes.Buffer{})
	data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Result: "Đã xử lý.", Files: []string{"bien-ban.pdf"}})
	enqueue(t, w, store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Data: data,
		Attachments: []store.MailFile{{BlobKey: key, Name: "bien-ban.pdf", Type: "application/pdf"}}})
	removeBlob(t, db, key)
	name, _, _ := strings.Cut(key, "-")
	if err := os.Mkdir(filepath.Join(filepath.Dir(db.Blobs().TempDir()), "blobs", name[:2], name), 0o700); err != nil {
		t.Fatal(err)
	}
	if n, err := w.SendDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("sent %d, %v", n, err)
	}
	if len(sink.Messages()) != 0 {
		t.Fatal("the mail went out without its file")
	}
	err = db.Read(context.Background(), func(tx *store.Tx) error {
		m, err := tx.MailByID(1)
		if err == nil && (m.State != store.MailQueued || m.Attempts != 1) {
			t.Errorf("the mail is %s after %d attempts, want queued after 1", m.State, m.Attempts)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
