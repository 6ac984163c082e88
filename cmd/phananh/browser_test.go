//go:build browser

// The browser test of the public results: `go test -tags browser -run
// Browser ./cmd/phananh`, with Debian's Chromium installed (.ci/browser.sh
// installs it and runs this). It is no part of `go test ./...`.

package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// TestBrowserPublishedResults publishes a result through the daemon, by
// mail, and reads it in headless Chromium on a phone-sized screen, as a
// citizen would: the list of results and the report's page render without
// a console message of level error or warning and without any script,
// fit the screen's width, the search by code (typed in, Enter pressed)
// leads to the report's page, whose every image shows — the JPEG photo; the
// iPhone's HEIC photo, which Chromium cannot show, is a link —, and a screenshot of each page is written to
// $PHANANH_SCREENSHOTS (a temporary folder when unset).
func TestBrowserPublishedResults(t *testing.T) {
	e := newEnv(t, envOptions{http: true})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, publicReport())
	const code = "PA-2026-000001"
	e.mailAbout("ack", pubCitizen, code)
	e.walk(code, pubCitizen, &at, "Đã thay dây dẫn hạ thế bị đứt, cấp điện trở lại lúc 10:30 ngày 23/11/2026.", "hien-truong.jpg|IMG_0042.HEIC", true)
	base := "http://" + e.daemon.listener.Addr().String()

	shots := os.Getenv("PHANANH_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	b := startBrowser(t)
	b.navigate(base + "/ket-qua/")
	b.checkPage("the list of results")
	b.screenshot(filepath.Join(shots, "ket-qua.png"))

	b.eval(`document.getElementById("ma").focus()`)
	b.call("Input.insertText", map[string]any{"text": "pa-2026-1"})
	b.expectLoad(func() {
		for _, typ := range []string{"keyDown", "keyUp"} {
			b.call("Input.dispatchKeyEvent", map[string]any{"type": typ, "key": "Enter", "code": "Enter",
				"windowsVirtualKeyCode": 13, "text": "\r"})
		}
	})
	if url := b.eval(`location.pathname`); url != "/ket-qua/"+code+".html" {
		t.Fatalf("the search by code led to %v, want the report's page", url)
	}
	if h1 := b.eval(`document.querySelector("h1").textContent`); !strings.Contains(fmt.Sprint(h1), code) {
		t.Errorf("the report's page is headed %q", h1)
	}
	b.checkPage("the report's page")
	b.eval(`document.images[0].scrollIntoView()`)
	eventually(t, 10*time.Second, "the result's photo", func() bool {
		return b.eval(`Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`) == true
	})
	b.screenshot(filepath.Join(shots, "ket-qua-"+code+".png"))
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		t.Errorf("console: %s", m)
	}
}

// browser is headless Chromium driven through the DevTools protocol.
type browser struct {
	t    *testing.T
	conn *websocket.Conn
	next int

	mu      sync.Mutex
	waiting map[int]chan cdpMessage
	loads   chan struct{}
	console []string
}

