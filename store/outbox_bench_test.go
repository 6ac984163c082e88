package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkMailLife follows the outbox's mails of b.N reports through
// their life, as a drain of a backlog does (cmd/phananh's
// BenchmarkThroughput, with -benchtime Nx): each report's two mails — the
// acknowledgement to its citizen, the triage notice with its photo to the
// receiver — queued by a transaction a report, committed in groups of
// 256; then read back in batches of 100 and recorded sent, a transaction
// a batch, as the mailer's worker does (mailLifeDrain). Each group's
// reports, with their data keys, are made off the timer just before their
// mails are queued, as intake makes a report and queues its mails in one
// transaction; the blobs the mails name (the photo, the archives of the
// bytes sent) are made beforehand. Every mail is queued before the first
// is read: intake runs ahead of the outbox in a drain. It reports the CPU
// time a mail of each part (enqueue-, read- and sent-cpu-µs/mail, on every
// core, the checkpointer's and the kernel's included) and of the three
// (cpu-µs/mail).
func BenchmarkMailLife(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	now := time.Now().Truncate(time.Second)
	n := b.N
	b.StopTimer()
	photo, archives := mailLifeBlobs(b, db, n)
	var cpu [3]time.Duration
	mails := make([]Mail, 0, 2*n)
	for done := 0; done < n; done += 256 {
		reports := mailLifeReports(b, db, now, done, min(256, n-done))
		b.StartTimer()
		cpu[0] += cpuSpent(func() { mails = append(mails, mailLifeEnqueue(b, db, reports, photo, now)...) })
		b.StopTimer()
	}
	b.StartTimer()
	if read := mailLifeDrain(b, db, archives, now, &cpu[1], &cpu[2]); read != len(mails) {
		b.Fatalf("%d mails read, %d queued", read, len(mails))
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(len(mails)) }
	b.ReportMetric(per(cpu[0]), "enqueue-cpu-µs/mail")
	b.ReportMetric(per(cpu[1]), "read-cpu-µs/mail")
	b.ReportMetric(per(cpu[2]), "sent-cpu-µs/mail")
	b.ReportMetric(per(cpu[0]+cpu[1]+cpu[2]), "cpu-µs/mail")
}

// cpuSpent returns the CPU time the process spent, on every core, while
// fn ran.
func cpuSpent(fn func()) time.Duration {
	u0, s0 := rusage()
	fn()
	u, s := rusage()
	return u - u0 + s - s0
}

// mailLifeBlobs writes a photo, and the archives of the bytes of n
// reports' mails sent, for BenchmarkMailLife.
func mailLifeBlobs(b *testing.B, db *DB, n int) (photo string, archives []string) {
	g := db.Blobs().Batch()
	keep := func(size int) string {
		w, err := g.Create()
		if err != nil {
			b.Fatal(err)
		}
		w.Write([]byte(strings.Repeat("x", size)))
		ref, err := w.Commit()
		if err != nil {
			b.Fatal(err)
		}
		return ref
	}
	photo = keep(3 << 10)
	archives = make([]string, 2*n)
	for i := range archives {
		archives[i] = keep(64)
	}
	if err := g.Sync(); err != nil {
		b.Fatal(err)
	}
	return photo, archives
}

// mailLifeReports makes n reports, a transaction each, committed
// together, the first numbered from.
func mailLifeReports(b *testing.B, db *DB, now time.Time, from, n int) []Report {
	reports := make([]Report, n)
	fns := make([]func(*Tx) error, n)
	for i := range fns {
		fns[i] = func(tx *Tx) error {
			r := sample(now)
			r.Citizen.Email = fmt.Sprintf("dan%d@example.com", from+i)
			var err error
			reports[i], err = tx.CreateReport(r)
			return err
		}
	}
	for _, err := range db.WriteEach(context.Background(), fns...) {
		if err != nil {
			b.Fatal(err)
		}
	}
	return reports
}

