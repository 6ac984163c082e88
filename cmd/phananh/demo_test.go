package main

import (
	"bytes"
	"context"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestDemo runs `phananh demo` and checks what it says and the mail files
// it writes.
func TestDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mail")
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"demo", "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	wantSays(t, stdout.String(),
		"(removed at the end: --keep keeps it)",
		"01-mat-dien.eml          report      PA-",
		"Điện, huyện Vị Thủy → Công ty Điện lực Hậu Giang",
		"confidential; image/jpeg with GPS",
		"URGENT",
		"answered in English",
		"Rác thải, vệ sinh đô thị, thành phố Ngã Bảy",
		"06-tu-dong-tra-loi.eml   autoreply",
		"07-long-nhau.eml         quarantine",
		"Mail sent (21)",
		// Each mail's subject, and the first line that says what happened.
		"[PA-2026-000003] Phản ánh hiện trường — PHẢN ÁNH MỚI CẦN TIẾP NHẬN – KHẨN CẤP",
		"[PA-2026-000001] Phản ánh hiện trường — ĐÃ THỰC HIỆN LỆNH: /duyet",
		"The lifecycle of PA-2026-000001 (01-mat-dien.eml), walked by mail:",
		"/accept   tiepnhan@ttgsdh.example.gov.vn  received → forwarded",
		"/resolve  xuly@dienluc.example.gov.vn     forwarded → resolved",
		"/approve  lanhdao@ttgsdh.example.gov.vn   resolved → published",
		"rate      citizen                         published → closed",
		`now closed, rated "rat-hai-long"`,
	)
	files, _ := filepath.Glob(filepath.Join(out, "*.eml"))
	if len(files) != 21 {
		t.Errorf("%d .eml files written, want 21", len(files))
	}
	result, _ := filepath.Glob(filepath.Join(out, "*PA-2026-000001.result.*.eml"))
	if len(result) != 1 {
		t.Fatalf("result notices written: %v", result)
	}
	raw, _ := os.ReadFile(result[0])
	photo := (sentMail{t, raw}).files()["hien-truong.jpg"]
	if len(photo) == 0 || bytes.Contains(photo, []byte("Exif")) {
		t.Errorf("the result notice's photo: %d bytes, with EXIF %v", len(photo), bytes.Contains(photo, []byte("Exif")))
	}
	for _, f := range files {
		if b, _ := os.ReadFile(f); !bytes.Contains(b, []byte("Auto-Submitted:")) {
			t.Errorf("%s has no Auto-Submitted header", f)
		}
	}
}

