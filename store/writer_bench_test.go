package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/storetest"
)

// BenchmarkWriterReport runs the writer's part of one citizen report, as
// the daemon's ingest and outbox queue it (cmd/phananh's
// BenchmarkThroughput): a transaction a message — the duplicate checks,
// the report's read with the sender's automatic replies of the hour by
// one statement, the report, message, attachment, event and deadline
// written, two mails queued — committed in groups of 256, and then a transaction a batch of the mailer's (mailBatch mails)
// recording its mails sent, as the mailer does (Tx.MailsSent). The
// raw copy and the mails' copies are written into a batch's pack and
// synced beforehand, off the timer, as the parsers and the outbox write
// them beside the writer. An op is one report: its time is the writer's,
// which runs these alone. It reports the process's CPU time a report over
// the timed parts, on every core, the kernel's included (cpu-µs/report):
// the writer's, and the checkpointer's beside it.
func BenchmarkWriterReport(b *testing.B) {
	const mailBatch = 100 // the mailer's batch
	const group = 256
	db := storetest.Open(b)
	ctx := context.Background()
	const raw, ack, notice = 6 << 10, 9 << 10, 21 << 10 // the sizes of the blobs a report keeps
	data := []byte(`{"name":"Người dân","text":"` + strings.Repeat("Khu vực ấp 3 bị cúp điện. ", 40) + `"}`)
	at := time.Date(2026, 11, 23, 1, 10, 0, 0, time.UTC)
	n := b.N
	blobs := db.Blobs()
	b.ResetTimer()
	cpu := -processCPU()
	for done := 0; done < n; done += group {
		size := min(group, n-done)
		b.StopTimer()
		cpu += processCPU()
		g := blobs.Batch()
		refs := make([][3]string, size)
		for i := range size {
			refs[i] = [3]string{keep(b, g, random(raw)), keep(b, g, random(ack)), keep(b, g, random(notice))}
		}
		if err := g.Sync(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu -= processCPU()
		mails := make([][2]store.Mail, size)
		fns := make([]func(*store.Tx) error, size)
		for i := range size {
			fns[i] = func(tx *store.Tx) error {
				j := done + i
				email := fmt.Sprintf("dan%d@example.com", j)
				content := fmt.Sprintf("Khu vực ấp %d bị cúp điện từ sáng đến giờ chưa có lại, mã số %d.", j%50, j)
				if _, err := tx.SeenContent(fmt.Sprintf("bench-%d@mail.example.com", j), refs[i][0], fmt.Sprint("digest", j)); err != store.ErrNotFound {
					return err
				}
				if _, _, err := tx.RecentReportAndReplies(email, content, at.Add(-time.Hour),
					[]string{"ack", "already-rated", "followup-answer"}, at.Add(-time.Hour)); err != nil {
					return err
				}
				r, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: at, Lang: "vi",
					Citizen: store.Citizen{Email: email, Name: fmt.Sprint("Người dân ", j), Phone: "0912 345 678", Address: "ấp 3, xã Vị Đông"},
					Subject: fmt.Sprint("Mất điện số ", j), Content: content, Location: "ấp 3",
					Routing: store.Routing{Field: "dien", Unit: "vi-thuy", Agency: "dien-luc", Rule: "field", Why: "lĩnh vực điện"}})
				if err != nil {
					return err
				}
				m, err := tx.RecordMessage(store.Message{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(j + 1),
					MessageID: fmt.Sprintf("bench-%d@mail.example.com", j), RawKey: refs[i][0], Digest: fmt.Sprint("digest", j), RawSize: 6 << 10,
					Sender: email, Kind: "report", ReportCode: r.Code, ReceivedAt: at, ProcessedAt: at})
				if err != nil {
					return err
				}
				if _, err := tx.AddAttachment(r.ID, store.Attachment{MessageID: m, Role: "report", Name: "anh.jpg",
					Type: "image/jpeg", Size: 3 << 10, BlobKey: "blob"}); err != nil {
					return err
				}
				if err := tx.AppendEvent(r.ID, store.Event{At: at, Actor: "citizen", Command: "ingest", MessageID: m,
					To: "received", Agency: "trung-tam"}); err != nil {
					return err
				}
				if _, err := tx.SetDeadline(r.ID, store.Deadline{Kind: "intake", Start: at, Due: at.Add(8 * time.Hour)}); err != nil {
					return err
				}
				for k, to := range []string{email, "tiepnhan@haugiang.gov.vn"} {
					mail, err := tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: to,
						Role: "citizen", Data: data}, at)
					if err != nil {
						return err
					}
					mails[i][k] = mail
				}
				return nil
			}
		}
		for _, err := range db.WriteEach(ctx, fns...) {
			if err != nil {
				b.Fatal(err)
			}
		}
		fns = fns[:0]
		for i := 0; i < size; i += mailBatch / 2 {
			var sent []store.Sent
			for j := i; j < min(i+mailBatch/2, size); j++ {
				for k, m := range mails[j] {
					sent = append(sent, store.Sent{Mail: m, At: at, Key: refs[j][1+k]})
				}
			}
			fns = append(fns, func(tx *store.Tx) error { return tx.MailsSent(sent) })
		}
		for _, err := range db.WriteEach(ctx, fns...) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	cpu += processCPU()
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/report")
}

// processCPU is the CPU time the process has used, on every core, the
// kernel's included.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// keep writes a blob of data into g, and returns its reference.
func keep(b *testing.B, g *store.BlobBatch, data []byte) string {
	w, err := g.Create()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		b.Fatal(err)
	}
	ref, err := w.Commit()
	if err != nil {
		b.Fatal(err)
	}
	return ref
}

// BenchmarkMailsSince counts a sender's automatic replies of the last
// hour, as intake does in the writer before each acknowledgement, in an
// outbox of 2 000 mails to 1 000 senders and one receiver.
func BenchmarkMailsSince(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 10, 0, 0, time.UTC)
	kinds := []string{"ack", "already-rated", "followup-answer"}
	const senders = 1000
	err := db.Write(ctx, func(tx *store.Tx) error {
		for i := range senders {
			for _, m := range []store.Mail{{Kind: "ack", To: fmt.Sprintf("dan%d@example.com", i), Role: "citizen"},
				{Kind: "triage", To: "tiepnhan@haugiang.gov.vn", Role: "receiver"}} {
				m.Data = []byte(`{}`)
				if _, err := tx.Enqueue(m, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	count := func(n int) error {
		return db.Write(ctx, func(tx *store.Tx) error {
			for i := range n {
				n, err := tx.MailsSince(fmt.Sprintf("dan%d@example.com", i%senders), kinds, at.Add(-time.Hour))
				if err != nil || n != 1 {
					return fmt.Errorf("%d mails, %v; want 1", n, err)
				}
			}
			return nil
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := count(b.N); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkUpdateReport writes a report's change of state, as a command
// or the watch does through the lifecycle, in the writer.
func BenchmarkUpdateReport(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 10, 0, 0, time.UTC)
	var r store.Report
	err := db.Write(ctx, func(tx *store.Tx) (err error) {
		r, err = tx.CreateReport(store.Report{State: "received", ReceivedAt: at, Lang: "vi",
			Citizen: store.Citizen{Email: "dan@example.com"}, Content: "Khu vực ấp 3 bị cúp điện."})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	states := []string{"forwarded", "resolved", "published"}
	b.ReportAllocs()
	b.ResetTimer()
	err = db.Write(ctx, func(tx *store.Tx) error {
		for i := range b.N {
			r.State = states[i%len(states)]
			if err := tx.UpdateReport(r, at.Add(time.Duration(i)*time.Minute)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
