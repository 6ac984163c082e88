package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The citizen of the public report, whose every detail the public results
// must leave out.
const (
	pubCitizen = "an.nguyen@example.com"
	pubName    = "Nguyễn Văn An"
	pubPhone   = "0912 345 678"
	pubStreet  = "Trần Hưng Đạo"
)

// publicReport is a report in the citizen form whose content names the
// citizen, their phone number and their street, so that the summary alone
// would publish them.
func publicReport() string {
	return citizenMail(pubName+" <"+pubCitizen+">", "public@example.com", "Mất điện ấp 3 xã Vị Đông",
		"Kính gửi Trung tâm,\n\nHọ và tên: "+pubName+"\nSố điện thoại: "+pubPhone+"\nĐịa chỉ: số 15 đường "+pubStreet+", ấp 3, xã Vị Đông\n"+
			"Nội dung: Khu vực ấp 3, xã Vị Đông, huyện Vị Thủy bị mất điện từ 6 giờ sáng. Tôi là "+pubName+
			", nhà số 15 đường "+pubStreet+", đã gọi tổng đài nhiều lần; xin gọi lại "+pubPhone+" hoặc 0912.345.678.\n\nTrân trọng,\n"+pubName+"\n")
}

// walk takes a report from its triage notice to a result: accepted by the
// receiver, resolved by the power company with text (and the photos that
// photo names, as threadReply reads them), and approved when approve is set. It returns the
// result notice to the citizen, when approved.
func (e *env) walk(code, citizen string, at *time.Time, result, photo string, approve bool) sentMail {
	e.t.Helper()
	return e.walkFrom("/tiepnhan", code, citizen, at, result, photo, approve)
}

// walkFrom is walk with the receiver's command on the triage notice:
// "/assign dien-luc ubnd-vi-thuy" for a lead and a co-agency.
func (e *env) walkFrom(triage, code, citizen string, at *time.Time, result, photo string, approve bool) sentMail {
	e.t.Helper()
	next := func() time.Time { *at = at.Add(20 * time.Minute); return *at }
	e.replyTo(e.mailAbout("triage", e2eReceiver, code), e2eReceiver, next(), triage+"\n", "")
	e.replyTo(e.mailAbout("assignment", e2eHandler, code), e2eHandler, next(), "/ketqua\n"+result+"\n", photo)
	if !approve {
		e.mailAbout("review", e2eApprover, code)
		return sentMail{}
	}
	e.replyTo(e.mailAbout("review", e2eApprover, code), e2eApprover, next(), "/duyet\n", "")
	return e.mailAbout("result", citizen, code)
}

