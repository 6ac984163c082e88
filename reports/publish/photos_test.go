package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// sentPhoto is a file of a result's reply.
type sentPhoto struct {
	name, typ, file string // file: under testdata
	data            []byte // the file's bytes when file is ""
}

// addPhotos records the files as the result's of the report code, as a
// handler's /resolve reply brings them.
func addPhotos(t *testing.T, db *store.DB, code string, photos ...sentPhoto) {
	t.Helper()
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		msg, err := tx.RecordMessage(store.Message{RawKey: "k-" + code, Kind: "command", ReportCode: code, ReceivedAt: received, ProcessedAt: received})
		if err != nil {
			return err
		}
		for _, ph := range photos {
			data := ph.data
			if ph.file != "" {
				var err error
				if data, err = os.ReadFile(filepath.Join("testdata", ph.file)); err != nil {
					return err
				}
			}
			key, _, err := db.Blobs().Put(bytes.NewReader(data))
			if err != nil {
				return err
			}
			a := store.Attachment{MessageID: msg, Role: "result", Name: ph.name, Type: ph.typ, Size: int64(len(data)), BlobKey: key}
			if _, err := tx.AddAttachment(r.ID, a); err != nil {
				return err
			}
		}
		r.ResultMessageID = msg
		return tx.UpdateReport(r, received)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// imgHEIF is an <img> of a HEIC or HEIF file.
var imgHEIF = regexp.MustCompile(`(?i)<img[^>]*\.hei[cf]"`)

// TestHEICPhotoLinked: an iPhone's HEIC photo, which only Safari shows, is
// not put in an <img> — Chrome, Firefox and Edge would show a broken image
// — but linked, named with its format and its size, on the page the daemon
// serves and on the one WriteFiles writes, while the JPEG beside it is
// shown; the JSON gives each photo's type, and Open311's media_url is the
// first photo a browser shows, none when every photo is HEIC.
func TestHEICPhotoLinked(t *testing.T) {
	db := seed(t)
	addPhotos(t, db, "PA-2026-000001", sentPhoto{"IMG_0042.HEIC", "image/heic", "gps.heic", nil}, sentPhoto{"IMG_0043.jpg", "image/jpeg", "gps.jpg", nil})
	addPhotos(t, db, "PA-2026-000002", sentPhoto{"IMG_0044.HEIC", "image/heic", "gps.heic", nil})
	h := &Handler{DB: db, Routing: routing.Default, BaseURL: "https://phananh.haugiang.gov.vn",
		Now: func() time.Time { return received.Add(24 * time.Hour) }}
	mux := http.NewServeMux()
	h.Routes(mux)
	get := func(path string) []byte {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		return w.Body.Bytes()
	}
	dir := t.TempDir()
	if _, err := build(t, db).WriteFiles(dir, db.Blobs()); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(filepath.Join(dir, "ket-qua", "PA-2026-000001.html"))
	if err != nil {
		t.Fatal(err)
	}
	heic, _ := os.ReadFile(filepath.Join(dir, "ket-qua", "PA-2026-000001", "anh-1.heic"))
	if len(heic) != 4618 {
		t.Fatalf("the published HEIC has %d bytes, want the 4618 of the stripped file", len(heic))
	}
	const link = `<a href="PA-2026-000001/anh-1.heic" type="image/heic">anh-1.heic</a> (ảnh định dạng HEIC, 5 KB`
	for from, page := range map[string][]byte{"the daemon": get("/ket-qua/PA-2026-000001.html"), "WriteFiles": written} {
		if imgHEIF.Match(page) || !bytes.Contains(page, []byte(link)) ||
			!bytes.Contains(page, []byte(`<img src="PA-2026-000001/anh-2.jpg"`)) {
			t.Errorf("the page from %s shows the HEIC in an <img>, or does not link it as %s:\n%s", from, link, page)
		}
	}
	if !bytes.Equal(written, get("/ket-qua/PA-2026-000001.html")) {
		t.Error("WriteFiles wrote a page unlike the daemon's")
	}

	var result struct {
		Photos []struct{ URL, Type string } `json:"photos"`
	}
	if err := json.Unmarshal(get("/ket-qua/PA-2026-000001.json"), &result); err != nil {
		t.Fatal(err)
	}
	const base = "https://phananh.haugiang.gov.vn/ket-qua/PA-2026-000001/"
	if len(result.Photos) != 2 || result.Photos[0].URL != base+"anh-1.heic" || result.Photos[0].Type != "image/heic" ||
		result.Photos[1].URL != base+"anh-2.jpg" || result.Photos[1].Type != "image/jpeg" {
		t.Errorf("the JSON's photos: %+v", result.Photos)
	}

	var requests []Request
	if err := json.Unmarshal(get("/open311/v2/requests.json?service_request_id=PA-2026-000001,PA-2026-000002"), &requests); err != nil {
		t.Fatal(err)
	}
	media := map[string]string{}
	for _, q := range requests {
		media[q.ServiceRequestID] = q.MediaURL
	}
	if media["PA-2026-000001"] != base+"anh-2.jpg" || media["PA-2026-000002"] != "" {
		t.Errorf("Open311's media_url: %q, want the JPEG, and none for a result whose only photo is HEIC", media)
	}
	if page := get("/ket-qua/PA-2026-000002.html"); imgHEIF.Match(page) ||
		!strings.Contains(string(page), `<a href="PA-2026-000002/anh-1.heic" type="image/heic">`) {
		t.Errorf("the page of a result whose only photo is HEIC:\n%s", page)
	}
}
