package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"haugiang.gov.vn/phananh/intake/intaketest"
)

// BenchmarkThroughput runs the daemon (`phananh serve`, in this process)
// against the test IMAP server — the in-process one, or the server the
// environment names, as the end-to-end tests do — and an SMTP sink that
// counts the mail it takes (countingSink). b.N
// citizen reports of about 5 KB (text and a photo) wait in the mailbox; it
// reports:
//
//	start-ms    the daemon's opening, before it runs: its configuration
//	            checked, the store made (a new installation: its
//	            migrations, its key files and key store) and opened, the
//	            templates loaded. A cost of each start, whatever the
//	            backlog, which the measures below leave out: they run from
//	            the daemon opened, its IMAP login and first fetch included
//	reports/s   reports fetched, committed, moved, and all their mail (the
//	            acknowledgement and the receiver's triage notice) accepted by
//	            the SMTP server, a second
//	fetch/s     a bare streaming fetch of the same mailbox (one UID FETCH)
//	cpu-ms/report  the CPU time this process (the daemon, and the
//	            in-process servers) used a report, on every core
//	daemon-cpu-ms/report, servers-cpu-ms/report  that CPU time split
//	            between the daemon and the test's servers, in the shares of
//	            a CPU profile's samples (the servers' goroutines carry the
//	            label "server"; the collector's own workers count as the
//	            daemon's); not under -cpuprofile, whose profile go tool
//	            pprof splits the same way (-tagignore server=.)
//	user-ms/report  the part of it spent outside the kernel
//	alloc-KB/report  the bytes they allocated a report
//	gc-cpu-ms/report  the CPU time the collector took a report, on every
//	            core (runtime/metrics: its workers and the allocating
//	            goroutines' assists)
//	peak-heap-MB  the most heap memory in use, sampled every 10 ms: what
//	            is live and the garbage not yet collected, up to the
//	            collector's goal (the daemon's GOGC=400: five times what
//	            is live)
//	live-heap-MB  the most heap memory that a collection found live
//	            during the drain: what the daemon, and the test's servers
//	            and the messages it delivered, hold
//	ready-cores  the cores' worth of work the process had ready on
//	            average while it drained: its threads' time running or
//	            waiting for a processor, over the drain's time (Linux's
//	            schedstat; a thread that ends meanwhile left out). Beside cpu-ms/report × reports/s, the cores it
//	            was given, it tells whether the process waited for its own
//	            work (fsyncs, commits: ready-cores under 2) or for the
//	            processors that a shared machine's other work holds
//	latency-ms  then, the daemon waiting in IDLE, one new report's delivery
//	            to its last mail accepted (the median of 5)
//
// Run it with a count of reports: go test -run '^$' -bench Throughput
// -benchtime 3000x ./cmd/phananh.
func BenchmarkThroughput(b *testing.B) {
	e := newEnv(b, envOptions{})
	sink := newCountingSink(b)
	host, port := splitAddr(b, sink.Addr())
	e.smtpSection = fmt.Sprintf("[smtp]\nhost = %q\nport = %d\ntls = \"none\"\nfrom = \"phananh@haugiang.gov.vn\"\nretry_max = \"2s\"\n", host, port)
	e.config = e.writeConfig("", "")
	ctx := context.Background()
	photo := intaketest.Photo()
	start := time.Now()
	for i := range b.N {
		e.deliver(time.Now(), intaketest.Report(i, time.Now(), photo))
	}
	b.Logf("%d reports delivered in %v", b.N, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	n, size, err := e.account.ReadAll(ctx, e.imap.Config().Mailbox)
	if err != nil || n != b.N {
		b.Fatalf("bare fetch: %d messages, %v", n, err)
	}
	fetch := time.Since(start)
	b.SetBytes(size / int64(n))

	b.ResetTimer()
	start = time.Now()
	run := e.openDaemon()
	opened := time.Since(start)
	servers := profileServers(b)
	peak := sampleHeap()
	start, cpu, user, alloc, gc, ready := time.Now(), cpuTime(), userTime(), allocated(), gcTime(), readyTime()
	run()
	if err := sink.WaitFor(ctx, 2*b.N); err != nil {
		b.Fatal(err)
	}
	drained, cpu, user, alloc, gc, ready := time.Since(start), cpuTime()-cpu, userTime()-user, allocated()-alloc, gcTime()-gc, readyTime()-ready
	heap, live := peak()
	share, split := servers()
	b.StopTimer()
	eventually(b, time.Minute, "an empty inbox", func() bool { return e.count(e.imap.Config().Mailbox) == 0 })

	var lat []time.Duration
	for i := range 5 {
		time.Sleep(time.Second) // the daemon waits in IDLE
		want := sink.Count() + 2
		t := time.Now()
		e.deliver(time.Now(), intaketest.Report(b.N+i, time.Now(), photo))
		if err := sink.WaitFor(ctx, want); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)

	b.ReportMetric(float64(b.N)/drained.Seconds(), "reports/s")
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/report")
	b.ReportMetric(user.Seconds()*1000/float64(b.N), "user-ms/report")
	if split {
		b.ReportMetric(cpu.Seconds()*1000*(1-share)/float64(b.N), "daemon-cpu-ms/report")
		b.ReportMetric(cpu.Seconds()*1000*share/float64(b.N), "servers-cpu-ms/report")
	}
	b.ReportMetric(float64(alloc>>10)/float64(b.N), "alloc-KB/report")
	b.ReportMetric(gc.Seconds()*1000/float64(b.N), "gc-cpu-ms/report")
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
	if ready > 0 {
		b.ReportMetric(ready.Seconds()/drained.Seconds(), "ready-cores")
	}
	b.ReportMetric(float64(n)/fetch.Seconds(), "fetch/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "latency-ms")
	b.ReportMetric(float64(opened.Microseconds())/1000, "start-ms")
	b.ReportMetric(0, "ns/op")
}

// profileServers starts a CPU profile of the process; the function it
// returns stops it and tells the share of the CPU samples that the test's
// servers took (their goroutines carry the profile label "server"). When
// a profile is already running (go test -cpuprofile), it says so and
// returns split false: go tool pprof -tagignore server=. then leaves the
// servers out of that profile.
func profileServers(b *testing.B) func() (share float64, split bool) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		b.Logf("no split of the CPU time between daemon and servers (%v): see the profile's label server", err)
		return func() (float64, bool) { return 0, false }
	}
	return func() (float64, bool) {
		pprof.StopCPUProfile()
		p, err := profile.Parse(&buf)
		if err != nil {
			b.Fatalf("CPU profile: %v", err)
		}
		cpu := slices.IndexFunc(p.SampleType, func(t *profile.ValueType) bool { return t.Type == "cpu" })
		var servers, all int64
		for _, s := range p.Sample {
			all += s.Value[cpu]
			if len(s.Label["server"]) > 0 {
				servers += s.Value[cpu]
			}
		}
		if all == 0 {
			return 0, false
		}
		return float64(servers) / float64(all), true
	}
}