// mailLifeEnqueue queues each report's two mails, a transaction a report,
// committed together, and returns them in the order queued.
func mailLifeEnqueue(b *testing.B, db *DB, reports []Report, photo string, now time.Time) []Mail {
	ack := []byte(`{"Code":"PA-2026-000001","ReceivedAt":"2026-11-23T08:10:00+07:00","Urgent":false,"IntakeDue":"2026-11-24T16:10:00+07:00",` +
		`"Missing":["location"],"Refused":null,"Confidential":false,"DuplicateOf":"","Field":"Giao thông","Unit":"Thành phố Vị Thanh",` +
		`"Privacy":{"Controller":"Trung tâm Phục vụ hành chính công tỉnh Hậu Giang","Contact":"dulieu@haugiang.gov.vn","Retention":"5 năm"}}`)
	triage := []byte(`{"Code":"PA-2026-000001","Citizen":{"Name":"Nguyễn Văn An","Phone":"0912 345 678","Email":"nguyen.van.an@gmail.com",` +
		`"Address":"số 15 đường Trần Hưng Đạo, phường 1"},"Subject":"Hẻm xuống cấp","Content":"` +
		strings.Repeat("Hẻm 15 đường Trần Hưng Đạo bị hư hỏng nặng, nhiều ổ gà. ", 20) +
		`","Location":"hẻm 15 đường Trần Hưng Đạo","Files":[{"Name":"anh.jpg","Type":"image/jpeg","Size":3072}],` +
		`"Proposal":{"Field":"giao-thong","Unit":"vi-thanh","Agency":"ubnd-vi-thanh"},"Usable":["forward","return","reject"]}`)
	mails := make([]Mail, 2*len(reports))
	fns := make([]func(*Tx) error, len(reports))
	for j := range fns {
		fns[j] = func(tx *Tx) error {
			r := reports[j]
			var err error
			mails[2*j], err = tx.Enqueue(Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: r.Citizen.Email, Role: "citizen",
				ReplyTo: "phananh+" + r.Code + "@haugiang.gov.vn", InReplyTo: fmt.Sprintf("bench-%d@mail.example.com", r.ID), Data: ack}, now)
			if err != nil {
				return err
			}
			mails[2*j+1], err = tx.Enqueue(Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "triage", To: "tiepnhan@haugiang.gov.vn",
				Role: "receiver", ReplyTo: "phananh+op." + r.Code + "@haugiang.gov.vn", ThreadIndex: "AdtFyU2P0nZr3Yq5RGm8bWk0k2f6Ag==",
				Data: triage, Attachments: []MailFile{{BlobKey: photo, Name: "anh.jpg", Type: "image/jpeg", Inline: true, CID: "anh1"}}}, now)
			return err
		}
	}
	for _, err := range db.WriteEach(context.Background(), fns...) {
		if err != nil {
			b.Fatal(err)
		}
	}
	return mails
}

// mailLifeDrain reads the due mails and records them sent as the
// mailer's worker does: batches of 100, each read past the last of the
// batch before while that one is sent, the two batches before it held —
// the one being sent, the one whose record is being written — and the
// batch before those two recorded sent then. It adds the CPU time of the
// reads to read and of the records to sent, and returns how many mails it
// read.
func mailLifeDrain(b *testing.B, db *DB, archives []string, now time.Time, read, sent *time.Duration) int {
	var held [][]Mail // the batches read and not recorded yet
	n := 0
	for {
		var due []Mail
		*read += cpuSpent(func() { due = mailLifeRead(b, db, held, now) })
		n += len(due)
		if len(due) == 0 {
			*sent += cpuSpent(func() {
				for _, batch := range held {
					mailLifeSent(b, db, batch, archives, now)
				}
			})
			return n
		}
		if len(held) == 2 {
			*sent += cpuSpent(func() { mailLifeSent(b, db, held[0], archives, now) })
			held = held[1:]
		}
		held = append(held, due)
	}
}

// mailLifeRead reads the next batch of 100 due mails past the last of
// held's, leaving out held's mails.
func mailLifeRead(b *testing.B, db *DB, held [][]Mail, now time.Time) []Mail {
	ids := map[int64]bool{}
	for _, batch := range held {
		for _, m := range batch {
			ids[m.ID] = true
		}
	}
	skip := func(id int64) bool { return ids[id] }
	var due []Mail
	err := db.Read(context.Background(), func(tx *Tx) error {
		var err error
		if len(held) == 0 {
			due, err = tx.DueMailExcept(now, 100, len(ids), skip)
		} else {
			last := held[len(held)-1]
			due, err = tx.DueMailAfter(now, last[len(last)-1], 100, len(ids), skip)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return due
}

// mailLifeSent records a batch's mails sent, by one transaction, as the
// mailer's outcomes are recorded (Tx.MailsSent); the archive of the mail
// with id i is archives[i-1].
func mailLifeSent(b *testing.B, db *DB, batch []Mail, archives []string, now time.Time) {
	sent := make([]Sent, len(batch))
	for i, m := range batch {
		sent[i] = Sent{Mail: m, At: now, Key: archives[m.ID-1]}
	}
	if err := db.WriteEach(context.Background(), func(tx *Tx) error { return tx.MailsSent(sent) })[0]; err != nil {
		b.Fatal(err)
	}
}
