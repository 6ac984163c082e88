package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/storetest"
)

func TestWithoutPerson(t *testing.T) {
	r := store.Report{Citizen: store.Citizen{Name: "Nguyễn Văn An", Email: "an@example.com", Phone: "0912 345 678",
		Address: "số 15 đường Trần Hưng Đạo, ấp 3", Workplace: "Trường THCS Vị Đông"}, Location: "trước cổng chợ Vị Đông"}
	for _, tc := range []struct{ in, want string }{
		{"Tôi là NGUYỄN VĂN AN, ở ấp 3, xã Vị Đông.", "Tôi là […], ở ấp 3, xã Vị Đông."},
		{"Nhà tôi số 15 đường Trần Hưng Đạo bị ngập.", "Nhà tôi […] bị ngập."},
		{"Đường Nguyễn Huệ, phường 1 ngập sâu.", "[…], phường 1 ngập sâu."},
		{"Hẻm 3/2 đường 30/4 tối om.", "[…] […] tối om."},
		{"Ông ở số nhà 12A, ấp Mái Dầm.", "Ông ở […], ấp Mái Dầm."},
		{"Đèn đường bị hỏng ở trước cổng chợ Vị Đông.", "Đèn đường bị hỏng ở […]."},
		{"Gọi 0912.345.678, +84 912 345 678 hoặc viết an.nguyen@gmail.com.", "Gọi […], […] hoặc viết […]."},
		{"Giáo viên Trường THCS Vị Đông phản ánh.", "Giáo viên […] phản ánh."},
		{"Cấp điện lại lúc 10:30 ngày 23/11/2026, 3 hộ, mã 12345678.", "Cấp điện lại lúc 10:30 ngày 23/11/2026, 3 hộ, mã 12345678."},
	} {
		if got := withoutPerson(tc.in, r); got != tc.want {
			t.Errorf("withoutPerson(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestWithoutPersonUnaccented: a handler who types without diacritics
// names the citizen "Nguyen Van An" in the result, and people write a
// house's address without the word for street ("12 Trần Hưng Đạo", "nhà
// số 45B Lê Lợi"): neither may be published (SPEC 9.6).
func TestWithoutPersonUnaccented(t *testing.T) {
	r := store.Report{Citizen: store.Citizen{Name: "Nguyễn Văn An", Phone: "0912345678", Address: "12 Trần Hưng Đạo, phường 1"}}
	for _, tc := range []struct{ in, want string }{
		{"Đã làm việc với ông Nguyen Van An tại nhà.", "Đã làm việc với ông […] tại nhà."},
		{"Cây đổ trước nhà 12 Tran Hung Dao.", "Cây đổ trước nhà […]."},
		{"Cây đổ trước nhà 7 Nguyễn Trãi, phường 1.", "Cây đổ trước nhà […], phường 1."},
		{"Cây đổ trước nhà số 45B Lê Lợi, phường 5.", "Cây đổ trước […], phường 5."},
		{"Ngập ở ấp 3, xã Vị Đông, 3 hộ bị ảnh hưởng.", "Ngập ở ấp 3, xã Vị Đông, 3 hộ bị ảnh hưởng."},
	} {
		if got := withoutPerson(tc.in, r); got != tc.want {
			t.Errorf("withoutPerson(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestWithoutPersonNoWeakerThanTheAgencys: what a confidential report's
// notices hide from the agency (SPEC 10.2) is never published either —
// the name a citizen introduces or signs with, their home, an identity
// card's number — whatever the report recorded of them.
func TestWithoutPersonNoWeakerThanTheAgencys(t *testing.T) {
	r := store.Report{Citizen: store.Citizen{Name: "Nguyễn Văn An", Email: "an@example.com"}}
	for _, tc := range []struct{ in, want string }{
		{"Tôi tên là Lê Thị Bình, nhà ở ấp 4 xã Vị Bình, CCCD 093184000123.", "Tôi tên là […], nhà ở […], CCCD […]."},
		{"Đã liên hệ.\n\nTrân trọng,\nPhạm Minh Quân\n", "Đã liên hệ.\n\nTrân trọng,\n[…]\n"},
		{"Đã gọi 0293.3876.543, thư binh.le@yahoo.com.vn.", "Đã gọi […], thư […]."},
	} {
		if got := withoutPerson(tc.in, r); got != tc.want {
			t.Errorf("withoutPerson(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// reports are the seeded reports: only the first two are public.
var reports = []struct {
	state                string
	confidential, secret bool
}{
	{state: "closed"},
	{state: "published"},
	{state: "published", confidential: true},
	{state: "published", secret: true},
	{state: "resolved"},
	{state: "escalated"},
	{state: "closed"}, // erased below
}

var received = time.Date(2026, 11, 23, 1, 15, 0, 0, time.UTC)

func seed(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		for i, s := range reports {
			at := received.Add(time.Duration(i) * time.Hour)
			r, err := tx.CreateReport(store.Report{State: s.state, ReceivedAt: at, Confidential: s.confidential,
				Citizen: store.Citizen{Name: "Lê Thị Cúc", Phone: "0987654321"}, Content: "Cột điện nghiêng sắp đổ, gọi Lê Thị Cúc 0987654321.",
				Routing: store.Routing{Field: "dien", Unit: "vi-thuy", Agency: "dien-luc"}})
			if err != nil {
				return err
			}
			r.Result, r.ResolvedAt, r.PublishedAt = "Đã dựng lại cột điện.", at.Add(time.Hour), at.Add(2*time.Hour)
			if err := tx.UpdateReport(r, at.Add(2*time.Hour)); err != nil {
				return err
			}
			if s.secret {
				if err := markSecret(tx, r.ID, at); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func build(t *testing.T, db *store.DB) *Publication {
	t.Helper()
	return buildWith(t, db, routing.Default(), "https://phananh.haugiang.gov.vn/")
}

// buildWith builds the publication with a table, at a public address.
func buildWith(t *testing.T, db *store.DB, table *routing.Table, url string) *Publication {
	t.Helper()
	var p *Publication
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		p, err = Build(tx, table, url, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOnlyApprovedPublicResults: a result is public when approved (the
// report published or closed), neither confidential nor secret, its
// personal data not erased; the latest approved first; its texts without
// the citizen's name and phone.
func TestOnlyApprovedPublicResults(t *testing.T) {
	db := seed(t)
	_, err := db.Erase(context.Background(), "PA-2026-000007", store.Erasure{At: received.Add(48 * time.Hour), Cause: store.ErasureRequest,
		Reason: "yêu cầu của chủ thể dữ liệu", Actor: "test"}, func(store.Report, []store.Deadline) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	p := build(t, db)
	var codes []string
	for _, r := range p.Results {
		codes = append(codes, r.Code)
		if strings.Contains(r.Summary+r.Text, "Cúc") || strings.Contains(r.Summary+r.Text, "0987") {
			t.Errorf("%s: %q / %q", r.Code, r.Summary, r.Text)
		}
	}
	if got := strings.Join(codes, " "); got != "PA-2026-000002 PA-2026-000001" {
		t.Errorf("public results %s, want PA-2026-000002 PA-2026-000001", got)
	}
	if !p.UpdatedAt.Equal(received.Add(3 * time.Hour)) {
		t.Errorf("updated at %v", p.UpdatedAt)
	}
	js, _ := p.JSON()
	if !strings.Contains(string(js), `"https://phananh.haugiang.gov.vn/ket-qua/PA-2026-000002.html"`) {
		t.Errorf("the JSON's links do not start with the base URL:\n%s", js)
	}
}

// TestWriteFilesRemovesWhatIsNoLongerPublic: a second run after a report
// was marked secret leaves none of its files.
func TestWriteFilesRemovesWhatIsNoLongerPublic(t *testing.T) {
	db := seed(t)
	dir := t.TempDir()
	if _, err := build(t, db).WriteFiles(dir, db.Blobs()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ket-qua/PA-2026-000001.html", "open311/v2/requests/PA-2026-000001.xml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		return markSecret(tx, 1, received)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := build(t, db).WriteFiles(dir, db.Blobs()); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if b, _ := os.ReadFile(path); strings.Contains(path, "PA-2026-000001") || strings.Contains(string(b), "PA-2026-000001") {
			t.Errorf("%s is left of a secret result", path)
		}
		return nil
	})
}

// TestHandler: the search, the pages' headers, Open311's arguments and
// errors, and a result marked secret gone at the next request.
func TestHandler(t *testing.T) {
	db := seed(t)
	h := &Handler{DB: db, Routing: routing.Default, Now: func() time.Time { return received.Add(24 * time.Hour) }}
	mux := http.NewServeMux()
	h.Routes(mux)
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	for _, tc := range []struct {
		path, location string
		status         int
		contains       string
	}{
		{"/ket-qua", "/ket-qua/", http.StatusMovedPermanently, ""},
		{"/ket-qua/tim?ma=+pa+2026+000002+", "/ket-qua/PA-2026-000002.html", http.StatusSeeOther, ""},
		{"/ket-qua/tim?ma=PA-2026-000003", "", http.StatusNotFound, "Không có kết quả công khai của phản ánh «PA-2026-000003»"},
		{"/ket-qua/tim?ma=%3Cb%3E", "", http.StatusNotFound, "«&lt;b&gt;»"},
		{"/ket-qua/PA-2026-000004.html", "", http.StatusNotFound, "Tra cứu"},
		{"/ket-qua/PA-2026-000001/anh-1.jpg", "", http.StatusNotFound, ""},
		{"/ket-qua/thang-2026-11.html", "", http.StatusOK, "PA-2026-000002"},
		{"/ket-qua/thang-2026-10.html", "", http.StatusNotFound, ""},
		{"/open311/v2/requests.json?status=pending", "", http.StatusBadRequest, `"status: must be open or closed"`},
		{"/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", "", http.StatusBadRequest, "90 days"},
		{"/open311/v2/requests.json?status=open", "", http.StatusOK, "[]"},
		{"/open311/v2/requests.json?service_code=dien", "", http.StatusOK, `"service_request_id": "PA-2026-000002"`},
		{"/open311/v2/requests.json?service_code=giao-thong", "", http.StatusOK, "[]"},
		{"/open311/v2/requests.json?start_date=2026-12-01T00:00:00Z", "", http.StatusOK, "[]"},
		{"/open311/v2/requests/PA-2026-000003.xml", "", http.StatusNotFound, "<errors>\n  <error>\n    <code>404</code>"},
		{"/open311/v2/discovery.json", "", http.StatusNotFound, `"code": 404`},
	} {
		w := get(tc.path)
		if w.Code != tc.status || w.Header().Get("Location") != tc.location || !strings.Contains(w.Body.String(), tc.contains) {
			t.Errorf("GET %s: %d to %q, want %d to %q with %q:\n%.400s", tc.path, w.Code, w.Header().Get("Location"),
				tc.status, tc.location, tc.contains, w.Body.String())
		}
	}
	var all []map[string]any
	json.Unmarshal(get("/open311/v2/requests.json").Body.Bytes(), &all)
	if len(all) != 3 {
		t.Fatalf("%d requests in the last 90 days, want 3", len(all))
	}
	db.Write(context.Background(), func(tx *store.Tx) error {
		return markSecret(tx, 2, received)
	})
	if w := get("/ket-qua/PA-2026-000002.html"); w.Code != http.StatusNotFound {
		t.Errorf("a result marked secret is still served: %d", w.Code)
	}
}

// TestOpen311ListsBounded: a GET Service Requests with tens of thousands of
// ids or service codes in its URL — a megabyte of them, which the server
// reads — cost a comparison of each against every result: it is refused,
// as more than the limit of requests one answer holds.
func TestOpen311ListsBounded(t *testing.T) {
	db := seed(t)
	h := &Handler{DB: db, Routing: routing.Default, Now: func() time.Time { return received.Add(24 * time.Hour) }}
	mux := http.NewServeMux()
	h.Routes(mux)
	ids := make([]string, Open311Limit+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("PA-2026-%06d", i+10)
	}
	for _, key := range []string{"service_request_id", "service_code"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/open311/v2/requests.json?"+key+"="+strings.Join(ids, ","), nil))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), key) {
			t.Errorf("%d values of %s: %d %.200s", len(ids), key, w.Code, w.Body.String())
		}
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/open311/v2/requests.json?service_request_id="+strings.Join(ids[:Open311Limit-1], ",")+",PA-2026-000002", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "PA-2026-000002") {
		t.Errorf("%d ids: %d %.200s", Open311Limit, w.Code, w.Body.String())
	}
}

// markSecret marks a report secret as an approver's /secret does: the
// report's mark, and the command in its log.
func markSecret(tx *store.Tx, id int64, at time.Time) error {
	r, err := tx.ReportByID(id)
	if err != nil {
		return err
	}
	r.Secret = true
	if err := tx.UpdateReport(r, at); err != nil {
		return err
	}
	return tx.AppendEvent(id, store.Event{At: at, Actor: "system", Command: "/secret", From: r.State, To: r.State})
}

// TestCoAgenciesPublished: a report handled by a lead agency with
// co-agencies (Art 7.1) names them all in its public result (SPEC 9.6):
// the JSON, the report's page, the list and Open311's agency_responsible.
func TestCoAgenciesPublished(t *testing.T) {
	db := seed(t)
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report("PA-2026-000002")
		if err != nil {
			return err
		}
		r.CoAgencies = []string{"ubnd-vi-thuy", "so-ct"}
		return tx.UpdateReport(r, received.Add(3*time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	p := build(t, db)
	r, ok := p.Result("PA-2026-000002")
	if !ok {
		t.Fatal("no public result")
	}
	js, _ := p.ResultJSON(r)
	var got struct {
		CoAgencies []struct{ Code, Name string } `json:"co_agencies"`
	}
	json.Unmarshal(js, &got)
	if len(got.CoAgencies) != 2 || got.CoAgencies[0].Code != "ubnd-vi-thuy" || got.CoAgencies[0].Name != "Ủy ban nhân dân huyện Vị Thủy" ||
		got.CoAgencies[1].Name != "Sở Công Thương" {
		t.Errorf("the JSON's co-agencies: %+v\n%s", got.CoAgencies, js)
	}
	const named = "Cơ quan phối hợp</dt><dd>Ủy ban nhân dân huyện Vị Thủy, Sở Công Thương</dd>"
	if page, _ := p.Page(r); !strings.Contains(string(page), named) {
		t.Errorf("the page does not name the co-agencies:\n%s", page)
	}
	if index, _ := p.Index(); !strings.Contains(string(index), "Công ty Điện lực Hậu Giang, phối hợp: Ủy ban nhân dân huyện Vị Thủy, Sở Công Thương") {
		t.Errorf("the list does not name the co-agencies:\n%s", index)
	}
	const responsible = "Công ty Điện lực Hậu Giang (chủ trì); phối hợp: Ủy ban nhân dân huyện Vị Thủy, Sở Công Thương"
	if q := p.Request(r); q.AgencyResponsible != responsible {
		t.Errorf("agency_responsible %q, want %q", q.AgencyResponsible, responsible)
	}
	if alone, _ := p.Result("PA-2026-000001"); p.Request(alone).AgencyResponsible != "Công ty Điện lực Hậu Giang" {
		t.Errorf("agency_responsible of a report without co-agencies: %q", p.Request(alone).AgencyResponsible)
	}
}

// TestPublishedPhotos: a result's JPEG, HEIC, PNG and WebP photos are
// published, renamed by position, without their metadata (the PNG's Exif
// with its GPS position, its author, XMP and time; the HEIC's Exif and XMP
// items) and served with their own type; a video and a document stay at
// the Center.
func TestPublishedPhotos(t *testing.T) {
	db := seed(t)
	heic, _ := os.ReadFile("testdata/gps.heic")
	addPhotos(t, db, "PA-2026-000001", sentPhoto{"IMG_1.jpg", "image/jpeg", "gps.jpg", nil}, sentPhoto{"IMG_2.heic", "image/heic", "gps.heic", nil},
		sentPhoto{"IMG_3.mov", "video/quicktime", "", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ")},
		sentPhoto{"Screenshot.png", "image/png", "gps.png", nil}, sentPhoto{"bien-ban.pdf", "application/pdf", "", []byte("%PDF-1.4")},
		sentPhoto{"anh.webp", "image/webp", "gps.webp", nil})
	res, _ := build(t, db).Result("PA-2026-000001")
	var names []string
	for _, ph := range res.Photos {
		names = append(names, ph.Name)
	}
	if got := strings.Join(names, " "); got != "anh-1.jpg anh-2.heic anh-3.png anh-4.webp" {
		t.Fatalf("photos %q, want anh-1.jpg anh-2.heic anh-3.png anh-4.webp", got)
	}
	h := &Handler{DB: db, Routing: routing.Default, Now: func() time.Time { return received.Add(24 * time.Hour) }}
	mux := http.NewServeMux()
	h.Routes(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/ket-qua/PA-2026-000001/anh-3.png", nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("GET anh-3.png: %d, %s", w.Code, w.Header().Get("Content-Type"))
	}
	dir := t.TempDir()
	if _, err := build(t, db).WriteFiles(dir, db.Blobs()); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(filepath.Join(dir, "ket-qua", "PA-2026-000001", "anh-3.png"))
	if err != nil {
		t.Fatal(err)
	}
	if w, err := os.ReadFile(filepath.Join(dir, "ket-qua", "PA-2026-000001", "anh-4.webp")); err != nil || bytes.Contains(w, []byte("EXIF")) {
		t.Errorf("the published WebP: %v, EXIF left %v", err, bytes.Contains(w, []byte("EXIF")))
	}
	h2, err := os.ReadFile(filepath.Join(dir, "ket-qua", "PA-2026-000001", "anh-2.heic"))
	if err != nil || len(h2) != len(heic) {
		t.Errorf("the published HEIC: %v, %d bytes of %d", err, len(h2), len(heic))
	}
	for _, leak := range []string{"Apple", "iPhone", "Nguyen", "rdf:RDF"} {
		if bytes.Contains(h2, []byte(leak)) {
			t.Errorf("%q is still in the published HEIC", leak)
		}
	}
	for _, b := range [][]byte{w.Body.Bytes(), written} {
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("the published PNG is no PNG: %v", err)
		}
		for _, leak := range []string{"eXIf", "tEXt", "iTXt", "tIME", "Nguyen", "GPS"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%q is still in the published PNG", leak)
			}
		}
	}
}
