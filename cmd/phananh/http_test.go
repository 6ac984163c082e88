package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestE2EHealthAndMetrics reads /healthz and /metrics of a running daemon.
func TestE2EHealthAndMetrics(t *testing.T) {
	e := newEnv(t, envOptions{http: true})
	e.startDaemon()
	base := "http://" + e.daemon.listener.Addr().String()
	eventually(t, 30*time.Second, "a healthy daemon", func() bool { return get(t, base+"/healthz") == "ok\n" })
	e.deliver(receivedAt, citizenReport(1, "a@example.com"))
	eventually(t, 30*time.Second, "the report's mail", func() bool { return len(e.sink.Messages()) >= 2 })
	eventually(t, 10*time.Second, "the metrics", func() bool {
		m := get(t, base+"/metrics")
		return strings.Contains(m, `phananh_messages_total{kind="report"} 1`) &&
			strings.Contains(m, `phananh_mail_total{state="sent"} 2`) &&
			strings.Contains(m, "phananh_imap_connected 1") &&
			strings.Contains(m, `phananh_reports{state="received"} 1`)
	})
	eventually(t, 70*time.Second, "the public statistics", func() bool {
		j := get(t, base+"/stats.json")
		return strings.Contains(j, `"dien"`) && !strings.Contains(j, "a@example.com") && !strings.Contains(j, "0912")
	})
	if page := get(t, base+"/stats"); !strings.Contains(page, "<html") {
		t.Errorf("/stats is no page: %.200s", page)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