// TestDemo2025 runs the demo on the 2025 routing table, as a province
// deploying today would configure it: the summary and every mail name the
// bodies of Cần Thơ city's two-tier government, never the abolished
// province, its committee, its departments or its districts, but where the
// citizen wrote them.
//
// It runs into a folder an earlier run wrote to, as a newcomer trying both
// tables does: the folder then holds this run's mail alone, and keeps the
// files the demo did not write.
func TestDemo2025(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mail")
	earlier := filepath.Join(out, "0001-PA-2026-000001.ack.earlierrun@haugiang.gov.vn.eml")
	notes := filepath.Join(out, "notes.eml")
	for _, f := range []string{earlier, notes} {
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte("Subject: x\r\n\r\nx\r\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"demo", "--table", "2025", "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	wantSays(t, stdout.String(),
		"Routing table: 2025",
		"Điện, xã Vị Thanh 1 → Công ty Điện lực (khu vực Hậu Giang); now closed",
		"Trật tự đô thị, phường Vị Thanh → Ủy ban nhân dân phường Vị Thanh",
		"→ Công an thành phố Cần Thơ; URGENT",
		"Mail sent (21)",
		`now closed, rated "rat-hai-long"`,
	)
	if _, err := os.Stat(earlier); err == nil {
		t.Errorf("the earlier run's mail is still in %s", out)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Errorf("a file the demo did not write was removed: %v", err)
	}
	if !strings.Contains(stdout.String(), "1 mail of an earlier run removed from "+out) {
		t.Errorf("the demo does not say it removed the earlier run's mail:\n%s", stdout.String())
	}
	// What the citizens wrote, which the mail quotes.
	theirs := strings.NewReplacer("huyện Vị Thủy", "", "Vi Thanh city", "")
	files, _ := filepath.Glob(filepath.Join(out, "*.eml"))
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		m := sentMail{t, raw}
		from, _ := new(mime.WordDecoder).DecodeHeader(m.header("From"))
		text := theirs.Replace(from + "\n" + m.text())
		for _, old := range []string{"tỉnh Hậu Giang", "UBND tỉnh", "Ủy ban nhân dân tỉnh", "Thông tin và Truyền thông", "huyện", "Hau Giang Province", "Hậu Giang Province", "district"} {
			for line := range strings.Lines(text) {
				if strings.Contains(line, old) && !strings.Contains(line, "đã hợp nhất") {
					t.Errorf("%s names %q: %s", filepath.Base(f), old, line)
				}
			}
		}
	}
}

// TestDemoTableUnknown refuses a table the binary does not have.
func TestDemoTableUnknown(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"demo", "--table", "2024", "--out", t.TempDir()}, &stdout, &stderr); code != exitUsage {
		t.Fatalf("exit %d, want %d: %s", code, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), "appendix1 or 2025") {
		t.Errorf("stderr does not name the tables: %s", stderr.String())
	}
}

// wantSays checks that the demo's output says each of wants.
func wantSays(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("the demo does not say %q:\n%s", want, out)
		}
	}
}

// TestDemoKeep: with --keep, the demo says where its folder is and how the
// commands that read reports are run on it, and the command it shows works.
func TestDemoKeep(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"demo", "--keep", "--out", t.TempDir()}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	m := regexp.MustCompile(`(?m)^  phananh show --config (\S+) PA-2026-000001$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo does not say how to read its kept folder:\n%s", out)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(m[1])) })
	if !strings.HasSuffix(strings.TrimSpace(out), m[0][2:]) {
		t.Errorf("the kept folder's commands are not the demo's last words:\n%s", out)
	}
	shown, errOut, code := run(t, "show", "--config", m[1], "PA-2026-000001")
	if code != exitOK || !strings.Contains(shown, `"state": "closed"`) {
		t.Errorf("show on the kept folder: exit %d: %s%s", code, shown, errOut)
	}
}

// envDemoChild runs TestHelperDemo as `phananh demo --out` its value, with
// the process's own standard output and error.
const envDemoChild = "PHANANH_TEST_DEMO_OUT"

// TestHelperDemo is the child of TestDemoClosedPipe: the demo in a
// process of its own, as from a shell.
func TestHelperDemo(t *testing.T) {
	out := os.Getenv(envDemoChild)
	if out == "" {
		t.Skip("the child of TestDemoClosedPipe")
	}
	os.Exit(dispatch(context.Background(), []string{"demo", "--out", out}, os.Stdout, os.Stderr))
}

// TestDemoClosedPipe: `phananh demo | head` closes the demo's standard
// output before it is done. The demo then stops as at its end, removing
// its temporary folder, rather than being killed (SIGPIPE) with its
// database and data left in /tmp.
func TestDemoClosedPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo in a process of its own")
	}
	tmp := t.TempDir()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // as head, gone before the demo writes
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDemo$", "-test.v=false")
	cmd.Env = append(os.Environ(), envDemoChild+"="+filepath.Join(t.TempDir(), "mail"), "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	w.Close()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Errorf("the demo was killed by %v: %s", ws.Signal(), stderr.String())
	} else if err == nil || !strings.Contains(stderr.String(), "broken pipe") {
		t.Errorf("the demo does not say its output was closed: %v: %s", err, stderr.String())
	}
	left, _ := os.ReadDir(tmp)
	for _, e := range left {
		t.Errorf("left in the temporary folder: %s", e.Name())
	}
}