// cpuTime is the CPU time the process has used, on every core: the
// cost of the work, whatever else the machine runs beside it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// userTime is the part of cpuTime spent outside the kernel: the file
// system's share (creating, syncing files) varies most with the rest of a
// shared machine's work.
func userTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano())
}

// readyTime is the time the process's threads have spent running or
// runnable, waiting for a processor (the first two fields of Linux's
// /proc/self/task/*/schedstat); 0 where there is no such file.
func readyTime() time.Duration {
	tasks, _ := os.ReadDir("/proc/self/task")
	var ready time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/schedstat")
		if err != nil {
			continue
		}
		var running, waiting int64
		if _, err := fmt.Sscan(string(b), &running, &waiting); err == nil {
			ready += time.Duration(running + waiting)
		}
	}
	return ready
}

// allocated is the bytes the process has allocated on the heap so far:
// what the collector will have to clear up, whatever else the machine runs.
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// gcTime is the CPU time the collector has taken so far, as the runtime
// estimates it.
func gcTime() time.Duration {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	return time.Duration(s[0].Value.Float64() * float64(time.Second))
}

// sampleHeap samples the heap memory in use every 10 ms until the
// function it returns is called, which returns the most seen, and the
// most that a collection found live.
func sampleHeap() func() (inUse, live uint64) {
	done, most := make(chan struct{}), make(chan [2]uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
		var peak [2]uint64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak[0] = max(peak[0], s[0].Value.Uint64())
			peak[1] = max(peak[1], s[1].Value.Uint64())
			select {
			case <-done:
				most <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() (uint64, uint64) { close(done); p := <-most; return p[0], p[1] }
}