// mailAbout waits for the mail of a kind to an address about a report.
func (e *env) mailAbout(kind, to, code string) sentMail {
	e.t.Helper()
	var found sentMail
	eventually(e.t, 30*time.Second, fmt.Sprintf("mail %s to %s about %s", kind, to, code), func() bool {
		for _, m := range e.mailsOf(kind, to) {
			if strings.Contains(m.header("Message-ID"), "<"+code+".") {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// TestE2EPublishedResults runs four reports through the daemon by mail — one
// handled by a lead and a co-agency, approved and rated, one confidential and approved, one resolved but not
// approved, one approved and marked secret — and reads the public results
// from the daemon's HTTP listener: the pages, the JSON and the Open311
// answers match their golden files, the Open311 answers hold only GeoReport
// v2 fields, only the first report is there, no byte holds the citizen's
// name, phone number, email address or street, the photos come without
// their metadata, the iPhone's HEIC photo is linked rather than put in an
// image that only Safari shows, the search by code finds the report, and
// `phananh publish` writes the same bytes as the daemon serves.
func TestE2EPublishedResults(t *testing.T) {
	e := newEnv(t, envOptions{http: true, extra: lifecycleExtra})
	e.startDaemon()
	base := "http://" + e.daemon.listener.Addr().String()
	at := receivedAt
	e.deliver(at, publicReport(),
		citizenMail("Trần Bình <binh.tran@example.com>", "confidential@example.com", "Mất điện xã Vị Bình",
			"Ấp 5, xã Vị Bình, huyện Vị Thủy mất điện cả ngày. Đề nghị giữ bí mật thông tin người phản ánh.\n"),
		citizenReport(3, "cuong.le@example.com"),
		citizenReport(4, "dung.pham@example.com"))
	const public, confidential, unapproved, secret = "PA-2026-000001", "PA-2026-000002", "PA-2026-000003", "PA-2026-000004"
	for _, c := range []struct{ code, citizen string }{{public, pubCitizen}, {confidential, "binh.tran@example.com"},
		{unapproved, "cuong.le@example.com"}, {secret, "dung.pham@example.com"}} {
		e.mailAbout("ack", c.citizen, c.code)
	}
	notice := e.walkFrom("/assign dien-luc ubnd-vi-thuy", public, pubCitizen, &at, "Đã thay dây dẫn hạ thế bị đứt, cấp điện trở lại lúc 10:30 ngày 23/11/2026. "+
		"Đã báo ông "+pubName+" qua số "+pubPhone+".", "hien-truong.jpg|IMG_0042.HEIC", true)
	e.walk(confidential, "binh.tran@example.com", &at, "Đã sửa chữa đường dây; bí mật kết quả.", "", true)
	e.walk(unapproved, "cuong.le@example.com", &at, "Chưa được duyệt: kết quả nháp.", "", false)
	e.walk(secret, "dung.pham@example.com", &at, "Kết quả có nội dung mật.", "", true)
	markSecret(t, e, secret)
	at = at.Add(20 * time.Minute)
	e.replyTo(notice, pubCitizen, at, "1\n", "")
	e.mailAbout("thanks", pubCitizen, public)

	served := map[string][]byte{}
	fetch := func(path string, status int) []byte {
		t.Helper()
		b, got := getStatus(t, base+path)
		if got != status {
			t.Errorf("GET %s: %d, want %d\n%.300s", path, got, status, b)
		}
		served[path] = b
		return b
	}
	eventually(t, 30*time.Second, "the rating on the public page", func() bool {
		b, _ := getStatus(t, base+"/ket-qua/"+public+".html")
		return bytes.Contains(b, []byte("Rất hài lòng"))
	})
	golden(t, "index.html", fetch("/ket-qua/", http.StatusOK))
	golden(t, "report.html", fetch("/ket-qua/"+public+".html", http.StatusOK))
	golden(t, "ket-qua.json", fetch("/ket-qua/ket-qua.json", http.StatusOK))
	golden(t, "services.json", fetch("/open311/v2/services.json", http.StatusOK))
	const november = "?start_date=2026-11-01T00:00:00%2B07:00&end_date=2026-11-30T00:00:00%2B07:00"
	requests := fetch("/open311/v2/requests.json"+november, http.StatusOK)
	golden(t, "requests.json", requests)
	golden(t, "request.json", fetch("/open311/v2/requests/"+public+".json", http.StatusOK))
	golden(t, "requests.xml", fetch("/open311/v2/requests.xml?service_request_id="+public, http.StatusOK))
	checkGeoReport(t, "services", fetch("/open311/v2/services.json", http.StatusOK))
	checkGeoReport(t, "requests", requests)
	checkGeoReport(t, "requests", served["/open311/v2/requests/"+public+".json"])
	fetch("/ket-qua/"+public+".json", http.StatusOK)
	fetch("/ket-qua/thang-2026-11.html", http.StatusOK)
	photo := fetch("/ket-qua/"+public+"/anh-1.jpg", http.StatusOK)
	original, _ := os.ReadFile("testdata/gps.jpg")
	if !bytes.HasPrefix(photo, []byte{0xFF, 0xD8}) || bytes.Contains(photo, []byte("Exif")) || len(photo) >= len(original) {
		t.Errorf("the published photo keeps its metadata: %d bytes, %d originally", len(photo), len(original))
	}
	heic, _ := os.ReadFile("testdata/iphone.heic")
	checkStrippedHEIC(t, "the published HEIC", fetch("/ket-qua/"+public+"/anh-2.heic", http.StatusOK), heic)
	const linked = `<a href="` + public + `/anh-2.heic" type="image/heic">anh-2.heic</a> (ảnh định dạng HEIC, 5 KB;`
	if page := served["/ket-qua/"+public+".html"]; bytes.Contains(page, []byte(`.heic" alt=`)) || !bytes.Contains(page, []byte(linked)) {
		t.Errorf("the report's page shows the HEIC photo in an image, or does not link it as %s", linked)
	}

	for _, code := range []string{confidential, unapproved, secret} {
		fetch("/ket-qua/"+code+".html", http.StatusNotFound)
		fetch("/ket-qua/"+code+".json", http.StatusNotFound)
		fetch("/open311/v2/requests/"+code+".json", http.StatusNotFound)
		if b := fetch("/ket-qua/tim?ma="+code, http.StatusNotFound); !bytes.Contains(b, []byte("Không có kết quả công khai")) {
			t.Errorf("the search for %s does not say that it has no public result", code)
		}
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(base + "/ket-qua/tim?ma=pa-2026-1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/ket-qua/"+public+".html" {
		t.Errorf("the search for pa-2026-1: %d to %q, want 303 to the report's page", resp.StatusCode, loc)
	}

	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"publish", "--config", e.config, "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("phananh publish: exit %d: %s", code, stderr.String())
	}
	files := 0
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		rel, _ := filepath.Rel(out, path)
		b, _ := os.ReadFile(path)
		path = "/" + filepath.ToSlash(rel)
		if strings.HasPrefix(path, "/open311/v2/requests.") {
			path += november // the daemon's default is the last 90 days; the file holds every result
		}
		if got := fetch(path, http.StatusOK); !bytes.Equal(got, b) {
			t.Errorf("phananh publish wrote %s unlike what the daemon serves", rel)
		}
		return nil
	})
	if files != 13 {
		t.Errorf("phananh publish wrote %d files, want 13:\n%s", files, stdout.String())
	}

	for path, b := range served {
		for _, leak := range []string{pubName, pubPhone, "0912345678", "0912.345.678", pubCitizen, pubStreet, "số 15",
			"Vị Bình", "bí mật kết quả", "kết quả nháp", "nội dung mật", confidential, unapproved, secret} {
			if strings.Contains(path, "tim?ma="+leak) {
				continue // the search repeats what was searched for
			}
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s publishes %q", path, leak)
			}
		}
	}
}

// markSecret records an approver's /secret on a report, as the lifecycle
// writes it: the report's mark, and the command in its log.
func markSecret(t *testing.T, e *env, code string) {
	t.Helper()
	err := e.openStore().Write(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		r.Secret = true
		if err := tx.UpdateReport(r, receivedAt.Add(3*time.Hour)); err != nil {
			return err
		}
		return tx.AppendEvent(r.ID, store.Event{At: receivedAt.Add(3 * time.Hour), Actor: e2eApprover, Command: "/secret",
			From: r.State, To: r.State})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func getStatus(t *testing.T, url string) ([]byte, int) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b, resp.StatusCode
}

// golden compares b with testdata/publish/name, or rewrites it with -update.
func golden(t *testing.T, name string, b []byte) {
	t.Helper()
	goldenFile(t, filepath.Join("testdata", "publish", name), b)
}

// goldenFile compares b with the file at path, or rewrites it with -update.
func goldenFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from its golden file (go test -update rewrites it):\n%s", path, b)
	}
}

// geoReportFields are the fields of the GeoReport v2 responses, as the
// specification lists them (https://wiki.open311.org/GeoReport_v2, "GET
// Service List" and "GET Service Requests": Response).
var geoReportFields = map[string][]string{
	"services": {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"},
	"requests": {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
		"address_id", "zipcode", "lat", "long", "media_url"},
}

// checkGeoReport validates a GeoReport v2 JSON answer against the
// specification's field list and values: only its fields; the ones every
// client reads present; status open or closed; the service type one of
// three; times in w3 format with their zone; a description of at most 4000
// characters without markup; and, for requests, no location finer than
// the unit (no lat, long, address_id or zipcode).
func checkGeoReport(t *testing.T, method string, b []byte) {
	t.Helper()
	var entries []map[string]any
	if err := json.Unmarshal(b, &entries); err != nil || len(entries) == 0 {
		t.Fatalf("GeoReport %s: not a list of objects (%v):\n%s", method, err, b)
	}
	required := map[string][]string{"services": {"service_code", "service_name", "metadata", "type"},
		"requests": {"service_request_id", "status", "service_code", "service_name", "requested_datetime", "updated_datetime"}}
	for i, e := range entries {
		for key := range e {
			if !slices.Contains(geoReportFields[method], key) {
				t.Errorf("GeoReport %s[%d]: %q is no GeoReport v2 field", method, i, key)
			}
		}
		for _, key := range required[method] {
			if _, ok := e[key]; !ok {
				t.Errorf("GeoReport %s[%d]: no %s", method, i, key)
			}
		}
		if method == "services" {
			if _, ok := e["metadata"].(bool); !ok || !slices.Contains([]any{"realtime", "batch", "blackbox"}, e["type"]) {
				t.Errorf("GeoReport services[%d]: metadata %v, type %v", i, e["metadata"], e["type"])
			}
			continue
		}
		if e["status"] != "open" && e["status"] != "closed" {
			t.Errorf("GeoReport requests[%d]: status %v", i, e["status"])
		}
		for _, key := range []string{"requested_datetime", "updated_datetime", "expected_datetime"} {
			if s, ok := e[key].(string); ok {
				if _, err := time.Parse(time.RFC3339, s); err != nil {
					t.Errorf("GeoReport requests[%d]: %s %q is not in w3 format with a zone", i, key, s)
				}
			}
		}
		if d, _ := e["description"].(string); len([]rune(d)) > 4000 || strings.ContainsAny(d, "<>") {
			t.Errorf("GeoReport requests[%d]: description of %d characters, or with markup", i, len([]rune(d)))
		}
		for _, key := range []string{"lat", "long", "address_id", "zipcode"} {
			if _, ok := e[key]; ok {
				t.Errorf("GeoReport requests[%d]: %s is finer than the unit", i, key)
			}
		}
	}
}
