package mailer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// BenchmarkSend sends b.N queued acknowledgements to the SMTP sink on one
// session, rendering, sending and recording them as the daemon does, with
// PIPELINING and without; it reports mails a second and the CPU time of
// the process (the worker and the sink) a mail.
func BenchmarkSend(b *testing.B) {
	for _, stepwise := range []bool{false, true} {
		b.Run(map[bool]string{false: "pipelined", true: "stepwise"}[stepwise], func(b *testing.B) {
			db := openStore(b)
			w, _ := newWorker(b, db, io.Discard)
			w.stepwise = stepwise
			data, _ := json.Marshal(templates.Ack{Code: "PA-2026-000001"})
			err := db.Write(context.Background(), func(tx *store.Tx) error {
				for i := range b.N {
					m := store.Mail{Kind: "ack", To: fmt.Sprintf("dan%d@example.com", i), Role: "citizen", Data: data}
					if _, err := tx.Enqueue(m, w.Now()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start, cpu := time.Now(), cpuTime()
			if n, err := w.SendDue(context.Background()); err != nil || n != b.N {
				b.Fatalf("sent %d, %v", n, err)
			}
			elapsed, cpu := time.Since(start), cpuTime()-cpu
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "mails/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/mail")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
