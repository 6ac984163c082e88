package mailer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestSendResultWithFiles sends a result notice with a photo and a
// document stored in the encrypted blob store: both arrive attached, the
// photo without its GPS position, and no temporary file stays behind.
func TestSendResultWithFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "db"), DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{5}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	photo, _ := os.ReadFile("testdata/gps.jpg")
	doc := []byte("%PDF-1.4 biên bản nghiệm thu")
	photoKey, _, err := db.Blobs().Put(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	docKey, _, _ := db.Blobs().Put(bytes.NewReader(doc))
	data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Result: "Đã xử lý.", Files: []string{"ảnh sau xử lý.jpg", "biên bản.pdf"}})
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	err = db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Enqueue(store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Data: data,
			Attachments: []store.MailFile{{BlobKey: photoKey, Name: "ảnh sau xử lý.jpg", Type: "image/jpeg"},
				{BlobKey: docKey, Name: "biên bản.pdf", Type: "application/pdf"}}}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sink, err := smtptest.NewServer(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(sink.Addr(), ":")
	p, _ := strconv.Atoi(port)
	w := &Worker{DB: db, Templates: func() *templates.Set { return set }, From: Sender{Address: "phananh@haugiang.gov.vn"},
		SMTP: SMTP{Host: host, Port: p, TLS: "none", Timeout: 10 * time.Second}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		RetryMax: time.Minute, Now: func() time.Time { return now }}
	if n, err := w.SendDue(ctx); err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	files := attachments(t, sink.Messages()[0].Data)
	if got := files["biên bản.pdf"]; !bytes.Equal(got, doc) {
		t.Errorf("document arrived as %q", got)
	}
	jpg, ok := files["ảnh sau xử lý.jpg"]
	if !ok || bytes.Contains(jpg, []byte("Exif")) || !bytes.HasPrefix(jpg, []byte{0xFF, 0xD8}) {
		t.Errorf("photo: present %v, %d bytes, still with Exif or not a JPEG", ok, len(jpg))
	}
	if left, _ := os.ReadDir(db.Blobs().TempDir()); len(left) != 0 {
		t.Errorf("%d temporary files left", len(left))
	}
}

// attachments returns the attachments of a raw message by file name.
func attachments(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	r, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomessage.AttachmentHeader); ok {
			name, _ := h.Filename()
			out[name], _ = io.ReadAll(p.Body)
		}
	}
}
