package mailer

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image/png"
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
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// sendOne stores blobs, queues one mail built from their keys, sends it
// through an SMTP sink and returns what the sink received, with the store.
func sendOne(t *testing.T, blobs [][]byte, mail func(keys []string) store.Mail) ([]byte, *store.DB) {
	t.Helper()
	db := openStore(t)
	var keys []string
	for _, b := range blobs {
		k, _, err := db.Blobs().Put(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	w, sink := newWorker(t, db, io.Discard)
	enqueue(t, w, mail(keys))
	if n, err := w.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	return sink.Messages()[0].Data, db
}

func openStore(t testing.TB) *store.DB {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(dir, "db"), DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{5}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newWorker returns a worker sending db's outbox to an SMTP sink, logging
// JSON to log, with its clock stopped at 24 November 2026, 09:00 UTC.
func newWorker(t testing.TB, db *store.DB, log io.Writer) (*Worker, *smtptest.Server) {
	t.Helper()
	sink, err := smtptest.NewServer(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	tpl := NewTemplates(set)
	host, port, _ := strings.Cut(sink.Addr(), ":")
	p, _ := strconv.Atoi(port)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	return &Worker{DB: db, Templates: func() *Templates { return tpl }, From: Sender{Address: "phananh@haugiang.gov.vn"},
		SMTP: SMTP{Host: host, Port: p, TLS: "none", Timeout: 10 * time.Second}, Log: slog.New(slog.NewJSONHandler(log, nil)),
		RetryMax: time.Minute, Now: func() time.Time { return now }}, sink
}

func enqueue(t *testing.T, w *Worker, m store.Mail) {
	t.Helper()
	if err := w.DB.Write(context.Background(), func(tx *store.Tx) error { _, err := tx.Enqueue(m, w.Now()); return err }); err != nil {
		t.Fatal(err)
	}
}

// TestSMTPUTF8OnlyWhenNeeded sends mail to an address in ASCII and to one
// with Vietnamese letters through a server that offers SMTPUTF8: only the
// second asks for it, and both arrive.
func TestSMTPUTF8OnlyWhenNeeded(t *testing.T) {
	w, sink := newWorker(t, openStore(t), io.Discard)
	data, _ := json.Marshal(templates.Ack{Code: "PA-2026-000001"})
	for _, to := range []string{"nguyen.dan@example.com", "người.dân@ví-dụ.vn"} {
		enqueue(t, w, store.Mail{Kind: "ack", To: to, Role: "citizen", Data: data})
	}
	if n, err := w.SendDue(context.Background()); err != nil || n != 2 {
		t.Fatalf("sent %d, %v", n, err)
	}
	for _, r := range sink.Messages() {
		if want := r.To[0] != "nguyen.dan@example.com"; r.UTF8 != want {
			t.Errorf("mail to %s: SMTPUTF8 %v, want %v", r.To[0], r.UTF8, want)
		}
	}
}

// TestSendResultWithFiles sends a result notice with a photo and a
// document stored in the encrypted blob store: both arrive attached, the
// photo without its GPS position, and no temporary file stays behind.
func TestSendResultWithFiles(t *testing.T) {
	photo, _ := os.ReadFile("testdata/gps.jpg")
	doc := []byte("%PDF-1.4 biên bản nghiệm thu")
	data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Result: "Đã xử lý.", Files: []string{"ảnh sau xử lý.jpg", "biên bản.pdf"}})
	raw, db := sendOne(t, [][]byte{photo, doc}, func(keys []string) store.Mail {
		return store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Data: data,
			Attachments: []store.MailFile{{BlobKey: keys[0], Name: "ảnh sau xử lý.jpg", Type: "image/jpeg"},
				{BlobKey: keys[1], Name: "biên bản.pdf", Type: "application/pdf"}}}
	})
	files := attachments(t, raw)
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

// TestSendPNGWithoutMetadata sends a PNG photo (testdata/gps.png: a
// picture written by image/png with the Exif block of gps.jpg in an eXIf
// chunk, an author in tEXt, XMP with a GPS position in iTXt, and tIME)
// without any of them, the picture kept; a file that only starts like a
// PNG is left out, not sent with what it may hold.
func TestSendPNGWithoutMetadata(t *testing.T) {
	photo, _ := os.ReadFile("testdata/gps.png")
	fake := []byte("\x89PNG\r\n\x1a\nnot a PNG: Nguyen Van An")
	data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Result: "Đã xử lý.", Files: []string{"anh.png", "gia.png"}})
	raw, _ := sendOne(t, [][]byte{photo, fake}, func(keys []string) store.Mail {
		return store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Data: data,
			Attachments: []store.MailFile{{BlobKey: keys[0], Name: "anh.png", Type: "image/png"},
				{BlobKey: keys[1], Name: "gia.png", Type: "image/png"}}}
	})
	files := attachments(t, raw)
	got, ok := files["anh.png"]
	if !ok {
		t.Fatal("the photo was not sent")
	}
	for _, leak := range []string{"eXIf", "tEXt", "iTXt", "tIME", "Nguyen", "GPS", "xmpmeta"} {
		if bytes.Contains(got, []byte(leak)) {
			t.Errorf("%q is still in the photo", leak)
		}
	}
	before, err := png.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	after, err := png.Decode(bytes.NewReader(got))
	if err != nil || after.Bounds() != before.Bounds() || after.At(10, 20) != before.At(10, 20) {
		t.Errorf("the picture changed: %v", err)
	}
	if _, sent := files["gia.png"]; sent {
		t.Error("a file that is no PNG was sent as one")
	}
}

