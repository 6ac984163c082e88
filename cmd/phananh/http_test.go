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

// TestE2EHTTPSafeHeaders: every response of the daemon's HTTP listener —
// the health check, the metrics, the public statistics, the public results,
// Open311, a redirect and a page that does not exist — carries the same
// safe headers: no content sniffing, a Content-Security-Policy that allows
// no script and no framing, no referrer.
func TestE2EHTTPSafeHeaders(t *testing.T) {
	e := newEnv(t, envOptions{http: true})
	e.startDaemon()
	base := "http://" + e.daemon.listener.Addr().String()
	eventually(t, 30*time.Second, "a healthy daemon", func() bool { return get(t, base+"/healthz") == "ok\n" })
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/healthz", "/metrics", "/stats", "/stats.json", "/ket-qua/", "/ket-qua",
		"/ket-qua/ket-qua.json", "/ket-qua/PA-2026-000001.html", "/open311/v2/services.json", "/nope"} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s (%d): X-Content-Type-Options %q", path, resp.StatusCode, got)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script") {
			t.Errorf("GET %s (%d): Content-Security-Policy %q", path, resp.StatusCode, csp)
		}
		if got := h.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("GET %s (%d): Referrer-Policy %q", path, resp.StatusCode, got)
		}
	}
}
