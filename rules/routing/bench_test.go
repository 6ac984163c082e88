package routing

import (
	"bytes"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// typical is a report as citizens send them: a form, a paragraph, a
// signature.
var typical = Input{
	Subject: "Phản ánh ổ gà trên quốc lộ 61",
	Text: `Kính gửi Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Hậu Giang,

Họ tên: Nguyễn Văn An
Số điện thoại: 0912 345 678
Địa điểm: thị trấn Cái Tắc, huyện Châu Thành A

Đoạn quốc lộ 61 qua thị trấn Cái Tắc xuất hiện nhiều ổ gà, ổ voi rất nguy hiểm cho người đi
xe máy, nhất là vào ban đêm khi đèn đường không sáng. Tuần trước đã có hai người bị té ngã.
Đề nghị cơ quan chức năng sớm kiểm tra và sửa chữa mặt đường.

Trân trọng,
Nguyễn Văn An`,
}

func BenchmarkRoute(b *testing.B) {
	benchmarkRoute(b, Default())
}

// BenchmarkRoute2025 routes the same report with the 2025 table: 28 units,
// 83 former units and 230 aliases against appendix1's 8 units and 35
// aliases.
func BenchmarkRoute2025(b *testing.B) {
	benchmarkRoute(b, table2025(b))
}

// BenchmarkRoute2025Table10x: the 2025 table ten times over.
func BenchmarkRoute2025Table10x(b *testing.B) {
	t := table2025(b)
	table, err := Parse("scaled.toml", bytes.NewReader(scaled(t, 10)))
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRoute(b, table)
}

// BenchmarkRouteTable10x routes the same report with a table ten times the
// default (ten times the agencies, units, fields, rules and keywords): the
// time must stay about the same, since matching reads the report once and
// only scores the rules whose keywords occur.
func BenchmarkRouteTable10x(b *testing.B) {
	table, err := Parse("scaled.toml", bytes.NewReader(scaled(Default(), 10)))
	if err != nil {
		b.Fatal(err)
	}
	if len(table.Rules()) != 10*len(Default().Rules()) {
		b.Fatalf("%d rules", len(table.Rules()))
	}
	benchmarkRoute(b, table)
}

// benchmarkRoute routes the typical report with table. cpu-µs/report is
// the process's CPU time a report, the collector's included.
func benchmarkRoute(b *testing.B, table *Table) {
	want := table.Route(typical)
	if want.Rule == "" || want.Unit == "" {
		b.Fatalf("the typical report is not routed: %+v", want)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if d := table.Route(typical); d.Rule != want.Rule || d.Unit != want.Unit {
			b.Fatalf("routed by %s to %s, want %s to %s", d.Rule, d.Unit, want.Rule, want.Unit)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/1e3/float64(b.N), "cpu-µs/report")
}

// cpuTime is the CPU time the process has used, on every core, the
// kernel's included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkParseDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("appendix1.toml", bytes.NewReader(BuiltinFile(DefaultName))); err != nil {
			b.Fatal(err)
		}
	}
}

// scaled writes a table n times the size of t: copy 0 is t itself, copy k
// adds " qk" to every name, alias and keyword and "-k" to every code (" qk",
// not " k": "xã Vị Thanh 1" is a unit of its own).
func scaled(t *Table, n int) []byte {
	var w bytes.Buffer
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	list := func(l []string, k string) string {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = q(s + k)
		}
		return "[" + strings.Join(out, ", ") + "]"
	}
	fmt.Fprintf(&w, "center = %q\nfallback = %q\n", t.Center().Code, t.Fallback().Code)
	for k := range n {
		suffix, code := "", ""
		if k > 0 {
			suffix, code = fmt.Sprintf(" q%d", k), fmt.Sprintf("-%d", k)
		}
		for _, a := range t.Agencies() {
			fmt.Fprintf(&w, "[[agency]]\ncode = %q\nname = %q\nresolve_days = %d\n", a.Code+code, a.Name+suffix, a.ResolveDays)
		}
		for _, u := range t.Units() {
			fmt.Fprintf(&w, "[[unit]]\ncode = %q\nname = %q\naliases = %s\ncommittee = %q\n",
				u.Code+code, u.Name+suffix, list(u.Aliases, suffix), u.Committee+code)
		}
		for _, f := range t.Formers() {
			fmt.Fprintf(&w, "[[former]]\ncode = %q\nname = %q\naliases = %s\n", f.Code+code, f.Name+suffix, list(f.Aliases, suffix))
			if f.Became != "" {
				fmt.Fprintf(&w, "became = %q\n", f.Became+code)
			}
		}
		for _, r := range t.Rules() {
			f, _ := t.Field(r.Field)
			fmt.Fprintf(&w, "[[rule]]\nfield = %q\nname = %q\nscope = %q\nkeywords = %s\nurgent_keywords = %s\n",
				r.Field+code, f.Name+suffix, r.Scope, list(r.Keywords, suffix), list(r.UrgentKeywords, suffix))
			if r.Agency != "" {
				fmt.Fprintf(&w, "agency = %q\n", r.Agency+code)
			}
		}
	}
	return w.Bytes()
}
