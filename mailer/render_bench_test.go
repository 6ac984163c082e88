package mailer

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/mailer/mimewriter"
	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/store"
)

// reportMails are the two mails a citizen's report owes, as intake queues
// them for BenchmarkThroughput's report (testdata/bench-*.json): the
// acknowledgement and the receiver's triage notice, in the conversation
// about the report, with the citizen's photo (3 KB) inline.
func reportMails(b testing.TB, db *store.DB) []store.Mail {
	photo, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		b.Fatal(err)
	}
	pad := make([]byte, 3<<10-len(photo))
	for i := range pad {
		pad[i] = byte(i * 7)
	}
	key, _, err := db.Blobs().Put(bytes.NewReader(append(photo, pad...)))
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 1, 15, 0, 0, time.UTC)
	ack := store.Mail{ID: 1, ReportID: 1, ReportCode: "PA-2026-000001", Kind: "ack", To: "dan7@example.com", Role: "citizen",
		MessageID: "phananh.PA-2026-000001.ack.1@haugiang.gov.vn", ReplyTo: "phananh+t.AbCdEfGhIjKlMnOp@haugiang.gov.vn",
		InReplyTo: "bench-7@mail.example.com", References: []string{"bench-7@mail.example.com"}, Lang: "vi",
		Data: must(os.ReadFile("testdata/bench-ack.json")), CreatedAt: at}
	triage := store.Mail{ID: 2, ReportID: 1, ReportCode: "PA-2026-000001", Kind: "triage", To: "tiepnhan@haugiang.gov.vn", Role: "receiver",
		MessageID: "phananh.PA-2026-000001.triage.2@haugiang.gov.vn", ReplyTo: "phananh+t.QrStUvWxYzAbCdEf@haugiang.gov.vn", Lang: "vi",
		Data: must(os.ReadFile("testdata/bench-triage.json")), CreatedAt: at,
		Attachments: []store.MailFile{{BlobKey: key, Name: "anh.jpg", Type: "image/jpeg", Inline: true, CID: "anh-1.PA-2026-000001@haugiang.gov.vn"}}}
	thread.Notice(nil, triage.To, at).Set(&triage)
	return []store.Mail{ack, triage}
}

// BenchmarkRender renders the two mails a report owes and writes them as
// DATA carries them, to nowhere: the mailer's work a report without the
// network, the server or the store's record. One op is one report; it
// reports the CPU time of the process a report, the collector's included.
func BenchmarkRender(b *testing.B) {
	benchReports(b, func(w *Worker, _ *store.DB, m store.Mail) (*spill, error) {
		r := &rendering{mail: m}
		w.render(r)
		return r.body, r.err
	})
}

// benchReports runs b over the two mails a report owes (reportMails), each
// made by render and written as DATA carries it, to nowhere. One op is one
// report; it reports the CPU time of the process and the bytes a report.
func benchReports(b *testing.B, render func(*Worker, *store.DB, store.Mail) (*spill, error)) {
	db := openStore(b)
	w, _ := newWorker(b, db, io.Discard)
	mails := reportMails(b, db)
	out := bufio.NewWriter(discard{})
	b.ReportAllocs()
	var size int
	cpu := cpuTime()
	for b.Loop() {
		size = 0
		for _, m := range mails {
			body, err := render(w, db, m)
			if err != nil {
				b.Fatal(err)
			}
			r, err := body.reader()
			if err != nil {
				b.Fatal(err)
			}
			d := &dotWriter{w: out}
			n, _ := io.Copy(d, r)
			d.Close()
			size += int(n)
			body.close()
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/report")
	b.ReportMetric(float64(size), "bytes/report")
}

// BenchmarkQuotedPrintableBodies encodes the plain text and the HTML of a
// report's two mails (reportMails) as quoted-printable, whole and with
// their templates' lines copied (NewTemplates). One op is one report; it
// reports the CPU time of the process a report.
func BenchmarkQuotedPrintableBodies(b *testing.B) {
	db := openStore(b)
	w, _ := newWorker(b, db, io.Discard)
	var bodies [][]byte
	for _, m := range reportMails(b, db) {
		msg, err := w.Templates().Compose(w.From, m)
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, msg.text.Bytes(), msg.html.Bytes())
	}
	for _, c := range []struct {
		name  string
		lines *mimewriter.QPLines
	}{{"whole", nil}, {"lines", w.Templates().lines}} {
		b.Run(c.name, func(b *testing.B) {
			var buf []byte
			cpu := cpuTime()
			for b.Loop() {
				for _, body := range bodies {
					buf = mimewriter.AppendQuotedPrintableLines(buf[:0], body, c.lines)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1000/float64(b.N), "cpu-µs/report")
		})
	}
}