// TestSendInlineFile embeds an inline file with the Content-ID its name
// gives, for the HTML's "cid:" reference.
func TestSendInlineFile(t *testing.T) {
	chart, _ := os.ReadFile("testdata/gps.png")
	data, _ := json.Marshal(templates.ReportAnswer{Period: "monthly", Month: "2026-11"})
	raw, _ := sendOne(t, [][]byte{chart}, func(keys []string) store.Mail {
		return store.Mail{Kind: "report", To: "lanhdao@example.gov.vn", Role: "approver", Data: data,
			Attachments: []store.MailFile{{BlobKey: keys[0], Name: "chart.png", Type: "image/png", Inline: true}}}
	})
	if !bytes.Contains(raw, []byte("Content-Id: <chart.png>")) && !bytes.Contains(raw, []byte("Content-ID: <chart.png>")) {
		t.Errorf("no Content-ID for the inline chart:\n%s", raw)
	}
	if !bytes.Contains(raw, []byte("Content-Disposition: inline")) || len(attachments(t, raw)) != 0 {
		t.Error("the chart is not inline")
	}
}

// TestSendInlinePhoto embeds a photo under the Content-ID it was given,
// whatever its file name, without its location data.
func TestSendInlinePhoto(t *testing.T) {
	photo, _ := os.ReadFile("testdata/gps.jpg")
	data, _ := json.Marshal(templates.ReportAnswer{Period: "monthly", Month: "2026-11"})
	raw, _ := sendOne(t, [][]byte{photo}, func(keys []string) store.Mail {
		return store.Mail{Kind: "report", To: "tiepnhan@example.gov.vn", Role: "receiver", Data: data,
			Attachments: []store.MailFile{{BlobKey: keys[0], Name: "ảnh hiện trường 1.jpg", Type: "image/jpeg", Inline: true,
				CID: "anh-1.PA-2026-000001@phananh"}}}
	})
	if !bytes.Contains(raw, []byte("Content-Id: <anh-1.PA-2026-000001@phananh>")) &&
		!bytes.Contains(raw, []byte("Content-ID: <anh-1.PA-2026-000001@phananh>")) {
		t.Errorf("no Content-ID for the inline photo:\n%s", raw)
	}
	if !bytes.Contains(raw, []byte("multipart/related")) || len(attachments(t, raw)) != 0 {
		t.Error("the photo is not inline, beside the HTML")
	}
}

// attachments returns the attachments of a raw message by file name.
func attachments(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	goParts(t, raw, func(p *gomessage.Part) {
		if h, ok := p.Header.(*gomessage.AttachmentHeader); ok {
			name, _ := h.Filename()
			out[name], _ = io.ReadAll(p.Body)
		}
	})
	return out
}

// goParts calls f with each part of a raw message as go-message reads it.
func goParts(t *testing.T, raw []byte, f func(*gomessage.Part)) {
	t.Helper()
	r, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		f(p)
	}
}

