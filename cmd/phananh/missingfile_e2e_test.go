package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/store"
)

// TestE2EPhotoGoneBeforeTriage: a report whose photo is gone from the data
// folder (its pack removed) between its intake and its triage notice still
// has its notices sent: the triage notice reaches the receivers without
// the photo, naming it as unavailable in its text and its HTML, and is
// recorded sent, as the citizen's acknowledgement is; the daemon's metrics
// count the file missing, for the operators' alert.
func TestE2EPhotoGoneBeforeTriage(t *testing.T) {
	photo, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOptions{http: true})
	msg := writeFile(t, e.dir, "r.eml", reportWithFiles("gone@mail.example.com", "", sentFile{"cot-dien.jpg", "image/jpeg", photo}))
	mustRun(t, "ingest", "--config", e.config, "--received", "2026-11-23T08:15:00+07:00", msg)
	if n := removeBlobFiles(t, e.dir); n == 0 {
		t.Fatal("the report's files are in no blob file")
	}

	e.startDaemon()
	triage := e.waitMail("triage", e2eReceiver, 1)
	if l := lineWith(triage.text(), "cot-dien.jpg"); !strings.Contains(l, "không còn trong kho dữ liệu của hệ thống") {
		t.Errorf("the triage notice lists the photo gone as %q", l)
	}
	html := string(partOfType(t, triage.raw, "text/html"))
	if l := lineWith(html, "cot-dien.jpg"); !strings.Contains(l, "không còn trong kho dữ liệu của hệ thống") || strings.Contains(html, "cid:") {
		t.Errorf("the triage notice's HTML lists the photo gone as %q, or shows a photo", l)
	}
	if _, ok := triage.files()["cot-dien.jpg"]; ok {
		t.Error("the triage notice carries the photo gone")
	}
	e.waitMail("ack", e2eCitizen, 1)
	if m := get(t, "http://"+e.daemon.listener.Addr().String()+"/metrics"); !strings.Contains(m, "\nphananh_mail_files_missing_total ") ||
		strings.Contains(m, "\nphananh_mail_files_missing_total 0\n") {
		t.Errorf("the metrics count no file missing:\n%s", m)
	}
	db := e.openStore()
	err = db.Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report("PA-2026-000001")
		if err != nil {
			return err
		}
		ms, err := tx.ReportMail(r.ID)
		for _, m := range ms {
			if m.Kind == "triage" && m.State != store.MailSent {
				t.Errorf("the triage notice is recorded %s, want sent", m.State)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// removeBlobFiles removes every file of the blob store under dir — the
// pack of a report's raw message and photos — and returns how many.
func removeBlobFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(path, string(filepath.Separator)+"blobs"+string(filepath.Separator)) {
			n++
			return os.Remove(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
