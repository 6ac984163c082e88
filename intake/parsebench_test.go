package intake

import (
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/intaketest"
	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/rules/routing"
)

// benchDate is the date of the benchmarks' reports.
var benchDate = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// discardSink takes an attachment's bytes and keeps none of them.
type discardSink struct{}

func (discardSink) Create() (parse.Blob, error) { return discardBlob{}, nil }

type discardBlob struct{}

func (discardBlob) Write(p []byte) (int, error) { return len(p), nil }
func (discardBlob) Commit() (string, error)     { return "key", nil }
func (discardBlob) Abort() error                { return nil }

// BenchmarkParseReport is the work a parser goroutine does on each of
// BenchmarkThroughput's reports besides the blob store's: the message
// parsed, its photo's bytes dropped, then its report drafted (the form
// read, routed with the built-in table). cpu-µs/report is the process's
// CPU time, the collector's included.
func BenchmarkParseReport(b *testing.B) {
	photo := intaketest.Photo()
	msgs := make([]string, 64)
	for i := range msgs {
		msgs[i] = intaketest.Report(i, benchDate, photo)
	}
	table := routing.Default()
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		m, err := parse.Read(strings.NewReader(msgs[i%len(msgs)]), discardSink{}, parse.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		draft(m, time.Time{}, table)
		i++
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1e3/float64(b.N), "cpu-µs/report")
}

// BenchmarkParseMessage is BenchmarkParseReport's parse alone.
func BenchmarkParseMessage(b *testing.B) {
	photo := intaketest.Photo()
	msgs := make([]string, 64)
	for i := range msgs {
		msgs[i] = intaketest.Report(i, benchDate, photo)
	}
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		if _, err := parse.Read(strings.NewReader(msgs[i%len(msgs)]), discardSink{}, parse.Limits{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1e3/float64(b.N), "cpu-µs/report")
}