type cdpMessage struct {
	ID     int             `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// startBrowser starts Chromium with the flags that work on a machine
// without network (no background connections, a fresh profile), opens its
// page and makes it a phone's screen.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	bin := os.Getenv("PHANANH_CHROMIUM")
	if bin == "" {
		bin = "chromium"
	}
	profile := t.TempDir()
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir="+profile, "--remote-debugging-port=0", "--remote-allow-origins=http://127.0.0.1",
		"--lang=vi", "about:blank")
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v (install Debian's chromium, or set PHANANH_CHROMIUM)", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var port string
	eventually(t, 30*time.Second, "chromium's DevTools port", func() bool {
		b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort"))
		port, _, _ = strings.Cut(string(b), "\n")
		return err == nil && port != ""
	})
	var targets []struct{ Type, WebSocketDebuggerURL string }
	resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&targets)
	resp.Body.Close()
	var ws string
	for _, tg := range targets {
		if tg.Type == "page" {
			ws = tg.WebSocketDebuggerURL
		}
	}
	conn, err := websocket.Dial(ws, "", "http://127.0.0.1")
	if err != nil {
		t.Fatalf("chromium's page %q: %v", ws, err)
	}
	t.Cleanup(func() { conn.Close() })
	b := &browser{t: t, conn: conn, waiting: map[int]chan cdpMessage{}, loads: make(chan struct{}, 8)}
	go b.read()
	for _, domain := range []string{"Page", "Runtime", "Log"} {
		b.call(domain+".enable", nil)
	}
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 412, "height": 915, "deviceScaleFactor": 2, "mobile": true})
	return b
}

// read routes answers to their callers and records loads and console
// messages.
func (b *browser) read() {
	for {
		var m cdpMessage
		if err := websocket.JSON.Receive(b.conn, &m); err != nil {
			return
		}
		b.mu.Lock()
		if ch, ok := b.waiting[m.ID]; ok && m.ID != 0 {
			delete(b.waiting, m.ID)
			ch <- m
		}
		switch m.Method {
		case "Page.loadEventFired":
			b.loads <- struct{}{}
		case "Runtime.exceptionThrown", "Log.entryAdded", "Runtime.consoleAPICalled":
			if msg := consoleProblem(m); msg != "" {
				b.console = append(b.console, msg)
			}
		}
		b.mu.Unlock()
	}
}

// consoleProblem is the text of an event that a console would show as an
// error or a warning, "" for one it would not.
func consoleProblem(m cdpMessage) string {
	var p struct {
		Type  string `json:"type"`
		Entry struct {
			Level, Text, URL string
		} `json:"entry"`
	}
	json.Unmarshal(m.Params, &p)
	switch {
	case m.Method == "Runtime.exceptionThrown":
		return "exception: " + string(m.Params)
	case m.Method == "Log.entryAdded" && (p.Entry.Level == "error" || p.Entry.Level == "warning"):
		return p.Entry.Level + ": " + p.Entry.Text + " " + p.Entry.URL
	case m.Method == "Runtime.consoleAPICalled" && (p.Type == "error" || p.Type == "warning" || p.Type == "assert"):
		return p.Type + ": " + string(m.Params)
	}
	return ""
}

// call sends a command and returns its result.
func (b *browser) call(method string, params any) json.RawMessage {
	b.t.Helper()
	ch := make(chan cdpMessage, 1)
	b.mu.Lock()
	b.next++
	id := b.next
	b.waiting[id] = ch
	b.mu.Unlock()
	if params == nil {
		params = map[string]any{}
	}
	if err := websocket.JSON.Send(b.conn, map[string]any{"id": id, "method": method, "params": params}); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			b.t.Fatalf("%s: %s", method, m.Error.Message)
		}
		return m.Result
	case <-time.After(30 * time.Second):
		b.t.Fatalf("%s: no answer", method)
	}
	return nil
}

// eval evaluates a JavaScript expression in the page (DevTools runs it, not
// the page: the pages have no script) and returns its value.
func (b *browser) eval(expr string) any {
	b.t.Helper()
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails any `json:"exceptionDetails"`
	}
	json.Unmarshal(b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}), &r)
	if r.ExceptionDetails != nil {
		b.t.Fatalf("%s: %v", expr, r.ExceptionDetails)
	}
	return r.Result.Value
}

// expectLoad runs act and waits for the page it leads to.
func (b *browser) expectLoad(act func()) {
	b.t.Helper()
	for len(b.loads) > 0 {
		<-b.loads
	}
	act()
	select {
	case <-b.loads:
	case <-time.After(30 * time.Second):
		b.t.Fatal("no page loaded")
	}
}

func (b *browser) navigate(url string) {
	b.t.Helper()
	b.expectLoad(func() { b.call("Page.navigate", map[string]any{"url": url}) })
}

// checkPage checks what a phone shows: Vietnamese, no script, a viewport,
// nothing wider than the screen.
func (b *browser) checkPage(what string) {
	b.t.Helper()
	checks := map[string]string{
		"is in Vietnamese":               `document.documentElement.lang === "vi"`,
		"has no script":                  `document.scripts.length === 0`,
		"sets a viewport for phones":     `!!document.querySelector('meta[name="viewport"]')`,
		"fits the width of the screen":   `document.documentElement.scrollWidth <= window.innerWidth`,
		"has the search form":            `!!document.querySelector('form[role="search"] input[name="ma"]')`,
		"is narrower than a phone (412)": `window.innerWidth <= 412`,
	}
	for name, expr := range checks {
		if v := b.eval(expr); v != true {
			b.t.Errorf("%s: the page %s: %s is %v", what, strings.TrimPrefix(name, "is "), expr, v)
		}
	}
}

// screenshot writes a PNG of the whole page.
func (b *browser) screenshot(path string) {
	b.t.Helper()
	var r struct{ Data string }
	json.Unmarshal(b.call("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}), &r)
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil || len(png) < 1000 {
		b.t.Fatalf("screenshot: %d bytes, %v", len(png), err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}