// TestUnrenderableMailLogsNoAddress: a mail whose recipient address cannot
// be written (a display name decoded with a line break once made one) fails
// for good, and the log says which mail and why without the address.
func TestUnrenderableMailLogsNoAddress(t *testing.T) {
	var logged bytes.Buffer
	w, sink := newWorker(t, openStore(t), &logged)
	enqueue(t, w, store.Mail{Kind: "ack", To: "_victim@evil.example\r\nBcc: an.nguyen@gmail.com", Role: "citizen",
		Data: []byte(`{"Code":"PA-2026-000001"}`)})
	if n, err := w.SendDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("sent %d, %v", n, err)
	}
	if len(sink.Messages()) != 0 {
		t.Fatal("the mail went out")
	}
	if !strings.Contains(logged.String(), "cannot be rendered") {
		t.Fatalf("the failure is not logged:\n%s", logged.String())
	}
	for _, needle := range []string{"victim", "evil.example", "an.nguyen", "gmail"} {
		if strings.Contains(logged.String(), needle) {
			t.Errorf("the log names %q:\n%s", needle, logged.String())
		}
	}
}

// TestSendLeavesNoClearTextOnDisk: a mail with a citizen's files is too
// large to hold in memory, and its bytes and its files go through
// temporary files of the data folder, unlinked at once; what those files
// hold on the disk is encrypted, so that the blocks they free keep no
// clear text of the citizen's data. The sink looks at every unlinked file
// the process holds open when the mail arrives.
func TestSendLeavesNoClearTextOnDisk(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	secret := "Nguyễn Văn An 0912345678 "
	doc := []byte("%PDF-1.4 " + strings.Repeat(secret, (2<<20)/len(secret)))
	db := openStore(t)
	key, _, err := db.Blobs().Put(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := newWorker(t, db, io.Discard)
	sink, err := smtptest.NewServer(smtptest.Options{Keep: func(smtptest.Received) bool {
		for _, leak := range clearTextInTempFiles(t, db.Blobs().TempDir(), secret) {
			t.Errorf("an unlinked temporary file holds the citizen's data in clear: %s", leak)
		}
		return true
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	host, port, _ := strings.Cut(sink.Addr(), ":")
	w.SMTP.Host, w.SMTP.Port = host, must(strconv.Atoi(port))
	data, _ := json.Marshal(templates.Result{Code: "PA-2026-000001", Name: "Nguyễn Văn An", Result: "Đã xử lý.", Files: []string{"biên bản.pdf"}})
	enqueue(t, w, store.Mail{Kind: "result", To: "an@example.com", Role: "citizen", Data: data,
		Attachments: []store.MailFile{{BlobKey: key, Name: "biên bản.pdf", Type: "application/pdf"}}})
	if n, err := w.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	if got := attachments(t, sink.Messages()[0].Data)["biên bản.pdf"]; !bytes.Equal(got, doc) {
		t.Errorf("the document arrived as %d bytes, want %d", len(got), len(doc))
	}
}

// clearTextInTempFiles returns the unlinked files under dir that the
// process holds open and that hold s, as it is or as base64 or
// quoted-printable would write it.
func clearTextInTempFiles(t *testing.T, dir, s string) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	forms := []string{s}
	for k := range 3 { // the three alignments of s in base64's groups of three bytes
		forms = append(forms, base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", k) + s + s + s))[8:24])
	}
	var out []string
	for _, fd := range fds {
		p := filepath.Join("/proc/self/fd", fd.Name())
		target, err := os.Readlink(p)
		if err != nil || !strings.HasPrefix(target, dir) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, f := range forms {
			if bytes.Contains(b, []byte(f)) {
				out = append(out, target)
				break
			}
		}
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestWakeWhileRunning: the worker is woken from other goroutines than
// its own — intake's after each batch, the schedule's — from the moment
// it starts; run with -race, the wake-up channel made on first use by
// either side was a data race.
func TestWakeWhileRunning(t *testing.T) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	w.Poll = time.Hour // only a wake-up sends
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	woken := make(chan struct{})
	go func() { w.Wake(); close(woken) }()
	<-woken
	data, _ := json.Marshal(templates.Ack{Code: "PA-2026-000001"})
	enqueue(t, w, store.Mail{Kind: "ack", To: "dan@example.com", Role: "citizen", Data: data})
	w.Wake()
	deadline := time.Now().Add(30 * time.Second)
	for len(sink.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		w.Wake()
	}
	cancel()
	<-done
	if len(sink.Messages()) != 1 {
		t.Errorf("woken, the worker sent %d mails, want 1", len(sink.Messages()))
	}
}
