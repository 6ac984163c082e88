package intake

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/intaketest"
)

// BenchmarkProcessReports is intake's part of BenchmarkThroughput's
// reports: ProcessAll of batches of 100 citizen reports as the mailbox
// session hands them over — each spooled, parsed and drafted beside the
// others, then decided and recorded with the mail it owes, the batch
// committed by one transaction. It reports the process's CPU time a
// report (cpu-µs/report: every core, the kernel's included, the files'
// and the commits' syncs too).
func BenchmarkProcessReports(b *testing.B) {
	const batch = 100
	f := newFixture(b)
	photo := intaketest.Photo()
	msgs := make([]string, b.N)
	for i := range msgs {
		msgs[i] = intaketest.Report(i, benchDate, photo)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	for done := 0; done < b.N; done += batch {
		srcs := func(yield func(Source) bool) {
			for _, m := range msgs[done:min(done+batch, b.N)] {
				if !yield(Source{ReceivedAt: received, Body: strings.NewReader(m)}) {
					return
				}
			}
		}
		for _, r := range f.p.ProcessAll(ctx, srcs, nil) {
			if r.Err != nil || r.Outcome.Kind != KindReport {
				b.Fatalf("%+v", r)
			}
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(b.N), "cpu-µs/report")
}

// cpuTime is the CPU time the process has used, on every core, the
// kernel's included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRecorded asks, as the mailbox session does of each batch it
// fetches, which of 100 UIDs have an outcome recorded, in a store of
// 1 000 recorded messages: none of them (a new batch), and all of them (a
// batch committed before a crash, to be only moved). It reports the
// process's CPU time a UID (cpu-µs/uid).
func BenchmarkRecorded(b *testing.B) {
	f := newFixture(b)
	photo := intaketest.Photo()
	srcs := func(yield func(Source) bool) {
		for i := range 1000 {
			if !yield(Source{Mailbox: "INBOX", UIDValidity: 7, UID: uint32(i + 1), ReceivedAt: received,
				Body: strings.NewReader(intaketest.Report(i, benchDate, photo))}) {
				return
			}
		}
	}
	for _, r := range f.p.ProcessAll(context.Background(), srcs, nil) {
		if r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	for _, from := range []uint32{1001, 401} {
		name := map[uint32]string{1001: "new", 401: "recorded"}[from]
		b.Run(name, func(b *testing.B) {
			uids := make([]uint32, 100)
			for i := range uids {
				uids[i] = from + uint32(i)
			}
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				outs, err := f.p.Recorded(context.Background(), "INBOX", 7, uids)
				if err != nil || len(outs) != map[uint32]int{1001: 0, 401: 100}[from] {
					b.Fatal(len(outs), err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1e3/float64(b.N*len(uids)), "cpu-µs/uid")
		})
	}
}
