package mailer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestMailSentWhileItsReportIsErased: `phananh erase`, another process,
// erases a report while the mailer sends its acknowledgement — after the
// outbox gave the mail out, before the server's acceptance is recorded.
// The mail, which went, is recorded sent once; the report stays erased,
// with no data key made for it, and the mail keeps no reference to the
// bytes it archived.
func TestMailSentWhileItsReportIsErased(t *testing.T) {
	db, path := openFileDB(t)
	ctx := context.Background()
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	var r store.Report
	err := db.Write(ctx, func(tx *store.Tx) error {
		var err error
		r, err = tx.CreateReport(store.Report{State: "closed", ReceivedAt: w.Now(), Lang: "vi",
			Citizen: store.Citizen{Email: "dan@example.com", Name: "Nguyễn Văn Dân"}, Content: "Đèn đường hỏng."})
		if err != nil {
			return err
		}
		data, _ := json.Marshal(templates.Ack{Code: r.Code})
		_, err = tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: r.Citizen.Email, Role: "citizen",
			Data: data}, w.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The other process, with the same database and key store.
	other, err := store.Open(ctx, store.Options{Path: path, DataDir: filepath.Join(filepath.Dir(path), "data"),
		Key: bytes.Repeat([]byte{5}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	allow := func(store.Report, []store.Deadline) error { return nil }
	sink := sendTo(t, w, smtptest.Options{OnAccepted: func(smtptest.Received) {
		if _, err := other.Erase(ctx, r.Code, store.Erasure{At: w.Now(), Cause: store.ErasureRequest, Actor: "dpo"}, allow); err != nil {
			t.Errorf("the erasure while the mail is sent: %v", err)
		}
	}})
	if n, err := w.sendDue(ctx); n != 1 || err != nil {
		t.Fatalf("sent %d, %v: want 1", n, err)
	}
	wantAllStates(t, db, "", "sent/1")
	wantAccepted(t, sink, 1)
	db.Read(ctx, func(tx *store.Tx) error {
		m, err := tx.MailByID(1)
		if err != nil || m.SentKey != "" || m.To != "" {
			t.Errorf("the erased report's mail reads archived as %q, to %q (%v): want neither", m.SentKey, m.To, err)
		}
		return nil
	})
	if _, err := db.Erase(ctx, r.Code, store.Erasure{At: w.Now(), Cause: store.ErasureRequest}, allow); !errors.Is(err, store.ErrErased) {
		t.Errorf("the report erased again: %v, want ErrErased (no data key made for it since)", err)
	}
}
