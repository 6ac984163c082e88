package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// metrics serves /metrics in the Prometheus text format: what the store
// has recorded (read at each scrape, so the figures survive restarts and
// include what `phananh ingest` did), the IMAP connection's state, and the
// files of outgoing mail found gone from the data folder since the daemon
// started (counted by the outbox's worker, which alone sends mail).
func (d *daemon) metrics(w http.ResponseWriter, r *http.Request) {
	var g store.Gauges
	now := time.Now()
	err := d.db.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		g, err = tx.Gauges(now)
		return err
	})
	if err != nil {
		http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	writeMetrics(w, g, d.watcher.Connected(), d.worker.FilesMissing(), now)
}

func writeMetrics(w io.Writer, g store.Gauges, connected bool, filesMissing int64, now time.Time) {
	family(w, "phananh_messages_total", "counter", "Incoming messages recorded, by what they became.", "kind", g.Messages)
	family(w, "phananh_mail_total", "counter", "Outgoing mails, by state: sent, failed, queued, suppressed.", "state", g.Mail)
	family(w, "phananh_reports", "gauge", "Reports, by state.", "state", g.Reports)
	gauge(w, "phananh_deadlines_overdue", "Open deadlines past due.", float64(g.Overdue))
	age := 0.0
	if !g.OldestDue.IsZero() {
		age = now.Sub(g.OldestDue).Seconds()
	}
	gauge(w, "phananh_outbox_oldest_seconds", "Age of the oldest mail waiting to be sent; 0 when none waits.", age)
	up := 0.0
	if connected {
		up = 1
	}
	gauge(w, "phananh_imap_connected", "1 while the IMAP session is open.", up)
	counter(w, "phananh_mail_files_missing_total",
		"Files of outgoing mail found gone from the data folder since the daemon started: each mail went without them, naming them unavailable.",
		float64(filesMissing))
}

func family(w io.Writer, name, typ, help, label string, values map[string]int) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s{%s=%q} %d\n", name, label, k, values[k])
	}
}

func counter(w io.Writer, name, help string, v float64) { single(w, name, "counter", help, v) }

func gauge(w io.Writer, name, help string, v float64) { single(w, name, "gauge", help, v) }

// single writes a metric of one value, with no label.
func single(w io.Writer, name, typ, help string, v float64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %g\n", name, help, name, typ, name, v)
}
